//! Discovery's pure half: what a spec's discovery solves, installs and runs
//! ([`inputs`]), and the key that names its result ([`key`]), as salsa queries over the
//! spec's requirements, the merged `default` feature and the host. No I/O: the other half
//! (`discovery::{solve, install, pypi, registry_cmd, cache, lock}`) obtains the result for
//! a key at the edge.

pub mod inputs;
pub mod key;

use crate::db::{Db, Workflow};
use crate::front::requirement_values;
use inputs::{DefaultFeature, DiscoveryInputs, FeatureConda};
use key::DiscoveryKey;
use std::sync::Arc;

/// The merged `default` feature folded into discovery (`dependencies.md` §1.2): Layer A
/// `default` minus the spec's requirement names, then the `--env-overrides` `default`
/// section; no variant. It does not read the solved records, so discovery's own result
/// never re-keys discovery.
#[salsa::tracked(returns(ref))]
pub fn merged_default_feature(db: &dyn Db, wf: Workflow) -> Arc<DefaultFeature> {
    use crate::dependencies::{Feature, defaults::defaults, merge, overrides};
    let requirements = requirement_values(db, wf);
    let empty = crate::dependencies::FeatureDeps::default();
    let declared = wf.options(db).env_overrides(db).map(|f| {
        overrides::resolved(db, f)
            .file
            .feature(Feature::Default)
            .clone()
    });
    let merged = merge::merge_feature(
        defaults().feature(Feature::Default),
        declared.as_ref().unwrap_or(&empty),
        &merge::suppressed(requirements, &[], Feature::Default),
        "",
    );
    Arc::new(DefaultFeature {
        conda: merged
            .conda
            .into_iter()
            .map(|d| FeatureConda {
                name: d.name,
                version: d.version,
                channel: d.channel,
            })
            .collect(),
        pypi: merged.pypi,
    })
}

/// What discovery solves, installs and runs (`discovery.md` §2). Depends only on the
/// requirements, the merged default feature, `$WT_CONDA_CHANNEL` and the host, so edits
/// to `workflow:` never reach it.
#[salsa::tracked(returns(ref))]
pub fn discovery_inputs(db: &dyn Db, wf: Workflow) -> Arc<DiscoveryInputs> {
    let host = wf.host(db);
    let present = host.local_channels(db);
    Arc::new(inputs::discovery_inputs(
        requirement_values(db, wf),
        merged_default_feature(db, wf),
        wf.options(db).wt_conda_channel(db),
        host.platform(db),
        &|url| present.contains(url),
    ))
}

/// The discovery key: the hash of [`discovery_inputs`]; the cache and lock file index.
#[salsa::tracked(returns(ref))]
pub fn discovery_key(db: &dyn Db, wf: Workflow) -> DiscoveryKey {
    key::discovery_key(discovery_inputs(db, wf))
}
