//! `map` and `mapvalues` blocks (`argnames`, `argvalues`).

use super::value::lower_ref_str;
use crate::diagnostics::{Code, Diagnostic};
use crate::spec::fields::{Sink, scalar_text};
use crate::spec::model::*;
use crate::spec::python_names::{is_identifier, is_keyword};
use crate::syntax::yaml::{Node, NodeKind, Scalar};

pub const MAP_KEYS: &[&str] = &["argnames", "argvalues"];

pub(super) fn lower_map(sink: &mut Sink, node: &Node, key: &str) -> Option<MapBlock> {
    if node.is_null() {
        return None;
    }
    let what = format!("`{key}`");
    let mut f = sink.map(node, &what)?;
    let names_node = f.take("argnames");
    let values_node = f.take("argvalues");
    let errors_before = sink.diags.len();
    f.finish(sink, &what, MAP_KEYS);

    let argnames = names_node
        .map(|n| lower_argnames(sink, n))
        .unwrap_or_default();
    let (argvalues, single_argvalue) = values_node
        .map(|n| lower_argvalues(sink, n, key))
        .unwrap_or_default();
    if sink.diags.len() > errors_before {
        return None;
    }
    match (argnames.is_empty(), argvalues.is_empty()) {
        (true, true) => None,
        (false, false) => Some(MapBlock {
            argnames,
            argvalues,
            single_argvalue,
        }),
        (names_missing, _) => {
            let (missing, present) = if names_missing {
                ("argnames", "argvalues")
            } else {
                ("argvalues", "argnames")
            };
            sink.push(
                Diagnostic::error(
                    Code::IncompleteMap,
                    format!("`{key}` has `{present}` but no `{missing}`; both must be given"),
                )
                .at(node.span, format!("`{missing}` missing")),
            );
            None
        }
    }
}

/// `argnames`: one name or a list of names, each a Python identifier.
fn lower_argnames(sink: &mut Sink, n: &Node) -> Vec<Spanned<String>> {
    let mut argnames = Vec::new();
    let items: Vec<&Node> = match &n.kind {
        NodeKind::Seq(items) => items.iter().collect(),
        NodeKind::Scalar(Scalar::Null) => Vec::new(),
        _ => vec![n],
    };
    for i in items {
        if let Some(s) = sink.str(i, "an argname") {
            if !is_identifier(&s.value) || is_keyword(&s.value) {
                sink.push(
                    Diagnostic::error(
                        Code::InvalidArgumentName,
                        format!("argname `{}` is not a valid Python identifier", s.value),
                    )
                    .at(s.span, "not an identifier"),
                );
            } else {
                argnames.push(s);
            }
        }
    }
    argnames
}

/// `argvalues` of block `key`: one reference or a list of references; `true` when a single
/// reference was written (not a list).
fn lower_argvalues(sink: &mut Sink, n: &Node, key: &str) -> (Vec<Spanned<Reference>>, bool) {
    let mut argvalues = Vec::new();
    let mut single_argvalue = false;
    let items: Vec<&Node> = match &n.kind {
        NodeKind::Seq(items) => items.iter().collect(),
        NodeKind::Scalar(Scalar::Null) => Vec::new(),
        _ => {
            single_argvalue = true;
            vec![n]
        }
    };
    for i in items {
        let r = match i.as_str() {
            Some(s) => match lower_ref_str(sink, i, s) {
                Some(Some(r)) => Some(r),
                Some(None) => None,
                None => continue,
            },
            None => None,
        };
        match r {
            Some(r) => argvalues.push(r),
            None => {
                let shown = match &i.kind {
                    NodeKind::Scalar(s) => format!("`{}`", scalar_text(s)),
                    _ => i.kind_name().to_string(),
                };
                sink.push(
                    Diagnostic::error(
                        Code::InvalidArgvalues,
                        format!("`{key}.argvalues` must hold references, found {shown}"),
                    )
                    .at(i.span, "not a reference")
                    .with_help("use `${{ workflow.<task_id>.return }}` (or `${{ env.NAME }}`); inline values are not supported here"),
                );
            }
        }
    }
    (argvalues, single_argvalue)
}
