//! Interactive mode: each question whose `when` holds is asked at a prompt (text, select,
//! yes/no); a question already answered by its flag is not asked again. A `list` question
//! asks "Add a <label>?" and then its sub-questions, until the answer is no.
//!
//! The prompts themselves are behind [`Prompter`] (the terminal one is in `cli::scaffold`),
//! so the driver is tested without a terminal.

use super::batch::Given;
use super::questions::{Answer, Answers, ConditionError, Kind, Question, display};
use serde_json::Value;
use std::sync::Arc;

/// Checks a typed answer: `Err` with the message to show under the prompt.
pub type Validator = Arc<dyn Fn(&str) -> Result<(), String> + Send + Sync>;

/// A text prompt.
pub struct TextPrompt<'a> {
    pub message: &'a str,
    pub help: Option<&'a str>,
    /// Taken when the answer is left empty.
    pub default: Option<String>,
    /// Completions offered while typing.
    pub suggestions: &'a [String],
    pub validate: Validator,
}

/// Why interactive answering stopped.
#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    /// The user stopped answering (Ctrl-C or Esc).
    #[error("cancelled; nothing was written")]
    Cancelled,
    /// The terminal failed.
    #[error("the prompt failed: {0}")]
    Terminal(String),
    /// A `when` condition could not be evaluated.
    #[error("question `{dest}`: {message}")]
    Condition {
        dest: String,
        message: ConditionError,
    },
}

/// The prompts the driver needs.
pub trait Prompter {
    fn text(&mut self, prompt: TextPrompt<'_>) -> Result<String, PromptError>;
    /// The index of the chosen option.
    fn select(
        &mut self,
        message: &str,
        help: Option<&str>,
        options: &[String],
        default: usize,
    ) -> Result<usize, PromptError>;
    fn confirm(
        &mut self,
        message: &str,
        help: Option<&str>,
        default: bool,
    ) -> Result<bool, PromptError>;
    /// Show an answer that was given by a flag.
    fn given(&mut self, message: &str, answer: &str);
}

/// Extra checks of some answers by `dest` (e.g. that the project directory is free).
pub type ExtraChecks = Vec<(String, Validator)>;

/// Answer `questions` at the prompts; answers in `given` are taken as they are.
pub fn answer(
    questions: &[Question],
    given: &Given,
    extra: &ExtraChecks,
    prompter: &mut dyn Prompter,
) -> Result<Answers, PromptError> {
    let mut answers = Answers::new();
    for q in questions {
        let asked = q
            .asked(&answers)
            .map_err(|message| PromptError::Condition {
                dest: q.dest.clone(),
                message,
            })?;
        let a = if !asked {
            Value::Null
        } else if let Some(a) = given.get(&q.dest) {
            prompter.given(&q.prompt, &format!("{} ({})", display(a), q.flag()));
            a.clone()
        } else {
            let extra = extra
                .iter()
                .find(|(d, _)| *d == q.dest)
                .map(|(_, v)| v.clone());
            ask(q, prompter, extra)?
        };
        answers.insert(q.dest.clone(), a);
    }
    Ok(answers)
}

/// Ask one question.
fn ask(
    q: &Question,
    prompter: &mut dyn Prompter,
    extra: Option<Validator>,
) -> Result<Answer, PromptError> {
    let help = q.help.as_deref();
    match &q.kind {
        Kind::Bool => {
            let default = q.default.as_ref().and_then(Value::as_bool).unwrap_or(false);
            Ok(Value::from(prompter.confirm(&q.prompt, help, default)?))
        }
        Kind::Choice { choices } => {
            let default = q
                .default
                .as_ref()
                .and_then(Value::as_str)
                .and_then(|d| choices.iter().position(|c| c == d))
                .unwrap_or(0);
            let i = prompter.select(&q.prompt, help, choices, default)?;
            Ok(Value::from(choices.get(i).cloned().unwrap_or_default()))
        }
        Kind::List { label, questions } => {
            let mut items = Vec::new();
            loop {
                let message = if items.is_empty() {
                    format!("Add {} {label}?", article(label))
                } else {
                    format!("Add another {label}?")
                };
                if !prompter.confirm(&message, help, false)? {
                    break;
                }
                let mut entry = Answers::new();
                for sub in questions {
                    let asked = sub
                        .asked(&entry)
                        .map_err(|message| PromptError::Condition {
                            dest: format!("{}.{}", q.dest, sub.dest),
                            message,
                        })?;
                    let a = if asked {
                        ask(sub, prompter, None)?
                    } else {
                        Value::Null
                    };
                    entry.insert(sub.dest.clone(), a);
                }
                items.push(Value::Object(entry));
            }
            Ok(Value::Array(items))
        }
        Kind::String { .. } | Kind::Int { .. } => {
            let question = Arc::new(q.clone());
            let check = question.clone();
            let validate: Validator = Arc::new(move |s: &str| {
                let parsed = check.parse_text(s).map_err(|e| e.to_string())?;
                if parsed.is_none() && check.required {
                    return Err("an answer is required".into());
                }
                if let (Some(extra), Some(Value::String(v))) = (&extra, &parsed) {
                    extra(v)?;
                }
                Ok(())
            });
            let suggestions: &[String] = match &q.kind {
                Kind::String { suggestions } => suggestions,
                _ => &[],
            };
            let typed = prompter.text(TextPrompt {
                message: &q.prompt,
                help,
                default: q.default.as_ref().map(display).filter(|d| !d.is_empty()),
                suggestions,
                validate: validate.clone(),
            })?;
            // The prompt validated the answer; check again (a prompter may not).
            validate(&typed).map_err(PromptError::Terminal)?;
            let parsed = question
                .parse_text(&typed)
                .map_err(|e| PromptError::Terminal(e.to_string()))?;
            Ok(question.settle(parsed).unwrap_or(Value::Null))
        }
    }
}

/// "a" or "an" before `word`.
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scaffold::provider::builtin;
    use std::collections::VecDeque;

