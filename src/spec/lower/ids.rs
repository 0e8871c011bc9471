//! Workflow and task instance ids: the rules of a Python name the generated package can
//! use (identifier, not a keyword or built-in, length).

use crate::diagnostics::{Code, Diagnostic};
use crate::spec::fields::Sink;
use crate::spec::model::*;
use crate::spec::python_names::{NameProblem, check_variable_name, identifier_suggestion};

use super::{MAX_SPEC_ID_LEN, MAX_TASK_ID_LEN};
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum NameKind {
    Spec,
    Task,
}

pub(super) fn check_name(sink: &mut Sink, id: &Spanned<String>, kind: NameKind) {
    if let Err(p) = check_id(&id.value, kind) {
        sink.push(
            Diagnostic::error(Code::InvalidId, p.message)
                .at(id.span, p.label)
                .with_help_opt(p.help),
        );
    }
}

/// Why a workflow or task instance id is invalid: the message, a short label for the
/// span, and a suggestion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdProblem {
    pub message: String,
    pub label: &'static str,
    pub help: Option<String>,
}

/// The rules of the spec's `id:` (a Python identifier, not a keyword or built-in, at most
/// [`MAX_SPEC_ID_LEN`] characters), for other places that name a workflow (`wtc scaffold`).
pub fn check_spec_id(v: &str) -> Result<(), IdProblem> {
    check_id(v, NameKind::Spec)
}

/// The rules of a task instance id (a Python identifier, not a keyword or built-in, at
/// most [`MAX_TASK_ID_LEN`] characters), for other places that name one (`wtc lsp` rename).
pub fn check_task_id(v: &str) -> Result<(), IdProblem> {
    check_id(v, NameKind::Task)
}

pub(super) fn check_id(v: &str, kind: NameKind) -> Result<(), IdProblem> {
    let (what, max) = match kind {
        NameKind::Spec => ("workflow id", MAX_SPEC_ID_LEN),
        NameKind::Task => ("task instance id", MAX_TASK_ID_LEN),
    };
    let problem = |message: String, label, help| {
        Err(IdProblem {
            message,
            label,
            help,
        })
    };
    match check_variable_name(v) {
        Some(NameProblem::NotIdentifier) => problem(
            format!("{what} `{v}` is not a valid Python identifier"),
            "not an identifier",
            identifier_suggestion(v)
                .map(|s| format!("use letters, digits and `_` only, e.g. `{s}`")),
        ),
        Some(NameProblem::Keyword) => problem(
            format!("{what} `{v}` is a Python keyword"),
            "reserved keyword",
            Some(format!("choose another name, e.g. `{v}_`")),
        ),
        Some(NameProblem::Builtin) => problem(
            format!("{what} `{v}` is a built-in Python name"),
            "shadows a Python built-in",
            Some(format!("choose another name, e.g. `{v}_value`")),
        ),
        None if v.chars().count() > max => problem(
            format!(
                "{what} `{v}` is too long: {} characters, the maximum is {max}",
                v.chars().count()
            ),
            "too long",
            None,
        ),
        None => Ok(()),
    }
}
