//! The dependency-file format, shared by the bundled defaults and `--env-overrides` files:
//!
//! ```toml
//! [feature.default.dependencies]          # conda entries
//! numpy = ">=1.26"                          # shorthand: version, channel conda-forge
//! pydantic = { version = ">=2.5", channel = "conda-forge" }
//!
//! [feature.default.pypi-dependencies]     # PyPI entries (pixi's table form, or a bare version)
//! wt-task = { path = "../wt-task", editable = true }
//! ```
//!
//! [`load`] parses and validates a file and reports every problem as a diagnostic pointing
//! into the file (line and column from `toml_edit` spans, read through `syntax::toml`).
//! Relative `path` entries are kept as written; [`super::overrides`] resolves them against
//! the file's directory. Conda entries are read in `conda`, PyPI entries in `pypi`.

mod conda;
mod pypi;

use super::{DependencyFile, Feature, FeatureDeps};
use crate::diagnostics::{Code, Diagnostic, Severity, did_you_mean};
use crate::syntax::span::Span;
use crate::syntax::toml::{entries, key_span, type_name as kind, value_span};
use toml_edit::{Document, Item, Key, TableLike};

/// A parsed dependency file and what was wrong with it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Loaded {
    pub file: DependencyFile,
    /// Errors and warnings, all pointing into the file's text (`Source::Overrides`).
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// The keys a feature table may hold.
const FEATURE_KEYS: &[&str] = &["dependencies", "pypi-dependencies"];
/// The keys of a conda entry's table form.
pub(super) const CONDA_KEYS: &[&str] = &["version", "channel"];

/// Parse and validate a dependency file.
pub fn load(text: &str) -> Loaded {
    let mut cx = Loader::default();
    let file = match parse_toml(text) {
        Ok(doc) => cx.document(doc.as_table()),
        Err(d) => {
            cx.error(*d);
            DependencyFile::default()
        }
    };
    Loaded {
        file,
        diagnostics: cx.diagnostics,
    }
}

#[derive(Default)]
struct Loader {
    diagnostics: Vec<Diagnostic>,
}

/// Parse TOML text; a syntax error is a `toml-syntax` diagnostic.
pub(crate) fn parse_toml(text: &str) -> Result<Document<&str>, Box<Diagnostic>> {
    crate::syntax::toml::parse(text).map_err(|e| Box::new(Diagnostic::toml_syntax(&e)))
}

impl Loader {
    fn error(&mut self, d: Diagnostic) {
        self.diagnostics.push(d.in_overrides());
    }

    fn unknown_key(&mut self, key: &Key, item: &Item, place: &str, known: &[&str]) {
        self.error(
            Diagnostic::unknown_key(Severity::Warning, key.get(), place, known)
                .at(key_span(key, item), "ignored"),
        );
    }

    fn document(&mut self, root: &toml_edit::Table) -> DependencyFile {
        let mut file = DependencyFile::default();
        let mut features = None;
        for (key, item) in entries(root) {
            if key.get() == "feature" {
                features = Some((key, item));
            } else {
                self.unknown_key(key, item, "the env-overrides file", &["feature"]);
            }
        }
        let Some((key, item)) = features else {
            return file;
        };
        let Some(table) = item.as_table_like() else {
            self.error(
                Diagnostic::error(
                    Code::InvalidOverrides,
                    format!(
                        "`feature` must be a table of features, found {}",
                        kind(item)
                    ),
                )
                .at(value_span(key, item), "not a table")
                .with_help("declare sections such as `[feature.default.dependencies]`"),
            );
            return file;
        };
        let names = Feature::ALL.map(Feature::name);
        for (key, item) in entries(table) {
            let Some(feature) = Feature::from_name(key.get()) else {
                let mut d = Diagnostic::error(
                    Code::UnknownFeature,
                    format!("unknown feature `{}`", key.get()),
                )
                .at(key_span(key, item), "not a recognized feature")
                .with_help_opt(did_you_mean(key.get(), names))
                .with_note("recognized features: `default`, `runner`, `test`");
                if key.get() == "discovery" {
                    d = d.with_note(
                        "the `discovery` pseudo-feature is not supported (wt-compiler 0.10.3 rejects it too)",
                    );
                }
                self.error(d);
                continue;
            };
            *file.feature_mut(feature) = self.feature(feature, key, item);
        }
        file
    }

