//! `wtc scaffold`: new workflow projects from a provider's questions and templates.
//!
//! | module | holds |
//! |---|---|
//! | `questions` | the question model, answer checks and coercion, `when` conditions |
//! | `manifest` | `provider.toml` parsing and validation (spanned diagnostics) |
//! | `provider` | the built-in provider (embedded), the search path, `extends` merging |
//! | `batch` | answers from flags (`--no-interactive`), list items from JSON |
//! | `interactive` | answers from prompts, behind the `Prompter` trait |
//! | `render` | minijinja rendering of every template into memory |
//! | `write` | writing the project (atomic, `--clobber` keeps other files) |
//!
//! The command line (dynamic flags, the terminal prompts) is in `cli::scaffold`.

pub mod batch;
pub mod interactive;
pub mod manifest;
pub mod provider;
pub mod questions;
pub mod render;
pub mod write;

use questions::{Answers, check_workflow_id};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProjectError {
    #[error("the provider's answers have no `workflow_id` to name the project directory")]
    NoWorkflowId,
    #[error("invalid `workflow_id`: {0}")]
    InvalidWorkflowId(questions::AnswerError),
}

/// The project directory's name: the `workflow_id` answer, checked with the spec's id
/// rules (whatever the provider's question checked).
pub fn project_name(answers: &Answers) -> Result<String, ProjectError> {
    let id = answers
        .get("workflow_id")
        .and_then(|v| v.as_str())
        .filter(|s| !s.is_empty())
        .ok_or(ProjectError::NoWorkflowId)?;
    check_workflow_id(id).map_err(ProjectError::InvalidWorkflowId)?;
    Ok(id.to_string())
}
