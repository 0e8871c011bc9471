//! The registry of diagnostic codes: every [`Code`] a [`super::Diagnostic`] can carry, with
//! its kebab-case name (shown as `error[unknown-key]`), the severities it is reported
//! with, a one-line summary and a long explanation (`wtc explain CODE`).
//!
//! The explanations are Markdown files, `explain/<code>.md`, embedded at build time. Each
//! says what triggers the code, shows a minimal input that does, and how to fix it. A
//! fenced example whose info string is `yaml spec.yaml`, `toml env-overrides.toml` or
//! `toml provider.toml` is compiled by the tests (`tests/it/explain.rs`; `yaml params.yaml` is
//! checked as `wtc run` params of the `chain` example), which check that
//! it really produces the code.

use super::Severity;
use std::fmt;

/// Declares [`Code`] and its tables from one list: `Variant "name" [severities] "summary"`.
macro_rules! codes {
    ($($variant:ident $name:literal [$($severity:ident),+] $summary:literal,)+) => {
        /// A stable diagnostic code.
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($variant,)+
        }

        impl Code {
            /// Every code, in the order of the registry (by input, then by grammar part).
            pub const ALL: &[Code] = &[$(Code::$variant,)+];

            /// The kebab-case name, as shown in `error[name]`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)+
                }
            }

            /// One line saying what the code reports.
            pub const fn summary(self) -> &'static str {
                match self {
                    $(Code::$variant => $summary,)+
                }
            }

            /// The severities diagnostics with this code are reported with.
            pub const fn severities(self) -> &'static [Severity] {
                match self {
                    $(Code::$variant => &[$(Severity::$severity),+],)+
                }
            }

            /// The long explanation (Markdown): trigger, example, fix.
            pub const fn explanation(self) -> &'static str {
                match self {
                    $(Code::$variant => include_str!(concat!("explain/", $name, ".md")),)+
                }
            }
        }
    };
}

