//! Argument values: `partial` keys and values, `${{ ... }}` references.

use crate::diagnostics::{Code, Diagnostic};
use crate::spec::fields::Sink;
use crate::spec::model::*;
use crate::spec::python_names::{is_identifier, is_keyword};
use crate::syntax::yaml::{Node, NodeKind, Scalar};

/// Why a `${{ ... }}` string is not a reference wtc understands (`text` is the whole string).
#[derive(Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum ReferenceError {
    /// `${{ workflow.<id>.<not return> }}`.
    #[error(
        "unrecognized variable `{text}`; a task output is written `${{{{ workflow.{id}.return }}}}`"
    )]
    NotReturn { text: String, id: String },
    #[error(
        "unrecognized variable `{text}`; expected `${{{{ workflow.<task_id>.return }}}}` or `${{{{ env.<ENV_VAR_NAME> }}}}`"
    )]
    Unrecognized { text: String },
}

/// Parse `${{ ... }}`; `None` when the string is not a reference at all.
pub fn parse_reference(s: &str) -> Option<Result<Reference, ReferenceError>> {
    if !(s.starts_with("${{") && s.ends_with("}}")) {
        return None;
    }
    let inner = s.replace("${{", "").replace("}}", "");
    let parts: Vec<&str> = inner.trim().split('.').collect();
    Some(match parts.as_slice() {
        ["workflow", id, "return"] => Ok(Reference::Task(id.to_string())),
        ["env", name] => Ok(Reference::Env(name.to_string())),
        ["workflow", id, _] => Err(ReferenceError::NotReturn {
            text: s.to_string(),
            id: id.to_string(),
        }),
        _ => Err(ReferenceError::Unrecognized {
            text: s.to_string(),
        }),
    })
}

pub(super) fn lower_ref_str(
    sink: &mut Sink,
    node: &Node,
    s: &str,
) -> Option<Option<Spanned<Reference>>> {
    match parse_reference(s) {
        None => Some(None),
        Some(Ok(r)) => Some(Some(Spanned::new(r, node.span))),
        Some(Err(e)) => {
            let mut d = Diagnostic::error(Code::InvalidReference, e.to_string())
                .at(node.span, "invalid reference");
            if s.matches("${{").count() > 1 {
                d = d.with_help(
                    "a value holds exactly one reference; there is no string interpolation",
                );
            }
            sink.push(d);
            None
        }
    }
}

pub(super) fn lower_value(sink: &mut Sink, node: &Node) -> Option<Value> {
    Some(match &node.kind {
        NodeKind::Scalar(Scalar::Str(s)) => match lower_ref_str(sink, node, s)? {
            Some(r) => Value::Ref(r),
            None => Value::Str(s.clone()),
        },
        NodeKind::Scalar(Scalar::Int(i)) => Value::Int(*i),
        NodeKind::Scalar(Scalar::Float(f)) => Value::Float(F64(*f)),
        NodeKind::Scalar(Scalar::Bool(b)) => Value::Bool(*b),
        NodeKind::Scalar(Scalar::Null) => Value::Null,
        NodeKind::Scalar(Scalar::Timestamp(t)) => {
            sink.push(
                Diagnostic::error(
                    Code::UnquotedDate,
                    format!("unquoted date `{t}` is not a valid argument value"),
                )
                .at(node.span, "YAML reads this as a date")
                .with_help(format!("quote it to pass a string: \"{t}\"")),
            );
            return None;
        }
        NodeKind::Seq(items) => {
            let mut out = Vec::with_capacity(items.len());
            let mut ok = true;
            for i in items {
                match lower_value(sink, i) {
                    Some(v) => out.push(v),
                    None => ok = false,
                }
            }
            if !ok {
                return None;
            }
            Value::List(out)
        }
        NodeKind::Map(entries) => {
            let mut out = Vec::with_capacity(entries.len());
            let mut ok = true;
            for (k, v) in entries {
                let Some(key) = k.as_str() else {
                    sink.wrong_type(k, "a key of a mapping value", "a string");
                    ok = false;
                    continue;
                };
                match lower_value(sink, v) {
                    Some(v) => out.push((key.to_string(), v)),
                    None => ok = false,
                }
            }
            if !ok {
                return None;
            }
            Value::Dict(out)
        }
    })
}

/// The arguments of `partial` (a mapping of argument names to values; `p` is not null).
pub(super) fn lower_partial(sink: &mut Sink, p: &Node) -> Vec<(Spanned<String>, Value)> {
    let mut partial = Vec::new();
    let Some(pf) = sink.map(p, "`partial`") else {
        return partial;
    };
    for (k, v) in pf.rest() {
        let Some(key) = sink.str(k, "an argument name") else {
            continue;
        };
        if !is_identifier(&key.value) {
            sink.push(
                Diagnostic::error(
                    Code::InvalidArgumentName,
                    format!(
                        "argument name `{}` is not a valid Python identifier",
                        key.value
                    ),
                )
                .at(key.span, "not an identifier"),
            );
            continue;
        }
        if is_keyword(&key.value) {
            sink.push(
                Diagnostic::error(
                    Code::InvalidArgumentName,
                    format!("argument name `{}` is a Python keyword and cannot be passed as a keyword argument", key.value),
                )
                .at(key.span, "reserved keyword"),
            );
            continue;
        }
        if let Some(value) = lower_value(sink, v) {
            partial.push((key, value));
        }
    }
    // Kept for the whole session, once per task instance: no room to grow.
    partial.shrink_to_fit();
    partial
}