    fn feature(&mut self, feature: Feature, key: &Key, item: &Item) -> FeatureDeps {
        let f = feature.name();
        let mut out = FeatureDeps::default();
        let Some(table) = item.as_table_like() else {
            self.error(
                Diagnostic::error(
                    Code::InvalidOverrides,
                    format!("`feature.{f}` must be a table, found {}", kind(item)),
                )
                .at(value_span(key, item), "not a table"),
            );
            return out;
        };
        let mut conda_keys: Vec<(String, Span)> = Vec::new();
        for (key, item) in entries(table) {
            match key.get() {
                "dependencies" => {
                    let Some(deps) = self.section(f, key, item) else {
                        continue;
                    };
                    for (key, item) in entries(deps) {
                        if let Some(dep) = self.conda_entry(f, key, item) {
                            conda_keys.push((dep.name.clone(), key_span(key, item)));
                            out.conda.push(dep);
                        }
                    }
                }
                "pypi-dependencies" => {
                    let Some(deps) = self.section(f, key, item) else {
                        continue;
                    };
                    for (key, item) in entries(deps) {
                        if let Some(dep) = self.pypi_entry(f, key, item) {
                            out.pypi.push(dep);
                        }
                    }
                }
                _ => self.unknown_key(key, item, &format!("`[feature.{f}]`"), FEATURE_KEYS),
            }
        }
        for pypi in &out.pypi {
            if let Some((_, conda_span)) = conda_keys.iter().find(|(n, _)| *n == pypi.name) {
                self.error(
                    Diagnostic::error(
                        Code::DuplicatePackage,
                        format!(
                            "feature `{f}` declares `{}` in both `[feature.{f}.dependencies]` and `[feature.{f}.pypi-dependencies]`",
                            pypi.name
                        ),
                    )
                    .at(pypi.span, "declared as a PyPI dependency here")
                    .with_secondary(*conda_span, "and as a conda dependency here")
                    .with_help("each package must appear in only one of the two sections"),
                );
            }
        }
        out
    }

    /// `[feature.<f>.dependencies]` / `[feature.<f>.pypi-dependencies]`, which must be tables.
    fn section<'a>(&mut self, f: &str, key: &Key, item: &'a Item) -> Option<&'a dyn TableLike> {
        let table = item.as_table_like();
        if table.is_none() {
            self.error(
                Diagnostic::error(
                    Code::InvalidOverrides,
                    format!(
                        "`feature.{f}.{}` must be a table, found {}",
                        key.get(),
                        kind(item)
                    ),
                )
                .at(value_span(key, item), "not a table"),
            );
        }
        table
    }

    /// A string field of an entry's table form.
    fn string<'a>(&mut self, what: &str, key: &'a Key, item: &'a Item) -> Option<&'a str> {
        match crate::syntax::toml::string((key, item)) {
            Ok((s, _)) => Some(s),
            Err(wrong) => {
                self.error(
                    Diagnostic::error(
                        Code::InvalidOverrides,
                        format!(
                            "`{}` of {what} must be a string, found {}",
                            key.get(),
                            kind(item)
                        ),
                    )
                    .at(wrong.span(), "expected a string"),
                );
                None
            }
        }
    }

    fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dependencies::CONDA_FORGE;

    #[test]
    fn shorthand_and_long_forms() {
        let loaded = load(
            r#"
[feature.default.dependencies]
NumPy = ">=1.26"
pydantic = { version = "2.5", channel = "ecoscope-workflows" }
any = {}

[feature.runner.pypi-dependencies]
helper = ">=1.0"
wt-runner = { git = "https://example.invalid/wt.git", branch = "dev", version = "1" }
"#,
        );
        assert_eq!(loaded.diagnostics, vec![]);
        let default = loaded.file.feature(Feature::Default);
        let conda: Vec<_> = default
            .conda
            .iter()
            .map(|d| (d.name.as_str(), d.version.as_str(), d.channel.as_str()))
            .collect();
        assert_eq!(
            conda,
            [
                ("numpy", ">=1.26", CONDA_FORGE),
                (
                    "pydantic",
                    "==2.5",
                    "https://repo.prefix.dev/ecoscope-workflows/"
                ),
                ("any", "*", CONDA_FORGE),
            ]
        );
        let runner = loaded.file.feature(Feature::Runner);
        assert_eq!(runner.pypi[0].version.as_deref(), Some(">=1.0"));
        assert_eq!(runner.pypi[1].branch.as_deref(), Some("dev"));
        assert_eq!(
            runner.pypi[1].version, None,
            "version dropped with a source"
        );
    }

    #[test]
    fn truncated_and_damaged_files_never_panic() {
        let text = "x = 1\n[feature.default.dependencies]\nnumpy = { version = \">=1\", channel = \"conda-forge\" }\n\"ruamel.yaml\" = \"*\"\n[feature.runner.pypi-dependencies]\nwt = { path = \"../wt\", editable = true, extras = [\"a\"], git = \"g\", tag = \"t\" }\n[feature.test]\npypi-dependencies = { a = \">=1\" }\n";
        for (i, _) in text.char_indices() {
            let _ = load(&text[..i]);
            let mut damaged = text.to_string();
            damaged.remove(i);
            let _ = load(&damaged);
        }
    }
}
