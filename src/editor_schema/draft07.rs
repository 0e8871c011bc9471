//! A task's parameter schema (pydantic's JSON Schema, Draft 2020-12 flavoured) made into
//! Draft-07 subschemas that can live inside the editor schema: `$ref: "#/$defs/X"` pointed
//! at the shared `definitions`, `prefixItems` as a tuple `items`, `$ref` with siblings
//! wrapped in `allOf` (Draft-07 ignores a `$ref`'s siblings), `$id`/`$schema` dropped (they
//! would change where references resolve), and whatever is still not a valid Draft-07
//! schema (e.g. `"oneOf": []`) or holds a pattern that does not compile replaced by the
//! schema that accepts everything: the editor schema must never be invalid, and a looser
//! argument is only a check not made.

use serde_json::{Map, Value, json};

/// Keywords whose value is one subschema.
const ONE: &[&str] = &[
    "additionalProperties",
    "additionalItems",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
    "items",
];
/// Keywords whose value is a list of subschemas.
const LIST: &[&str] = &["allOf", "anyOf", "oneOf", "items"];
/// Keywords whose value is a map of subschemas.
const MAP: &[&str] = &["properties", "patternProperties", "definitions"];
/// Keywords dropped: 2019-09+ ones Draft-07 has no counterpart for, and those that would
/// re-base references.
const DROPPED: &[&str] = &[
    "$id",
    "$schema",
    "$anchor",
    "$dynamicAnchor",
    "$recursiveAnchor",
    "unevaluatedProperties",
    "unevaluatedItems",
    "$defs",
];

/// Where a task's `$defs` entries went: `#/$defs/<name>` → the key of `definitions`.
pub trait DefNames {
    fn key(&self, name: &str) -> Option<String>;
}

/// `schema` (one property or definition of a task) in Draft-07, references renamed through
/// `defs`; a schema that is still invalid becomes `{}`.
pub fn convert(schema: &Value, defs: &dyn DefNames) -> Value {
    let converted = walk(schema, defs);
    if jsonschema::draft7::meta::is_valid(&converted) && patterns_compile(&converted) {
        converted
    } else {
        json!({})
    }
}

fn walk(schema: &Value, defs: &dyn DefNames) -> Value {
    let Value::Object(obj) = schema else {
        // `true` / `false` and anything malformed (left for the meta-schema check).
        return schema.clone();
    };
    let mut out = Map::new();
    let mut prefix_items = None;
    for (k, v) in obj {
        let k = k.as_str();
        if DROPPED.contains(&k) || k == "$dynamicRef" || k == "$recursiveRef" {
            continue;
        }
        let value = match (k, v) {
            ("$ref", Value::String(r)) => Value::String(reference(r, defs)),
            ("prefixItems", Value::Array(items)) => {
                prefix_items = Some(Value::Array(items.iter().map(|s| walk(s, defs)).collect()));
                continue;
            }
            ("dependentRequired" | "dependentSchemas", Value::Object(m)) => {
                let deps = out
                    .entry("dependencies")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(deps) = deps {
                    for (name, d) in m {
                        deps.insert(name.clone(), walk(d, defs));
                    }
                }
                continue;
            }
            (k, Value::Array(items)) if LIST.contains(&k) => {
                Value::Array(items.iter().map(|s| walk(s, defs)).collect())
            }
            (k, Value::Object(m)) if MAP.contains(&k) => Value::Object(
                m.iter()
                    .map(|(name, s)| (name.clone(), walk(s, defs)))
                    .collect(),
            ),
            (k, s) if ONE.contains(&k) => walk(s, defs),
            (_, data) => data.clone(),
        };
        out.insert(k.to_string(), value);
    }
    if let Some(items) = prefix_items {
        if let Some(rest) = out.remove("items") {
            out.insert("additionalItems".into(), rest);
        }
        out.insert("items".into(), items);
    }
    if out.contains_key("$ref") && out.len() > 1 {
        let target = out.remove("$ref").unwrap_or_default();
        let mut all_of = vec![json!({ "$ref": target })];
        if let Some(Value::Array(more)) = out.remove("allOf") {
            all_of.extend(more);
        }
        out.insert("allOf".into(), Value::Array(all_of));
    }
    Value::Object(out)
}