codes! {
    // spec.yaml: syntax and structure
    YamlSyntax "yaml-syntax" [Error] "the spec is not valid YAML (syntax error, duplicate key, unsupported alias)",
    InvalidType "invalid-type" [Error] "a value has the wrong type, or a provider question has an unknown `type`",
    MissingKey "missing-key" [Error] "a required key is missing",
    UnknownKey "unknown-key" [Error, Warning] "a key that the format does not know",
    InvalidValue "invalid-value" [Error] "a value is out of range or cannot be represented",
    // spec.yaml: ids and requirements
    InvalidId "invalid-id" [Error] "a workflow or task instance id is not a usable Python name",
    IdClash "id-clash" [Error] "a task instance id equals the workflow id",
    DuplicateId "duplicate-id" [Error] "two task instances have the same id",
    InvalidRequirement "invalid-requirement" [Error] "a conda or PyPI requirement has an invalid form",
    InvalidVersion "invalid-version" [Error] "a conda version constraint does not parse",
    UnknownChannel "unknown-channel" [Error] "a conda channel is neither a known name nor a URL",
    InvalidMetadata "invalid-metadata" [Error] "`metadata.maintainers` is empty",
    // spec.yaml: the workflow
    InvalidWorkflowEntry "invalid-workflow-entry" [Error] "a `workflow` entry is neither a task instance nor a task group",
    NestedGroup "nested-group" [Error] "a task group inside a task group",
    MapAndMapvalues "map-and-mapvalues" [Error] "a task has both `map` and `mapvalues`",
    IncompleteMap "incomplete-map" [Error] "a `map`/`mapvalues` block lacks `argnames` or `argvalues`",
    InvalidArgvalues "invalid-argvalues" [Error] "`argvalues` holds something other than references",
    InvalidArgumentName "invalid-argument-name" [Error] "an argument name is not a Python identifier, or is a keyword",
    UnquotedDate "unquoted-date" [Error] "an unquoted date where a string or JSON value is expected",
    InvalidReference "invalid-reference" [Error] "a `${{ ... }}` value is not a recognised variable",
    SelfReference "self-reference" [Error] "a task uses its own return value",
    UnknownReference "unknown-reference" [Error] "a reference names a task id that does not exist",
    TopologicalOrder "topological-order" [Error] "a task uses the result of a task defined after it",
    // spec.yaml against the task registry
    UnknownTask "unknown-task" [Error] "a task or skipif condition is not in the task registry",
    AmbiguousTask "ambiguous-task" [Error] "a task name is defined in more than one module",
    UnknownArgument "unknown-argument" [Warning] "a task is given an argument its schema does not have",
    IgnoredOverrideSection "ignored-override-section" [Warning] "an `rjsf-overrides` section other than `properties`, `$defs` or `uiSchema`",
    InvalidOverride "invalid-override" [Error] "an `rjsf-overrides` path descends through a value that is not a mapping",
    InvalidRegistry "invalid-registry" [Error] "a task's registry entry cannot be used (its schema is not an object)",
    InvalidSchema "invalid-schema" [Error] "the assembled params.json is not a valid JSON Schema",
    Fingerprint "fingerprint" [Error] "the README fingerprint cannot be computed",
    GraphRender "graph-render" [Error] "the task graph image cannot be rendered",
    // --env-overrides files (and defaults.toml); `toml-syntax` also for provider.toml
    TomlSyntax "toml-syntax" [Error] "an env-overrides file or provider.toml is not valid TOML",
    InvalidOverrides "invalid-overrides" [Error] "an env-overrides entry has the wrong type",
    UnknownFeature "unknown-feature" [Error] "an env-overrides feature other than `default`, `runner`, `test`",
    InvalidPackageName "invalid-package-name" [Error] "an env-overrides conda dependency name is not a valid package name",
    DuplicatePackage "duplicate-package" [Error] "a package is both a conda and a PyPI dependency of one feature",
    InvalidPyproject "invalid-pyproject" [Error] "the pyproject.toml of a path dependency is not valid TOML",
    PathSourceConflict "path-source-conflict" [Error] "a path dependency is also pulled in by another path dependency",
    PathSourceNotADirectory "path-source-not-a-directory" [Warning] "a PyPI `path` dependency does not name a directory",
    SupersededRequirement "superseded-requirement" [Warning] "a spec requirement is replaced by an env-overrides entry",
    InvalidVariant "invalid-variant" [Error] "`--variant` does not make valid conda package names",
    // wtc run: params
    ParamsSyntax "params-syntax" [Error] "a `wtc run` params file (or test-cases.yaml) is not valid YAML or JSON",
    UnknownParam "unknown-param" [Error] "run params hold a key the workflow's params schema does not define",
    MissingParam "missing-param" [Error] "run params lack a value the workflow's params schema requires",
    InvalidParam "invalid-param" [Error] "a run params value does not match the workflow's params schema",
    // --template-dir
    Template "template" [Error] "a `--template-dir` template failed to render",
    UnknownTemplate "unknown-template" [Warning] "a `--template-dir` file replaces no embedded template",
    // scaffold provider.toml
    InvalidQuestion "invalid-question" [Error] "a provider question's keys contradict each other",
    DuplicateQuestion "duplicate-question" [Error] "two provider questions have the same `dest`",
    InvalidDest "invalid-dest" [Error] "a provider question's `dest` is not a usable answer name",
    InvalidDefault "invalid-default" [Error] "a provider question's `default` is not a valid answer",
    InvalidPattern "invalid-pattern" [Error] "a provider question's `pattern` is not a valid regular expression",
    InvalidCondition "invalid-condition" [Error] "a provider question's `when` is invalid or reads an unknown answer",
    UnknownCheck "unknown-check" [Error] "a provider question names an unknown `check`",
    NoWorkflowId "no-workflow-id" [Error] "a provider does not ask for `workflow_id` as a plain string",
}

impl Code {
    /// The code named `name` (its kebab-case name).
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == name)
    }

    /// The README's table of codes (`code | severity | summary`), one row per code.
    pub fn markdown_table() -> String {
        let mut out = String::from("| code | severity | summary |\n|---|---|---|\n");
        for c in Code::ALL {
            out.push_str(&format!(
                "| `{c}` | {} | {} |\n",
                c.severity_names(),
                c.summary().replace('|', "\\|")
            ));
        }
        out
    }

    /// The severities as words: `error`, `warning` or `error, warning`.
    pub fn severity_names(self) -> String {
        let names: Vec<&str> = self.severities().iter().map(|s| s.as_str()).collect();
        names.join(", ")
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Formats like the name as a string literal (`"unknown-key"`), as the code did when it was
/// a `&str`.
impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Code> for &str {
    fn eq(&self, other: &Code) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Code> for str {
    fn eq(&self, other: &Code) -> bool {
        self == other.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for &c in Code::ALL {
            assert_eq!(Code::from_name(c.as_str()), Some(c));
            assert!(seen.insert(c.as_str()), "`{c}` is listed twice");
            assert_eq!(c.to_string(), c.as_str());
            assert!(c == c.as_str() && c.as_str() == c);
            let kebab = c
                .as_str()
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch == '-');
            assert!(kebab, "`{c}` is not kebab-case");
        }
        assert_eq!(Code::from_name("no-such-code"), None);
    }

    #[test]
    fn every_code_has_a_summary_and_an_explanation() {
        for &c in Code::ALL {
            let summary = c.summary();
            assert!(!summary.is_empty() && !summary.contains('\n'), "{c}");
            let text = c.explanation();
            assert!(
                text.contains("## Example") && text.contains("## Fix"),
                "{c}"
            );
            assert!(!c.severities().is_empty(), "{c}");
        }
    }
}
