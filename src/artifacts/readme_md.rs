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
//! | [`readme_hashes`] | `spec_sha256` and the artifact hashes over every other generated file (informational, see [`ArtifactContainer`]), on two threads |
//! | [`fingerprint`] → [`readme_md`] | all of the above |

use crate::artifacts::params_json::params_value;
use crate::artifacts::rjsf_json::rjsf_value;
use crate::artifacts::{dag, init_py, names, package_modules};
use crate::artifacts::{
    dockerfile, dockerignore, hatch_build_py, pixi_toml, pyproject_toml, tests_conftest,
    tests_test_metadata, tests_test_results,
};
use crate::db::{Db, Workflow};
use crate::diagnostics::{Code, Diagnostic};
use crate::fingerprint::{
    ArtifactContainer, DagsArtifacts, Fingerprint, FingerprintError, InstalledRequirement,
    PackageArtifacts, SpecDump, TestsArtifacts,
};
use crate::front::{TaskNode, requirement_values, spec_model, task_nodes};
use crate::templates::HEADER;
use crate::templates::Rendered;
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

/// The README's two hash families, computed together: the spec dump and the artifact
/// texts are hashed on separate threads (SHA-256 is sequential within a text; for a large
/// spec these are several megabytes, most of a one-task edit's work).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadmeHashes {
    pub spec: Result<Arc<str>, FingerprintError>,
    pub artifacts: Result<ArtifactHashes, Vec<Diagnostic>>,
}

/// [`ReadmeHashes`]: `spec_sha256` (equal to [`spec_sha256`]) and the artifact hashes over
/// the files wtc generates. The artifact hashes are informational: they cannot equal the
/// reference's (see [`ArtifactContainer`]), since wtc's files are its own.
#[salsa::tracked(returns(ref))]
pub fn readme_hashes(db: &dyn Db, wf: Workflow) -> ReadmeHashes {
    let dump = spec_dump(db, wf);
    let json = hashed_json(db, wf);
    let inits = (init_py::dags_init_py(), init_py::package_init_py());
    let container = json
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|json| artifact_container(db, wf, json, &inits));
    std::thread::scope(|scope| {
        let spec_hash = scope.spawn(|| dump.as_ref().map(|d| spec_hash(d)).map_err(Clone::clone));
        let artifacts = container.map(|c| {
            let (basic, strict) = c.sha256_pair();
            ArtifactHashes {
                basic: Arc::from(basic),
                strict: Arc::from(strict),
            }
        });
        ReadmeHashes {
            spec: spec_hash
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            artifacts,
        }
    })
}

/// Every generated file the artifact hashes cover.
fn artifact_container<'a>(
    db: &'a dyn Db,
    wf: Workflow,
    json: &'a HashedJson,
    (dags_init, package_init): &'a (Arc<str>, Arc<str>),
) -> Result<ArtifactContainer<'a>, Vec<Diagnostic>> {
    let n = names(db, wf);
    Ok(ArtifactContainer {
        release_name: &n.release_name,
        package_name: &n.package_name,
        package: PackageArtifacts {
            dags: DagsArtifacts {
                init_dot_py: dags_init,
                run_sequential_mock_io: dag::run_sequential_mock_io_py(db, wf),
                run_sequential: dag::run_sequential_py(db, wf),
            },
            rjsf: &json.rjsf,
            params_json: &json.params,
            cli: ok(package_modules::cli_py(db, wf))?,
            dispatch: ok(package_modules::dispatch_py(db, wf))?,
            metadata: ok(package_modules::metadata_py(db, wf))?,
            response: ok(package_modules::response_py(db, wf))?,
            init_dot_py: package_init,
        },
        tests: Some(TestsArtifacts {
            conftest: ok(tests_conftest::conftest_py(db, wf))?,
            test_metadata: ok(tests_test_metadata::test_metadata_py(db, wf))?,
            test_results: ok(tests_test_results::test_results_py(db, wf))?,
        }),
        pixi_toml: Some(&json.pixi),
        dockerfile: Some(ok(dockerfile::dockerfile(db, wf))?),
        dockerignore: Some(ok(dockerignore::dockerignore(db, wf))?),
        pyproject_toml: Some(ok(pyproject_toml::pyproject_toml(db, wf))?),
        hatch_build_py: Some(ok(hatch_build_py::hatch_build_py(db, wf))?),
    })
}

