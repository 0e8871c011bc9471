//! Params for `wtc run`: read from a YAML or JSON file (or one case of `test-cases.yaml`,
//! see [`super::cases`]) through the spanned YAML front end the specs use, converted to
//! JSON and validated against the package's `params.json` before anything runs. Every
//! problem is a [`Diagnostic`] pointing into the params text: a syntax error
//! (`params-syntax`), a key the schema does not define (`unknown-param`, with a
//! did-you-mean), a required value that is missing (`missing-param`), any other schema
//! violation (`invalid-param`, with the schema's message).

use crate::diagnostics::{Code, Diagnostic, closest};
use crate::syntax::span::Span;
use crate::syntax::yaml::{self, Node, NodeKind, Scalar};
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

/// Parse a params text (YAML or JSON) into its spanned tree; a syntax error is located.
pub fn parse(text: &str) -> Result<Node, Box<Diagnostic>> {
    yaml::parse(text).map_err(|e| {
        Box::new(
            Diagnostic::error(
                Code::ParamsSyntax,
                format!("the params are not valid YAML or JSON: {}", e.message),
            )
            .at(e.span, "here"),
        )
    })
}

/// The params of `root` (a params document, or a case's `params:` node; `None`: a case
/// without one) as JSON, checked against `schema`. An empty document means no params
/// (`{}`), as for the package's CLI.
pub fn check(root: Option<&Node>, schema: &Value) -> Result<Value, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let empty;
    let root = match root {
        Some(r) => r,
        None => {
            empty = yaml::parse("").map_err(|_| Vec::new())?;
            &empty
        }
    };
    let value = if root.is_null() {
        Value::Object(serde_json::Map::new())
    } else {
        match to_json(root, &mut diagnostics) {
            Some(v) => v,
            None => return Err(diagnostics),
        }
    };
    let validator = match jsonschema::validator_for(schema) {
        Ok(v) => v,
        Err(e) => {
            return Err(vec![Diagnostic::error(
                Code::InvalidParam,
                format!("the package's params.json cannot be used as a schema: {e}"),
            )]);
        }
    };
    for error in validator.iter_errors(&value) {
        diagnostics.extend(located(root, schema, &error));
    }
    if diagnostics.is_empty() {
        Ok(value)
    } else {
        diagnostics.sort_by_key(|d| d.primary.as_ref().map(|l| (l.span.start, l.span.end)));
        diagnostics.dedup_by(|a, b| a.message == b.message && a.primary == b.primary);
        Err(diagnostics)
    }
}

/// A YAML node as JSON; a value JSON cannot hold is reported (`invalid-param`). Unquoted
/// dates stay strings (the text as written).
fn to_json(node: &Node, out: &mut Vec<Diagnostic>) -> Option<Value> {
    Some(match &node.kind {
        NodeKind::Scalar(Scalar::Null) => Value::Null,
        NodeKind::Scalar(Scalar::Bool(b)) => Value::Bool(*b),
        NodeKind::Scalar(Scalar::Str(s) | Scalar::Timestamp(s)) => Value::String(s.clone()),
        NodeKind::Scalar(Scalar::Int(i)) => match (i64::try_from(*i), u64::try_from(*i)) {
            (Ok(v), _) => Value::from(v),
            (_, Ok(v)) => Value::from(v),
            _ => {
                out.push(
                    Diagnostic::error(Code::InvalidParam, format!("integer {i} is too large"))
                        .at(node.span, "does not fit in 64 bits"),
                );
                return None;
            }
        },
        NodeKind::Scalar(Scalar::Float(f)) => match serde_json::Number::from_f64(*f) {
            Some(n) => Value::Number(n),
            None => {
                out.push(
                    Diagnostic::error(
                        Code::InvalidParam,
                        "infinite or NaN numbers are not valid params",
                    )
                    .at(node.span, "not a JSON number"),
                );
                return None;
            }
        },
        NodeKind::Seq(items) => {
            let mut list = Vec::with_capacity(items.len());
            for item in items {
                list.push(to_json(item, out));
            }
            Value::Array(list.into_iter().collect::<Option<_>>()?)
        }
        NodeKind::Map(entries) => {
            let mut map = serde_json::Map::new();
            let mut ok = true;
            for (k, v) in entries {
                let key = match &k.kind {
                    NodeKind::Scalar(Scalar::Str(s) | Scalar::Timestamp(s)) => s.clone(),
                    NodeKind::Scalar(Scalar::Int(i)) => i.to_string(),
                    NodeKind::Scalar(Scalar::Bool(b)) => b.to_string(),
                    NodeKind::Scalar(Scalar::Float(f)) => f.to_string(),
                    _ => "null".to_string(),
                };
                match to_json(v, out) {
                    Some(v) => {
                        map.insert(key, v);
                    }
                    None => ok = false,
                }
            }
            if !ok {
                return None;
            }
            Value::Object(map)
        }
    })
}

