//! One question table: its fields taken in a fixed order, its `dest`, the keys that belong
//! to another type, `after`/`keyed_by` placement, and its checks; then its kind
//! (`super::kind`) and answer-related keys (`super::answer`).

use super::{
    CHECK_NAMES, Check, Code, Cx, Decl, Diagnostic, Entry, Fields, QUESTION_KEYS, Question,
    RESERVED_FLAGS, RESERVED_NAMES, Span, TYPES, did_you_mean, is_dest, key_span, value_span,
};
use crate::syntax::toml::span;
use toml_edit::{Key, TableLike};

/// The fields of one question table (all but `dest`), read with their types checked.
pub(super) struct Raw<'a> {
    pub prompt: Option<String>,
    pub help: Option<String>,
    pub ty: Option<(String, Span)>,
    pub default: Option<Entry<'a>>,
    pub required: bool,
    pub when: Option<(String, Span)>,
    pub check: Option<Entry<'a>>,
    pub pattern: Option<(String, Span)>,
    pub choices: Option<(Vec<String>, Span)>,
    pub min: Option<(i64, Span)>,
    pub max: Option<(i64, Span)>,
    pub suggestions: Option<(Vec<String>, Span)>,
    pub label: Option<(String, Span)>,
    pub questions: Option<Entry<'a>>,
    pub keyed_by: Option<(String, Span)>,
    pub after: Option<(String, Span)>,
}

impl Cx {
    /// One question table; `earlier`: the questions before it in the same list (for the
    /// checks of a list's sub-questions, which only see their own list).
    pub(super) fn question(
        &mut self,
        table: &dyn TableLike,
        parent: &Key,
        nested: bool,
        earlier: &[Decl],
    ) -> Option<Decl> {
        let errors = self.errors();
        let mut f = Fields::new(table, span(parent.span()));
        let (dest, dest_span) = self.dest(&mut f, nested)?;
        let raw = self.fields(&mut f, &dest);
        let ty_name = raw.ty.as_ref().map_or("string", |(t, _)| t.as_str());
        if let Some((t, s)) = &raw.ty
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
        self.keys_of_other_types(&raw, ty_name, &dest, nested);
        let checks = self.checks(raw.check, raw.pattern.as_ref());
        let kind = self.kind(ty_name, &raw, &dest, dest_span, nested)?;
        self.range(raw.min, raw.max);
        let (when, when_span) = self.when(raw.when, &dest, nested, earlier);
        let mut question = Question {
            prompt: raw.prompt.unwrap_or_else(|| dest.clone()),
            dest: dest.clone(),
            help: raw.help,
            kind,
            default: None,
            required: raw.required,
            when,
            checks,
            keyed_by: None,
        };
        self.answer_default(&mut question, raw.default, dest_span);
        if let Some((by, s)) = raw.keyed_by {
            question.keyed_by = self.keyed_by(by, s, &dest, earlier);
        }
        if self.errors() > errors {
            return None;
        }
        Some(Decl {
            question,
            span: dest_span,
            when_span,
            after: raw.after,
        })
    }

    /// `dest`: present, a lower-case identifier, not reserved (`nested`: the flags of
    /// `wtc scaffold init` are allowed inside a list).
    fn dest(&mut self, f: &mut Fields<'_>, nested: bool) -> Option<(String, Span)> {
        let Some((dest, dest_span)) = self.string(f.take("dest")) else {
            if !f.has("dest") {
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
        Some((dest, dest_span))
    }

    /// Every other field, in this order (so that type errors come in it), then the unknown
    /// keys of question `dest`.
    fn fields<'a>(&mut self, f: &mut Fields<'a>, dest: &str) -> Raw<'a> {
        let raw = Raw {
            prompt: self.string(f.take("prompt")).map(|(s, _)| s),
            help: self.string(f.take("help")).map(|(s, _)| s),
            ty: self.string(f.take("type")),
            default: f.take("default"),
            required: self.boolean(f.take("required")).unwrap_or(false),
            when: self.string(f.take("when")),
            check: f.take("check"),
            pattern: self.string(f.take("pattern")),
            choices: self.strings(f.take("choices")),
            min: self.integer(f.take("min")),
            max: self.integer(f.take("max")),
            suggestions: self.strings(f.take("suggestions")),
            label: self.string(f.take("label")),
            questions: f.take("questions"),
            keyed_by: self.string(f.take("keyed_by")),
            after: self.string(f.take("after")),
        };
        self.unknown_keys(f.rest(), &format!("question `{dest}`"), QUESTION_KEYS);
        raw
    }

    /// Keys that belong to other types than `ty_name`; `after` inside a list, `keyed_by`
    /// outside one.
    fn keys_of_other_types(&mut self, raw: &Raw<'_>, ty_name: &str, dest: &str, nested: bool) {
        for (key, ty, present) in [
            ("choices", "choice", raw.choices.as_ref().map(|c| c.1)),
            ("check", "string", raw.check.map(|(k, i)| key_span(k, i))),
            ("pattern", "string", raw.pattern.as_ref().map(|p| p.1)),
            (
                "suggestions",
                "string",
                raw.suggestions.as_ref().map(|s| s.1),
            ),
            ("min", "int", raw.min.map(|m| m.1)),
            ("max", "int", raw.max.map(|m| m.1)),
            ("label", "list", raw.label.as_ref().map(|l| l.1)),
            (
                "questions",
                "list",
                raw.questions.map(|(k, i)| key_span(k, i)),
            ),
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
        if nested && let Some((_, s)) = &raw.after {
            self.push(
                Diagnostic::error(
                    Code::InvalidQuestion,
                    "`after` is only for top-level questions",
                )
                .at(*s, "inside a list"),
            );
        }
        if !nested && let Some((_, s)) = &raw.keyed_by {
            self.push(
                Diagnostic::error(
                    Code::InvalidQuestion,
                    "`keyed_by` is only for the sub-questions of a list",
                )
                .at(*s, "top-level question"),
            );
        }
    }

    /// The named checks of `check` (a name or an array of names), then `pattern`.
    fn checks(&mut self, check: Option<Entry<'_>>, pattern: Option<&(String, Span)>) -> Vec<Check> {
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
        if let Some((p, s)) = pattern {
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
        checks
    }
}