/// The parts of the artifact hashes that are JSON values, as sorted JSON text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HashedJson {
    pub params: Arc<str>,
    pub rjsf: Arc<str>,
    /// The pixi manifest model (see [`pixi_manifest_model`]).
    pub pixi: Arc<str>,
}

/// [`HashedJson`], memoized: it is serialized again only when `params.json`, `rjsf.json` or
/// `pixi.toml` change, not on every edit that re-runs [`readme_hashes`] (a task's
/// `partial` value changes the DAG modules only; the schema values backdate).
#[salsa::tracked(returns(ref))]
pub fn hashed_json(db: &dyn Db, wf: Workflow) -> Result<Arc<HashedJson>, Vec<Diagnostic>> {
    let sorted = |v: &serde_json::Value| Arc::from(crate::pyjson::to_string_sorted(v));
    Ok(Arc::new(HashedJson {
        params: sorted(params_value(db, wf).as_ref().map_err(Clone::clone)?),
        rjsf: sorted(rjsf_value(db, wf).as_ref().map_err(Clone::clone)?),
        pixi: sorted(&pixi_manifest_model(pixi_toml::pixi_toml(db, wf))),
    }))
}

/// A rendered file's text, or its template's diagnostics.
fn ok(rendered: &Rendered) -> Result<&str, Vec<Diagnostic>> {
    rendered.as_deref().map_err(Clone::clone)
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

/// The pixi manifest as the reference's manifest model serializes it (for the artifact
/// hashes): the parsed `pixi.toml` with snake_case field names and `pypi_dependencies`
/// always present.
fn pixi_manifest_model(text: &str) -> serde_json::Value {
    use serde_json::Value as J;
    fn item(i: &toml_edit::Item) -> J {
        match i {
            toml_edit::Item::Value(v) => value(v),
            toml_edit::Item::Table(t) => table(t.iter()),
            toml_edit::Item::ArrayOfTables(a) => {
                J::Array(a.iter().map(|t| table(t.iter())).collect())
            }
            toml_edit::Item::None => J::Null,
        }
    }
    fn value(v: &toml_edit::Value) -> J {
        match v {
            toml_edit::Value::String(s) => J::String(s.value().clone()),
            toml_edit::Value::Integer(i) => J::from(*i.value()),
            toml_edit::Value::Float(f) => J::from(*f.value()),
            toml_edit::Value::Boolean(b) => J::Bool(*b.value()),
            toml_edit::Value::Datetime(d) => J::String(d.value().to_string()),
            toml_edit::Value::Array(a) => J::Array(a.iter().map(value).collect()),
            toml_edit::Value::InlineTable(t) => {
                J::Object(t.iter().map(|(k, v)| (snake(k), value(v))).collect())
            }
        }
    }
    fn table<'a>(entries: impl Iterator<Item = (&'a str, &'a toml_edit::Item)>) -> J {
        J::Object(entries.map(|(k, v)| (snake(k), item(v))).collect())
    }
    fn snake(k: &str) -> String {
        match k {
            "pypi-dependencies" | "solve-group" | "no-default-feature" => k.replace('-', "_"),
            _ => k.to_string(),
        }
    }
    let Ok(doc) = text.parse::<toml_edit::DocumentMut>() else {
        return J::Null;
    };
    let mut model = table(doc.iter());
    if let J::Object(m) = &mut model {
        m.entry("pypi_dependencies")
            .or_insert_with(|| J::Object(Default::default()));
    }
    model
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
