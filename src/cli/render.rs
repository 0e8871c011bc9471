//! Rendering diagnostics with source snippets (rustc/ruff style), via annotate-snippets.

use crate::diagnostics::{Diagnostic, Severity, Source};
use crate::syntax::span::{Span, lone_cr_as_lf, within_content};
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use camino::Utf8Path;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The texts diagnostics can point into: the spec being compiled and, when they were
/// given, the `--env-overrides` file and the `--template-dir` files.
#[derive(Clone, Copy, Debug)]
pub struct Sources<'a> {
    /// Path of the spec as shown to the user, and its text.
    pub spec: (&'a str, &'a str),
    /// Path of the env-overrides file and its text.
    pub overrides: Option<(&'a str, &'a str)>,
    /// The template directory and its files (relative name → text).
    pub templates: Option<(&'a Utf8Path, &'a BTreeMap<String, String>)>,
}

impl<'a> Sources<'a> {
    /// Only a spec.
    pub fn spec(path: &'a str, text: &'a str) -> Self {
        Self {
            spec: (path, text),
            overrides: None,
            templates: None,
        }
    }

    /// The path a diagnostic is about (shown when it has no snippet).
    fn origin(&self, source: Source) -> Cow<'a, str> {
        let dir = self.templates.map(|(dir, _)| dir);
        match (source, dir) {
            (Source::Overrides, _) => Cow::Borrowed(self.overrides.map_or(self.spec.0, |(p, _)| p)),
            (Source::Template(name), Some(dir)) => Cow::Owned(dir.join(name).into_string()),
            (Source::TemplateDir, Some(dir)) => Cow::Borrowed(dir.as_str()),
            _ => Cow::Borrowed(self.spec.0),
        }
    }

    /// The text a diagnostic's spans point into, if that text is known.
    fn text(&self, source: Source) -> Option<&'a str> {
        match source {
            Source::Spec => Some(self.spec.1),
            Source::Overrides => self.overrides.map(|(_, t)| t),
            Source::Template(name) => self
                .templates
                .and_then(|(_, files)| files.get(name))
                .map(String::as_str),
            Source::TemplateDir | Source::None => None,
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
    let origin = sources.origin(diag.source);
    let title = level
        .primary_title(diag.message.as_str())
        .id(diag.code.as_str());
    let mut normalized = None;
    let mut elements: Vec<annotate_snippets::Element<'_>> = Vec::new();
    match (&diag.primary, sources.text(diag.source)) {
        (Some(primary), Some(source)) => {
            let path = origin.as_ref();
            // Lines as `LineIndex` counts them; locations never past the end of a line.
            let source: &str = normalized.insert(lone_cr_as_lf(source));
            let range = |span: Span| {
                let span = within_content(source, span);
                let clamp = |mut s: usize| {
                    while !source.is_char_boundary(s) {
                        s -= 1;
                    }
                    s
                };
                clamp(span.start)..clamp(span.end)
            };
            let mut snippet = Snippet::source(source).path(path).fold(true).annotation(
                AnnotationKind::Primary
                    .span(range(primary.span))
                    .label(primary.message.as_str()),
            );
            for s in &diag.secondary {
                snippet = snippet.annotation(
                    AnnotationKind::Context
                        .span(range(s.span))
                        .label(s.message.as_str()),
                );
            }
            elements.push(snippet.into());
        }
        _ => elements.push(Origin::path(origin.as_ref()).into()),
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
