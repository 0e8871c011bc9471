//! `README.md` (release-directory root) and the fingerprint it carries (`artifacts.md` §11).
//!
//! The values are computed by the pure functions of [`crate::fingerprint`]; the queries
//! here feed them from the other artifacts:
//!
//! | query | from |
//! |---|---|
//! | [`params_sha256`] | [`params_value`] |
//! | [`spec_sha256`] | [`spec_dump`]: [`spec_model`] × the registry × [`task_spec_json`] (one memo per task) |
//! | [`installed_requirements`] | [`requirement_values`] × the solved records |
//! | [`readme_hashes`] | `spec_sha256` (on another thread) and the artifact hashes: a manifest of the [`Covered`] files' hashes, each memoized by [`covered_sha256`] (informational, wtc's own definition: see [`crate::fingerprint::artifact_hashes`]) |
//! | [`fingerprint`] → [`readme_md`] | all of the above |

use crate::artifacts::covered::{Covered, covered_sha256};
use crate::artifacts::names;
use crate::artifacts::params_json::params_value;
use crate::db::{Db, Workflow};
use crate::diagnostics::{Code, Diagnostic};
use crate::fingerprint::{
    FileDigest, Fingerprint, FingerprintError, InstalledRequirement, SpecDump,
};
use crate::front::{TaskNode, requirement_values, spec_model, task_nodes};
use crate::templates::HEADER;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;

/// `params_sha256` of the workflow's `params.json`.
#[salsa::tracked(returns(ref))]
pub fn params_sha256(db: &dyn Db, wf: Workflow) -> Result<Arc<str>, Vec<Diagnostic>> {
    let params = params_value(db, wf).clone()?;
    Ok(Arc::from(crate::fingerprint::params_sha256(&params)))
}

/// `spec_sha256` of the workflow's spec, resolved against its registry.
#[salsa::tracked(returns(ref))]
pub fn spec_sha256(db: &dyn Db, wf: Workflow) -> Result<Arc<str>, FingerprintError> {
    spec_dump(db, wf)
        .as_ref()
        .map(|d| spec_hash(d))
        .map_err(Clone::clone)
}

/// The spec dump (`spec_sha256`'s input) with each task instance's text memoized per task
/// ([`task_spec_json`]). Span-free: an edit that only moves things backdates it.
#[salsa::tracked(returns(ref))]
pub fn spec_dump(db: &dyn Db, wf: Workflow) -> Result<Arc<SpecDump>, FingerprintError> {
    let registry = wf.registry(db).registry(db);
    let nodes: HashMap<&str, TaskNode<'_>> = task_nodes(db, wf)
        .iter()
        .map(|n| (n.id(db).as_str(), *n))
        .collect();
    crate::fingerprint::spec_dump(spec_model(db, wf), registry, &mut |t| {
        match nodes.get(t.id.value.as_str()) {
            Some(n) => Ok(task_spec_json(db, *n).clone()),
            // Only a task that did not resolve has no node (the compile reports it).
            None => crate::fingerprint::resolve_instance(t, registry)
                .map(|r| Arc::new(crate::fingerprint::instance_json(&r))),
        }
    })
    .map(Arc::new)
}

/// The spec dump hashed.
fn spec_hash(dump: &SpecDump) -> Arc<str> {
    let mut hasher = Sha256::new();
    dump.stream(&mut |text| hasher.update(text.as_bytes()));
    Arc::from(crate::hex::lower(&hasher.finalize()))
}

/// One task instance as the spec dump writes it (memoized per task).
#[salsa::tracked(returns(ref))]
pub fn task_spec_json<'db>(
    db: &'db dyn Db,
    node: TaskNode<'db>,
) -> Arc<crate::fingerprint::InstanceJson> {
    Arc::new(crate::fingerprint::instance_json(node.task(db)))
}

/// The spec's conda requirements pinned to the solved versions (`--solved`).
#[salsa::tracked(returns(ref))]
pub fn installed_requirements(db: &dyn Db, wf: Workflow) -> Arc<Vec<InstalledRequirement>> {
    Arc::new(crate::fingerprint::installed_requirements(
        requirement_values(db, wf),
        wf.registry(db).solved(db),
        wf.options(db).wt_conda_channel(db),
    ))
}

