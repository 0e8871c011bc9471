//! `rjsf-overrides`: sections of dotted override paths, values converted to JSON.

use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::spec::fields::{Sink, scalar_text};
use crate::spec::model::*;
use crate::syntax::yaml::{Node, NodeKind, Scalar};
pub(super) fn lower_overrides(sink: &mut Sink, node: &Node) -> RjsfOverrides {
    let mut out = RjsfOverrides::default();
    if node.is_null() {
        return out;
    }
    let Some(f) = sink.map(node, "`rjsf-overrides`") else {
        return out;
    };
    for (k, v) in f.rest() {
        let section = match k.as_str() {
            Some("properties") => &mut out.properties,
            Some("$defs") => &mut out.defs,
            Some("uiSchema") => &mut out.ui_schema,
            other => {
                let name = other.map_or_else(|| "?".to_string(), str::to_string);
                let mut d = Diagnostic::warning(
                    Code::IgnoredOverrideSection,
                    format!("`rjsf-overrides.{name}` is not a known section and is ignored"),
                )
                .at(k.span, "ignored");
                d = d.with_help_opt(if name == "definitions" {
                    Some("did you mean `$defs`?".to_string())
                } else {
                    did_you_mean(&name, ["properties", "$defs", "uiSchema"])
                });
                sink.push(d.with_note("the sections are `properties`, `$defs` and `uiSchema`"));
                continue;
            }
        };
        if v.is_null() {
            continue;
        }
        let Some(entries) = sink.map(v, "an rjsf-overrides section") else {
            continue;
        };
        for (path, node) in entries.rest() {
            let Some(path) = sink.str(path, "an override path") else {
                continue;
            };
            if let Some(value) = yaml_to_json(sink, node) {
                section.push(Override {
                    path,
                    value,
                    value_span: node.span,
                });
            }
        }
    }
    out
}

/// Convert a YAML value to JSON for `rjsf.json` (dates and non-finite floats are refused).
pub fn yaml_to_json(sink: &mut Sink, node: &Node) -> Option<serde_json::Value> {
    use serde_json::Value as J;
    Some(match &node.kind {
        NodeKind::Scalar(Scalar::Null) => J::Null,
        NodeKind::Scalar(Scalar::Bool(b)) => J::Bool(*b),
        NodeKind::Scalar(Scalar::Str(s)) => J::String(s.clone()),
        NodeKind::Scalar(Scalar::Int(i)) => {
            if let Ok(v) = i64::try_from(*i) {
                J::from(v)
            } else if let Ok(v) = u64::try_from(*i) {
                J::from(v)
            } else {
                sink.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        format!("integer {i} is too large for JSON"),
                    )
                    .at(node.span, "too large"),
                );
                return None;
            }
        }
        NodeKind::Scalar(Scalar::Float(f)) => match serde_json::Number::from_f64(*f) {
            Some(n) => J::Number(n),
            None => {
                sink.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        "infinite or NaN numbers cannot be written to JSON",
                    )
                    .at(node.span, "not valid JSON"),
                );
                return None;
            }
        },
        NodeKind::Scalar(Scalar::Timestamp(t)) => {
            sink.push(
                Diagnostic::error(
                    Code::UnquotedDate,
                    format!("unquoted date `{t}` cannot be written to JSON"),
                )
                .at(node.span, "YAML reads this as a date")
                .with_help(format!("quote it: \"{t}\"")),
            );
            return None;
        }
        NodeKind::Seq(items) => J::Array(
            items
                .iter()
                .map(|i| yaml_to_json(sink, i))
                .collect::<Option<_>>()?,
        ),
        NodeKind::Map(entries) => {
            let mut m = serde_json::Map::new();
            for (k, v) in entries {
                let key = match &k.kind {
                    NodeKind::Scalar(Scalar::Str(s)) => s.clone(),
                    NodeKind::Scalar(Scalar::Null) => "null".into(),
                    NodeKind::Scalar(s) => scalar_text(s),
                    _ => {
                        sink.wrong_type(k, "a mapping key", "a string");
                        return None;
                    }
                };
                m.insert(key, yaml_to_json(sink, v)?);
            }
            J::Object(m)
        }
    })
}
