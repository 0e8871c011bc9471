//! The conda solve: repodata through rattler's gateway, virtual packages of the host,
//! resolvo (`discovery.md` §3 step 1).

use super::plan::inputs::DiscoveryInputs;
use rattler_conda_types::{
    Channel, GenericVirtualPackage, MatchSpec, ParseStrictness, RepoDataRecord, Subdir,
};
use rattler_repodata_gateway::Gateway;
use rattler_solve::{SolverImpl, SolverTask, resolvo};
use rattler_virtual_packages::{VirtualPackageOverrides, VirtualPackages};
use std::str::FromStr;

/// Render an error with its chain of causes (`a: b: c`).
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// The inputs name a platform rattler does not know.
#[derive(Debug, thiserror::Error)]
#[error("unknown platform: {0}")]
pub struct UnknownPlatform(<Subdir as FromStr>::Err);

/// The solver's target platform.
pub fn subdir(inputs: &DiscoveryInputs) -> Result<Subdir, UnknownPlatform> {
    Subdir::from_str(&inputs.platform).map_err(UnknownPlatform)
}

/// The channels to fetch repodata from: the inputs' channels, then any channel a match
/// spec names explicitly that is not among them (so a default-feature package pinned to
/// its own channel can be found even when the spec's channel list lacks it).
pub fn solve_channels(inputs: &DiscoveryInputs) -> Vec<String> {
    let mut channels = inputs.channels.clone();
    for c in inputs.conda.iter().filter_map(|c| c.channel.as_ref()) {
        if !channels.contains(c) {
            channels.push(c.clone());
        }
    }
    channels
}

/// Solve the inputs' match specs for the inputs' platform (+ `noarch`).
pub async fn solve(
    inputs: &DiscoveryInputs,
    gateway: &Gateway,
) -> Result<Vec<RepoDataRecord>, String> {
    let platform = subdir(inputs).map_err(|e| e.to_string())?;
    let specs = inputs
        .spec_texts()
        .iter()
        .map(|s| {
            MatchSpec::from_str(s, ParseStrictness::Lenient)
                .map_err(|e| format!("invalid match spec `{s}`: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let channels = solve_channels(inputs)
        .iter()
        .map(|c| {
            url::Url::parse(c)
                .map(Channel::from_url)
                .map_err(|e| format!("invalid channel URL `{c}`: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let repodata = gateway
        .query(channels, [platform, Subdir::NoArch], specs.clone())
        .recursive(true)
        .execute()
        .await
        .map_err(|e| error_chain(&e))?;
    let virtual_packages = detect_virtual_packages(platform)?;
    let task = SolverTask {
        virtual_packages,
        specs,
        ..SolverTask::from_iter(repodata.repodata.iter())
    };
    resolvo::Solver
        .solve(task)
        .map(|r| r.records)
        .map_err(|e| error_chain(&e))
}

/// The host's virtual packages (`__glibc`, `__osx`, `__cuda`, ...) for `platform`,
/// honouring the `CONDA_OVERRIDE_*` variables.
fn detect_virtual_packages(platform: Subdir) -> Result<Vec<GenericVirtualPackage>, String> {
    VirtualPackages::detect_for_platform(platform, &VirtualPackageOverrides::from_env(), None)
        .map(|v| v.into_generic_virtual_packages().collect())
        .map_err(|e| format!("cannot detect virtual packages: {}", error_chain(&e)))
}
