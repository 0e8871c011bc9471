//! Discovery inputs (`discovery.md` §2): what the solver, `uv` and the key see. Pure.
//!
//! The inputs are computed from the spec's requirements, the merged `default` feature
//! (handed in as a value, see [`DefaultFeature`]), the `$WT_CONDA_CHANNEL` value, the
//! target platform and the set of local `file://` channels that exist on disk (probed
//! by the caller, so this module never touches the file system).

use crate::spec::requirements::{PypiRequirement, Requirement, known_channels};
use serde::{Deserialize, Serialize};

const CONDA_FORGE: &str = "https://conda.anaconda.org/conda-forge/";

/// The merged `default` feature (`dependencies.md` §1.2) as discovery needs it: it is
/// folded into the discovery environment so schema generation sees the runtime's
/// library set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct DefaultFeature {
    pub conda: Vec<FeatureConda>,
    pub pypi: Vec<PypiRequirement>,
}

/// One conda entry of a feature: name, version text (`*` for any) and channel base URL.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FeatureConda {
    pub name: String,
    pub version: String,
    pub channel: String,
}

/// One conda match spec of the discovery solve.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CondaSpec {
    pub name: String,
    /// Normalised version text; `None` for the injected `python` / `uv` (any version).
    pub version: Option<String>,
    /// Channel base URL; `None` for the injected `python` / `uv`.
    pub channel: Option<String>,
}

impl CondaSpec {
    fn any(name: &str) -> Self {
        Self {
            name: name.into(),
            version: None,
            channel: None,
        }
    }

    /// The match spec text handed to the solver: `<base URL>::<name> <version>`.
    pub fn text(&self) -> String {
        let mut s = String::new();
        if let Some(c) = &self.channel {
            s.push_str(c);
            s.push_str("::");
        }
        s.push_str(&self.name);
        if let Some(v) = self.version.as_deref().filter(|v| !v.is_empty()) {
            s.push(' ');
            s.push_str(v);
        }
        s
    }

    /// The spec as the reference's rattler printed it (`discovery.json`): the channel by
    /// name (`conda-forge`, `my-channel` for `https://host/my-channel/`), `file://`
    /// channels as their URL.
    pub fn reference_display(&self) -> String {
        let mut spec = self.clone();
        spec.channel = self.channel.as_deref().map(channel_display_name);
        spec.text()
    }
}

/// How rattler 0.22 named a channel given by URL: below the channel alias the path,
/// other http(s) channels the URL path, `file://` channels the URL itself.
pub fn channel_display_name(base_url: &str) -> String {
    if base_url.starts_with("file://") {
        return base_url.to_string();
    }
    let rest = base_url
        .strip_prefix("https://conda.anaconda.org/")
        .or_else(|| {
            base_url
                .split_once("://")
                .map(|(_, r)| r.split_once('/').map_or("", |(_, p)| p))
        })
        .unwrap_or(base_url);
    rest.trim_matches('/').to_string()
}

/// The name a solved record's channel is recorded under: `conda-forge` for
/// `https://conda.anaconda.org/conda-forge/`, else the base URL.
pub fn record_channel_name(base_url: &str) -> String {
    match base_url.strip_prefix("https://conda.anaconda.org/") {
        Some(name) if !name.trim_matches('/').contains('/') && !name.is_empty() => {
            name.trim_matches('/').to_string()
        }
        _ => base_url.to_string(),
    }
}

/// One PyPI requirement of the bulk `uv pip install`: its name and its pip argument(s).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PypiSpec {
    pub name: String,
    pub args: Vec<String>,
    /// The local source directory of a `path` requirement (its content is not part of
    /// the key; the cache checks it for changes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// Everything discovery depends on; the discovery key is a hash of exactly this.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DiscoveryInputs {
    pub platform: String,
    /// Channel base URLs, in priority order.
    pub channels: Vec<String>,
    pub conda: Vec<CondaSpec>,
    pub pypi: Vec<PypiSpec>,
}

