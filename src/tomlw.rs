//! TOML in the layout of Python's `tomli-w` (the serializer wt-compiler writes `pixi.toml`
//! with), emitted through `toml_edit`:
//!
//! * a nested mapping becomes a `[a.b.c]` table; within a table, plain values come first
//!   and sub-tables after; a table holding only sub-tables gets no header of its own, an
//!   empty table does; every header but the first is preceded by an empty line;
//! * a non-empty array is written one element per line, indented by 4 spaces per level,
//!   with a trailing comma; an empty one as `[]`; a mapping inside an array is an inline
//!   table `{ key = value, ... }`;
//! * keys are bare when made of ASCII letters, digits, `-` and `_`, else basic strings;
//!   strings are basic strings (`"..."`) with escapes (`\n`, `\"`, `\\`, `\uXXXX`).
//!
//! Arrays of tables (`[[x]]`), numbers and dates are not needed by the artifacts and are
//! not supported.

use indexmap::IndexMap;
use toml_edit::{Array, DocumentMut, InlineTable, Item, Key, Table, Value};

/// A TOML value to emit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TomlValue {
    String(String),
    Bool(bool),
    Array(Vec<TomlValue>),
    Table(TomlTable),
}

/// An ordered TOML table.
pub type TomlTable = IndexMap<String, TomlValue>;

impl From<&str> for TomlValue {
    fn from(s: &str) -> Self {
        TomlValue::String(s.to_string())
    }
}

impl From<String> for TomlValue {
    fn from(s: String) -> Self {
        TomlValue::String(s)
    }
}

impl From<bool> for TomlValue {
    fn from(b: bool) -> Self {
        TomlValue::Bool(b)
    }
}

impl From<TomlTable> for TomlValue {
    fn from(t: TomlTable) -> Self {
        TomlValue::Table(t)
    }
}

/// The document, laid out like tomli-w.
pub fn to_document(root: &TomlTable) -> DocumentMut {
    let mut doc = DocumentMut::new();
    let mut position = 0;
    fill(doc.as_table_mut(), root, &mut position);
    doc
}

/// The document's text, byte-identical to `tomli_w.dumps` for the supported values.
pub fn to_string(root: &TomlTable) -> String {
    to_document(root).to_string()
}

/// Fill `table` from `src`. Table positions follow tomli-w's depth-first order, which is
/// the order `toml_edit` writes tables in.
fn fill(table: &mut Table, src: &TomlTable, position: &mut isize) {
    let is_table = |v: &TomlValue| matches!(v, TomlValue::Table(_));
    let has_values = src.values().any(|v| !is_table(v));
    let has_tables = src.values().any(is_table);
    table.set_implicit(has_tables && !has_values);
    for (k, v) in src.iter().filter(|(_, v)| !is_table(v)) {
        table.insert_formatted(&key(k), Item::Value(value(v, 0)));
    }
    for (k, v) in src {
        if let TomlValue::Table(t) = v {
            let mut child = Table::new();
            *position += 1;
            child.set_position(Some(*position));
            fill(&mut child, t, position);
            table.insert_formatted(&key(k), Item::Table(child));
        }
    }
}

fn is_bare(k: &str) -> bool {
    !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn key(k: &str) -> Key {
    if is_bare(k) {
        return Key::new(k);
    }
    Key::parse(&basic_string(k))
        .ok()
        .and_then(|mut keys| (keys.len() == 1).then(|| keys.remove(0)))
        .unwrap_or_else(|| Key::new(k))
}

/// A value whose text is exactly what tomli-w writes; `level` is the array nesting depth.
fn value(v: &TomlValue, level: usize) -> Value {
    match v {
        TomlValue::String(s) => basic_string(s)
            .parse::<Value>()
            .unwrap_or_else(|_| Value::from(s.as_str())),
        TomlValue::Bool(b) => Value::from(*b),
        TomlValue::Array(items) => {
            let mut array = Array::new();
            for item in items {
                let mut item = value(item, level + 1);
                item.decor_mut()
                    .set_prefix(format!("\n{}", "    ".repeat(level + 1)));
                item.decor_mut().set_suffix("");
                array.push_formatted(item);
            }
            if !items.is_empty() {
                array.set_trailing_comma(true);
                array.set_trailing(format!("\n{}", "    ".repeat(level)));
            }
            Value::Array(array)
        }
        TomlValue::Table(t) => {
            let mut inline = InlineTable::new();
            for (k, v) in t {
                inline.insert_formatted(&key(k), value(v, level + 1));
            }
            Value::InlineTable(inline)
        }
    }
}

/// A TOML basic string, escaped like tomli-w (tabs and non-ASCII characters stay as is).
pub fn basic_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push('\t'),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(entries: Vec<(&str, TomlValue)>) -> TomlTable {
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect()
    }

    #[test]
    fn layout_matches_tomli_w() {
        let root = table(vec![
            (
                "workspace",
                TomlValue::Table(table(vec![
                    ("name", "x".into()),
                    ("channels", TomlValue::Array(vec!["a".into(), "b".into()])),
                    (
                        "platforms",
                        TomlValue::Array(vec![
                            TomlValue::Table(table(vec![
                                ("platform", "linux-64".into()),
                                ("linux", "4.4.0".into()),
                            ])),
                            "win-64".into(),
                        ]),
                    ),
                ])),
            ),
            (
                "dependencies",
                TomlValue::Table(table(vec![(
                    "ruamel.yaml",
                    TomlValue::Table(table(vec![("version", "*".into())])),
                )])),
            ),
            (
                "feature",
                TomlValue::Table(table(vec![(
                    "runner",
                    TomlValue::Table(table(vec![
                        ("tasks", TomlValue::Table(TomlTable::new())),
                        ("empty", TomlValue::Array(vec![])),
                        ("flag", true.into()),
                    ])),
                )])),
            ),
            (
                "tasks",
                TomlValue::Table(table(vec![("t", "a\nb \"q\" \\ \t\u{1}".into())])),
            ),
        ]);
        let expected = r#"[workspace]
name = "x"
channels = [
    "a",
    "b",
]
platforms = [
    { platform = "linux-64", linux = "4.4.0" },
    "win-64",
]

[dependencies."ruamel.yaml"]
version = "*"

[feature.runner]
empty = []
flag = true

[feature.runner.tasks]

[tasks]
t = "a\nb \"q\" \\ 	\u0001"
"#;
        assert_eq!(to_string(&root), expected);
    }
}
