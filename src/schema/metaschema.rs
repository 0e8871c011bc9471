//! Check a generated JSON Schema (`params.json`, `rjsf.json`) against the Draft 2020-12
//! meta-schema, as the reference compiler does before writing its artifacts.
//!
//! The schema is validated as an *instance* of the meta-schema bundled in the `jsonschema` crate
//! (no network access). The crate compiles that meta-schema once, on first use, into a
//! process-wide static (`jsonschema::draft202012::meta::validator()` borrows it), so each
//! [`check`] pays only for the validation itself: a valid document is checked with the fast
//! boolean path, and errors are collected only when it fails.
//!
//! `format` is an annotation only: `"pattern": "("` passes, since the meta-schema's
//! `"format": "regex"` is not asserted. This agrees with Python `jsonschema`'s
//! `Draft202012Validator(META_SCHEMA).iter_errors(schema)` (same validity and error paths on every
//! corpus artifact and on 3,000 randomly broken variants of them); Python's stricter
//! `Draft202012Validator.check_schema` would also reject an invalid `pattern` regex.
//! Non-standard keywords such as `uiSchema` or `ecoscope:task_group` are allowed, as the
//! meta-schema allows any unknown keyword.

use serde_json::Value;
use std::fmt;

/// A generated artifact is not a valid Draft 2020-12 JSON Schema.
///
/// Displays as one line for a single violation, e.g.
/// ``compiled artifact 'params.json' is not a valid JSON Schema (Draft 2020-12): at
/// /$defs/ValueGrouper/properties/index_name/oneOf: `[]` should be non-empty (keyword
/// `minItems`)``, or as a header line followed by one indented line per violation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("compiled artifact '{artifact}' is not a valid JSON Schema (Draft 2020-12): {}", ViolationList(.errors))]
pub struct MetaSchemaError {
    /// The artifact's file name, e.g. `params.json`.
    pub artifact: String,
    /// Every violation found, deduplicated and sorted by instance path, then keyword, then
    /// message. Never empty.
    pub errors: Vec<MetaSchemaViolation>,
}

/// One place where the schema breaks the meta-schema.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct MetaSchemaViolation {
    /// Where in the checked schema, as unescaped keys and array indices, e.g.
    /// `["$defs", "ValueGrouper", "properties", "index_name", "oneOf"]`; empty for the root.
    pub instance_path: Vec<String>,
    /// The meta-schema keyword that failed, e.g. `minItems`.
    pub keyword: String,
    /// What is wrong, e.g. ``"`[]` should be non-empty"``.
    pub message: String,
}

impl MetaSchemaViolation {
    /// The instance path as a JSON Pointer (RFC 6901): `/$defs/X/anyOf`, `""` for the root.
    #[must_use]
    pub fn pointer(&self) -> String {
        let mut pointer = String::new();
        for segment in &self.instance_path {
            pointer.push('/');
            pointer.push_str(&segment.replace('~', "~0").replace('/', "~1"));
        }
        pointer
    }
}

impl fmt::Display for MetaSchemaViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.instance_path.is_empty() {
            f.write_str("at the document root")?;
        } else {
            write!(f, "at {}", self.pointer())?;
        }
        write!(f, ": {}", self.message)?;
        if !self.keyword.is_empty() {
            write!(f, " (keyword `{}`)", self.keyword)?;
        }
        Ok(())
    }
}

/// Renders the violations of a [`MetaSchemaError`]: inline when there is one, otherwise as a
/// count followed by one indented line each.
struct ViolationList<'a>(&'a [MetaSchemaViolation]);

impl fmt::Display for ViolationList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            [single] => write!(f, "{single}"),
            many => {
                write!(f, "{} violations:", many.len())?;
                for violation in many {
                    write!(f, "\n  {violation}")?;
                }
                Ok(())
            }
        }
    }
}

/// Messages longer than this (in bytes) are cut: the crate's messages quote the offending value,
/// which may be a large subschema.
const MAX_MESSAGE_LEN: usize = 300;