impl DiscoveryInputs {
    /// `uv` arguments after the executable: one bulk install into `python`'s environment,
    /// reinstalling every named requirement.
    pub fn uv_argv(&self, python: &str) -> Vec<String> {
        let mut argv: Vec<String> = ["pip", "install", "--python", python]
            .into_iter()
            .map(String::from)
            .collect();
        for p in &self.pypi {
            argv.push("--reinstall-package".into());
            argv.push(p.name.clone());
        }
        argv.extend(self.pypi.iter().flat_map(|p| p.args.iter().cloned()));
        argv
    }

    /// The solver's match spec texts, one per line, for messages.
    pub fn spec_texts(&self) -> Vec<String> {
        self.conda.iter().map(CondaSpec::text).collect()
    }
}

/// The conda platform discovery solves for: the host's. (The reference maps every Linux
/// host to `linux-64`; wtc solves for `linux-aarch64` on ARM Linux, where `linux-64`
/// packages could not run.)
pub fn host_platform() -> &'static str {
    if cfg!(target_os = "macos") {
        if cfg!(target_arch = "aarch64") {
            "osx-arm64"
        } else {
            "osx-64"
        }
    } else if cfg!(target_os = "windows") {
        "win-64"
    } else if cfg!(all(target_os = "linux", target_arch = "aarch64")) {
        "linux-aarch64"
    } else {
        "linux-64"
    }
}

/// The `file://` channels whose existence decides the channel list: the known local
/// channels and every local channel the spec names. The caller probes them.
pub fn local_channel_candidates(
    requirements: &[Requirement],
    wt_conda_channel: &str,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let spec = requirements.iter().filter_map(|r| match r {
        Requirement::Conda(c) => Some(c.channel.base_url.clone()),
        Requirement::Pypi(_) => None,
    });
    let known = known_channels(wt_conda_channel)
        .into_iter()
        .map(|c| c.base_url);
    for url in spec.chain(known) {
        if url.starts_with("file://") && !out.contains(&url) {
            out.push(url);
        }
    }
    out
}

/// Compute the discovery inputs (`discovery.md` §2). `local_channel_exists` answers for
/// `file://` base URLs (see [`local_channel_candidates`]).
pub fn discovery_inputs(
    requirements: &[Requirement],
    default: &DefaultFeature,
    wt_conda_channel: &str,
    platform: &str,
    local_channel_exists: &dyn Fn(&str) -> bool,
) -> DiscoveryInputs {
    let spec_conda: Vec<_> = requirements
        .iter()
        .filter_map(|r| match r {
            Requirement::Conda(c) => Some(c),
            Requirement::Pypi(_) => None,
        })
        .collect();
    let spec_pypi = requirements.iter().filter_map(|r| match r {
        Requirement::Pypi(p) => Some(p),
        Requirement::Conda(_) => None,
    });

    // Channels: the spec's (first occurrence order), then every known one; drop local
    // channels that do not exist. Without conda requirements: conda-forge only.
    let channels = if spec_conda.is_empty() {
        vec![CONDA_FORGE.to_string()]
    } else {
        let mut channels: Vec<String> = Vec::new();
        let known = known_channels(wt_conda_channel)
            .into_iter()
            .map(|c| c.base_url);
        for url in spec_conda
            .iter()
            .map(|c| c.channel.base_url.clone())
            .chain(known)
        {
            if !channels.contains(&url) {
                channels.push(url);
            }
        }
        channels.retain(|url| !url.starts_with("file://") || local_channel_exists(url));
        channels
    };

    // Fold in the merged default feature: its names displace spec entries.
    let displaced: Vec<String> = default
        .conda
        .iter()
        .map(|c| c.name.to_lowercase())
        .chain(default.pypi.iter().map(|p| p.name.clone()))
        .collect();
    let is_displaced = |name: &str| displaced.iter().any(|d| d == name);
    let mut conda: Vec<CondaSpec> = spec_conda
        .iter()
        .filter(|c| !is_displaced(&c.name.to_lowercase()))
        .map(|c| CondaSpec {
            name: c.name.clone(),
            version: Some(c.version.clone()),
            channel: Some(c.channel.base_url.clone()),
        })
        .collect();
    conda.extend(default.conda.iter().map(|c| CondaSpec {
        name: c.name.clone(),
        version: Some(c.version.clone()),
        channel: Some(c.channel.clone()),
    }));
    let pypi: Vec<PypiSpec> = spec_pypi
        .filter(|p| !is_displaced(&p.name))
        .chain(&default.pypi)
        .map(|p| PypiSpec {
            name: p.name.clone(),
            args: pip_argument(p),
            path: p.path.clone(),
        })
        .collect();

    // The PyPI step needs python and uv inside the environment.
    if !pypi.is_empty() {
        let has =
            |conda: &[CondaSpec], n: &str| conda.iter().any(|c| c.name.eq_ignore_ascii_case(n));
        if !has(&conda, "python") {
            conda.insert(0, CondaSpec::any("python"));
        }
        if !has(&conda, "uv") {
            conda.push(CondaSpec::any("uv"));
        }
    }

    DiscoveryInputs {
        platform: platform.to_string(),
        channels,
        conda,
        pypi,
    }
}

