//! Batch mode (`--no-interactive`): the answers come from flags. A single question takes
//! its flag's value (already checked when the command line was parsed), else its default;
//! a `list` question takes one JSON object per flag (`--requirements '{"name": ...}'`,
//! checked by [`parse_item`]). Every missing answer is reported at once.

use super::questions::{Answer, Answers, ConditionError, Kind, Question, json_type};
use serde_json::Value;

/// Answers given on the command line, by `dest` (a list question: an array of items).
pub type Given = Answers;

/// What answering in batch mode produced.
#[derive(Debug, Default, PartialEq)]
pub struct Outcome {
    pub answers: Answers,
    /// Flags that were given for questions their `when` skipped: (flag, condition).
    pub ignored: Vec<(String, String)>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum BatchError {
    /// Required answers without a flag.
    #[error("--no-interactive requires: {}", .0.join(", "))]
    Missing(Vec<String>),
    /// A `when` condition could not be evaluated.
    #[error("question `{dest}`: {message}")]
    Condition {
        dest: String,
        message: ConditionError,
    },
}

/// Answer `questions` from `given`.
pub fn answer(questions: &[Question], given: &Given) -> Result<Outcome, BatchError> {
    let mut out = Outcome::default();
    let mut missing = Vec::new();
    for q in questions {
        let asked = q
            .asked(&out.answers)
            .map_err(|message| BatchError::Condition {
                dest: q.dest.clone(),
                message,
            })?;
        let value = given.get(&q.dest).cloned();
        if !asked {
            if value.is_some() {
                let cond = q.when.as_ref().map_or_else(String::new, |c| c.expr.clone());
                out.ignored.push((q.flag(), cond));
            }
            out.answers.insert(q.dest.clone(), Value::Null);
            continue;
        }
        match q.settle(value) {
            Some(a) => {
                out.answers.insert(q.dest.clone(), a);
            }
            None => {
                missing.push(q.flag());
                out.answers.insert(q.dest.clone(), Value::Null);
            }
        }
    }
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(BatchError::Missing(missing))
    }
}

/// Why a list question's item (one JSON object) is not accepted.
#[derive(Debug, thiserror::Error)]
pub enum ParseItemError {
    /// `flag` names a question that is not a list.
    #[error("{flag} is not a list question")]
    NotAList { flag: String },
    #[error("invalid JSON: {0}")]
    InvalidJson(serde_json::Error),
    /// The JSON is valid but not an object (`found`: what it is).
    #[error("expected a JSON object, found {found}")]
    NotAnObject { found: &'static str },
    /// A `keyed_by` shorthand key (`choice`) against an explicit `"by": given`.
    #[error("`{choice}` contradicts `\"{by}\": {given}`")]
    Contradicts {
        choice: String,
        by: String,
        given: Value,
    },
    /// A key no sub-question has (`keys`: the sub-questions).
    #[error(
        "unknown key `{key}`{} (keys: {})",
        .suggestion.as_ref().map_or(String::new(), |c| format!(", did you mean `{c}`?")),
        .keys.join(", ")
    )]
    UnknownKey {
        key: String,
        suggestion: Option<String>,
        keys: Vec<String>,
    },
    /// A sub-question's answer is missing or invalid, or a key does not apply (the message).
    #[error("{0}")]
    Item(String),
}

/// One item of a list question, from its JSON object: each sub-question whose `when` holds
/// on the item so far takes the item's value (checked like a typed answer), else its
/// default; skipped sub-questions are `null`.
///
/// Two conveniences: a choice sub-question left out is inferred (its default, else the
/// first choice under which every key of the item is asked: `{"name": "x", "path": "/p"}`
/// is a `local path` requirement), and a sub-question with `keyed_by` can be given under the
/// key its choice names (`{"tag": "v1"}` = `{"git_ref_type": "tag", "git_ref_value": "v1"}`).
pub fn parse_item(list: &Question, json: &str) -> Result<Answer, ParseItemError> {
    let Kind::List { questions, .. } = &list.kind else {
        return Err(ParseItemError::NotAList { flag: list.flag() });
    };
    let value: Value = serde_json::from_str(json).map_err(ParseItemError::InvalidJson)?;
    let Value::Object(mut item) = value else {
        return Err(ParseItemError::NotAnObject {
            found: json_type(&value),
        });
    };
    let dests: Vec<&str> = questions.iter().map(|q| q.dest.as_str()).collect();
    // `keyed_by` shorthand.
    for q in questions {
        let Some(by) = &q.keyed_by else { continue };
        let Some(Kind::Choice { choices }) =
            questions.iter().find(|c| &c.dest == by).map(|c| &c.kind)
        else {
            continue;
        };
        if let Some(choice) = choices.iter().find(|c| item.contains_key(c.as_str()))
            && !item.contains_key(&q.dest)
        {
            if let Some(given) = item.get(by)
                && given.as_str() != Some(choice)
            {
                return Err(ParseItemError::Contradicts {
                    choice: choice.clone(),
                    by: by.clone(),
                    given: given.clone(),
                });
            }
            let v = item.remove(choice.as_str()).unwrap_or(Value::Null);
            item.insert(by.clone(), Value::from(choice.as_str()));
            item.insert(q.dest.clone(), v);
        }
    }
    for key in item.keys() {
        if !dests.contains(&key.as_str()) {
            return Err(ParseItemError::UnknownKey {
                key: key.clone(),
                suggestion: crate::diagnostics::closest(key, dests.iter().copied())
                    .map(str::to_string),
                keys: dests.iter().map(|d| d.to_string()).collect(),
            });
        }
    }
    fill(questions, &item, Partial::default())
        .map(Value::Object)
        .map_err(|e| ParseItemError::Item(e.message))
}

