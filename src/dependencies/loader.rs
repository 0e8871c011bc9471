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
//! into the file (line and column from `toml_edit` spans). Relative `path` entries are kept
//! as written; [`super::overrides`] resolves them against the file's directory.

use super::{CONDA_FORGE, CondaDep, DependencyFile, Feature, FeatureDeps, NAMED_CHANNELS};
use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::spec::requirements::{PYPI_OPTION_KEYS, PypiRequirement, normalize_version};
use crate::syntax::span::Span;
use rattler_conda_types::PackageName;
use toml_edit::{Document, Item, Key, TableLike, Value};

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
const CONDA_KEYS: &[&str] = &["version", "channel"];

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
    Document::parse(text).map_err(|e| {
        Box::new(
            Diagnostic::error(
                Code::TomlSyntax,
                format!("invalid TOML: {}", e.message().trim()),
            )
            .at(span(e.span()), "here"),
        )
    })
}

pub(crate) fn span(r: Option<std::ops::Range<usize>>) -> Span {
    r.map_or_else(Span::default, |r| Span::new(r.start, r.end))
}

/// The span of an entry's key, falling back to its value.
pub(crate) fn key_span(key: &Key, item: &Item) -> Span {
    span(key.span().or_else(|| item.span()))
}

/// The span of an entry's value, falling back to its key.
pub(crate) fn value_span(key: &Key, item: &Item) -> Span {
    span(item.span().or_else(|| key.span()))
}

/// "string", "integer", "table", ... for messages.
fn kind(item: &Item) -> &'static str {
    match item {
        Item::Value(Value::InlineTable(_)) | Item::Table(_) => "table",
        other => other.type_name(),
    }
}

/// The entries of a table (standard or inline) with their keys.
pub(crate) fn entries(table: &dyn TableLike) -> Vec<(&Key, &Item)> {
    table
        .iter()
        .filter_map(|(name, _)| table.get_key_value(name))
        .collect()
}

impl Loader {
    fn error(&mut self, d: Diagnostic) {
        self.diagnostics.push(d.in_overrides());
    }

    fn unknown_key(&mut self, key: &Key, item: &Item, place: &str, known: &[&str]) {
        self.error(
            Diagnostic::warning(
                Code::UnknownKey,
                format!("unknown key `{}` in {place}", key.get()),
            )
            .at(key_span(key, item), "ignored")
            .with_known_keys(key.get(), known),
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
    fn string<'a>(&mut self, what: &str, key: &Key, item: &'a Item) -> Option<&'a str> {
        let s = item.as_str();
        if s.is_none() {
            self.error(
                Diagnostic::error(
                    Code::InvalidOverrides,
                    format!(
                        "`{}` of {what} must be a string, found {}",
                        key.get(),
                        kind(item)
                    ),
                )
                .at(value_span(key, item), "expected a string"),
            );
        }
        s
    }

    fn conda_entry(&mut self, f: &str, key: &Key, item: &Item) -> Option<CondaDep> {
        let raw_name = key.get();
        let what = format!("conda dependency `{raw_name}`");
        let name = match PackageName::try_from(raw_name) {
            Ok(n) => Some(n.as_normalized().to_string()),
            Err(e) => {
                self.error(
                    Diagnostic::error(
                        Code::InvalidPackageName,
                        format!("`{raw_name}` is not a valid conda package name: {e}"),
                    )
                    .at(key_span(key, item), "invalid name"),
                );
                None
            }
        };
        let mut version: Option<(&str, Span)> = None;
        let mut channel: Option<(&str, Span)> = None;
        if let Some(s) = item.as_str() {
            version = Some((s, value_span(key, item)));
        } else if let Some(table) = item.as_table_like() {
            let errors = self.error_count();
            for (k, v) in entries(table) {
                match k.get() {
                    "version" => version = self.string(&what, k, v).map(|s| (s, value_span(k, v))),
                    "channel" => channel = self.string(&what, k, v).map(|s| (s, value_span(k, v))),
                    _ => self.unknown_key(k, v, &what, CONDA_KEYS),
                }
            }
            if self.error_count() > errors {
                return None;
            }
        } else {
            self.error(
                Diagnostic::error(
                    Code::InvalidOverrides,
                    format!(
                        "{what} in `[feature.{f}.dependencies]` must be a version string or a table, found {}",
                        kind(item)
                    ),
                )
                .at(value_span(key, item), "expected a string or a table")
                .with_help(format!(
                    "write `{raw_name} = \">=1.0\"` or `{raw_name} = {{ version = \">=1.0\", channel = \"conda-forge\" }}`"
                )),
            );
            return None;
        }
        let version = match version {
            None => Some("*".to_string()),
            Some((text, at)) => match normalize_version(text) {
                Ok(v) => Some(v),
                Err(msg) => {
                    self.error(Diagnostic::error(Code::InvalidVersion, msg).at(at, "here"));
                    None
                }
            },
        };
        let channel = match channel {
            None => Some(CONDA_FORGE.to_string()),
            Some((text, at)) => self.channel(text, at),
        };
        Some(CondaDep {
            name: name?,
            version: version?,
            channel: channel?,
            span: key_span(key, item),
        })
    }

