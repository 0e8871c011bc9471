//! Providers: the built-in one (embedded in the binary from `templates/scaffold/builtin/`)
//! and provider directories found on a search path.
//!
//! A provider directory holds a `provider.toml` (`super::manifest`) and, optionally, a
//! `templates/` tree. Its name is the directory's name. A provider extends a base
//! (`extends`, default the built-in one): its questions replace the base's questions of
//! the same `dest` (in place, or moved by `after`) or are added (at the end, or `after` a
//! question), and its templates replace the base's templates of the same path or are added.

use super::manifest::{self, BUILTIN, Decl, Manifest};
use super::questions::{Check, Kind, Question};
use crate::diagnostics::{Code, Diagnostic};
use crate::syntax::span::{LineIndex, Span};
use camino::{Utf8Path, Utf8PathBuf};
use std::collections::BTreeMap;
use std::io;

/// `(path, text)` of a file of the built-in provider, embedded at build time.
macro_rules! builtin {
    ($path:literal) => {
        (
            $path,
            include_str!(concat!("../../templates/scaffold/builtin/", $path)),
        )
    };
}

/// The built-in provider's manifest.
pub const BUILTIN_MANIFEST: &str = include_str!("../../templates/scaffold/builtin/provider.toml");

/// The built-in provider's `templates/` tree: (path below `templates/`, text).
const BUILTIN_TEMPLATES: &[(&str, &str)] = &[
    builtin!("templates/.gitattributes.jinja2"),
    builtin!("templates/.github/workflows/ci.yml.jinja2"),
    builtin!("templates/.github/workflows/tag.yml.jinja2"),
    builtin!("templates/.gitignore.jinja2"),
    builtin!("templates/LICENSE.jinja2"),
    builtin!("templates/README.md.jinja2"),
    builtin!("templates/__results_snapshots__/greeting/test_dashboard_json[data].json.jinja2"),
    builtin!("templates/__results_snapshots__/greeting/test_dashboard_json[nodata].json.jinja2"),
    builtin!("templates/licenses/Apache-2.0.txt"),
    builtin!("templates/licenses/BSD-3-Clause.txt"),
    builtin!("templates/licenses/MIT.txt"),
    builtin!("templates/macros/starter.j2"),
    builtin!("templates/spec.yaml.jinja2"),
    builtin!("templates/test-cases.yaml.jinja2"),
];

/// Where providers are looked for, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchPath {
    pub dirs: Vec<Utf8PathBuf>,
}

impl SearchPath {
    /// The `--provider-path` directories, then `<data dir>/wtc/providers` (the data dir
    /// is `$XDG_DATA_HOME`, by default `~/.local/share`, on Linux).
    pub fn new(flags: &[Utf8PathBuf], data_dir: Option<Utf8PathBuf>) -> Self {
        let mut dirs = flags.to_vec();
        dirs.extend(data_dir.map(|d| d.join("wtc").join("providers")));
        Self { dirs }
    }

    /// The directory of the provider called `name` (the first on the path).
    pub fn locate(&self, name: &str) -> Option<Utf8PathBuf> {
        self.dirs
            .iter()
            .map(|d| d.join(name))
            .find(|d| d.join("provider.toml").is_file())
    }

    /// Every provider directory on the path: (name, directory), in path order, each
    /// directory's providers sorted by name (shadowed ones included).
    pub fn provider_dirs(&self) -> Vec<(String, Utf8PathBuf)> {
        let mut out = Vec::new();
        for dir in &self.dirs {
            let Ok(read) = std::fs::read_dir(dir) else {
                continue;
            };
            let mut found: Vec<(String, Utf8PathBuf)> = read
                .flatten()
                .filter_map(|e| {
                    let path = Utf8PathBuf::from_path_buf(e.path()).ok()?;
                    let name = path.file_name()?.to_string();
                    path.join("provider.toml").is_file().then_some((name, path))
                })
                .collect();
            found.sort();
            out.extend(found);
        }
        out
    }
}

/// Where a provider comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Builtin,
    Dir(Utf8PathBuf),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Builtin => f.write_str("(built in)"),
            Origin::Dir(d) => write!(f, "{d}"),
        }
    }
}

