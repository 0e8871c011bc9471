//! A question's kind from its `type` and the keys of that type: the choices of a choice
//! question, the sub-questions of a list, an int question's range.

use super::question::Raw;
use super::{Code, Cx, Diagnostic, Kind, Span, key_span};

impl Cx {
    /// The kind of question `dest` of type `ty_name` (a known type); `None` when it cannot
    /// be built (reported).
    pub(super) fn kind(
        &mut self,
        ty_name: &str,
        raw: &Raw<'_>,
        dest: &str,
        dest_span: Span,
        nested: bool,
    ) -> Option<Kind> {
        Some(match ty_name {
            "bool" => Kind::Bool,
            "int" => Kind::Int {
                min: raw.min.map(|m| m.0),
                max: raw.max.map(|m| m.0),
            },
            "choice" => self.choice(raw.choices.as_ref(), dest, dest_span)?,
            "list" => self.list(raw, dest, dest_span, nested)?,
            _ => Kind::String {
                suggestions: raw
                    .suggestions
                    .as_ref()
                    .map(|s| s.0.clone())
                    .unwrap_or_default(),
            },
        })
    }

    /// A choice question: its `choices` are present, non-empty, trimmed and distinct.
    fn choice(
        &mut self,
        choices: Option<&(Vec<String>, Span)>,
        dest: &str,
        dest_span: Span,
    ) -> Option<Kind> {
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
        let s = *s;
        let mut seen: Vec<&str> = Vec::new();
        for c in choices {
            if c.trim().is_empty() || c.trim() != c || seen.contains(&c.as_str()) {
                self.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        format!(
                            "choice `{c}` of `{dest}` is empty, padded with spaces or repeated"
                        ),
                    )
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
        Some(Kind::Choice {
            choices: choices.clone(),
        })
    }

    /// A list question: its sub-questions (`[[questions.questions]]`, not inside a list).
    fn list(&mut self, raw: &Raw<'_>, dest: &str, dest_span: Span, nested: bool) -> Option<Kind> {
        let sub = match raw.questions {
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
                    Diagnostic::error(Code::InvalidQuestion, "a list cannot hold another list")
                        .at(key_span(key, item), "nested list"),
                );
                return None;
            }
            Some((key, item)) => self.questions(key, item, true),
        };
        if sub.is_empty() {
            return None;
        }
        Some(Kind::List {
            label: raw
                .label
                .as_ref()
                .map_or_else(|| dest.to_string(), |l| l.0.clone()),
            questions: sub.into_iter().map(|d| d.question).collect(),
        })
    }

    /// `min` must not exceed `max`.
    pub(super) fn range(&mut self, min: Option<(i64, Span)>, max: Option<(i64, Span)>) {
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
    }
}
