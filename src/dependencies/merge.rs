//! Merging the three layers per feature, the `--variant` rewrite, and the warning about
//! spec requirements an env-overrides file supersedes.
//!
//! Per feature (`merge_feature`):
//!
//! 1. `drop` = the suppressed names (layer B) ∪ every name the override section declares;
//! 2. conda = the defaults' conda entries not in `drop`, then the override's conda entries;
//! 3. PyPI = the defaults' PyPI entries not in `drop`, then the override's PyPI entries;
//! 4. with a variant `V`, conda entries named `wt-task` / `wt-runner` become
//!    `wt-task-V` / `wt-runner-V` (same version and channel).
//!
//! Names compare as: conda → normalised name, PyPI → verbatim, spec requirement → verbatim
//! (so `ruamel.yaml` and `ruamel-yaml` are different names, as in the reference).
//!
//! Suppression (`suppressed`) is per feature: `default` drops the defaults named by any
//! spec requirement; `runner` and `test` drop those too, plus the spec's conda requirements
//! found in the solved environment (a subset of the same names). Note that this *leaks*
//! across features exactly like wt-compiler 0.10.3: a spec requiring `pandas` or `wt-runner`
//! removes that default from the `test`/`runner` feature, while the spec's own requirement
//! only lands in the top-level `[dependencies]`, which those environments exclude
//! (`no-default-feature = true`). A spec requiring `wt-runner` thus yields an empty runner
//! environment. Kept for parity; see `dependencies.md` (Notes).

use super::defaults::defaults;
use super::overrides;
use super::{CondaDep, DependencyFile, Feature, FeatureDeps};
use crate::db::OverridesFile;
use crate::db::{Db, SolvedRecord, Workflow};
use crate::diagnostics::{Code, Diagnostic};
use crate::spec::requirements::Requirement;
use crate::syntax::span::LineIndex;
use rattler_conda_types::PackageName;
use std::collections::BTreeSet;
use std::sync::Arc;

/// The packages `--variant` renames.
pub const VARIANT_PACKAGES: &[&str] = &["wt-task", "wt-runner"];

/// Merge one feature's defaults with its override section.
pub fn merge_feature(
    base: &FeatureDeps,
    overrides: &FeatureDeps,
    suppress: &BTreeSet<String>,
    variant: &str,
) -> FeatureDeps {
    let drop: BTreeSet<&str> = suppress
        .iter()
        .map(String::as_str)
        .chain(overrides.names())
        .collect();
    let mut conda: Vec<CondaDep> = base
        .conda
        .iter()
        .filter(|d| !drop.contains(d.name.as_str()))
        .chain(&overrides.conda)
        .cloned()
        .collect();
    let pypi = base
        .pypi
        .iter()
        .filter(|r| !drop.contains(r.name.as_str()))
        .chain(&overrides.pypi)
        .cloned()
        .collect();
    if !variant.is_empty() {
        for dep in &mut conda {
            if VARIANT_PACKAGES.contains(&dep.name.as_str()) {
                dep.name = variant_name(&dep.name, variant);
            }
        }
    }
    FeatureDeps { conda, pypi }
}

/// `<name>-<variant>`, normalised like a conda package name.
fn variant_name(name: &str, variant: &str) -> String {
    let joined = format!("{name}-{variant}");
    PackageName::try_from(joined.as_str()).map_or(joined, |n| n.as_normalized().to_string())
}

/// Names of layer-A entries the spec suppresses in `feature`.
pub fn suppressed(
    requirements: &[Requirement],
    solved: &[SolvedRecord],
    feature: Feature,
) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = requirements.iter().map(|r| name(r).to_string()).collect();
    if feature != Feature::Default {
        let solved: BTreeSet<String> = solved
            .iter()
            .map(|r| {
                PackageName::try_from(r.name.as_str())
                    .map_or_else(|_| r.name.to_lowercase(), |n| n.as_normalized().to_string())
            })
            .collect();
        names.extend(requirements.iter().filter_map(|r| match r {
            Requirement::Conda(c) if solved.contains(&c.name) => Some(c.name.clone()),
            _ => None,
        }));
    }
    names
}

fn name(r: &Requirement) -> &str {
    match r {
        Requirement::Conda(c) => &c.name,
        Requirement::Pypi(p) => &p.name,
    }
}

/// The merged dependencies of every feature, and the diagnostics of the layers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Layers {
    /// Per feature: defaults ∖ suppressed ∖ displaced, then overrides, variant applied.
    pub merged: DependencyFile,
    /// Env-overrides problems (pointing into that file) and an invalid variant.
    pub diagnostics: Vec<Diagnostic>,
}

