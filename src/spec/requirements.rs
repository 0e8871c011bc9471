//! `requirements:`: conda and PyPI requirement forms, channel resolution and version
//! normalisation (with rattler, so the text matches what pixi.toml and discovery use).

use crate::diagnostics::{Code, Diagnostic};
use crate::spec::fields::Sink;
use crate::spec::model::Spanned;
use crate::syntax::span::Span;
use crate::syntax::yaml::{Node, NodeKind};
use rattler_conda_types::{MatchSpec, NamelessMatchSpec, ParseStrictness};

/// A conda channel: its short name when it has one, and its base URL (ends with `/`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Channel {
    pub name: Option<String>,
    pub base_url: String,
}

impl Channel {
    fn known(name: &str, base_url: &str) -> Self {
        Self {
            name: Some(name.to_string()),
            base_url: base_url.to_string(),
        }
    }

    /// Is this a local `file://` channel ("requires local release artifacts")?
    pub fn is_local(&self) -> bool {
        self.base_url.starts_with("file://")
    }
}

/// The channels known by name, in the reference's order.
/// `wt_conda_channel` is the value of `$WT_CONDA_CHANNEL` (empty → `/tmp/wt-conda-channel`).
pub fn known_channels(wt_conda_channel: &str) -> Vec<Channel> {
    vec![
        Channel::known(
            "artifacts",
            "file:///tmp/ecoscope-workflows/release/artifacts/",
        ),
        Channel::known(
            "ecoscope-workflows-custom/release/artifacts",
            "file:///tmp/ecoscope-workflows-custom/release/artifacts/",
        ),
        wt_local_channel(wt_conda_channel),
        Channel::known(
            "ecoscope-workflows",
            "https://repo.prefix.dev/ecoscope-workflows/",
        ),
        Channel::known(
            "ecoscope-workflows-custom",
            "https://repo.prefix.dev/ecoscope-workflows-custom/",
        ),
        Channel::known("conda-forge", "https://conda.anaconda.org/conda-forge/"),
        Channel::known("microsoft", "https://conda.anaconda.org/microsoft/"),
    ]
}

/// The WT_LOCAL channel: `file://$WT_CONDA_CHANNEL/` (default `/tmp/wt-conda-channel`),
/// named after the directory's basename.
pub fn wt_local_channel(wt_conda_channel: &str) -> Channel {
    let local = if wt_conda_channel.is_empty() {
        "/tmp/wt-conda-channel"
    } else {
        wt_conda_channel
    };
    let local = local.trim_end_matches('/');
    let name = local.rsplit('/').next().unwrap_or(local);
    Channel::known(name, &format!("file://{local}/"))
}

/// Why a channel or a conda version constraint is rejected (a diagnostic's message in a
/// spec or a dependency file, an answer's error in `scaffold`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum RequirementError {
    #[error(
        "unknown channel `{channel}`; use a full channel URL (e.g. `https://conda.anaconda.org/{channel}/`) or one of the known channel names: {}",
        .known.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
    )]
    UnknownChannel { channel: String, known: Vec<String> },
    #[error("invalid conda version constraint `{version}`: {detail}")]
    InvalidVersion { version: String, detail: String },
}

/// Resolve a channel string: a known name or base URL, or any URL with a scheme.
pub fn resolve_channel(s: &str, wt_conda_channel: &str) -> Result<Channel, RequirementError> {
    let known = known_channels(wt_conda_channel);
    if let Some(c) = known
        .iter()
        .find(|c| c.name.as_deref() == Some(s) || c.base_url == s)
    {
        return Ok(c.clone());
    }
    if has_url_scheme(s) {
        let mut base_url = s.to_string();
        if !base_url.ends_with('/') {
            base_url.push('/');
        }
        if let Some(c) = known.iter().find(|c| c.base_url == base_url) {
            return Ok(c.clone());
        }
        return Ok(Channel {
            name: None,
            base_url,
        });
    }
    Err(RequirementError::UnknownChannel {
        channel: s.to_string(),
        known: known.iter().filter_map(|c| c.name.clone()).collect(),
    })
}

