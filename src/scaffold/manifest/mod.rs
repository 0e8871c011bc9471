//! `provider.toml`: parsing and validating a provider's manifest. Every problem is a
//! [`Diagnostic`] pointing into the file (line and column from `toml_edit` spans); checks
//! that need the base provider's questions (`when` names, `after`, `workflow_id`) are made
//! when the providers are merged (`super::provider`).
//!
//! ```toml
//! description = "What projects this provider makes"
//! extends = "builtin"                # or another provider's name, or "none"
//!
//! [[questions]]
//! dest = "dashboard_title"           # answer name; flag --dashboard-title
//! prompt = "Dashboard title"
//! type = "string"                    # string | bool | int | choice | list
//! default = "Overview"
//! when = "starter == 'greeting'"     # minijinja expression over earlier answers
//! ```
//!
//! The full format is documented in README.md ("Scaffold providers"). The file is read
//! through `syntax::toml`; one question is read in `question` (its fields, `dest`, the keys
//! of other types, checks), its kind in `kind`, and its answer-related keys (`default`,
//! `when`, `keyed_by`) in `answer`.

mod answer;
mod kind;
mod question;

use super::questions::{CHECK_NAMES, Check, Condition, Kind, Question};
use crate::dependencies::loader::parse_toml;
use crate::diagnostics::{Code, Diagnostic, Severity, did_you_mean};
use crate::syntax::span::Span;
use crate::syntax::toml::{self, Entry, Fields, WrongType, described, key_span, value_span};
use serde_json::Value;
use toml_edit::{Item, Key, Table, TableLike};

/// The name of the base provider when `extends` is absent.
pub const BUILTIN: &str = "builtin";
/// `extends = "none"`: no base provider.
pub const NO_BASE: &str = "none";

/// A parsed provider.toml.
#[derive(Clone, Debug, Default)]
pub struct Manifest {
    pub description: String,
    /// The base provider (`None`: `extends = "none"`).
    pub extends: Option<String>,
    pub extends_span: Span,
    pub questions: Vec<Decl>,
}

/// A top-level question as declared, with the spans the merge checks point at.
#[derive(Clone, Debug)]
pub struct Decl {
    pub question: Question,
    /// The `[[questions]]` table (its `dest` value).
    pub span: Span,
    pub when_span: Span,
    /// Place this question after the question with that `dest` (`after = "..."`).
    pub after: Option<(String, Span)>,
}

const TOP_KEYS: &[&str] = &["description", "extends", "questions"];
const QUESTION_KEYS: &[&str] = &[
    "dest",
    "prompt",
    "help",
    "type",
    "default",
    "required",
    "when",
    "check",
    "pattern",
    "choices",
    "min",
    "max",
    "suggestions",
    "label",
    "questions",
    "keyed_by",
    "after",
];
const TYPES: &[&str] = &["string", "bool", "int", "choice", "list"];

/// Names a `dest` cannot take: the context's `year` and minijinja's literals and
/// operators.
pub const RESERVED_NAMES: &[&str] = &[
    "year", "true", "false", "none", "and", "or", "not", "in", "is", "if", "else", "loop", "self",
];

/// Names a top-level `dest` cannot take: the static flags of `wtc scaffold init`.
pub const RESERVED_FLAGS: &[&str] = &[
    "help",
    "version",
    "provider",
    "provider_path",
    "no_interactive",
    "output_dir",
    "clobber",
];

/// Parse a provider.toml. The manifest is usable only when no diagnostic is an error.
pub fn parse(text: &str) -> (Manifest, Vec<Diagnostic>) {
    let mut cx = Cx::default();
    let manifest = match parse_toml(text) {
        Ok(doc) => cx.manifest(doc.as_table()),
        Err(d) => {
            cx.push(*d);
            Manifest::default()
        }
    };
    (manifest, cx.diags)
}

/// Is `s` usable as a `dest` (a lower-case identifier)?
fn is_dest(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_lowercase())
        && chars.all(|c| c == '_' || c.is_ascii_lowercase() || c.is_ascii_digit())
}

#[derive(Default)]
struct Cx {
    diags: Vec<Diagnostic>,
}

impl Cx {
    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn errors(&self) -> usize {
        self.diags.iter().filter(|d| d.is_error()).count()
    }

    fn wrong_type(&mut self, key: &Key, item: &Item, expected: &str) {
        self.push(
            Diagnostic::error(
                Code::InvalidType,
                format!(
                    "`{}` must be {expected}, found {}",
                    key.get(),
                    described(item)
                ),
            )
            .at(value_span(key, item), format!("expected {expected}")),
        );
    }

