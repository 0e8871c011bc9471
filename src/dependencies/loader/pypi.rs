//! PyPI entries of `[feature.<name>.pypi-dependencies]`: a version string or pixi's table
//! form, with the rules between its fields (one source, git references, `editable`).

use super::Loader;
use crate::diagnostics::{Code, Diagnostic};
use crate::spec::requirements::{PYPI_OPTION_KEYS, PypiRequirement};
use crate::syntax::span::Span;
use crate::syntax::toml::{entries, key_span, type_name as kind, value_span};
use toml_edit::{Item, Key, TableLike};

impl Loader {
    pub(super) fn pypi_entry(
        &mut self,
        f: &str,
        key: &Key,
        item: &Item,
    ) -> Option<PypiRequirement> {
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
            name,
            span: at,
            ..Default::default()
        };
        let spans = self.pypi_fields(&what, table, &mut req);
        let has_source = self.pypi_rules(&what, &req, &spans, at);
        if has_source {
            // A version only counts for registry installs (as in the reference).
            req.version = None;
        }
        (self.error_count() == errors).then_some(req)
    }

    /// The fields of a PyPI entry's table into `req`; returns the key spans of the fields
    /// that take part in the rules between fields (in file order).
    fn pypi_fields<'t>(
        &mut self,
        what: &str,
        table: &'t dyn TableLike,
        req: &mut PypiRequirement,
    ) -> Vec<(&'t str, Span)> {
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
                    self.unknown_key(k, v, what, PYPI_OPTION_KEYS);
                    continue;
                }
            };
            *slot = self.string(what, k, v).map(str::to_string);
            spans.push((field, key_span(k, v)));
        }
        spans
    }

    /// The rules between the fields of a PyPI entry (`spans`: see [`Self::pypi_fields`];
    /// `at`: the entry's key). Returns whether a source (`git`, `path`, `url`) is given.
    fn pypi_rules(
        &mut self,
        what: &str,
        req: &PypiRequirement,
        spans: &[(&str, Span)],
        at: Span,
    ) -> bool {
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
        !sources.is_empty()
    }
}