/// Validate `schema` as an instance of the JSON Schema Draft 2020-12 meta-schema.
///
/// `artifact` names the document in the error (e.g. `params.json`).
///
/// # Errors
///
/// [`MetaSchemaError`] listing every violation when `schema` is not a valid Draft 2020-12 schema.
pub fn check(artifact: &str, schema: &Value) -> Result<(), MetaSchemaError> {
    let validator = jsonschema::draft202012::meta::validator();
    if validator.is_valid(schema) {
        return Ok(());
    }
    let mut errors: Vec<MetaSchemaViolation> = validator
        .iter_errors(schema)
        .map(|error| violation(&error))
        .collect();
    // The meta-schema is an `allOf` of vocabulary meta-schemas, several of which repeat the same
    // assertion (e.g. `"type": ["object", "boolean"]`), so one fault can be reported many times.
    errors.sort();
    errors.dedup();
    if errors.is_empty() {
        // Not expected: `is_valid` and `iter_errors` disagree. Still refuse the schema.
        errors.push(MetaSchemaViolation {
            instance_path: Vec::new(),
            keyword: String::new(),
            message: String::from("the schema does not conform to the meta-schema"),
        });
    }
    Err(MetaSchemaError {
        artifact: artifact.to_owned(),
        errors,
    })
}

/// Convert one of the crate's errors.
fn violation(error: &jsonschema::ValidationError<'_>) -> MetaSchemaViolation {
    let keyword = error.kind().keyword().to_owned();
    let message = match error.kind() {
        // Python's `jsonschema` says "[] should be non-empty"; the crate says "[] has less than
        // 1 item".
        jsonschema::error::ValidationErrorKind::MinItems { limit: 1 }
            if error.instance().as_array().is_some_and(Vec::is_empty) =>
        {
            String::from("`[]` should be non-empty")
        }
        _ => truncate(error.to_string()),
    };
    MetaSchemaViolation {
        instance_path: split_pointer(error.instance_path().as_str()),
        keyword,
        message,
    }
}

/// Cut `message` to at most [`MAX_MESSAGE_LEN`] bytes (on a character boundary), marking the cut.
fn truncate(mut message: String) -> String {
    if message.len() > MAX_MESSAGE_LEN {
        let mut end = MAX_MESSAGE_LEN;
        while !message.is_char_boundary(end) {
            end -= 1;
        }
        message.truncate(end);
        message.push_str("… (truncated)");
    }
    message
}