/// Where an instance path leads in the tree: the node, and the span of the key that
/// holds it (none for the root or a list item).
fn walk<'a>(root: &'a Node, pointer: &str) -> (&'a Node, Option<Span>) {
    let mut node = root;
    let mut key_span = None;
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        let next = match &node.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .find(|(k, _)| key_text(k).as_deref() == Some(segment.as_str()))
                .map(|(k, v)| (v, Some(k.span))),
            NodeKind::Seq(items) => segment
                .parse::<usize>()
                .ok()
                .and_then(|i| items.get(i))
                .map(|v| (v, None)),
            NodeKind::Scalar(_) => None,
        };
        match next {
            Some((n, k)) => {
                node = n;
                key_span = k;
            }
            None => break,
        }
    }
    (node, key_span)
}

/// A map key as the JSON object key it becomes.
fn key_text(k: &Node) -> Option<String> {
    match &k.kind {
        NodeKind::Scalar(Scalar::Str(s) | Scalar::Timestamp(s)) => Some(s.clone()),
        NodeKind::Scalar(Scalar::Int(i)) => Some(i.to_string()),
        NodeKind::Scalar(Scalar::Bool(b)) => Some(b.to_string()),
        _ => None,
    }
}

/// The properties the schema object at `keyword_location` (the failing keyword's
/// location, e.g. `/properties/base/additionalProperties`) defines.
fn known_properties(schema: &Value, keyword_location: &str) -> Vec<String> {
    let parent = keyword_location
        .rsplit_once('/')
        .map_or("", |(parent, _)| parent);
    schema
        .pointer(parent)
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// A zero-width span at the start of `node` when it spans several lines (a whole block
/// map would underline the document).
fn head(node: &Node) -> Span {
    Span::new(node.span.start, node.span.start)
}

/// One schema violation as diagnostics located in the params text.
fn located(
    root: &Node,
    schema: &Value,
    error: &jsonschema::ValidationError<'_>,
) -> Vec<Diagnostic> {
    let pointer = error.instance_path().as_str();
    let (node, key_span) = walk(root, pointer);
    let at = if pointer.is_empty() {
        "the params".to_string()
    } else {
        format!(
            "`{}`",
            pointer[1..]
                .replace('/', ".")
                .replace("~1", "/")
                .replace("~0", "~")
        )
    };
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let known = known_properties(schema, error.schema_path().as_str());
            let known: Vec<&str> = known.iter().map(String::as_str).collect();
            unexpected
                .iter()
                .map(|name| {
                    let span = node
                        .as_map()
                        .and_then(|m| {
                            m.iter()
                                .find(|(k, _)| key_text(k).as_deref() == Some(name.as_str()))
                        })
                        .map_or_else(|| head(node), |(k, _)| k.span);
                    let mut d = Diagnostic::error(
                        Code::UnknownParam,
                        format!("unknown param `{name}` in {at}"),
                    )
                    .at(span, "not defined by the workflow's params schema");
                    if let Some(c) = closest(name, known.iter().copied()) {
                        d = d.with_help(format!("did you mean `{c}`?"));
                    }
                    if !known.is_empty() {
                        d = d.with_note(format!("known here: {}", known.join(", ")));
                    }
                    d
                })
                .collect()
        }
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_string);
            let span = key_span.unwrap_or_else(|| head(node));
            vec![
                Diagnostic::error(
                    Code::MissingParam,
                    format!("missing required param `{name}` in {at}"),
                )
                .at(span, format!("`{name}` is required here")),
            ]
        }
        _ => {
            let span = if node.span.start == node.span.end {
                key_span.unwrap_or(node.span)
            } else {
                node.span
            };
            let message = error.to_string();
            vec![
                Diagnostic::error(
                    Code::InvalidParam,
                    format!("invalid param at {at}: {message}"),
                )
                .at(
                    span,
                    format!("fails the schema's `{}`", error.kind().keyword()),
                ),
            ]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "base": {
                    "type": "object",
                    "additionalProperties": false,
                    "properties": {"a": {"type": "integer"}, "b": {"type": "string"}},
                    "required": ["a"]
                }
            },
            "required": ["base"]
        })
    }

    fn codes(text: &str) -> Vec<(Code, String)> {
        let root = parse(text).unwrap();
        match check(Some(&root), &schema()) {
            Ok(_) => Vec::new(),
            Err(ds) => ds
                .into_iter()
                .map(|d| {
                    let span = d.primary.unwrap().span;
                    (d.code, text[span.start..span.end].to_string())
                })
                .collect(),
        }
    }

    #[test]
    fn valid_params_become_json() {
        let root = parse("base:\n  a: 1\n  b: x\n").unwrap();
        assert_eq!(
            check(Some(&root), &schema()).unwrap(),
            json!({"base": {"a": 1, "b": "x"}})
        );
        let root = parse(r#"{"base": {"a": 2}}"#).unwrap();
        assert_eq!(
            check(Some(&root), &schema()).unwrap(),
            json!({"base": {"a": 2}})
        );
    }

    #[test]
    fn each_violation_points_at_its_place() {
        assert_eq!(codes("base:\n  a: x\n"), [(Code::InvalidParam, "x".into())]);
        assert_eq!(
            codes("base:\n  a: 1\n  c: 2\n"),
            [(Code::UnknownParam, "c".into())]
        );
        assert_eq!(
            codes("base:\n  b: y\n"),
            [(Code::MissingParam, "base".into())]
        );
        assert_eq!(codes(""), [(Code::MissingParam, "".into())]);
        assert!(parse("base: [1\n").is_err());
    }
}