    /// A value of the wrong type, reported with what was `expected`.
    fn expected<T>(&mut self, read: Result<T, WrongType<'_>>, expected: &str) -> Option<T> {
        read.map_err(|w| self.wrong_type(w.key, w.item, expected))
            .ok()
    }

    fn unknown_keys(&mut self, rest: Vec<Entry<'_>>, place: &str, known: &[&str]) {
        for (key, item) in rest {
            self.push(
                Diagnostic::unknown_key(Severity::Error, key.get(), place, known)
                    .at(key_span(key, item), "unknown key"),
            );
        }
    }

    fn string(&mut self, field: Option<Entry<'_>>) -> Option<(String, Span)> {
        let read = toml::string(field?).map(|(s, at)| (s.to_string(), at));
        self.expected(read, "a string")
    }

    fn boolean(&mut self, field: Option<Entry<'_>>) -> Option<bool> {
        self.expected(toml::boolean(field?), "true or false")
    }

    fn integer(&mut self, field: Option<Entry<'_>>) -> Option<(i64, Span)> {
        self.expected(toml::integer(field?), "an integer")
    }

    fn strings(&mut self, field: Option<Entry<'_>>) -> Option<(Vec<String>, Span)> {
        self.expected(toml::strings(field?), "an array of strings")
    }

    fn manifest(&mut self, root: &Table) -> Manifest {
        let mut f = Fields::new(root, Span::default());
        let description = self.string(f.take("description")).map(|(s, _)| s);
        let extends = self.string(f.take("extends"));
        let questions = f.take("questions");
        self.unknown_keys(f.rest(), "provider.toml", TOP_KEYS);
        let (extends, extends_span) = match extends {
            None => (Some(BUILTIN.to_string()), Span::default()),
            Some((e, s)) if e == NO_BASE => (None, s),
            Some((e, s)) => (Some(e), s),
        };
        let questions = match questions {
            None => Vec::new(),
            Some((key, item)) => self.questions(key, item, false),
        };
        Manifest {
            description: description.unwrap_or_default(),
            extends,
            extends_span,
            questions,
        }
    }

    /// `[[questions]]` (top level) or `[[questions.questions]]` (`nested`: inside a list).
    fn questions(&mut self, key: &Key, item: &Item, nested: bool) -> Vec<Decl> {
        let tables: Vec<&dyn TableLike> = match item {
            Item::ArrayOfTables(a) => a.iter().map(|t| t as &dyn TableLike).collect(),
            Item::Value(toml_edit::Value::Array(a))
                if a.iter().all(|v| v.as_inline_table().is_some()) =>
            {
                a.iter()
                    .filter_map(|v| v.as_inline_table().map(|t| t as &dyn TableLike))
                    .collect()
            }
            _ => {
                self.wrong_type(key, item, "an array of tables (`[[questions]]`)");
                return Vec::new();
            }
        };
        let mut out: Vec<Decl> = Vec::new();
        for table in tables {
            let Some(decl) = self.question(table, key, nested, &out) else {
                continue;
            };
            if let Some(first) = out.iter().find(|d| d.question.dest == decl.question.dest) {
                self.push(
                    Diagnostic::error(
                        Code::DuplicateQuestion,
                        format!("question `{}` is declared twice", decl.question.dest),
                    )
                    .at(decl.span, "declared again here")
                    .with_secondary(first.span, "first declared here"),
                );
                continue;
            }
            out.push(decl);
        }
        out
    }

    /// Every name `c` reads must be one of `names`.
    fn condition_names(&mut self, c: &Condition, at: Span, dest: &str, names: &[&str], what: &str) {
        for v in c.variables() {
            if !names.contains(&v.as_str()) {
                self.push(unknown_name(&v, at, dest, names, what));
            }
        }
    }
}