/// A template file and the provider it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pub text: String,
    /// The provider's name.
    pub provider: String,
}

/// A loaded provider: its questions and templates merged with its bases'.
#[derive(Clone, Debug)]
pub struct Provider {
    pub name: String,
    pub description: String,
    pub origin: Origin,
    /// The providers it extends, nearest first.
    pub bases: Vec<String>,
    pub questions: Vec<Question>,
    /// Template files by path below `templates/` (`/`-separated).
    pub templates: BTreeMap<String, Template>,
}

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error(
        "provider `{name}` not found{}; available: {}",
        if searched.is_empty() { String::new() } else { format!(" in {}", join_dirs(searched)) },
        available.join(", ")
    )]
    NotFound {
        name: String,
        searched: Vec<Utf8PathBuf>,
        available: Vec<String>,
    },
    #[error("`{0}` is not a provider directory: it has no provider.toml")]
    NotAProvider(Utf8PathBuf),
    #[error("{path} is invalid ({})", count_errors(diagnostics))]
    Manifest {
        path: Utf8PathBuf,
        text: String,
        diagnostics: Vec<Diagnostic>,
    },
    #[error("providers extend each other in a cycle: {}", chain.join(" → "))]
    Cycle { chain: Vec<String> },
    #[error("cannot read `{path}`: {source}")]
    Io {
        path: Utf8PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot read `{path}`: {}", .source.detail())]
    Read {
        path: Utf8PathBuf,
        #[source]
        source: crate::files::ReadError,
    },
    #[error("template `{0}` is not UTF-8 text (templates must be text files)")]
    NotText(Utf8PathBuf),
}

