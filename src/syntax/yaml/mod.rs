//! A span-preserving YAML loader for `spec.yaml` files.
//!
//! [`parse`] reads exactly one YAML document into a [`Node`] tree in which every node (mapping
//! keys included) carries the byte [`Span`] of its source text, so later passes can report
//! errors as `file:line:column` with a snippet ([`LineIndex`] turns offsets into lines and
//! columns).
//!
//! The events come from `saphyr-parser`; this module builds the tree and *resolves* scalars the
//! way the Python reference does: ruamel.yaml with `typ="safe"`, which uses the YAML 1.2 rules of
//! ruamel's `VersionedResolver` plus its (YAML 1.1 style) implicit timestamps.
//!
//! # Scalar resolution
//!
//! Quoted (`'…'`, `"…"`) and block (`|`, `>`) scalars are always strings. A *plain* scalar is
//! resolved by the first rule that matches (ruamel picks candidate rules by the scalar's first
//! character and tries float before int):
//!
//! * **null**: empty, `~`, `null`, `Null`, `NULL`.
//! * **bool**: `true`, `True`, `TRUE`, `false`, `False`, `FALSE` only (`yes`, `no`, `on`, `off`
//!   are strings).
//! * **float**: `[-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+]?[0-9]+)?` (`1.`, `1.5`, `1.5e3`),
//!   `[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+` (`1e3` is 1000.0), `[-+]?\.[0-9_]+([eE][-+][0-9]+)?`
//!   (`.5`; note the mandatory exponent sign there), `[-+]?\.(inf|Inf|INF)`,
//!   `\.(nan|NaN|NAN)`.
//! * **int**: `[-+]?[0-9_]+` decimal (`012` is 12: no YAML 1.1 octal), `[-+]?0o[0-7_]+` octal
//!   (`0o17` is 15), `[-+]?0x[0-9a-fA-F_]+` hex (`0x1F` is 31), `[-+]?0b[01_]+` binary; `_`
//!   separators are dropped (`1_000` is 1000).
//! * **timestamp** (the YAML 1.1 pattern ruamel keeps in 1.2 mode): `[0-9]{4}-[0-9]{2}-[0-9]{2}`,
//!   or `[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}` followed by `T`, `t` or blanks,
//!   `[0-9]{1,2}:[0-9]{2}:[0-9]{2}`, an optional `.fraction` and an optional zone (`Z` or `[-+][0-9]{1,2}(:[0-9]{2})?`, possibly
//!   after blanks).
//! * **string**: everything else, including the merge key `<<` (which is *not* merged).
//!
//! Integers outside the `i128` range, impossible dates (`2020-13-40`) and the plain scalar `=`
//! (ruamel resolves it to the unconstructible `tag:yaml.org,2002:value`) are errors, as they are
//! for the reference loader. Timestamps keep their source text ([`Scalar::Timestamp`]).
//!
//! Explicit core tags are honoured: `!!str`, `!!int`, `!!float`, `!!bool`, `!!null` on scalars,
//! `!!seq` on sequences and `!!map` on mappings (so `!!str 12` is the string `"12"`). Any other tag
//! is an error.
//!
//! # Other rules
//!
//! * An alias is replaced by a deep copy of its anchored node; the copy's root gets the alias's
//!   span. Expansion is bounded (see [`MAX_ALIAS_NODES`]) to defuse "billion laughs" documents.
//! * Mapping keys must be scalars; two keys that resolve to the same value (compared like Python
//!   dict keys: `1`, `1.0` and `true` collide) are an error pointing at the second one.
//! * More than one document is an error pointing at the second document.
//! * Nesting deeper than [`MAX_DEPTH`] collections is an error.
//! * Lines inside a flow collection (`[...]`, `{...}`) may be indented less than the block
//!   collection around it (e.g. a closing `]` at the column of its key). The YAML spec and saphyr
//!   reject this, ruamel (like libyaml) accepts it and real specs rely on it, so [`parse`]
//!   re-parses with such lines indented; spans still refer to the original text.
//!
//! # Spans
//!
//! Spans are byte offsets into the source text, always on `char` boundaries. A scalar's span
//! covers its text including quotes, but not its anchor or tag; a block scalar's span runs from
//! its `|`/`>` indicator to the end of its content (without the final line break); an empty
//! scalar gets a zero-width span where it would have been. A flow collection spans from its
//! opening to its closing bracket; a block collection from its first key or `-` to the end of its
//! last child.

mod indent;
mod keys;
mod loader;
pub mod outline;
mod positions;
mod scalar;
mod tags;
#[cfg(test)]
mod tests;

#[cfg(test)]
use super::span::LineIndex;
use super::span::Span;
use indent::{IndentFixes, MAX_INDENT_FIXES, under_indented_closers};
use loader::{Failure, Loader};

/// Collections nested deeper than this are rejected (aliases count with their full depth).
pub const MAX_DEPTH: usize = 500;

/// The maximum number of nodes that alias expansion may copy in one document.
pub const MAX_ALIAS_NODES: usize = 250_000;