/// The pip/uv argument(s) of a PyPI requirement (`spec-yaml.md` §3.2). A version-only
/// requirement (possible from env-overrides) becomes `<name><version>`, where the
/// reference fails with "No source set".
pub fn pip_argument(p: &PypiRequirement) -> Vec<String> {
    let extras = match &p.extras {
        Some(e) if !e.is_empty() => format!("[{}]", e.join(",")),
        _ => String::new(),
    };
    if let Some(git) = &p.git {
        let mut s = format!("{}{extras} @ git+{git}", p.name);
        let reference = [&p.rev, &p.branch, &p.tag]
            .into_iter()
            .flatten()
            .find(|r| !r.is_empty());
        if let Some(r) = reference {
            s.push('@');
            s.push_str(r);
        }
        if let Some(sub) = &p.subdirectory {
            s.push_str("#subdirectory=");
            s.push_str(sub);
        }
        return vec![s];
    }
    if let Some(path) = &p.path {
        let arg = format!("{path}{extras}");
        return if p.editable == Some(true) {
            vec!["-e".into(), arg]
        } else {
            vec![arg]
        };
    }
    if let Some(url) = &p.url {
        return vec![format!("{}{extras} @ {url}", p.name)];
    }
    let version = p.version.as_deref().unwrap_or("").trim();
    let version = if version.starts_with(|c: char| c.is_ascii_digit()) {
        format!("=={version}")
    } else {
        version.to_string()
    };
    vec![format!("{}{extras}{version}", p.name)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_names_as_the_reference_printed_them() {
        for (url, want) in [
            ("https://conda.anaconda.org/conda-forge/", "conda-forge"),
            (
                "https://repo.prefix.dev/my-test-channel/",
                "my-test-channel",
            ),
            (
                "file:///tmp/ecoscope-workflows/release/artifacts/",
                "file:///tmp/ecoscope-workflows/release/artifacts/",
            ),
        ] {
            assert_eq!(channel_display_name(url), want);
        }
        assert_eq!(
            record_channel_name("https://conda.anaconda.org/conda-forge/"),
            "conda-forge"
        );
        assert_eq!(
            record_channel_name("https://repo.prefix.dev/x/"),
            "https://repo.prefix.dev/x/"
        );
    }

    #[test]
    fn pip_arguments() {
        let base = PypiRequirement {
            name: "pkg".into(),
            ..Default::default()
        };
        let git = PypiRequirement {
            git: Some("https://g/x.git".into()),
            branch: Some("dev".into()),
            subdirectory: Some("sub".into()),
            extras: Some(vec!["a".into(), "b".into()]),
            ..base.clone()
        };
        assert_eq!(
            pip_argument(&git),
            ["pkg[a,b] @ git+https://g/x.git@dev#subdirectory=sub"]
        );
        let path = PypiRequirement {
            path: Some("/src/pkg".into()),
            editable: Some(true),
            ..base.clone()
        };
        assert_eq!(pip_argument(&path), ["-e", "/src/pkg"]);
        let url = PypiRequirement {
            url: Some("https://x/p.whl".into()),
            ..base.clone()
        };
        assert_eq!(pip_argument(&url), ["pkg @ https://x/p.whl"]);
        let version = PypiRequirement {
            version: Some("1.0".into()),
            ..base
        };
        assert_eq!(pip_argument(&version), ["pkg==1.0"]);
    }
}
