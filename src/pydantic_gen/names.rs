//! Python names for generated classes and fields.
//!
//! * Class names are PascalCase identifiers ([`pascal_case`]), unique in the module: the
//!   [`Namer`] appends `2`, `3`, ... on a collision with a name already taken (imports,
//!   helpers, earlier classes, Python keywords and builtins). Definitions are named
//!   first, so a task class yields to a definition of the same name.
//! * Field names are the property names themselves when those are usable as Python
//!   attributes ([`field_name`]); otherwise a snake_case identifier is derived and the
//!   property name becomes the field's alias.

use crate::spec::python_names::{is_builtin, is_keyword};
use std::collections::HashSet;

/// Attributes of `pydantic.BaseModel` / `RootModel` a field must not shadow (pydantic 2).
const MODEL_ATTRIBUTES: &[&str] = &[
    "construct",
    "copy",
    "dict",
    "from_orm",
    "json",
    "parse_file",
    "parse_obj",
    "parse_raw",
    "root",
    "schema",
    "schema_json",
    "update_forward_refs",
    "validate",
];

/// Names pycodestyle calls ambiguous (E741 for variables, E742 for classes).
const AMBIGUOUS: &[&str] = &["l", "I", "O"];

/// An ASCII identifier (non-ASCII identifiers are NFKC-normalized by Python, so the
/// attribute name could differ from the property name).
fn is_ascii_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// `time_range` → `TimeRange`, `Process Events` → `ProcessEvents`: the alphanumeric runs of
/// `text`, each capitalized; `Model` when there are none; prefixed with `Model` when it
/// would start with a digit.
pub fn pascal_case(text: &str) -> String {
    let mut out = String::new();
    for part in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.is_empty() {
        "Model".to_string()
    } else if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("Model{out}")
    } else {
        out
    }
}

/// `Process Events` → `process_events`: lowercase alphanumeric runs joined by `_`;
/// `field` when there are none; prefixed with `field_` when it would start with a digit.
pub fn snake_case(text: &str) -> String {
    let parts: Vec<String> = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let out = parts.join("_");
    if out.is_empty() {
        "field".to_string()
    } else if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("field_{out}")
    } else {
        out
    }
}

/// Unique module-level names.
#[derive(Debug, Default)]
pub struct Namer {
    taken: HashSet<String>,
}

impl Namer {
    /// A namer with `reserved` (and every Python keyword and builtin) already taken.
    pub fn new(reserved: &[&str]) -> Self {
        let mut namer = Namer::default();
        for name in reserved.iter().chain(AMBIGUOUS) {
            namer.taken.insert((*name).to_string());
        }
        namer
    }

    fn is_free(&self, name: &str) -> bool {
        !self.taken.contains(name) && !is_keyword(name) && !is_builtin(name)
    }

    /// A fresh class name for `hint` ([`pascal_case`]d, numbered if taken), marked as
    /// taken.
    pub fn claim(&mut self, hint: &str) -> String {
        let base = pascal_case(hint);
        let mut name = base.clone();
        let mut n = 2;
        while !self.is_free(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        self.taken.insert(name.clone());
        name
    }

    /// Whether `name` is a module-level name (so a field must not shadow it).
    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

/// Whether a field named `name` would shadow something or be rejected: keywords,
/// builtins (class bodies are the namespace annotations are evaluated in), pydantic model
/// attributes and protected names, private names, ambiguous names.
fn field_name_is_usable(name: &str, module: &Namer) -> bool {
    is_ascii_identifier(name)
        && !name.starts_with('_')
        && !name.starts_with("model_")
        && !is_keyword(name)
        && !is_builtin(name)
        && !MODEL_ATTRIBUTES.contains(&name)
        && !AMBIGUOUS.contains(&name)
        && !module.is_taken(name)
}

/// `key` itself as the attribute name, when usable and not taken yet in the class
/// (`used`, which it is added to).
pub fn plain_field_name(key: &str, module: &Namer, used: &mut HashSet<String>) -> Option<String> {
    (field_name_is_usable(key, module) && used.insert(key.to_string())).then(|| key.to_string())
}

/// An attribute name derived from `key` (which then becomes the field's alias): its
/// [`snake_case`], with a `_` suffix or `field_` prefix if needed, numbered to be unique
/// in the class (`used`, which it is added to).
pub fn derived_field_name(key: &str, module: &Namer, used: &mut HashSet<String>) -> String {
    let mut base = snake_case(key);
    if !field_name_is_usable(&base, module) {
        base.push('_');
        if !field_name_is_usable(&base, module) {
            base = format!("field_{base}");
        }
    }
    let mut name = base.clone();
    let mut n = 2;
    while used.contains(&name) || !field_name_is_usable(&name, module) {
        name = format!("{base}_{n}");
        n += 1;
    }
    used.insert(name.clone());
    name
}
