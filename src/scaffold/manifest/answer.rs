//! The keys about a question's answer: `when` (a condition over earlier answers),
//! `default` (typed and checked like an answer, exclusive with `required`), `keyed_by`.

use super::{Code, Condition, Cx, Decl, Diagnostic, Entry, Kind, Question, Span, Value};
use super::{did_you_mean, key_span, value_span};
use toml_edit::{Item, Key};

impl Cx {
    /// `when` of question `dest`, parsed (inside a list: reading only `earlier`
    /// sub-questions), and its span.
    pub(super) fn when(
        &mut self,
        when: Option<(String, Span)>,
        dest: &str,
        nested: bool,
        earlier: &[Decl],
    ) -> (Option<Condition>, Span) {
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
                dest,
                &names,
                "earlier sub-questions of the same list",
            );
        }
        (when, when_span)
    }

    /// The question's `default`, if given; a choice question needs one or `required`.
    pub(super) fn answer_default(
        &mut self,
        question: &mut Question,
        default: Option<Entry<'_>>,
        dest_span: Span,
    ) {
        let dest = &question.dest;
        if let Some((key, item)) = default {
            question.default = self.default_value(question, key, item);
            if question.default.is_some() && question.required {
                self.push(
                    Diagnostic::error(
                        Code::InvalidQuestion,
                        format!(
                            "`{}` has both a `default` and `required = true`",
                            question.dest
                        ),
                    )
                    .at(value_span(key, item), "default")
                    .with_help("a question with a default is never missing: drop one of them"),
                );
            }
        } else if !question.required && matches!(question.kind, Kind::Choice { .. }) {
            self.push(
                Diagnostic::error(
                    Code::InvalidQuestion,
                    format!("choice question `{dest}` needs a `default` or `required = true`"),
                )
                .at(dest_span, "no default"),
            );
        }
    }

    /// `keyed_by = "by"` of sub-question `dest`: an earlier choice sub-question whose choices
    /// are not also sub-question names. The key when it is usable.
    pub(super) fn keyed_by(
        &mut self,
        by: String,
        s: Span,
        dest: &str,
        earlier: &[Decl],
    ) -> Option<String> {
        match earlier.iter().find(|d| d.question.dest == by) {
            Some(d) => match &d.question.kind {
                Kind::Choice { choices } => {
                    for c in choices
                        .iter()
                        .filter(|c| earlier.iter().any(|d| &d.question.dest == *c) || **c == dest)
                    {
                        self.push(
                            Diagnostic::error(Code::InvalidQuestion, format!("choice `{c}` of `{by}` is also a sub-question's `dest`, so it cannot key `{dest}`"))
                                .at(s, "ambiguous key"),
                        );
                    }
                    return Some(by);
                }
                _ => self.push(
                    Diagnostic::error(
                        Code::InvalidQuestion,
                        format!(
                            "`keyed_by` must name a choice question; `{by}` is a {} question",
                            d.question.kind.name()
                        ),
                    )
                    .at(s, "not a choice"),
                ),
            },
            None => self.push(
                Diagnostic::error(
                    Code::InvalidQuestion,
                    format!(
                        "`keyed_by = \"{by}\"` does not name an earlier sub-question of this list"
                    ),
                )
                .at(s, "unknown question")
                .with_help_opt(did_you_mean(
                    &by,
                    earlier.iter().map(|d| d.question.dest.as_str()),
                )),
            ),
        }
        None
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
}