/// The diagnostic for a `when` that reads a name that is not an earlier question.
pub fn unknown_name(v: &str, at: Span, dest: &str, names: &[&str], what: &str) -> Diagnostic {
    Diagnostic::error(
        Code::InvalidCondition,
        format!("`when` of `{dest}` reads `{v}`, which is not one of the {what}"),
    )
    .at(at, format!("unknown name `{v}`"))
    .with_help_opt(did_you_mean(v, names.iter().copied()))
    .with_note(if names.is_empty() {
        "there are no earlier answers to test here".to_string()
    } else {
        format!("available: {}", names.join(", "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        let (_, d) = parse(text);
        d.iter()
            .map(|d| {
                let at = d
                    .primary
                    .as_ref()
                    .map_or("", |p| &text[p.span.start..p.span.end]);
                format!("{}: {} @ {at}", d.code, d.message)
            })
            .collect()
    }

    #[test]
    fn a_full_question_parses() {
        let (m, d) = parse(
            r#"
description = "d"
[[questions]]
dest = "kind"
type = "choice"
choices = ["a", "b"]
default = "b"
after = "workflow_name"
[[questions]]
dest = "items"
type = "list"
label = "item"
  [[questions.questions]]
  dest = "name"
  required = true
  [[questions.questions]]
  dest = "n"
  type = "int"
  min = 1
  default = 2
  when = "name != 'x'"
"#,
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(m.extends.as_deref(), Some("builtin"));
        assert_eq!(m.questions.len(), 2);
        assert_eq!(m.questions[0].question.default, Some(Value::from("b")));
        assert_eq!(m.questions[0].after.as_ref().unwrap().0, "workflow_name");
        let Kind::List { label, questions } = &m.questions[1].question.kind else {
            panic!()
        };
        assert_eq!(label, "item");
        assert_eq!(questions[1].default, Some(Value::from(2)));
    }

    #[test]
    fn problems_point_at_their_values() {
        assert_eq!(
            errors("[[questions]]\ndest = \"x\"\ntype = \"strng\"\n"),
            ["invalid-type: unknown question type `strng` @ \"strng\""]
        );
        assert_eq!(
            errors("[[questions]]\ndest = \"Bad-Name\"\n"),
            ["invalid-dest: `dest = \"Bad-Name\"` is not a valid answer name @ \"Bad-Name\""]
        );
        assert_eq!(
            errors("[[questions]]\ndest = \"year\"\n"),
            ["invalid-dest: `year` cannot be a question's `dest` @ \"year\""]
        );
        assert_eq!(
            errors("[[questions]]\ndest = \"x\"\ntype = \"int\"\ndefault = \"a\"\n"),
            [
                "invalid-default: the default of `x` is not a valid answer: `a` is not an integer @ \"a\""
            ]
        );
        assert_eq!(
            errors(
                "[[questions]]\ndest = \"x\"\ntype = \"choice\"\nchoices = [\"a\"]\ndefault = \"b\"\n"
            ),
            [
                "invalid-default: the default of `x` is not a valid answer: `b` is not one of the choices: a @ \"b\""
            ]
        );
        assert_eq!(
            errors("[[questions]]\ndest = \"x\"\nchoices = [\"a\"]\n"),
            ["invalid-question: `choices` does not apply to a string question (`x`) @ [\"a\"]"]
        );
        assert_eq!(
            errors("[[questions]]\ndest = \"x\"\ncheck = \"workflowid\"\n"),
            ["unknown-check: unknown check `workflowid` @ \"workflowid\""]
        );
        assert_eq!(
            errors("[[questions]]\ndest = \"x\"\nwhen = \"a ==\"\n")[0]
                .split(':')
                .next(),
            Some("invalid-condition")
        );
        assert_eq!(
            errors("[[questions]]\ndest = \"x\"\npromt = \"X\"\n"),
            ["unknown-key: unknown key `promt` in question `x` @ promt"]
        );
        assert_eq!(
            errors("[[questions]]\ndest = \"x\"\n[[questions]]\ndest = \"x\"\n"),
            ["duplicate-question: question `x` is declared twice @ \"x\""]
        );
        let syntax = errors("description = \n");
        assert!(
            syntax[0].starts_with("toml-syntax: invalid TOML: "),
            "{syntax:?}"
        );
    }

    #[test]
    fn list_sub_questions_see_only_their_list() {
        let text = "[[questions]]\ndest = \"l\"\ntype = \"list\"\n[[questions.questions]]\ndest = \"a\"\n[[questions.questions]]\ndest = \"b\"\nwhen = \"c == 1\"\n";
        assert_eq!(
            errors(text),
            [
                "invalid-condition: `when` of `b` reads `c`, which is not one of the earlier sub-questions of the same list @ \"c == 1\""
            ]
        );
        let keyed = "[[questions]]\ndest = \"l\"\ntype = \"list\"\n[[questions.questions]]\ndest = \"kind\"\ntype = \"choice\"\nchoices = [\"rev\", \"tag\"]\ndefault = \"rev\"\n[[questions.questions]]\ndest = \"value\"\nkeyed_by = \"kind\"\n";
        assert!(errors(keyed).is_empty());
        let bad = keyed.replace("keyed_by = \"kind\"", "keyed_by = \"knd\"");
        assert_eq!(
            errors(&bad),
            [
                "invalid-question: `keyed_by = \"knd\"` does not name an earlier sub-question of this list @ \"knd\""
            ]
        );
    }
}
