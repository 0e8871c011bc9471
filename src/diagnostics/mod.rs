//! Typed diagnostics produced by the library.
//!
//! Every problem found in user input becomes a [`Diagnostic`]: a severity, a stable [`Code`]
//! (the registry of every code with its explanation is `codes`),
//! a one-line message, an optional primary label pointing into the spec text, secondary
//! labels, and an optional `help` line (a suggestion such as "did you mean ...?").
//! Rendering with source snippets happens at the CLI edge (`cli::render`).

mod codes;

pub use codes::Code;

use crate::syntax::span::Span;
use crate::syntax::toml::SyntaxError;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    /// `error` or `warning`, as rendered.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A span with a short message, shown under the source snippet.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// Which input a diagnostic points into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Source {
    /// The spec.yaml text being compiled.
    #[default]
    Spec,
    /// The `--env-overrides` file (its path and text live in `db::Options::env_overrides`).
    Overrides,
    /// A `--template-dir` file replacing the embedded template of this name (its path and
    /// text live in `db::Options::template_dir`).
    Template(&'static str),
    /// The `--template-dir` directory as a whole (no text to point into).
    TemplateDir,
    /// No source text (registry document, file system, ...).
    None,
}

/// One problem found while compiling a spec.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable code such as [`Code::UnknownKey`] (shown as `error[unknown-key]`).
    pub code: Code,
    pub message: String,
    pub source: Source,
    pub primary: Option<Label>,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            code,
            message: message.into(),
            source: Source::Spec,
            primary: None,
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
        }
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(code, message)
        }
    }

    /// An unknown key `key` in `place` (e.g. "question `x`"), with a "did you mean" and the
    /// `known` keys.
    pub fn unknown_key(severity: Severity, key: &str, place: &str, known: &[&str]) -> Self {
        Self {
            severity,
            ..Self::error(Code::UnknownKey, format!("unknown key `{key}` in {place}"))
        }
        .with_known_keys(key, known)
    }

    /// A TOML file (env-overrides, provider.toml) that does not parse.
    pub fn toml_syntax(e: &SyntaxError) -> Self {
        Self::error(Code::TomlSyntax, format!("invalid TOML: {}", e.message)).at(e.span, "here")
    }

    /// Attach the primary span (with an optional label text).
    pub fn at(mut self, span: Span, label: impl Into<String>) -> Self {
        self.primary = Some(Label {
            span,
            message: label.into(),
        });
        self
    }

    pub fn with_secondary(mut self, span: Span, label: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: label.into(),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// For an unknown key `key`: a "did you mean" help and a note listing the `known` keys.
    pub fn with_known_keys(self, key: &str, known: &[&str]) -> Self {
        let list: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
        self.with_help_opt(did_you_mean(key, known.iter().copied()))
            .with_note(format!("known keys: {}", list.join(", ")))
    }

    pub fn without_source(mut self) -> Self {
        self.source = Source::None;
        self
    }

    /// The spans point into the `--env-overrides` file rather than the spec.
    pub fn in_overrides(mut self) -> Self {
        self.source = Source::Overrides;
        self
    }

    /// The spans point into the `--template-dir` file of template `name`.
    pub fn in_template(mut self, name: &'static str) -> Self {
        self.source = Source::Template(name);
        self
    }

    /// A problem of the `--template-dir` directory (no spans).
    pub fn in_template_dir(mut self) -> Self {
        self.source = Source::TemplateDir;
        self
    }

    /// Whether this is a problem of a file shared by every spec of a run (env-overrides
    /// file, template directory): the CLI shows it once.
    pub fn is_shared(&self) -> bool {
        matches!(
            self.source,
            Source::Overrides | Source::Template(_) | Source::TemplateDir
        )
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A list of diagnostics, in the order they were found.
pub type Diagnostics = Vec<Diagnostic>;

/// True when any diagnostic is an error (or, with `deny_warnings`, a warning).
pub fn has_errors(diags: &[Diagnostic], deny_warnings: bool) -> bool {
    diags
        .iter()
        .any(|d| d.is_error() || (deny_warnings && d.severity == Severity::Warning))
}

/// "did you mean `x`?" for the closest candidate (Jaro-Winkler, like rustc's suggestions).
pub fn did_you_mean<'a>(
    needle: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(needle, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// The closest candidate to `needle`, if any is reasonably close.
pub fn closest<'a>(needle: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        if c == needle {
            continue;
        }
        let score = strsim::jaro_winkler(needle, c);
        if score >= 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}