/// `artifacts_sha256_basic` and `artifacts_sha256_strict`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ArtifactHashes {
    pub basic: Arc<str>,
    pub strict: Arc<str>,
}

/// The README's two hash families, computed together: the spec dump is hashed on another
/// thread while the artifact hashes are combined from the per-file hashes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadmeHashes {
    pub spec: Result<Arc<str>, FingerprintError>,
    pub artifacts: Result<ArtifactHashes, Vec<Diagnostic>>,
}

/// [`ReadmeHashes`]: `spec_sha256` (equal to [`spec_sha256`]) and the artifact hashes, a
/// manifest of the [`Covered`] files' hashes ([`crate::fingerprint::artifact_hashes`]).
/// Each file is hashed by [`covered_sha256`], memoized per file, so an edit re-hashes only
/// the files it changed.
#[salsa::tracked(returns(ref))]
pub fn readme_hashes(db: &dyn Db, wf: Workflow) -> ReadmeHashes {
    let dump = spec_dump(db, wf);
    std::thread::scope(|scope| {
        let spec_hash = scope.spawn(|| dump.as_ref().map(|d| spec_hash(d)).map_err(Clone::clone));
        let artifacts = artifact_hashes(db, wf);
        ReadmeHashes {
            spec: spec_hash
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            artifacts,
        }
    })
}

/// The artifact hashes from the per-file hashes, or the diagnostics of the first covered
/// file that failed.
fn artifact_hashes(db: &dyn Db, wf: Workflow) -> Result<ArtifactHashes, Vec<Diagnostic>> {
    let pkg = &names(db, wf).package_name;
    let paths = Covered::ALL.map(|file| file.path(pkg));
    let mut files = Vec::with_capacity(paths.len());
    for (file, path) in Covered::ALL.into_iter().zip(&paths) {
        files.push(FileDigest {
            path,
            sha256: *covered_sha256(db, wf, file)
                .as_ref()
                .map_err(Clone::clone)?,
            in_basic: file.in_basic(),
        });
    }
    let (basic, strict) = crate::fingerprint::artifact_hashes(&files);
    Ok(ArtifactHashes {
        basic: Arc::from(basic),
        strict: Arc::from(strict),
    })
}

/// All fingerprint values.
#[salsa::tracked(returns(ref))]
pub fn fingerprint(db: &dyn Db, wf: Workflow) -> Result<Arc<Fingerprint>, Vec<Diagnostic>> {
    let params = params_sha256(db, wf).clone()?;
    let hashes = readme_hashes(db, wf);
    let spec = hashes.spec.clone().map_err(|e| {
        vec![
            Diagnostic::error(
                Code::Fingerprint,
                format!("cannot compute spec_sha256: {e}"),
            )
            .without_source(),
        ]
    })?;
    let hashes = hashes.artifacts.clone()?;
    Ok(Arc::new(Fingerprint {
        artifacts_sha256_basic: hashes.basic.to_string(),
        artifacts_sha256_strict: hashes.strict.to_string(),
        installed_requirements: installed_requirements(db, wf).as_ref().clone(),
        params_sha256: params.to_string(),
        spec_sha256: spec.to_string(),
    }))
}

/// `README.md`.
#[salsa::tracked(returns(ref))]
pub fn readme_md(db: &dyn Db, wf: Workflow) -> Result<Arc<str>, Vec<Diagnostic>> {
    let fp = fingerprint(db, wf).clone()?;
    Ok(Arc::from(render(
        &fp.to_yaml(),
        &names(db, wf).release_name,
    )))
}

/// The README text: the header in a fence, the fingerprint YAML in a `yaml` fence (read
/// back by `--update`), then the release name as a title and the graph image.
#[must_use]
pub fn render(fingerprint_yaml: &str, release_name: &str) -> String {
    format!(
        "```\n{HEADER}\n\n```\n\n```yaml\n# fingerprint:\n{fingerprint_yaml}\n```\n\n# {release_name}\n\n![](graph.png)\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout() {
        let text = render("a: 1\n", "wt-x-workflow");
        assert_eq!(
            text,
            "```\n# AUTOGENERATED BY ECOSCOPE-WORKFLOWS; see fingerprint in README.md for details\n\n```\n\n```yaml\n# fingerprint:\na: 1\n\n```\n\n# wt-x-workflow\n\n![](graph.png)\n"
        );
    }
}
