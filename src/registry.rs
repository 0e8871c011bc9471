//! The task registry: a `wt-registry --format json` document turned into known tasks.
//!
//! See `registry-contract.md`: entries are keyed by function name, then by public module
//! path (both insertion-ordered). Two functions with the same name in different modules
//! get distinct `registry_ref`s, which give them distinct local aliases in generated code.

use crate::spec::python_names::is_identifier;
use indexmap::IndexMap;
use serde::Deserialize;
use std::sync::Arc;

/// A task function the compiler knows about.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct KnownTask {
    /// `<public_module_path>.<function_name>`.
    pub importable_reference: String,
    /// Module part of `importable_reference` (text before the last dot).
    pub anchor: String,
    /// Text after the last dot.
    pub function_name: String,
    /// Tagged `io` (mocked in the mock-io DAG). Other tags carry no meaning.
    pub is_io: bool,
    /// The reported tags that the reference knows (only `io`), in order, duplicates kept
    /// (serialized in the `spec_sha256` input).
    pub tags: Vec<String>,
    pub registry_ref: usize,
    /// The parameter JSON schema, as reported.
    pub json_schema: JsonValue,
    /// `metadata.description`, with `""` turned into `None`.
    pub description: Option<String>,
}

/// `serde_json::Value` with `Hash` (by its canonical text), so it can live in salsa structs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonValue(pub serde_json::Value);

impl std::hash::Hash for JsonValue {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.to_string().hash(state)
    }
}

impl KnownTask {
    /// Local alias used in generated code: `fn` or `fn_<registry_ref>`.
    pub fn safe_reference(&self) -> String {
        if self.registry_ref == 0 {
            self.function_name.clone()
        } else {
            format!("{}_{}", self.function_name, self.registry_ref)
        }
    }
}

/// The only task tag with a meaning (the reference's `TaskTag` enum); others are dropped.
const KNOWN_TAG: &str = "io";

/// All known tasks: function name → public module path → task.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Registry {
    pub by_name: IndexMap<String, IndexMap<String, Arc<KnownTask>>>,
}

/// Why a registry document could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    #[error("the registry document is not valid JSON (line {line}, column {column}): {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("the registry document does not match the wt-registry contract: {0}")]
    Shape(String),
    #[error(
        "registry entry `{key}` has an invalid importable reference `{reference}`: every dotted part must be a Python identifier"
    )]
    BadReference { key: String, reference: String },
}

#[derive(Deserialize)]
struct Document {
    entries: IndexMap<String, Entry>,
}

#[derive(Deserialize)]
struct Entry {
    metadata: Metadata,
    #[allow(dead_code)]
    module_path: String,
    public_module_path: String,
    function_name: String,
    #[allow(dead_code)]
    import_statement: String,
    json_schema: serde_json::Value,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
}

impl Registry {
    /// Parse a `wt-registry --format json` document.
    pub fn from_json(text: &str) -> Result<Self, RegistryError> {
        let doc: Document = serde_json::from_str(text).map_err(|e| {
            if e.is_data() {
                RegistryError::Shape(e.to_string())
            } else {
                RegistryError::Json {
                    line: e.line(),
                    column: e.column(),
                    message: e.to_string(),
                }
            }
        })?;
        Self::from_document(doc)
    }

    /// Convert an already-parsed `wt-registry --format json` document (e.g. from a cache
    /// entry or lock file).
    pub fn from_value(value: serde_json::Value) -> Result<Self, RegistryError> {
        let doc: Document =
            serde_json::from_value(value).map_err(|e| RegistryError::Shape(e.to_string()))?;
        Self::from_document(doc)
    }