    /// Answers from a script; records what was asked.
    #[derive(Default)]
    struct Script {
        replies: VecDeque<&'static str>,
        asked: Vec<String>,
    }

    impl Prompter for Script {
        fn text(&mut self, p: TextPrompt<'_>) -> Result<String, PromptError> {
            loop {
                let reply = self.replies.pop_front().ok_or(PromptError::Cancelled)?;
                self.asked.push(format!("text {}: {reply}", p.message));
                let reply = if reply.is_empty() {
                    p.default.clone().unwrap_or_default()
                } else {
                    reply.to_string()
                };
                match (p.validate)(&reply) {
                    Ok(()) => return Ok(reply),
                    Err(e) => self.asked.push(format!("  error: {e}")),
                }
            }
        }
        fn select(
            &mut self,
            m: &str,
            _: Option<&str>,
            options: &[String],
            default: usize,
        ) -> Result<usize, PromptError> {
            let reply = self.replies.pop_front().ok_or(PromptError::Cancelled)?;
            self.asked
                .push(format!("select {m} [{}]: {reply}", options[default]));
            Ok(if reply.is_empty() {
                default
            } else {
                options.iter().position(|o| o == reply).unwrap()
            })
        }
        fn confirm(
            &mut self,
            m: &str,
            _: Option<&str>,
            default: bool,
        ) -> Result<bool, PromptError> {
            let reply = self.replies.pop_front().ok_or(PromptError::Cancelled)?;
            self.asked.push(format!("confirm {m}: {reply}"));
            Ok(if reply.is_empty() {
                default
            } else {
                reply == "y"
            })
        }
        fn given(&mut self, m: &str, a: &str) {
            self.asked.push(format!("given {m}: {a}"));
        }
    }

    #[test]
    fn asks_every_question_with_the_requirements_loop() {
        let p = builtin();
        let mut given = Given::new();
        given.insert("author_name".into(), Value::from("Ada"));
        let taken: Validator = Arc::new(|v: &str| {
            if v == "taken" {
                Err("exists".into())
            } else {
                Ok(())
            }
        });
        let mut s = Script {
            replies: [
                "my-flow",
                "taken",
                "my_flow",
                "My flow",
                "",
                "MIT",
                "",
                "y",
                "numpy",
                "",
                ">=1.26",
                "",
                "y",
                "tools",
                "git",
                "https://github.com/o/tools.git",
                "tag",
                "v1",
                "",
            ]
            .into(),
            ..Default::default()
        };
        let answers = answer(
            &p.questions,
            &given,
            &vec![("workflow_id".into(), taken)],
            &mut s,
        )
        .unwrap();
        assert_eq!(
            s.asked,
            [
                "text Workflow id: my-flow",
                "  error: workflow id `my-flow` is not a valid Python identifier; use letters, digits and `_` only, e.g. `my_flow`",
                "text Workflow id: taken",
                "  error: exists",
                "text Workflow id: my_flow",
                "text Workflow name: My flow",
                "text Description: ",
                "given Author: Ada (--author-name)",
                "select License [BSD-3-Clause]: MIT",
                "select Starter workflow [greeting]: ",
                "confirm Add a requirement?: y",
                "text Package name: numpy",
                "select Requirement type [conda]: ",
                "text Version: >=1.26",
                "text Channel: ",
                "confirm Add another requirement?: y",
                "text Package name: tools",
                "select Requirement type [conda]: git",
                "text Git URL: https://github.com/o/tools.git",
                "select Git reference [none]: tag",
                "text Revision, branch or tag: v1",
                "confirm Add another requirement?: ",
            ]
        );
        assert_eq!(answers["workflow_id"], "my_flow");
        assert_eq!(answers["workflow_description"], "");
        assert_eq!(answers["license_type"], "MIT");
        let reqs = answers["requirements"].as_array().unwrap();
        assert_eq!(reqs[0]["channel"], "conda-forge");
        assert_eq!(reqs[0]["path"], Value::Null);
        assert_eq!(reqs[1]["git_ref_value"], "v1");
    }
}
