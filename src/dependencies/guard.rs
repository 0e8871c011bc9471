//! The leaf-only path-source guard.
//!
//! When two packages of an env-overrides file are both PyPI `path` sources and one of them
//! already pulls the other in through `[tool.uv.sources]` in its `pyproject.toml`, pixi
//! sees the second package under two URL forms and refuses to resolve (pixi issue #5847).
//! Only "leaf" packages may be declared: the guard reports each such pair.

use super::DependencyFile;
use crate::diagnostics::{Code, Diagnostic};
use crate::syntax::span::Span;
use indexmap::IndexMap;
use std::collections::BTreeMap;

/// Check the path sources of `file` (paths already resolved) against their
/// `pyproject.toml` texts (`pyprojects`: resolved path → text, `None` when absent).
pub fn check(
    file: &DependencyFile,
    pyprojects: &BTreeMap<String, Option<String>>,
) -> Vec<Diagnostic> {
    // One name → path map over all features; a later feature replaces an earlier entry's
    // path (keeping its place), as in the reference.
    let mut sources: IndexMap<&str, (&str, Span)> = IndexMap::new();
    for (_, deps) in file.iter() {
        for req in &deps.pypi {
            if let Some(path) = &req.path {
                sources.insert(&req.name, (path, req.span));
            }
        }
    }
    let mut out = Vec::new();
    for (declarer, (path, declarer_span)) in &sources {
        let Some(Some(text)) = pyprojects.get(*path) else {
            continue;
        };
        let pyproject = format!("{}/pyproject.toml", path.trim_end_matches('/'));
        let doc = match toml_edit::Document::parse(text.as_str()) {
            Ok(doc) => doc,
            Err(e) => {
                out.push(
                    Diagnostic::error(
                        Code::InvalidPyproject,
                        format!(
                            "cannot read `[tool.uv.sources]` of `{declarer}`: {pyproject} is not valid TOML: {}",
                            e.message().trim()
                        ),
                    )
                    .at(*declarer_span, "declared as a path source here")
                    .in_overrides(),
                );
                continue;
            }
        };
        let uv_sources = doc
            .get("tool")
            .and_then(|t| t.get("uv"))
            .and_then(|t| t.get("sources"))
            .and_then(|t| t.as_table_like());
        let Some(uv_sources) = uv_sources else {
            continue;
        };
        for (pulled, _) in uv_sources.iter() {
            if pulled == *declarer {
                continue;
            }
            let Some((_, pulled_span)) = sources.get(pulled) else {
                continue;
            };
            out.push(
                Diagnostic::error(
                    Code::PathSourceConflict,
                    format!(
                        "`{pulled}` must not be declared as a path source: `{declarer}` already pulls it in through `[tool.uv.sources]` in {pyproject}"
                    ),
                )
                .at(*pulled_span, format!("remove `{pulled}` from the env-overrides file"))
                .with_secondary(*declarer_span, format!("`{declarer}` pulls in `{pulled}` editably"))
                .with_note(
                    "declaring it twice gives pixi two conflicting URL forms for the same package, which its resolver rejects (pixi issue #5847)",
                )
                .with_help(format!(
                    "remove `{pulled}` from the env-overrides file: `{declarer}` already installs it editably via its own uv sources"
                ))
                .in_overrides(),
            );
        }
    }
    out
}
