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
//! The full format is documented in README.md ("Scaffold providers").

use super::questions::{CHECK_NAMES, Check, Condition, Kind, Question};
use crate::dependencies::loader::parse_toml;
use crate::diagnostics::{Code, Diagnostic, Severity, did_you_mean};
use crate::syntax::span::Span;
use crate::syntax::toml::{entries, key_span, span, value_span};
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

fn kind_of(item: &Item) -> &'static str {
    match item {
        Item::Value(toml_edit::Value::InlineTable(_)) | Item::Table(_) => "a table",
        Item::ArrayOfTables(_) => "an array of tables",
        Item::Value(v) => match v {
            toml_edit::Value::String(_) => "a string",
            toml_edit::Value::Integer(_) => "an integer",
            toml_edit::Value::Float(_) => "a float",
            toml_edit::Value::Boolean(_) => "a boolean",
            toml_edit::Value::Datetime(_) => "a date-time",
            toml_edit::Value::Array(_) => "an array",
            toml_edit::Value::InlineTable(_) => "a table",
        },
        Item::None => "nothing",
    }
}

/// Is `s` usable as a `dest` (a lower-case identifier)?
fn is_dest(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_lowercase())
        && chars.all(|c| c == '_' || c.is_ascii_lowercase() || c.is_ascii_digit())
}

/// The entries of one question table, taken one by one.
struct Fields<'a> {
    entries: Vec<(&'a Key, &'a Item)>,
    span: Span,
}