/// Merge the three layers of one workflow.
#[salsa::tracked(returns(ref))]
pub fn layers(db: &dyn Db, wf: Workflow) -> Arc<Layers> {
    let requirements = crate::front::requirement_values(db, wf);
    let solved = wf.registry(db).solved(db);
    let options = wf.options(db);
    let variant = options.variant(db);
    let mut diagnostics = Vec::new();

    let empty = DependencyFile::default();
    let overrides_file = options.env_overrides(db);
    let overrides = overrides_file.map(|f| overrides::resolved(db, f));
    if let Some(o) = overrides {
        diagnostics.extend(o.diagnostics.iter().cloned());
    }
    let declared = overrides.map_or(&empty, |o| &o.file);

    if !variant.is_empty() {
        for base in VARIANT_PACKAGES {
            let joined = format!("{base}-{variant}");
            if let Err(e) = PackageName::try_from(joined.as_str()) {
                diagnostics.push(
                    Diagnostic::error(
                        Code::InvalidVariant,
                        format!("invalid `--variant {variant}`: `{joined}` is not a valid conda package name: {e}"),
                    )
                    .without_source()
                    .with_help("a variant is a short suffix such as `gcp`"),
                );
                break;
            }
        }
    }

    let mut merged = DependencyFile::default();
    for feature in Feature::ALL {
        *merged.feature_mut(feature) = merge_feature(
            defaults().feature(feature),
            declared.feature(feature),
            &suppressed(requirements, solved, feature),
            variant,
        );
    }
    Arc::new(Layers {
        merged,
        diagnostics,
    })
}

/// Everything the dependency layers have to say about a workflow: the problems of
/// [`layers`], then the superseded-requirement warnings. Kept apart from [`layers`] so that
/// pixi.toml does not depend on where the requirements are in the spec text.
#[salsa::tracked(returns(ref))]
pub fn diagnostics(db: &dyn Db, wf: Workflow) -> Arc<Vec<Diagnostic>> {
    let mut out = layers(db, wf).diagnostics.clone();
    if let &Some(file) = wf.options(db).env_overrides(db) {
        let declared = &overrides::resolved(db, file).file;
        out.extend(superseded(
            db,
            file,
            wf.spec(db).text(db),
            crate::front::spec_requirements(db, wf),
            declared.feature(Feature::Default),
        ));
    }
    Arc::new(out)
}

/// One warning per spec requirement (sorted by name) that `feature.default` of the
/// env-overrides file also declares: the override wins in the compiled pixi.toml.
fn superseded(
    db: &dyn Db,
    file: OverridesFile,
    spec_text: &str,
    requirements: &[Requirement],
    default: &FeatureDeps,
) -> Vec<Diagnostic> {
    let spec_names: BTreeSet<&str> = requirements.iter().map(name).collect();
    let index = LineIndex::new(file.text(db));
    let mut out = Vec::new();
    for n in spec_names {
        let declared = default
            .conda
            .iter()
            .map(|d| (d.name.as_str(), d.span))
            .chain(default.pypi.iter().map(|p| (p.name.as_str(), p.span)))
            .find(|(d, _)| *d == n);
        let Some((_, at)) = declared else {
            continue;
        };
        let Some(req) = requirements.iter().find(|r| name(r) == n) else {
            continue;
        };
        let mut span = match req {
            Requirement::Conda(c) => c.span,
            Requirement::Pypi(p) => p.span,
        };
        // Point at the requirement's first line (`- name: ...`), not the whole mapping.
        if let Some(eol) = spec_text
            .get(span.start..span.end)
            .and_then(|t| t.find('\n'))
        {
            span.end = span.start + eol;
        }
        let (line, col) = index.line_col(at.start);
        out.push(
            Diagnostic::warning(
                Code::SupersededRequirement,
                format!(
                    "spec.yaml requirement `{n}` is superseded by --env-overrides feature.default for the compiled pixi.toml"
                ),
            )
            .at(span, "superseded")
            .with_note(format!(
                "`{n}` is declared in feature.default at {}:{line}:{col}",
                file.path(db)
            )),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dependencies::loader::load;

    fn names(deps: &FeatureDeps) -> Vec<&str> {
        deps.names().collect()
    }

    #[test]
    fn overrides_displace_by_name_across_sections_and_append() {
        let base = defaults().feature(Feature::Default);
        let over = load(
            "[feature.default.dependencies]\nnumpy = \"*\"\nclick = \">=8.1\"\n[feature.default.pypi-dependencies]\nwt-task = { path = \"/x\" }\n",
        );
        let over = over.file.feature(Feature::Default);
        let merged = merge_feature(base, over, &BTreeSet::from(["pydantic".into()]), "gcp");
        assert_eq!(
            names(&merged),
            [
                "obstore",
                "ruamel.yaml",
                "opentelemetry-api",
                "numpy",
                "click",
                "wt-task"
            ]
        );
    }

    #[test]
    fn variant_renames_conda_wt_packages_only() {
        let base = defaults().feature(Feature::Runner);
        let merged = merge_feature(base, &FeatureDeps::default(), &BTreeSet::new(), "gcp");
        assert_eq!(names(&merged), ["wt-runner-gcp"]);
        let merged = merge_feature(base, &FeatureDeps::default(), &BTreeSet::new(), "");
        assert_eq!(names(&merged), ["wt-runner"]);
    }
}