fn has_url_scheme(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once("://") else {
        return false;
    };
    !rest.is_empty()
        && scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Requirement {
    Conda(CondaRequirement),
    Pypi(PypiRequirement),
}

impl Requirement {
    /// The requirement with its span set to the default (see `db::requirement_values`).
    #[must_use]
    pub fn without_span(&self) -> Requirement {
        match self {
            Requirement::Conda(c) => Requirement::Conda(CondaRequirement {
                span: Span::default(),
                ..c.clone()
            }),
            Requirement::Pypi(p) => Requirement::Pypi(PypiRequirement {
                span: Span::default(),
                ..p.clone()
            }),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CondaRequirement {
    pub name: String,
    /// Normalised nameless match spec text (`>=1.0`, `==1.2`, `1.2.*`, `*`).
    pub version: String,
    pub channel: Channel,
    pub span: Span,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PypiRequirement {
    pub name: String,
    pub git: Option<String>,
    pub rev: Option<String>,
    pub branch: Option<String>,
    pub tag: Option<String>,
    pub path: Option<String>,
    pub editable: Option<bool>,
    pub url: Option<String>,
    pub subdirectory: Option<String>,
    pub extras: Option<Vec<String>>,
    pub version: Option<String>,
    pub span: Span,
}

/// Normalise a conda version constraint the way rattler (and so the reference) prints it.
pub fn normalize_version(v: &str) -> Result<String, RequirementError> {
    let spec = NamelessMatchSpec::from_str(v, ParseStrictness::Lenient).map_err(|e| {
        RequirementError::InvalidVersion {
            version: v.to_string(),
            detail: e.to_string(),
        }
    })?;
    Ok(spec
        .version
        .map(|v| v.to_string())
        .unwrap_or_else(|| "*".into()))
}

pub const CONDA_KEYS: &[&str] = &["name", "version", "channel", "requirement"];
/// Everything a PyPI requirement may say besides its `name`; the table form of a PyPI
/// entry in a dependency file (`--env-overrides`, the defaults) takes the same keys.
pub const PYPI_OPTION_KEYS: &[&str] = &[
    "git",
    "rev",
    "branch",
    "tag",
    "path",
    "editable",
    "url",
    "subdirectory",
    "extras",
    "version",
];

/// Lower the `requirements:` list.
pub fn lower_requirements(
    sink: &mut Sink,
    node: &Node,
    wt_conda_channel: &str,
) -> Vec<Requirement> {
    let Some(items) = sink.seq(node, "`requirements`") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        match &item.kind {
            NodeKind::Map(entries) => {
                let is_pypi = entries
                    .iter()
                    .any(|(k, _)| matches!(k.as_str(), Some("git" | "path" | "url")));
                let r = if is_pypi {
                    lower_pypi(sink, item).map(Requirement::Pypi)
                } else {
                    lower_conda(sink, item, wt_conda_channel).map(Requirement::Conda)
                };
                out.extend(r);
            }
            NodeKind::Scalar(_) if item.as_str().is_some() => {
                let text = item.as_str().unwrap_or_default();
                sink.push(
                    Diagnostic::error(
                        Code::InvalidRequirement,
                        format!("a requirement must be a mapping, not the bare string `{text}`"),
                    )
                    .at(item.span, "bare strings are not accepted")
                    .with_help(format!(
                        "write `- requirement: \"{text}\"` (a conda match spec), or `- name: ...` with `version:` and `channel:`"
                    )),
                );
            }
            _ => sink.wrong_type(item, "a requirement", "a mapping"),
        }
    }
    out
}

fn lower_conda(sink: &mut Sink, node: &Node, wt_conda_channel: &str) -> Option<CondaRequirement> {
    // Long on purpose: one pass over the keys of a conda requirement (short and long version
    // forms, channel, match spec), each with its diagnostic, in the order the reference checks
    // them.
    let mut f = sink.map(node, "a conda requirement")?;
    let name = f.take("name").and_then(|n| sink.str(n, "`name`"));
    let version_node = f.take("version");
    let channel = f.take("channel").and_then(|n| sink.str(n, "`channel`"));
    let requirement = f
        .take("requirement")
        .and_then(|n| sink.str(n, "`requirement`"));
    f.finish(sink, "a conda requirement", CONDA_KEYS);
    let errors_before = sink.diags.len();

    let mut channel_text = channel;
    let mut version: Option<Spanned<String>> = None;
    if let Some(v) = version_node {
        match &v.kind {
            NodeKind::Map(_) => {
                // Long form `{version: ..., channel: ...}`.
                let mut vf = sink.map(v, "`version`")?;
                version = vf
                    .take("version")
                    .and_then(|n| sink.str(n, "`version.version`"));
                if let Some(c) = vf
                    .take("channel")
                    .and_then(|n| sink.str(n, "`version.channel`"))
                {
                    channel_text = Some(c);
                }
                vf.finish(sink, "`version`", &["version", "channel"]);
            }
            _ => version = sink.str(v, "`version`"),
        }
    }

    let (name, version, channel_text) = if let Some(req) = requirement {
        // The shorthand overrides name/version/channel.
        match MatchSpec::from_str(&req.value, ParseStrictness::Lenient) {
            Ok(ms) => {
                let Some(n) = ms.name.as_exact().map(|n| n.as_normalized().to_string()) else {
                    sink.push(
                        Diagnostic::error(
                            Code::InvalidRequirement,
                            format!("`{}` does not name an exact package", req.value),
                        )
                        .at(req.span, "expected a package name"),
                    );
                    return None;
                };
                let v = ms
                    .version
                    .map_or_else(|| "*".to_string(), |v| v.to_string());
                let c = ms
                    .channel
                    .as_ref()
                    .map(|c| c.name.clone().unwrap_or_else(|| c.base_url.to_string()));
                let c = c.map(|c| Spanned::new(c, req.span)).or(channel_text);
                (n, Spanned::new(v, req.span), c)
            }
            Err(e) => {
                sink.push(
                    Diagnostic::error(
                        Code::InvalidRequirement,
                        format!("invalid conda match spec `{}`: {e}", req.value),
                    )
                    .at(req.span, "not a valid match spec"),
                );
                return None;
            }
        }
    } else {
        let Some(name) = name else {
            sink.push(
                Diagnostic::error(
                    Code::MissingKey,
                    "conda requirement is missing required key `name`",
                )
                .at(node.span, "`name` is required here")
                .with_help(
                    "write `name:` and `version:`, or `requirement: \"channel::name>=1.0\"`",
                ),
            );
            return None;
        };
        let Some(version) = version else {
            sink.push(
                Diagnostic::error(
                    Code::MissingKey,
                    format!(
                        "conda requirement `{}` is missing required key `version`",
                        name.value
                    ),
                )
                .at(name.span, "`version` is required")
                .with_help("use `version: \"*\"` to accept any version"),
            );
            return None;
        };
        match normalize_version(&version.value) {
            Ok(v) => (name.value, Spanned::new(v, version.span), channel_text),
            Err(e) => {
                sink.push(
                    Diagnostic::error(Code::InvalidVersion, e.to_string()).at(version.span, "here"),
                );
                return None;
            }
        }
    };

    let channel = match channel_text {
        None => known_channels(wt_conda_channel)
            .into_iter()
            .find(|c| c.name.as_deref() == Some("conda-forge"))?,
        Some(c) => match resolve_channel(&c.value, wt_conda_channel) {
            Ok(ch) => ch,
            Err(e) => {
                sink.push(
                    Diagnostic::error(Code::UnknownChannel, e.to_string())
                        .at(c.span, "unknown channel"),
                );
                return None;
            }
        },
    };
    if sink.diags.len() > errors_before {
        return None;
    }
    Some(CondaRequirement {
        name,
        version: version.value,
        channel,
        span: node.span,
    })
}

fn lower_pypi(sink: &mut Sink, node: &Node) -> Option<PypiRequirement> {
    // Long on purpose: one pass over the keys of a PyPI requirement (the mutually exclusive
    // sources, editable, extras, version), each with its diagnostic, in the order the reference
    // checks them.
    let mut f = sink.map(node, "a PyPI requirement")?;
    let errors_before = sink.diags.len();
    let name = f.require(sink, "name", "a PyPI requirement");
    let name = name.and_then(|n| sink.str(n, "`name`"));
    let mut text = |key: &str| -> Option<Spanned<String>> {
        let n = f.take(key)?;
        sink.str(n, &format!("`{key}`"))
    };
    let git = text("git");
    let rev = text("rev");
    let branch = text("branch");
    let tag = text("tag");
    let path = text("path");
    let url = text("url");
    let subdirectory = text("subdirectory");
    let version = text("version");
    let editable = f.take("editable").and_then(|n| sink.bool(n, "`editable`"));
    let extras = f.take("extras").and_then(|n| {
        let items = sink.seq(n, "`extras`")?;
        items
            .iter()
            .map(|i| sink.str(i, "an extra").map(|s| s.value))
            .collect()
    });
    f.finish(
        sink,
        "a PyPI requirement",
        &[&["name"], PYPI_OPTION_KEYS].concat(),
    );
    let name = name?;
    let n = &name.value;

    let sources: Vec<&Spanned<String>> = [&git, &path, &url].into_iter().flatten().collect();
    if sources.len() > 1 {
        sink.push(
            Diagnostic::error(
                Code::InvalidRequirement,
                format!("at most one of `git`, `path` or `url` may be set for PyPI requirement `{n}`, got {}", sources.len()),
            )
            .at(sources[1].span, "second source"),
        );
    }
    let refs: Vec<&Spanned<String>> = [&rev, &branch, &tag].into_iter().flatten().collect();
    if !refs.is_empty() && git.is_none() {
        sink.push(
            Diagnostic::error(
                Code::InvalidRequirement,
                format!(
                    "`rev`, `branch` and `tag` are only valid with `git` (PyPI requirement `{n}`)"
                ),
            )
            .at(refs[0].span, "needs `git`"),
        );
    }
    if refs.len() > 1 {
        sink.push(
            Diagnostic::error(
                Code::InvalidRequirement,
                format!(
                    "at most one of `rev`, `branch` or `tag` may be set for PyPI requirement `{n}`"
                ),
            )
            .at(refs[1].span, "second git reference"),
        );
    }
    if editable.is_some() && path.is_none() {
        sink.push(
            Diagnostic::error(
                Code::InvalidRequirement,
                format!("`editable` is only valid with `path` (PyPI requirement `{n}`)"),
            )
            .at(f_span(node, "editable"), "needs `path`"),
        );
    }
    if let Some(p) = &path {
        if p.value.starts_with("file://") {
            sink.push(
                Diagnostic::error(
                    Code::InvalidRequirement,
                    format!("`path` of PyPI requirement `{n}` must be a bare filesystem path, not a file:// URL"),
                )
                .at(p.span, "file:// URL")
                .with_help(format!("write `path: {}`", p.value.trim_start_matches("file://"))),
            );
        } else if !p.value.starts_with('/') {
            sink.push(
                Diagnostic::error(
                    Code::InvalidRequirement,
                    format!("`path` of PyPI requirement `{n}` must be an absolute filesystem path; got `{}`", p.value),
                )
                .at(p.span, "relative path")
                .with_help("relative paths are not supported; use an absolute path"),
            );
        }
    }
    if sink.diags.len() > errors_before {
        return None;
    }
    Some(PypiRequirement {
        name: name.value,
        git: git.map(|s| s.value),
        rev: rev.map(|s| s.value),
        branch: branch.map(|s| s.value),
        tag: tag.map(|s| s.value),
        path: path.map(|s| s.value),
        editable,
        url: url.map(|s| s.value),
        subdirectory: subdirectory.map(|s| s.value),
        extras,
        version: version.map(|s| s.value),
        span: node.span,
    })
}

fn f_span(node: &Node, key: &str) -> Span {
    node.as_map()
        .and_then(|m| m.iter().find(|(k, _)| k.as_str() == Some(key)))
        .map_or(node.span, |(k, _)| k.span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_normalise_like_rattler() {
        for (input, want) in [
            ("1.2", "==1.2"),
            ("=1.2", "1.2.*"),
            (">= 1.0", ">=1.0"),
            (">=1.0,<2.0", ">=1.0,<2.0"),
            ("1.0.*", "1.0.*"),
            ("==1.2.3", "==1.2.3"),
            ("*", "*"),
            (">=1.0 <2", ">=1.0"),
            ("1.2.3 py_0", "==1.2.3"),
        ] {
            assert_eq!(normalize_version(input).unwrap(), want, "{input}");
        }
    }

    #[test]
    fn channels() {
        assert_eq!(
            resolve_channel("conda-forge", "").unwrap().base_url,
            "https://conda.anaconda.org/conda-forge/"
        );
        assert_eq!(
            resolve_channel("https://repo.prefix.dev/x", "")
                .unwrap()
                .base_url,
            "https://repo.prefix.dev/x/"
        );
        assert_eq!(
            resolve_channel("wt-conda-channel", "").unwrap().base_url,
            "file:///tmp/wt-conda-channel/"
        );
        assert!(resolve_channel("bioconda", "").is_err());
    }
}