    /// A channel name or base URL → base URL (ending in `/`).
    fn channel(&mut self, text: &str, at: Span) -> Option<String> {
        if text.contains("://") {
            let mut url = text.to_string();
            if !url.ends_with('/') {
                url.push('/');
            }
            return Some(url);
        }
        if let Some((_, url)) = NAMED_CHANNELS.iter().find(|(n, _)| *n == text) {
            return Some((*url).to_string());
        }
        let names: Vec<&str> = NAMED_CHANNELS.iter().map(|(n, _)| *n).collect();
        self.error(
            Diagnostic::error(
                Code::UnknownChannel,
                format!("unknown conda channel `{text}`"),
            )
            .at(at, "not a known channel")
            .with_help(
                did_you_mean(text, names.iter().copied()).unwrap_or_else(|| {
                    format!(
                        "use a full base URL (containing `://`) or one of the known names: {}",
                        names
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }),
            ),
        );
        None
    }

    fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    fn pypi_entry(&mut self, f: &str, key: &Key, item: &Item) -> Option<PypiRequirement> {
        let name = key.get().to_string();
        let at = key_span(key, item);
        if let Some(version) = item.as_str() {
            return Some(PypiRequirement {
                name,
                version: Some(version.to_string()),
                span: at,
                ..Default::default()
            });
        }
        let Some(table) = item.as_table_like() else {
            self.error(
                Diagnostic::error(
                    Code::InvalidOverrides,
                    format!(
                        "PyPI dependency `{name}` in `[feature.{f}.pypi-dependencies]` must be a table or a version string, found {}",
                        kind(item)
                    ),
                )
                .at(value_span(key, item), "expected a table or a string")
                .with_help(format!("write e.g. `{name} = {{ path = \"../{name}\", editable = true }}`")),
            );
            return None;
        };
        let what = format!("PyPI dependency `{name}`");
        let errors = self.error_count();
        let mut req = PypiRequirement {
            name: name.clone(),
            span: at,
            ..Default::default()
        };
        // Key spans of the fields that take part in the cross-field rules below.
        let mut spans: Vec<(&str, Span)> = Vec::new();
        for (k, v) in entries(table) {
            let field = k.get();
            let slot = match field {
                "git" => &mut req.git,
                "rev" => &mut req.rev,
                "branch" => &mut req.branch,
                "tag" => &mut req.tag,
                "path" => &mut req.path,
                "url" => &mut req.url,
                "subdirectory" => &mut req.subdirectory,
                "version" => &mut req.version,
                "editable" => {
                    match v.as_bool() {
                        Some(b) => req.editable = Some(b),
                        None => self.error(
                            Diagnostic::error(
                                Code::InvalidOverrides,
                                format!(
                                    "`editable` of {what} must be a boolean, found {}",
                                    kind(v)
                                ),
                            )
                            .at(value_span(k, v), "expected `true` or `false`"),
                        ),
                    }
                    spans.push((field, key_span(k, v)));
                    continue;
                }
                "extras" => {
                    let list = v.as_array().and_then(|a| {
                        a.iter()
                            .map(|e| e.as_str().map(str::to_string))
                            .collect::<Option<Vec<_>>>()
                    });
                    if list.is_none() {
                        self.error(
                            Diagnostic::error(
                                Code::InvalidOverrides,
                                format!(
                                    "`extras` of {what} must be a list of strings, found {}",
                                    kind(v)
                                ),
                            )
                            .at(value_span(k, v), "expected e.g. `[\"gcp\"]`"),
                        );
                    }
                    req.extras = list;
                    continue;
                }
                _ => {
                    self.unknown_key(k, v, &what, PYPI_OPTION_KEYS);
                    continue;
                }
            };
            *slot = self.string(&what, k, v).map(str::to_string);
            spans.push((field, key_span(k, v)));
        }
        let at_key = |k: &str| spans.iter().find(|(n, _)| *n == k).map_or(at, |(_, s)| *s);

        // In file order, so "second source" points at the one written second.
        let sources: Vec<&str> = spans
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| matches!(*n, "git" | "path" | "url"))
            .collect();
        if sources.len() > 1 {
            self.error(
                Diagnostic::error(
                    Code::InvalidRequirement,
                    format!(
                        "at most one of `git`, `path` or `url` may be set for {what}, got {}",
                        sources.len()
                    ),
                )
                .at(at_key(sources[1]), "second source")
                .with_secondary(at_key(sources[0]), "first source"),
            );
        }
        let refs: Vec<&str> = spans
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| matches!(*n, "rev" | "branch" | "tag"))
            .collect();
        if !refs.is_empty() && req.git.is_none() {
            self.error(
                Diagnostic::error(
                    Code::InvalidRequirement,
                    format!("`rev`, `branch` and `tag` are only valid with `git` ({what})"),
                )
                .at(at_key(refs[0]), "needs `git`"),
            );
        }
        if refs.len() > 1 {
            self.error(
                Diagnostic::error(
                    Code::InvalidRequirement,
                    format!("at most one of `rev`, `branch` or `tag` may be set for {what}"),
                )
                .at(at_key(refs[1]), "second git reference"),
            );
        }
        if req.editable.is_some() && req.path.is_none() {
            self.error(
                Diagnostic::error(
                    Code::InvalidRequirement,
                    format!("`editable` is only valid with `path` ({what})"),
                )
                .at(at_key("editable"), "needs `path`"),
            );
        }
        if let Some(p) = &req.path
            && p.starts_with("file://")
        {
            self.error(
                Diagnostic::error(
                    Code::InvalidRequirement,
                    format!("`path` of {what} must be a filesystem path, not a file:// URL"),
                )
                .at(at_key("path"), "file:// URL")
                .with_help(format!(
                    "write `path = \"{}\"`",
                    p.trim_start_matches("file://")
                )),
            );
        }
        if sources.is_empty() && req.version.is_none() {
            self.error(
                Diagnostic::error(
                    Code::InvalidRequirement,
                    format!("{what} must declare one of `git`, `path`, `url` or `version`"),
                )
                .at(at, "no source"),
            );
        }
        if !sources.is_empty() {
            // A version only counts for registry installs (as in the reference).
            req.version = None;
        }
        (self.error_count() == errors).then_some(req)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
