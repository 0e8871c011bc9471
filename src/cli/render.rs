//! Rendering diagnostics with source snippets (rustc/ruff style), via annotate-snippets.

use crate::diagnostics::{Diagnostic, Severity, Source};
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

/// Render one diagnostic. `source` is the spec text the spans point into.
pub fn render(diag: &Diagnostic, path: &str, source: &str, styled: bool) -> String {
    let level = match diag.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let clamp = |s: usize| {
        let mut s = s.min(source.len());
        while !source.is_char_boundary(s) {
            s -= 1;
        }
        s
    };
    let mut title = level.primary_title(diag.message.as_str()).id(diag.code);
    let mut elements: Vec<annotate_snippets::Element<'_>> = Vec::new();
    match (&diag.primary, diag.source) {
        (Some(primary), Source::Spec) => {
            let mut snippet = Snippet::source(source).path(path).fold(true).annotation(
                AnnotationKind::Primary
                    .span(clamp(primary.span.start)..clamp(primary.span.end))
                    .label(primary.message.as_str()),
            );
            for s in &diag.secondary {
                snippet = snippet.annotation(
                    AnnotationKind::Context
                        .span(clamp(s.span.start)..clamp(s.span.end))
                        .label(s.message.as_str()),
                );
            }
            elements.push(snippet.into());
        }
        _ => elements.push(Origin::path(path).into()),
    }
    for note in &diag.notes {
        elements.push(Level::NOTE.message(note.as_str()).into());
    }
    if let Some(help) = &diag.help {
        elements.push(Level::HELP.message(help.as_str()).into());
    }
    title = title.id(diag.code);
    let group: Group<'_> = title.elements(elements);
    let renderer = if styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.render(&[group])
}
