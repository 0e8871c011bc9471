//! Rendering diagnostics with source snippets (rustc/ruff style), via annotate-snippets.

use crate::diagnostics::{Diagnostic, Severity, Source};
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

/// The texts diagnostics can point into: the spec being compiled and, when one was given,
/// the `--env-overrides` file.
#[derive(Clone, Copy, Debug)]
pub struct Sources<'a> {
    /// Path of the spec as shown to the user, and its text.
    pub spec: (&'a str, &'a str),
    /// Path of the env-overrides file and its text.
    pub overrides: Option<(&'a str, &'a str)>,
}

impl<'a> Sources<'a> {
    /// Only a spec.
    pub fn spec(path: &'a str, text: &'a str) -> Self {
        Self {
            spec: (path, text),
            overrides: None,
        }
    }

    /// The (path, text) a diagnostic's spans point into, if that text is known.
    fn of(&self, source: Source) -> Option<(&'a str, &'a str)> {
        match source {
            Source::Spec => Some(self.spec),
            Source::Overrides => self.overrides,
            Source::None => None,
        }
    }
}

/// Render one diagnostic whose spans point into the spec text `source`.
pub fn render(diag: &Diagnostic, path: &str, source: &str, styled: bool) -> String {
    render_in(diag, &Sources::spec(path, source), styled)
}

/// Render one diagnostic against whichever text (spec or env-overrides file) it points into.
pub fn render_in(diag: &Diagnostic, sources: &Sources<'_>, styled: bool) -> String {
    let level = match diag.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let origin = match diag.source {
        Source::Overrides => sources.overrides.map_or(sources.spec.0, |(p, _)| p),
        _ => sources.spec.0,
    };
    let title = level.primary_title(diag.message.as_str()).id(diag.code);
    let mut elements: Vec<annotate_snippets::Element<'_>> = Vec::new();
    match (&diag.primary, sources.of(diag.source)) {
        (Some(primary), Some((path, source))) => {
            let clamp = |s: usize| {
                let mut s = s.min(source.len());
                while !source.is_char_boundary(s) {
                    s -= 1;
                }
                s
            };
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
        _ => elements.push(Origin::path(origin).into()),
    }
    for note in &diag.notes {
        elements.push(Level::NOTE.message(note.as_str()).into());
    }
    if let Some(help) = &diag.help {
        elements.push(Level::HELP.message(help.as_str()).into());
    }
    let group: Group<'_> = title.elements(elements);
    let renderer = if styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.render(&[group])
}