    fn from_document(doc: Document) -> Result<Self, RegistryError> {
        let mut by_name: IndexMap<String, IndexMap<String, Arc<KnownTask>>> = IndexMap::new();
        for (key, entry) in doc.entries {
            if !entry.json_schema.is_object() {
                return Err(RegistryError::Shape(format!(
                    "entries.{key}.json_schema: expected a JSON object"
                )));
            }
            let reference = format!("{}.{}", entry.public_module_path, entry.function_name);
            let Some((anchor, function_name)) = reference.rsplit_once('.') else {
                return Err(RegistryError::BadReference { key, reference });
            };
            if !anchor.split('.').all(is_identifier) || !is_identifier(function_name) {
                return Err(RegistryError::BadReference { key, reference });
            }
            let slot = by_name.entry(function_name.to_string()).or_default();
            let task = KnownTask {
                anchor: anchor.to_string(),
                function_name: function_name.to_string(),
                importable_reference: reference.clone(),
                is_io: entry.metadata.tags.iter().any(|t| t == KNOWN_TAG),
                tags: entry
                    .metadata
                    .tags
                    .iter()
                    .filter(|t| *t == KNOWN_TAG)
                    .cloned()
                    .collect(),
                registry_ref: slot.len(),
                json_schema: JsonValue(entry.json_schema),
                description: entry.metadata.description.filter(|d| !d.is_empty()),
            };
            slot.insert(anchor.to_string(), Arc::new(task));
        }
        Ok(Self { by_name })
    }

    /// Number of known tasks.
    pub fn len(&self) -> usize {
        self.by_name.values().map(IndexMap::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    /// Every importable reference, for suggestions.
    pub fn qualified_names(&self) -> impl Iterator<Item = &str> {
        self.by_name
            .values()
            .flat_map(|m| m.values())
            .map(|t| t.importable_reference.as_str())
    }

    /// Resolve a `task:` / skipif condition reference.
    pub fn lookup(&self, reference: &str) -> Result<&Arc<KnownTask>, LookupError> {
        let qualified = reference.contains('.') && reference.split('.').all(is_identifier);
        if qualified {
            let (module, func) = reference.rsplit_once('.').unwrap_or(("", reference));
            let modules = self
                .by_name
                .get(func)
                .ok_or_else(|| LookupError::NotFound(reference.to_string()))?;
            return modules.get(module).ok_or_else(|| LookupError::WrongModule {
                function: func.to_string(),
                module: module.to_string(),
                available: modules.keys().cloned().collect(),
            });
        }
        let modules = self
            .by_name
            .get(reference)
            .ok_or_else(|| LookupError::NotFound(reference.to_string()))?;
        if modules.len() > 1 {
            return Err(LookupError::Ambiguous {
                function: reference.to_string(),
                candidates: modules
                    .values()
                    .map(|t| t.importable_reference.clone())
                    .collect(),
            });
        }
        modules
            .values()
            .next()
            .ok_or_else(|| LookupError::NotFound(reference.to_string()))
    }
}

/// Why a task reference did not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupError {
    NotFound(String),
    WrongModule {
        function: String,
        module: String,
        available: Vec<String>,
    },
    Ambiguous {
        function: String,
        candidates: Vec<String>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{"entries":{
      "a._impl.add":{"metadata":{"title":"Add","description":"","tags":["io","math"],"deprecated":false,"deprecation_message":null},"module_path":"a._impl","public_module_path":"a","function_name":"add","import_statement":"from a import add as add","json_schema":{"type":"object"}},
      "b.x.add":{"metadata":{"title":"Add","description":"Adds.","tags":[]},"module_path":"b.x","public_module_path":"b.x","function_name":"add","import_statement":"from b.x import add as add","json_schema":{}}
    },"version":"1.0.0"}"#;

    #[test]
    fn duplicates_get_registry_refs() {
        let r = Registry::from_json(DOC).unwrap();
        let a = r.lookup("a.add").unwrap();
        let b = r.lookup("b.x.add").unwrap();
        assert_eq!((a.registry_ref, a.safe_reference()), (0, "add".to_string()));
        assert_eq!(
            (b.registry_ref, b.safe_reference()),
            (1, "add_1".to_string())
        );
        assert!(a.is_io && !b.is_io);
        assert_eq!(a.description, None);
        assert_eq!(b.description.as_deref(), Some("Adds."));
        assert!(matches!(
            r.lookup("add"),
            Err(LookupError::Ambiguous { .. })
        ));
        assert!(matches!(
            r.lookup("c.add"),
            Err(LookupError::WrongModule { .. })
        ));
        assert!(matches!(r.lookup("nope"), Err(LookupError::NotFound(_))));
    }

    #[test]
    fn errors() {
        assert!(matches!(
            Registry::from_json("{"),
            Err(RegistryError::Json { .. })
        ));
        assert!(matches!(
            Registry::from_json("{}"),
            Err(RegistryError::Shape(_))
        ));
    }
}