fn join_dirs(dirs: &[Utf8PathBuf]) -> String {
    dirs.iter()
        .map(|d| d.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn count_errors(d: &[Diagnostic]) -> String {
    let n = d.iter().filter(|d| d.is_error()).count();
    format!("{n} error{}", if n == 1 { "" } else { "s" })
}

impl ProviderError {
    /// The first error as `path:line:col: message`, for one-line listings.
    pub fn summary(&self) -> String {
        match self {
            ProviderError::Manifest {
                path,
                text,
                diagnostics,
            } => match diagnostics.iter().find(|d| d.is_error()) {
                Some(d) => {
                    let (line, col) = d.primary.as_ref().map_or((1, 1), |p| {
                        let (l, c) = LineIndex::new(text).line_col(p.span.start);
                        (l, c)
                    });
                    format!("{path}:{line}:{col}: {}", d.message)
                }
                None => self.to_string(),
            },
            other => other.to_string(),
        }
    }
}

/// Load the provider `selector`: `builtin`, a provider name on the search path, or a path
/// to a provider directory (anything with a `/`).
pub fn load(search: &SearchPath, selector: &str) -> Result<Provider, ProviderError> {
    load_chain(search, selector, &mut Vec::new())
}

/// The built-in provider.
pub fn builtin() -> Provider {
    load_chain(&SearchPath::default(), BUILTIN, &mut Vec::new())
        .unwrap_or_else(|e| panic!("the built-in provider is invalid: {e:?}"))
}

fn load_chain(
    search: &SearchPath,
    selector: &str,
    stack: &mut Vec<String>,
) -> Result<Provider, ProviderError> {
    // Long on purpose: loading a provider and its `extends` chain (cycle check, manifest,
    // templates, merge with the parent) is one recursive step.
    let (name, origin, path, text, templates) = if selector == BUILTIN {
        let templates = BUILTIN_TEMPLATES
            .iter()
            .map(|(p, t)| {
                let rel = p.strip_prefix("templates/").unwrap_or(p);
                (rel.to_string(), t.to_string())
            })
            .collect();
        (
            BUILTIN.to_string(),
            Origin::Builtin,
            Utf8PathBuf::from("templates/scaffold/builtin/provider.toml"),
            BUILTIN_MANIFEST.to_string(),
            templates,
        )
    } else {
        let dir = if selector.contains('/') || selector.contains(std::path::MAIN_SEPARATOR) {
            let dir = Utf8PathBuf::from(selector);
            if !dir.join("provider.toml").is_file() {
                return Err(ProviderError::NotAProvider(dir));
            }
            dir
        } else {
            search
                .locate(selector)
                .ok_or_else(|| ProviderError::NotFound {
                    name: selector.to_string(),
                    searched: search.dirs.clone(),
                    available: std::iter::once(BUILTIN.to_string())
                        .chain(search.provider_dirs().into_iter().map(|(n, _)| n))
                        .collect(),
                })?
        };
        let path = dir.join("provider.toml");
        let text =
            crate::files::read_text(path.as_std_path()).map_err(|source| ProviderError::Read {
                path: path.clone(),
                source,
            })?;
        let name = dir
            .canonicalize_utf8()
            .ok()
            .and_then(|d| d.file_name().map(str::to_string))
            .unwrap_or_else(|| selector.to_string());
        let templates = read_templates(&dir.join("templates"))?;
        (name, Origin::Dir(dir), path, text, templates)
    };
    if stack.contains(&name) {
        let mut chain = stack.clone();
        chain.push(name);
        return Err(ProviderError::Cycle { chain });
    }
    stack.push(name.clone());

    let (manifest, mut diagnostics) = manifest::parse(&text);
    let invalid = |diagnostics: Vec<Diagnostic>| ProviderError::Manifest {
        path: path.clone(),
        text: text.clone(),
        diagnostics,
    };
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(invalid(diagnostics));
    }
    let base = match &manifest.extends {
        None => None,
        Some(b) => Some(load_chain(search, b, stack)?),
    };
    let Manifest {
        description,
        extends_span,
        questions: decls,
        ..
    } = manifest;
    let mut bases = Vec::new();
    let (mut questions, mut merged) = match base {
        Some(b) => {
            bases.push(b.name.clone());
            bases.extend(b.bases);
            (b.questions, b.templates)
        }
        None => (Vec::new(), BTreeMap::new()),
    };
    merge_questions(&mut questions, decls, &mut diagnostics);
    require_workflow_id(&mut questions, extends_span, &mut diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(invalid(diagnostics));
    }
    for (rel, text) in templates {
        merged.insert(
            rel,
            Template {
                text,
                provider: name.clone(),
            },
        );
    }
    stack.pop();
    Ok(Provider {
        name,
        description,
        origin,
        bases,
        questions,
        templates: merged,
    })
}

/// Every file below `dir` (none when it does not exist), by `/`-separated relative path.
fn read_templates(dir: &Utf8Path) -> Result<BTreeMap<String, String>, ProviderError> {
    let mut out = BTreeMap::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    let io = |path: &Utf8Path| {
        let path = path.to_owned();
        move |source| ProviderError::Io { path, source }
    };
    let mut stack = vec![dir.to_owned()];
    // Directories already read (by real path): a symbolic link cycle is read once.
    let mut seen = Vec::new();
    while let Some(d) = stack.pop() {
        let real = d.canonicalize_utf8().map_err(io(&d))?;
        if seen.contains(&real) {
            continue;
        }
        seen.push(real);
        for entry in std::fs::read_dir(&d).map_err(io(&d))? {
            let entry = entry.map_err(io(&d))?;
            let path = Utf8PathBuf::from_path_buf(entry.path()).map_err(|p| {
                ProviderError::NotText(Utf8PathBuf::from(p.to_string_lossy().as_ref()))
            })?;
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let bytes = crate::files::read_bytes(path.as_std_path()).map_err(|source| {
                ProviderError::Read {
                    path: path.clone(),
                    source,
                }
            })?;
            let text =
                String::from_utf8(bytes).map_err(|_| ProviderError::NotText(path.clone()))?;
            let rel = path
                .strip_prefix(dir)
                .map(|r| {
                    r.components()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join("/")
                })
                .unwrap_or_else(|_| path.to_string());
            out.insert(rel, text);
        }
    }
    Ok(out)
}

/// Merge a manifest's questions into its base's, then check every `when` and `after`.
fn merge_questions(questions: &mut Vec<Question>, decls: Vec<Decl>, diags: &mut Vec<Diagnostic>) {
    let mut own: Vec<(String, Span)> = Vec::new();
    for decl in decls {
        let Decl {
            question,
            span,
            when_span,
            after,
        } = decl;
        own.push((question.dest.clone(), when_span));
        let existing = questions.iter().position(|q| q.dest == question.dest);
        let at = match &after {
            None => existing.unwrap_or(questions.len()),
            Some((target, s)) => {
                if let Some(i) = existing {
                    questions.remove(i);
                }
                match questions.iter().position(|q| &q.dest == target) {
                    Some(i) => i + 1,
                    None => {
                        diags.push(
                            Diagnostic::error(
                                Code::InvalidQuestion,
                                format!("`after = \"{target}\"`: there is no question `{target}` before `{}`", question.dest),
                            )
                            .at(*s, "unknown question")
                            .with_help_opt(crate::diagnostics::did_you_mean(
                                target,
                                questions.iter().map(|q| q.dest.as_str()),
                            )),
                        );
                        questions.len()
                    }
                }
            }
        };
        if existing.is_some() && after.is_none() {
            questions[at] = question;
        } else {
            questions.insert(at, question);
        }
        let _ = span;
    }
    // Conditions read only earlier answers (top level; list sub-questions were checked
    // against their own list by the manifest parser).
    for (i, q) in questions.iter().enumerate() {
        let Some(c) = &q.when else { continue };
        let earlier: Vec<&str> = questions[..i].iter().map(|q| q.dest.as_str()).collect();
        let at = own
            .iter()
            .find(|(d, _)| *d == q.dest)
            .map_or(Span::default(), |(_, s)| *s);
        for v in c.variables() {
            if !earlier.contains(&v.as_str()) {
                diags.push(manifest::unknown_name(
                    &v,
                    at,
                    &q.dest,
                    &earlier,
                    "questions asked before it",
                ));
            }
        }
    }
}

/// Every provider yields a `workflow_id`: a top-level text question that is always asked.
/// It is always checked with the spec's id rules.
fn require_workflow_id(questions: &mut [Question], at: Span, diags: &mut Vec<Diagnostic>) {
    match questions.iter_mut().find(|q| q.dest == "workflow_id") {
        Some(q) if matches!(q.kind, Kind::String { .. }) && q.when.is_none() => {
            if !q.checks.iter().any(|c| matches!(c, Check::WorkflowId)) {
                q.checks.insert(0, Check::WorkflowId);
            }
        }
        Some(_) => diags.push(
            Diagnostic::error(
                Code::NoWorkflowId,
                "question `workflow_id` must be a string question without `when`",
            )
            .at(at, "in this provider")
            .with_note("the answer names the project directory, so it is always asked"),
        ),
        None => diags.push(
            Diagnostic::error(
                Code::NoWorkflowId,
                "the provider does not ask for `workflow_id`",
            )
            .at(at, "no base provides it")
            .with_help(
                "add a question with `dest = \"workflow_id\"`, or extend a provider that has one",
            ),
        ),
    }
}

/// One provider of a listing.
#[derive(Debug)]
pub struct Listed {
    pub name: String,
    pub origin: Origin,
    /// The loaded provider, or why it cannot be loaded.
    pub provider: Result<Provider, ProviderError>,
    /// An earlier provider of the same name hides this one.
    pub shadowed: bool,
}

/// The built-in provider, then every provider on the search path.
pub fn list(search: &SearchPath) -> Vec<Listed> {
    let mut out = vec![Listed {
        name: BUILTIN.to_string(),
        origin: Origin::Builtin,
        provider: Ok(builtin()),
        shadowed: false,
    }];
    for (name, dir) in search.provider_dirs() {
        let shadowed = out.iter().any(|l| l.name == name);
        let provider = load(search, dir.as_str());
        out.push(Listed {
            name,
            origin: Origin::Dir(dir),
            provider,
            shadowed,
        });
    }
    out
}

#[cfg(test)]
mod tests;
