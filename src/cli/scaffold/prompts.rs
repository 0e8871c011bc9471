//! The terminal prompts of interactive `wtc scaffold init` (inquire).

use crate::scaffold::interactive::{PromptError, Prompter, TextPrompt};
use inquire::validator::Validation;
use inquire::{Autocomplete, InquireError};
use std::io::IsTerminal;

/// Prompts on the terminal (stderr), answered with the keyboard.
pub struct Terminal;

fn map(e: InquireError) -> PromptError {
    match e {
        InquireError::OperationCanceled | InquireError::OperationInterrupted => {
            PromptError::Cancelled
        }
        other => PromptError::Terminal(other.to_string()),
    }
}

/// Completes from a fixed list: the suggestions containing the typed text.
#[derive(Clone)]
struct Suggestions(Vec<String>);

impl Autocomplete for Suggestions {
    fn get_suggestions(&mut self, input: &str) -> Result<Vec<String>, inquire::CustomUserError> {
        let needle = input.to_lowercase();
        Ok(self
            .0
            .iter()
            .filter(|s| s.to_lowercase().contains(&needle))
            .cloned()
            .collect())
    }

    fn get_completion(
        &mut self,
        input: &str,
        highlighted: Option<String>,
    ) -> Result<inquire::autocompletion::Replacement, inquire::CustomUserError> {
        Ok(
            highlighted.or_else(|| match self.get_suggestions(input).ok()?.as_slice() {
                [only] => Some(only.clone()),
                _ => None,
            }),
        )
    }
}

impl Prompter for Terminal {
    fn text(&mut self, p: TextPrompt<'_>) -> Result<String, PromptError> {
        let validate = p.validate.clone();
        let mut t = inquire::Text::new(p.message).with_validator(move |s: &str| {
            Ok(match validate(s) {
                Ok(()) => Validation::Valid,
                Err(e) => Validation::Invalid(e.into()),
            })
        });
        if let Some(h) = p.help {
            t = t.with_help_message(h);
        }
        if let Some(d) = &p.default {
            t = t.with_default(d);
        }
        if !p.suggestions.is_empty() {
            t = t.with_autocomplete(Suggestions(p.suggestions.to_vec()));
        }
        t.prompt().map_err(map)
    }

    fn select(
        &mut self,
        message: &str,
        help: Option<&str>,
        options: &[String],
        default: usize,
    ) -> Result<usize, PromptError> {
        let mut s = inquire::Select::new(message, options.to_vec()).with_starting_cursor(default);
        if let Some(h) = help {
            s = s.with_help_message(h);
        }
        s.raw_prompt().map(|o| o.index).map_err(map)
    }

    fn confirm(
        &mut self,
        message: &str,
        help: Option<&str>,
        default: bool,
    ) -> Result<bool, PromptError> {
        let mut c = inquire::Confirm::new(message).with_default(default);
        if let Some(h) = help {
            c = c.with_help_message(h);
        }
        c.prompt().map_err(map)
    }

    fn given(&mut self, message: &str, answer: &str) {
        if std::io::stderr().is_terminal() {
            eprintln!("\x1b[92m>\x1b[0m {message} \x1b[36m{answer}\x1b[0m");
        } else {
            eprintln!("> {message} {answer}");
        }
    }
}