/// A `$ref` of a task schema, pointed into the editor schema's `definitions`; anything
/// but `#/$defs/<name>[/...]` of a known name would resolve against the wrong document, so
/// it becomes a reference to the schema that accepts everything.
fn reference(r: &str, defs: &dyn DefNames) -> String {
    let target = r.strip_prefix("#/$defs/").and_then(|rest| {
        let (name, tail) = rest.split_once('/').map_or((rest, ""), |(n, t)| (n, t));
        let name = unescape(name);
        let key = defs.key(&name)?;
        let mut out = format!("#/definitions/{}", fragment(&key));
        if !tail.is_empty() {
            out.push('/');
            out.push_str(tail);
        }
        Some(out)
    });
    target.unwrap_or_else(|| ANYTHING.to_string())
}

/// The definition that accepts every value (the target of references that cannot be kept).
pub const ANYTHING: &str = "#/definitions/anything";

/// One JSON-pointer token (`~` → `~0`, `/` → `~1`), percent-encoded for a URI fragment.
pub fn fragment(token: &str) -> String {
    let escaped = token.replace('~', "~0").replace('/', "~1");
    let mut out = String::with_capacity(escaped.len());
    for b in escaped.bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A pointer token as written in a `$ref` (percent-decoded, `~1` → `/`, `~0` → `~`).
fn unescape(token: &str) -> String {
    let bytes = token.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = (bytes[i] == b'%')
            .then(|| token.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(b) => {
                decoded.push(b);
                i += 3;
            }
            None => {
                decoded.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded)
        .replace("~1", "/")
        .replace("~0", "~")
}

/// Every `pattern` and `patternProperties` key below `schema` compiles (a validator
/// refuses to load a schema with one that does not).
fn patterns_compile(schema: &Value) -> bool {
    match schema {
        Value::Object(obj) => obj.iter().all(|(k, v)| {
            let own = match (k.as_str(), v) {
                ("pattern", Value::String(p)) => regex::Regex::new(p).is_ok(),
                ("patternProperties", Value::Object(m)) => {
                    m.keys().all(|p| regex::Regex::new(p).is_ok())
                }
                _ => true,
            };
            own && patterns_compile(v)
        }),
        Value::Array(items) => items.iter().all(patterns_compile),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Same;
    impl DefNames for Same {
        fn key(&self, name: &str) -> Option<String> {
            (name != "Missing").then(|| format!("def:{name}"))
        }
    }

    #[test]
    fn references_tuples_and_siblings() {
        let got = convert(
            &json!({
                "$ref": "#/$defs/Conn",
                "default": null,
                "anyOf": [{"prefixItems": [{"type": "integer"}, {"$ref": "#/$defs/A%20B~1c"}], "items": false}],
                "properties": {"x": {"$ref": "#/$defs/Missing"}, "$ref": {"type": "string"}},
                "$id": "https://example.com/x",
                "default_value": {"$ref": "#/$defs/Conn"},
            }),
            &Same,
        );
        assert_eq!(
            got,
            json!({
                "default": null,
                "anyOf": [{"additionalItems": false, "items": [{"type": "integer"}, {"$ref": "#/definitions/def:A%20B~1c"}]}],
                "properties": {"x": {"$ref": ANYTHING}, "$ref": {"type": "string"}},
                "default_value": {"$ref": "#/$defs/Conn"},
                "allOf": [{"$ref": "#/definitions/def:Conn"}],
            })
        );
    }

    #[test]
    fn invalid_schemas_accept_everything() {
        assert_eq!(convert(&json!({"oneOf": []}), &Same), json!({}));
        assert_eq!(convert(&json!({"type": "strin"}), &Same), json!({}));
        assert_eq!(convert(&json!({"pattern": "("}), &Same), json!({}));
        assert_eq!(
            convert(&json!({"pattern": "^a+$"}), &Same),
            json!({"pattern": "^a+$"})
        );
    }
}