/// A resolved scalar value.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    /// `null`, `~`, or an empty value.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i128),
    /// A floating-point number (including `.inf` and `.nan`).
    Float(f64),
    /// A string.
    Str(String),
    /// An unquoted timestamp such as `2020-01-01` or `2020-01-01T10:00:00Z` (the original text).
    /// The reference loads these as dates.
    Timestamp(String),
}

impl Scalar {
    /// A noun phrase naming the scalar's type, for messages ("a string", "null", ...).
    #[must_use]
    pub fn kind_name(&self) -> &'static str {
        match self {
            Scalar::Null => "null",
            Scalar::Bool(_) => "a boolean",
            Scalar::Int(_) => "an integer",
            Scalar::Float(_) => "a float",
            Scalar::Str(_) => "a string",
            Scalar::Timestamp(_) => "a date/timestamp",
        }
    }
}

/// The content of a [`Node`].
#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// A scalar.
    Scalar(Scalar),
    /// A sequence (list).
    Seq(Vec<Node>),
    /// A mapping, in source order. Keys are always scalars and pairwise distinct.
    Map(Vec<(Node, Node)>),
}

/// A YAML node with its source span.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// What the node is.
    pub kind: NodeKind,
    /// Where the node is in the source text.
    pub span: Span,
    /// True if the scalar was written plain (unquoted, no block scalar).
    pub plain: bool,
}

impl Node {
    /// The scalar, if this node is one.
    #[must_use]
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(scalar) => Some(scalar),
            _ => None,
        }
    }

    /// The string, if this node is a [`Scalar::Str`].
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar(Scalar::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// The entries, if this node is a mapping.
    #[must_use]
    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            NodeKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The items, if this node is a sequence.
    #[must_use]
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// Whether this node is a null scalar.
    #[must_use]
    pub fn is_null(&self) -> bool {
        matches!(self.kind, NodeKind::Scalar(Scalar::Null))
    }

    /// The value stored under the string key `key`, if this node is a mapping that has one.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// A noun phrase naming the node's type, for messages: "a string", "an integer", "a float",
    /// "a boolean", "null", "a date/timestamp", "a list" or "a mapping".
    #[must_use]
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar(scalar) => scalar.kind_name(),
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }
}

/// A YAML syntax or loading error, with the span it refers to.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    /// What went wrong.
    pub message: String,
    /// Where it went wrong (zero-width or one character for syntax errors).
    pub span: Span,
}

impl YamlError {
    fn new(message: impl Into<String>, span: Span) -> Self {
        YamlError {
            message: message.into(),
            span,
        }
    }
}

/// Parses exactly one YAML document.
///
/// Empty input, or a document with only comments, gives a [`Scalar::Null`] node. More than one
/// document is an error pointing at the second one.
///
/// # Errors
/// Returns a [`YamlError`] for syntax errors and for the loading errors listed in the module
/// documentation (unsupported tags, duplicate or complex keys, too deep nesting, ...).
pub fn parse(text: &str) -> Result<Node, YamlError> {
    parse_loaded(text, MAX_INDENT_FIXES).map(|loaded| loaded.node)
}

/// [`parse`], with at most `max_retries` re-indent fixes made as saphyr reports them (the
/// ones found up front do not count), and what [`outline`] needs to know of the tree.
fn parse_loaded(text: &str, max_retries: usize) -> Result<loader::Loaded, YamlError> {
    // saphyr insists that the lines of a flow collection inside a block collection are indented
    // further than that block collection (as the YAML spec says); ruamel, like libyaml, does not
    // care, and real specs close brackets at the indentation of their key. When saphyr reports
    // such a line, indent it (only blanks are inserted, at the start of lines inside a flow
    // collection, where indentation has no meaning) and parse again; spans are mapped back to
    // the original text.
    // The common case (a closing bracket on its own line, at the indentation of its key) is
    // fixed up front in one pass; anything else is repaired as saphyr reports it.
    let mut fixes = IndentFixes::default();
    for (offset, count) in under_indented_closers(text) {
        fixes.insert(offset, count);
    }
    let mut patched: Option<String> = (!fixes.is_empty()).then(|| fixes.apply(text));
    let mut retries = 0usize;
    loop {
        let current = patched.as_deref().unwrap_or(text);
        let failure = match Loader::new(current).load_with_stats() {
            Ok(mut loaded) => {
                if !fixes.is_empty() {
                    fixes.remap_node(&mut loaded.node);
                }
                return Ok(loaded);
            }
            Err(failure) => failure,
        };
        match failure {
            Failure::FlowIndent {
                line_start,
                spaces,
                mut error,
            } => {
                retries += 1;
                if retries > max_retries {
                    error.span = fixes.remap_span(error.span);
                    return Err(error);
                }
                fixes.insert(fixes.to_original(line_start), spaces);
                patched = Some(fixes.apply(text));
            }
            Failure::Error(mut error) => {
                error.span = fixes.remap_span(error.span);
                return Err(error);
            }
        }
    }
}
