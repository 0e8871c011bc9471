//! What the model has at a byte offset: a `task:` name, a `partial` key or `argnames`
//! item, a `${{ workflow.X.return }}` reference, an instance `id:`, a skipif condition;
//! and every reference to an id.

use crate::spec::model::{Spanned, Spec, TaskInstance};
use crate::syntax::span::Span;

/// The model element under the cursor.
#[derive(Clone, Copy, Debug)]
pub enum Hit<'a> {
    Task(&'a TaskInstance),
    Argument(&'a TaskInstance, &'a Spanned<String>),
    /// A reference to the instance `id`; `span` is the id inside the reference.
    Reference {
        id: &'a str,
        span: Span,
    },
    Id(&'a TaskInstance),
    Condition(&'a Spanned<String>),
}

fn inside(span: Span, offset: usize) -> bool {
    span.start <= offset && offset <= span.end && span.end > span.start
}

/// The element at `offset` of `text` (whose model is `spec`).
#[must_use]
pub fn at<'a>(spec: &'a Spec, text: &str, offset: usize) -> Option<Hit<'a>> {
    for t in spec.flat_tasks() {
        if !inside(t.span, offset) && !inside(t.id.span, offset) {
            continue;
        }
        if inside(t.id.span, offset) {
            return Some(Hit::Id(t));
        }
        if inside(t.task.span, offset) {
            return Some(Hit::Task(t));
        }
        for (k, _) in &t.partial {
            if inside(k.span, offset) {
                return Some(Hit::Argument(t, k));
            }
        }
        if let Some(b) = t.map_block() {
            for n in &b.argnames {
                if inside(n.span, offset) {
                    return Some(Hit::Argument(t, n));
                }
            }
        }
        for r in t.task_refs() {
            let span = id_span(text, r.span, r.task_id);
            if inside(r.span, offset) {
                return Some(Hit::Reference {
                    id: r.task_id,
                    span,
                });
            }
        }
        for c in t.skipif.iter().flat_map(|s| &s.conditions) {
            if inside(c.span, offset) {
                return Some(Hit::Condition(c));
            }
        }
    }
    None
}

/// The span of `id` inside the reference text at `span` (the whole span when not found).
#[must_use]
pub fn id_span(text: &str, span: Span, id: &str) -> Span {
    let Some(s) = text.get(span.start..span.end) else {
        return span;
    };
    s.find("workflow.")
        .map(|i| i + "workflow.".len())
        .and_then(|i| Some(i + s[i..].find(id)?))
        .map_or(span, |i| {
            Span::new(span.start + i, span.start + i + id.len())
        })
}

/// The instance with `id` (the first one).
#[must_use]
pub fn instance<'a>(spec: &'a Spec, id: &str) -> Option<&'a TaskInstance> {
    spec.flat_tasks()
        .find(|t| t.id.value == id)
        .map(AsRef::as_ref)
}

/// The spans of `id` in every reference to it.
#[must_use]
pub fn references(spec: &Spec, text: &str, id: &str) -> Vec<Span> {
    spec.flat_tasks()
        .flat_map(|t| t.task_refs())
        .filter(|r| r.task_id == id)
        .map(|r| id_span(text, r.span, id))
        .collect()
}

/// `span` without the quotes of a quoted scalar.
#[must_use]
pub fn unquoted(text: &str, span: Span) -> Span {
    match text.get(span.start..span.end) {
        Some(s) if s.len() >= 2 && (s.starts_with('"') || s.starts_with('\'')) => {
            Span::new(span.start + 1, span.end - 1)
        }
        _ => span,
    }
}