/// Why an item does not fit, and whether the reason is a key its choices do not ask for
/// (then another inferred choice may fit).
struct ItemError {
    message: String,
    unasked: bool,
}

/// The answers of an item so far, which sub-questions were asked, and the first problem.
#[derive(Clone, Default)]
struct Partial {
    entry: Answers,
    asked: Vec<String>,
    error: Option<String>,
}

/// Answer `rest` from `item`, after the answers in `so_far`. A problem with one answer
/// does not stop the walk, so that every key's question is known to be asked or not: a
/// key no question asks is the worse problem (another inferred choice may fit better).
fn fill(rest: &[Question], item: &Answers, mut so_far: Partial) -> Result<Answers, ItemError> {
    let Some((q, rest)) = rest.split_first() else {
        if let Some(k) = item.keys().find(|k| !so_far.asked.contains(k)) {
            return Err(ItemError {
                message: format!("`{k}` does not apply here{}", because(k, &so_far.entry)),
                unasked: true,
            });
        }
        return match so_far.error {
            Some(message) => Err(ItemError {
                message,
                unasked: false,
            }),
            None => Ok(so_far.entry),
        };
    };
    let asked = q.asked(&so_far.entry).map_err(|message| ItemError {
        message: message.to_string(),
        unasked: false,
    })?;
    if !asked {
        so_far.entry.insert(q.dest.clone(), Value::Null);
        return fill(rest, item, so_far);
    }
    so_far.asked.push(q.dest.clone());
    let given = match item.get(&q.dest).map(|v| q.parse_json(v)) {
        Some(Ok(a)) => a,
        Some(Err(e)) => {
            so_far.error.get_or_insert(format!("`{}`: {e}", q.dest));
            so_far.entry.insert(q.dest.clone(), Value::Null);
            return fill(rest, item, so_far);
        }
        None => None,
    };
    if given.is_none()
        && !item.contains_key(&q.dest)
        && let Kind::Choice { choices } = &q.kind
    {
        // Infer the choice: the default first, then the others in order; the first under
        // which every key of the item is asked.
        let default = q.default.as_ref().and_then(Value::as_str);
        let candidates = default.into_iter().chain(
            choices
                .iter()
                .map(String::as_str)
                .filter(|c| Some(*c) != default),
        );
        let mut first_error = None;
        for c in candidates {
            let mut attempt = so_far.clone();
            attempt.entry.insert(q.dest.clone(), Value::from(c));
            match fill(rest, item, attempt) {
                Err(e) if e.unasked => {
                    first_error.get_or_insert(e);
                }
                fitting => return fitting,
            }
        }
        return Err(first_error.unwrap_or_else(|| ItemError {
            message: format!("`{}` is missing", q.dest),
            unasked: false,
        }));
    }
    match q.settle(given) {
        Some(a) => {
            so_far.entry.insert(q.dest.clone(), a);
        }
        None => {
            so_far
                .error
                .get_or_insert(format!("`{}` is missing", q.dest));
            so_far.entry.insert(q.dest.clone(), Value::Null);
        }
    }
    fill(rest, item, so_far)
}