/// Split a JSON Pointer (RFC 6901) into unescaped segments: `""` → `[]`, `"/a~1b/0"` → `["a/b",
/// "0"]`, `"/"` → `[""]`.
fn split_pointer(pointer: &str) -> Vec<String> {
    match pointer.strip_prefix('/') {
        None => Vec::new(),
        Some(rest) => rest
            .split('/')
            .map(|segment| segment.replace("~1", "/").replace("~0", "~"))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn violations(schema: &Value) -> Vec<MetaSchemaViolation> {
        check("params.json", schema)
            .expect_err("schema should be rejected")
            .errors
    }

    fn path(segments: &[&str]) -> Vec<String> {
        segments.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn valid_schema_passes() {
        let schema = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "Params",
            "type": "object",
            "properties": {
                "name": {"type": "string", "minLength": 1, "pattern": "^[a-z]+$"},
                "count": {"type": "integer", "minimum": 0, "default": 3},
                "mode": {"oneOf": [{"const": "a"}, {"const": "b"}]},
                "ref": {"$ref": "#/$defs/Thing"}
            },
            "required": ["name"],
            "$defs": {"Thing": {"anyOf": [{"type": "null"}, {"type": "number"}]}}
        });
        assert_eq!(check("params.json", &schema), Ok(()));
        assert_eq!(check("params.json", &json!({})), Ok(()));
        // `format: regex` is not asserted (see the module docs).
        assert_eq!(check("params.json", &json!({"pattern": "("})), Ok(()));
        assert_eq!(check("params.json", &json!(true)), Ok(()));
    }

    #[test]
    fn empty_one_of_is_rejected() {
        let errors = violations(&json!({"properties": {"a": {"oneOf": []}}}));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].instance_path, path(&["properties", "a", "oneOf"]));
        assert_eq!(errors[0].keyword, "minItems");
        assert_eq!(errors[0].message, "`[]` should be non-empty");
    }

    #[test]
    fn bad_type_is_rejected() {
        let errors = violations(&json!({"type": 5}));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].instance_path, path(&["type"]));
    }

    #[test]
    fn empty_any_of_in_defs_is_rejected() {
        let errors = violations(&json!({"$defs": {"X": {"anyOf": []}}}));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].instance_path, path(&["$defs", "X", "anyOf"]));
        assert_eq!(errors[0].keyword, "minItems");
    }

    #[test]
    fn display_matches_the_reference_wording() {
        let schema = json!({
            "$defs": {"ValueGrouper": {"properties": {"index_name": {"oneOf": []}}}}
        });
        let error = check("params.json", &schema).expect_err("invalid");
        assert_eq!(
            error.to_string(),
            "compiled artifact 'params.json' is not a valid JSON Schema (Draft 2020-12): \
             at /$defs/ValueGrouper/properties/index_name/oneOf: `[]` should be non-empty \
             (keyword `minItems`)"
        );
    }

    #[test]
    fn all_violations_are_collected_sorted_and_deduplicated() {
        let schema = json!({
            "properties": {
                "z": {"additionalProperties": 3},
                "a/b~c": {"allOf": []},
                "": {"minimum": "x"}
            },
            "$defs": {"X": {"anyOf": []}}
        });
        let error = check("rjsf.json", &schema).expect_err("invalid");
        let paths: Vec<String> = error
            .errors
            .iter()
            .map(MetaSchemaViolation::pointer)
            .collect();
        assert_eq!(
            paths,
            [
                "/$defs/X/anyOf",
                "/properties//minimum",
                "/properties/a~1b~0c/allOf",
                "/properties/z/additionalProperties",
            ]
        );
        assert_eq!(
            error.errors[2].instance_path,
            path(&["properties", "a/b~c", "allOf"])
        );
        assert_eq!(error.errors[3].keyword, "type");
        let text = error.to_string();
        assert!(
            text.starts_with(
                "compiled artifact 'rjsf.json' is not a valid JSON Schema (Draft 2020-12): \
                 4 violations:\n  at /$defs/X/anyOf: `[]` should be non-empty (keyword `minItems`)\n"
            ),
            "{text}"
        );
        assert_eq!(text.lines().count(), 5);
    }

    #[test]
    fn root_violation() {
        let errors = violations(&json!(5));
        assert_eq!(errors.len(), 1);
        assert!(errors[0].instance_path.is_empty());
        assert!(
            errors[0]
                .to_string()
                .starts_with("at the document root: 5 is not of types")
        );
    }

    #[test]
    fn long_messages_are_truncated() {
        let big: Vec<String> = (0..200).map(|i| format!("value-{i}-é")).collect();
        let errors = violations(&json!({"type": big}));
        assert!(
            errors
                .iter()
                .all(|e| e.message.len() <= MAX_MESSAGE_LEN + 20)
        );
    }

    #[test]
    fn pointers_round_trip() {
        for pointer in ["", "/", "/a", "/a~1b/~0/0", "//x"] {
            let violation = MetaSchemaViolation {
                instance_path: split_pointer(pointer),
                keyword: String::new(),
                message: String::new(),
            };
            assert_eq!(violation.pointer(), pointer);
        }
    }

    #[test]
    fn compiled_artifact_shape_with_custom_keywords_passes() {
        let schema = json!({
            "properties": {
                "Time Range": {
                    "type": "object",
                    "title": "Time Range",
                    "ecoscope:task_group": true,
                    "properties": {"time_range": {"$ref": "#/$defs/TimeRange"}}
                }
            },
            "$defs": {
                "TimeRange": {
                    "type": "object",
                    "properties": {
                        "since": {"type": "string", "format": "date-time"},
                        "until": {"type": "string", "format": "date-time"}
                    },
                    "required": ["since", "until"]
                }
            },
            "uiSchema": {"ui:order": ["Time Range"], "Time Range": {"ui:order": ["time_range"]}},
            "additionalProperties": false
        });
        assert_eq!(check("rjsf.json", &schema), Ok(()));
        let empty = json!({
            "properties": {},
            "$defs": {},
            "uiSchema": {"ui:order": []},
            "additionalProperties": false
        });
        assert_eq!(check("params.json", &empty), Ok(()));
    }

    /// Every `params.json` / `rjsf.json` the reference compiler produced from the shared corpus
    /// must pass. Skipped (with a note) when `WTC_CORPUS` is not set.
    #[test]
    fn reference_artifacts_in_corpus_pass() {
        let Some(corpus) = crate::test_corpus_dir() else {
            eprintln!("note: WTC_CORPUS not set; skipping the corpus meta-schema check");
            return;
        };
        let mut entries: Vec<_> = std::fs::read_dir(&corpus)
            .expect("readable corpus")
            .filter_map(Result::ok)
            .map(|entry| entry.path().join("expected-0.10.3"))
            .filter(|dir| dir.is_dir())
            .collect();
        entries.sort();
        let mut checked = 0;
        for dir in entries {
            for artifact in ["params.json", "rjsf.json"] {
                let file = dir.join(artifact);
                let Ok(text) = std::fs::read_to_string(&file) else {
                    continue;
                };
                let schema: Value = serde_json::from_str(&text).expect("valid JSON");
                if let Err(error) = check(artifact, &schema) {
                    panic!("{}: {error}", file.display());
                }
                checked += 1;
            }
        }
        assert!(checked > 0, "no artifacts found under {}", corpus.display());
    }
}