impl<'a> Fields<'a> {
    fn take(&mut self, name: &str) -> Option<(&'a Key, &'a Item)> {
        let i = self.entries.iter().position(|(k, _)| k.get() == name)?;
        Some(self.entries.remove(i))
    }
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
                    kind_of(item)
                ),
            )
            .at(value_span(key, item), format!("expected {expected}")),
        );
    }

    fn unknown_keys(&mut self, rest: Vec<(&Key, &Item)>, place: &str, known: &[&str]) {
        for (key, item) in rest {
            self.push(
                Diagnostic::unknown_key(Severity::Error, key.get(), place, known)
                    .at(key_span(key, item), "unknown key"),
            );
        }
    }

    fn string(&mut self, field: Option<(&Key, &Item)>) -> Option<(String, Span)> {
        let (key, item) = field?;
        match item.as_str() {
            Some(s) => Some((s.to_string(), value_span(key, item))),
            None => {
                self.wrong_type(key, item, "a string");
                None
            }
        }
    }

    fn boolean(&mut self, field: Option<(&Key, &Item)>) -> Option<bool> {
        let (key, item) = field?;
        let b = item.as_bool();
        if b.is_none() {
            self.wrong_type(key, item, "true or false");
        }
        b
    }

    fn integer(&mut self, field: Option<(&Key, &Item)>) -> Option<(i64, Span)> {
        let (key, item) = field?;
        match item.as_integer() {
            Some(n) => Some((n, value_span(key, item))),
            None => {
                self.wrong_type(key, item, "an integer");
                None
            }
        }
    }

    fn strings(&mut self, field: Option<(&Key, &Item)>) -> Option<(Vec<String>, Span)> {
        let (key, item) = field?;
        let strings = item
            .as_array()
            .and_then(|a| a.iter().map(|v| v.as_str().map(str::to_string)).collect());
        match strings {
            Some(v) => Some((v, value_span(key, item))),
            None => {
                self.wrong_type(key, item, "an array of strings");
                None
            }
        }
    }

    fn manifest(&mut self, root: &Table) -> Manifest {
        let mut f = Fields {
            entries: entries(root),
            span: Span::default(),
        };
        let description = self.string(f.take("description")).map(|(s, _)| s);
        let extends = self.string(f.take("extends"));
        let questions = f.take("questions");
        self.unknown_keys(f.entries, "provider.toml", TOP_KEYS);
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

    /// One question table; `earlier`: the questions before it in the same list (for the
    /// checks of a list's sub-questions, which only see their own list).
    fn question(
        &mut self,
        table: &dyn TableLike,
        parent: &Key,
        nested: bool,
        earlier: &[Decl],
    ) -> Option<Decl> {
        let errors = self.errors();
        let table_span = span(parent.span());
        let mut f = Fields {
            entries: entries(table),
            span: table_span,
        };
        let Some((dest, dest_span)) = self.string(f.take("dest")) else {
            if !f.entries.iter().any(|(k, _)| k.get() == "dest") {
                self.push(
                    Diagnostic::error(
                        Code::MissingKey,
                        "a question is missing required key `dest`",
                    )
                    .at(f.span, "in this list of questions")
                    .with_help("`dest` names the answer, e.g. `dest = \"dashboard_title\"`"),
                );
            }
            return None;
        };
        if !is_dest(&dest) {
            self.push(
                Diagnostic::error(Code::InvalidDest, format!("`dest = \"{dest}\"` is not a valid answer name"))
                    .at(dest_span, "not a lower-case identifier")
                    .with_help("use lower-case letters, digits and `_`, starting with a letter or `_` (it becomes a template variable and a --flag)"),
            );
        } else if RESERVED_NAMES.contains(&dest.as_str())
            || (!nested && RESERVED_FLAGS.contains(&dest.as_str()))
        {
            self.push(
                Diagnostic::error(
                    Code::InvalidDest,
                    format!("`{dest}` cannot be a question's `dest`"),
                )
                .at(dest_span, "reserved name")
                .with_note(format!(
                    "reserved: {}{}",
                    RESERVED_NAMES.join(", "),
                    if nested {
                        String::new()
                    } else {
                        format!(", and the flags {}", RESERVED_FLAGS.join(", "))
                    }
                )),
            );
        }
        let prompt = self.string(f.take("prompt")).map(|(s, _)| s);
        let help = self.string(f.take("help")).map(|(s, _)| s);
        let ty = self.string(f.take("type"));
        let default = f.take("default");
        let required = self.boolean(f.take("required")).unwrap_or(false);
        let when = self.string(f.take("when"));
        let check = f.take("check");
        let pattern = self.string(f.take("pattern"));
        let choices = self.strings(f.take("choices"));
        let min = self.integer(f.take("min"));
        let max = self.integer(f.take("max"));
        let suggestions = self.strings(f.take("suggestions"));
        let label = self.string(f.take("label"));
        let questions = f.take("questions");
        let keyed_by = self.string(f.take("keyed_by"));
        let after = self.string(f.take("after"));
        self.unknown_keys(
            std::mem::take(&mut f.entries),
            &format!("question `{dest}`"),
            QUESTION_KEYS,
        );

        let ty_name = ty.as_ref().map_or("string", |(t, _)| t.as_str());
        if let Some((t, s)) = &ty
            && !TYPES.contains(&t.as_str())
        {
            self.push(
                Diagnostic::error(Code::InvalidType, format!("unknown question type `{t}`"))
                    .at(*s, "unknown type")
                    .with_help_opt(did_you_mean(t, TYPES.iter().copied()))
                    .with_note("types: string, bool, int, choice, list"),
            );
            return None;
        }
        // Keys that belong to other types.
        for (key, ty, present) in [
            ("choices", "choice", choices.as_ref().map(|c| c.1)),
            ("check", "string", check.map(|(k, i)| key_span(k, i))),
            ("pattern", "string", pattern.as_ref().map(|p| p.1)),
            ("suggestions", "string", suggestions.as_ref().map(|s| s.1)),
            ("min", "int", min.map(|m| m.1)),
            ("max", "int", max.map(|m| m.1)),
            ("label", "list", label.as_ref().map(|l| l.1)),
            ("questions", "list", questions.map(|(k, i)| key_span(k, i))),
        ] {
            if let Some(s) = present
                && ty != ty_name
            {
                self.push(
                    Diagnostic::error(
                        Code::InvalidQuestion,
                        format!("`{key}` does not apply to a {ty_name} question (`{dest}`)"),
                    )
                    .at(s, format!("only for type = \"{ty}\"")),
                );
            }
        }
        if nested && let Some((_, s)) = &after {
            self.push(
                Diagnostic::error(
                    Code::InvalidQuestion,
                    "`after` is only for top-level questions",
                )
                .at(*s, "inside a list"),
            );
        }
        if !nested && let Some((_, s)) = &keyed_by {
            self.push(
                Diagnostic::error(
                    Code::InvalidQuestion,
                    "`keyed_by` is only for the sub-questions of a list",
                )
                .at(*s, "top-level question"),
            );
        }

        let mut checks = Vec::new();
        if let Some((key, item)) = check {
            let names: Option<Vec<&str>> = match item.as_str() {
                Some(s) => Some(vec![s]),
                None => item
                    .as_array()
                    .and_then(|a| a.iter().map(|v| v.as_str()).collect()),
            };
            match names {
                None => self.wrong_type(key, item, "a check name or an array of them"),
                Some(names) => {
                    for name in names {
                        match Check::named(name) {
                            Some(c) => checks.push(c),
                            None => self.push(
                                Diagnostic::error(
                                    Code::UnknownCheck,
                                    format!("unknown check `{name}`"),
                                )
                                .at(value_span(key, item), "unknown check")
                                .with_help_opt(did_you_mean(name, CHECK_NAMES.iter().copied()))
                                .with_note(format!("checks: {}", CHECK_NAMES.join(", "))),
                            ),
                        }
                    }
                }
            }
        }
        if let Some((p, s)) = &pattern {
            match regex::Regex::new(&format!("^(?:{p})$")) {
                Ok(re) => checks.push(Check::Pattern(re)),
                Err(e) => self.push(
                    Diagnostic::error(
                        Code::InvalidPattern,
                        format!("`pattern` is not a valid regular expression: {e}"),
                    )
                    .at(*s, "invalid regular expression"),
                ),
            }
        }

        let kind = match ty_name {
            "bool" => Kind::Bool,
            "int" => Kind::Int {
                min: min.map(|m| m.0),
                max: max.map(|m| m.0),
            },
            "choice" => {
                let Some((choices, s)) = choices else {
                    self.push(
                        Diagnostic::error(
                            Code::MissingKey,
                            format!("choice question `{dest}` has no `choices`"),
                        )
                        .at(dest_span, "needs `choices = [...]`"),
                    );
                    return None;
                };
                let mut seen: Vec<&str> = Vec::new();
                for c in &choices {
                    if c.trim().is_empty() || c.trim() != c || seen.contains(&c.as_str()) {
                        self.push(
                            Diagnostic::error(Code::InvalidValue, format!("choice `{c}` of `{dest}` is empty, padded with spaces or repeated"))
                                .at(s, "invalid choices"),
                        );
                    }
                    seen.push(c);
                }
                if choices.is_empty() {
                    self.push(
                        Diagnostic::error(
                            Code::InvalidValue,
                            format!("`choices` of `{dest}` is empty"),
                        )
                        .at(s, "no choices"),
                    );
                }
                Kind::Choice { choices }
            }
            "list" => {
                let sub = match questions {
                    None => {
                        self.push(
                            Diagnostic::error(
                                Code::MissingKey,
                                format!("list question `{dest}` has no sub-questions"),
                            )
                            .at(dest_span, "needs `[[questions.questions]]` tables"),
                        );
                        return None;
                    }
                    Some((key, item)) if nested => {
                        self.push(
                            Diagnostic::error(
                                Code::InvalidQuestion,
                                "a list cannot hold another list",
                            )
                            .at(key_span(key, item), "nested list"),
                        );
                        return None;
                    }
                    Some((key, item)) => self.questions(key, item, true),
                };
                if sub.is_empty() {
                    return None;
                }
                Kind::List {
                    label: label.map_or_else(|| dest.clone(), |l| l.0),
                    questions: sub.into_iter().map(|d| d.question).collect(),
                }
            }
            _ => Kind::String {
                suggestions: suggestions.map(|s| s.0).unwrap_or_default(),
            },
        };
        if let (Some((lo, _)), Some((hi, s))) = (min, max)
            && lo > hi
        {
            self.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    format!("`min` ({lo}) is more than `max` ({hi})"),
                )
                .at(s, "empty range"),
            );
        }

        let when_span = when.as_ref().map_or(Span::default(), |w| w.1);
        let when = match when {
            None => None,
            Some((expr, s)) => match Condition::parse(&expr) {
                Ok(c) => Some(c),
                Err(e) => {
                    self.push(
                        Diagnostic::error(Code::InvalidCondition, format!("`when` of `{dest}` is not a valid expression: {e}"))
                            .at(s, "invalid expression")
                            .with_help("write a minijinja expression over earlier answers, e.g. `when = \"license_type == 'MIT'\"`"),
                    );
                    None
                }
            },
        };
        if nested && let Some(c) = &when {
            let names: Vec<&str> = earlier.iter().map(|d| d.question.dest.as_str()).collect();
            self.condition_names(
                c,
                when_span,
                &dest,
                &names,
                "earlier sub-questions of the same list",
            );
        }

        let mut question = Question {
            prompt: prompt.unwrap_or_else(|| dest.clone()),
            dest: dest.clone(),
            help,
            kind,
            default: None,
            required,
            when,
            checks,
            keyed_by: None,
        };
        if let Some((key, item)) = default {
            question.default = self.default_value(&question, key, item);
            if question.default.is_some() && required {
                self.push(
                    Diagnostic::error(
                        Code::InvalidQuestion,
                        format!("`{dest}` has both a `default` and `required = true`"),
                    )
                    .at(value_span(key, item), "default")
                    .with_help("a question with a default is never missing: drop one of them"),
                );
            }
        } else if !required && matches!(question.kind, Kind::Choice { .. }) {
            self.push(
                Diagnostic::error(
                    Code::InvalidQuestion,
                    format!("choice question `{dest}` needs a `default` or `required = true`"),
                )
                .at(dest_span, "no default"),
            );
        }
        if let Some((by, s)) = keyed_by {
            match earlier.iter().find(|d| d.question.dest == by) {
                Some(d) => match &d.question.kind {
                    Kind::Choice { choices } => {
                        for c in choices.iter().filter(|c| earlier.iter().any(|d| &d.question.dest == *c) || **c == dest) {
                            self.push(
                                Diagnostic::error(Code::InvalidQuestion, format!("choice `{c}` of `{by}` is also a sub-question's `dest`, so it cannot key `{dest}`"))
                                    .at(s, "ambiguous key"),
                            );
                        }
                        question.keyed_by = Some(by);
                    }
                    _ => self.push(
                        Diagnostic::error(Code::InvalidQuestion, format!("`keyed_by` must name a choice question; `{by}` is a {} question", d.question.kind.name()))
                            .at(s, "not a choice"),
                    ),
                },
                None => self.push(
                    Diagnostic::error(Code::InvalidQuestion, format!("`keyed_by = \"{by}\"` does not name an earlier sub-question of this list"))
                        .at(s, "unknown question")
                        .with_help_opt(did_you_mean(&by, earlier.iter().map(|d| d.question.dest.as_str()))),
                ),
            }
        }
        if self.errors() > errors {
            return None;
        }
        Some(Decl {
            question,
            span: dest_span,
            when_span,
            after,
        })
    }

    /// A `default`, typed and checked like an answer.
    fn default_value(&mut self, q: &Question, key: &Key, item: &Item) -> Option<Value> {
        let value = match (item.as_value(), &q.kind) {
            (Some(toml_edit::Value::String(s)), _) => Value::from(s.value().as_str()),
            (Some(toml_edit::Value::Boolean(b)), Kind::Bool) => Value::from(*b.value()),
            (Some(toml_edit::Value::Integer(i)), Kind::Int { .. }) => Value::from(*i.value()),
            (_, Kind::List { .. }) => {
                self.push(
                    Diagnostic::error(
                        Code::InvalidQuestion,
                        "a list question has no `default` (it starts empty)",
                    )
                    .at(key_span(key, item), "not allowed"),
                );
                return None;
            }
            _ => {
                self.wrong_type(
                    key,
                    item,
                    match q.kind {
                        Kind::Bool => "true or false",
                        Kind::Int { .. } => "an integer",
                        _ => "a string",
                    },
                );
                return None;
            }
        };
        if value.as_str() == Some("") && matches!(q.kind, Kind::String { .. }) {
            return Some(value);
        }
        match q.parse_json(&value) {
            Ok(v) => v,
            Err(e) => {
                self.push(
                    Diagnostic::error(
                        Code::InvalidDefault,
                        format!("the default of `{}` is not a valid answer: {e}", q.dest),
                    )
                    .at(value_span(key, item), "invalid default"),
                );
                None
            }
        }
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