/// Why a key does not apply, from the answers that decided it (for the message).
fn because(key: &str, entry: &Answers) -> String {
    let decided: Vec<String> = entry
        .iter()
        .filter(|(k, v)| *k != key && v.is_string() && !v.as_str().is_some_and(str::is_empty))
        .filter(|(_, v)| v.as_str().is_some_and(|s| s.len() < 24))
        .map(|(k, v)| format!("{k} = {v}"))
        .collect();
    if decided.is_empty() {
        String::new()
    } else {
        format!(" (with {})", decided.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scaffold::provider::builtin;

    fn requirements() -> Question {
        builtin()
            .questions
            .into_iter()
            .find(|q| q.dest == "requirements")
            .unwrap()
    }

    fn item(json: &str) -> Result<String, String> {
        parse_item(&requirements(), json)
            .map(|v| {
                v.as_object()
                    .unwrap()
                    .iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .map_err(|e| e.to_string())
    }

    #[test]
    fn requirement_items_infer_their_type() {
        assert_eq!(
            item(r#"{"name": "numpy"}"#).unwrap(),
            r#"name="numpy" req_type="conda" version="*" channel="conda-forge""#
        );
        assert_eq!(
            item(r#"{"name": "x", "version": ">=1", "channel": "https://repo.prefix.dev/y/"}"#)
                .unwrap(),
            r#"name="x" req_type="conda" version=">=1" channel="https://repo.prefix.dev/y/""#
        );
        assert_eq!(
            item(r#"{"name": "x", "path": "/src/x", "editable": true}"#).unwrap(),
            r#"name="x" req_type="local path" path="/src/x" editable=true"#
        );
        assert_eq!(
            item(r#"{"name": "x", "path": "/src/x", "editable": "TRUE"}"#).unwrap(),
            r#"name="x" req_type="local path" path="/src/x" editable=true"#
        );
        assert_eq!(
            item(r#"{"name": "x", "url": "https://h.org/x.whl"}"#).unwrap(),
            r#"name="x" req_type="url" url="https://h.org/x.whl""#
        );
        assert_eq!(
            item(r#"{"name": "x", "git": "https://github.com/o/x.git", "tag": "v1"}"#).unwrap(),
            r#"name="x" req_type="git" git="https://github.com/o/x.git" git_ref_type="tag" git_ref_value="v1""#
        );
        assert_eq!(
            item(r#"{"name": "x", "git": "ssh://g/x", "git_ref_type": "branch", "git_ref_value": "dev"}"#).unwrap(),
            r#"name="x" req_type="git" git="ssh://g/x" git_ref_type="branch" git_ref_value="dev""#
        );
        assert_eq!(
            item(r#"{"name": "x", "git": "ssh://g/x"}"#).unwrap(),
            r#"name="x" req_type="git" git="ssh://g/x" git_ref_type="none""#
        );
    }

    #[test]
    fn requirement_item_errors() {
        for (json, want) in [
            ("[1]", "expected a JSON object, found an array"),
            (
                "{",
                "invalid JSON: EOF while parsing an object at line 1 column 1",
            ),
            (r#"{"version": "1"}"#, "`name` is missing"),
            (
                r#"{"name": "x", "path": "rel"}"#,
                "`path`: `rel` is not an absolute path (it must start with `/`)",
            ),
            (
                r#"{"name": "x", "version": ">=<"}"#,
                "`version`: invalid conda version constraint `>=<`",
            ),
            (
                r#"{"name": "x", "req_type": "conda", "url": "https://h/x"}"#,
                "`url` does not apply here (with name = \"x\", req_type = \"conda\", version = \"*\", channel = \"conda-forge\")",
            ),
            (
                r#"{"name": "x", "req_type": "pip"}"#,
                "`req_type`: `pip` is not one of the choices: conda, local path, url, git",
            ),
            (
                r#"{"name": "x", "vesion": "1"}"#,
                "unknown key `vesion`, did you mean `version`? (keys: name, req_type, version, channel, path, editable, url, git, git_ref_type, git_ref_value)",
            ),
            (
                r#"{"name": "x", "git": "ssh://g/x", "git_ref_type": "rev", "tag": "v1"}"#,
                "`tag` contradicts `\"git_ref_type\": \"rev\"`",
            ),
            (
                r#"{"name": "x", "git": "ssh://g/x", "git_ref_type": "rev"}"#,
                "`git_ref_value` is missing",
            ),
            (
                r#"{"name": 3}"#,
                "`name`: expected a string for `name`, found a number",
            ),
        ] {
            let e = item(json).unwrap_err();
            assert!(e.starts_with(want), "{json}: {e}");
        }
    }

    #[test]
    fn batch_answers_report_every_missing_flag() {
        let p = builtin();
        let mut given = Given::new();
        given.insert("workflow_id".into(), Value::from("my_flow"));
        let e = answer(&p.questions, &given).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--no-interactive requires: --workflow-name, --author-name"
        );
        given.insert("workflow_name".into(), Value::from("My flow"));
        given.insert("author_name".into(), Value::from("Ada"));
        let out = answer(&p.questions, &given).unwrap();
        assert_eq!(out.answers["license_type"], Value::from("BSD-3-Clause"));
        assert_eq!(out.answers["workflow_description"], Value::from(""));
        assert_eq!(out.answers["requirements"], Value::Array(vec![]));
        assert!(out.ignored.is_empty());
    }
}
