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

use super::span::{LineIndex, Span};
use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Tag};

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
        let failure = match Loader::new(current).load() {
            Ok(mut node) => {
                if !fixes.is_empty() {
                    fixes.remap_node(&mut node);
                }
                return Ok(node);
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
                if retries > MAX_INDENT_FIXES {
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

/// Lines that hold only a closing `]`/`}` (plus `,` or a comment) of a flow collection
/// opened at the end of an earlier line, indented no deeper than that line's key: the
/// `(line start offset, blanks to insert)` that make saphyr accept them. Inserting blanks
/// there never changes the document (outside block scalars, which are skipped, leading
/// blanks of such a line carry no meaning).
fn under_indented_closers(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    // Open flow collections: key column of the line that opened each.
    let mut open: Vec<usize> = Vec::new();
    // Inside a block scalar: lines indented deeper than this (or blank) are its content.
    let mut block_scalar: Option<usize> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start_matches(' ').len();
        let content = body[indent..].trim_end();
        if let Some(threshold) = block_scalar {
            if content.is_empty() || indent > threshold {
                continue;
            }
            block_scalar = None;
        }
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        // Column of the key/value after any `- ` sequence indicators.
        let mut key_col = indent;
        let mut rest = content;
        while let Some(r) = rest.strip_prefix("- ") {
            let trimmed = r.trim_start_matches(' ');
            key_col += rest.len() - trimmed.len();
            rest = trimmed;
        }
        let without_comment = match rest.find(" #") {
            Some(i) => rest[..i].trim_end(),
            None => rest,
        };
        if matches!(rest.as_bytes().first(), Some(b']' | b'}')) {
            let closes = without_comment.trim_end_matches(',');
            if closes
                .bytes()
                .all(|b| matches!(b, b']' | b'}' | b' ' | b','))
            {
                for _ in closes.bytes().filter(|b| matches!(b, b']' | b'}')) {
                    if let Some(col) = open.pop()
                        && indent <= col
                        && out.last().is_none_or(|&(o, _)| o != start)
                    {
                        out.push((start, col + 1 - indent));
                    }
                }
                continue;
            }
        }
        if without_comment.ends_with('[') || without_comment.ends_with('{') {
            open.push(key_col);
        } else if open.is_empty() {
            // A block scalar header: `key: |`, `- >-`, `key: |2` ...
            let value = without_comment
                .rsplit_once(": ")
                .map_or(without_comment, |(_, v)| v);
            let value = value.trim();
            if (value.starts_with('|') || value.starts_with('>'))
                && value[1..]
                    .bytes()
                    .all(|b| matches!(b, b'+' | b'-' | b'0'..=b'9'))
            {
                block_scalar = Some(key_col.min(indent));
            }
        }
    }
    out
}

/// How many under-indented flow lines [`parse`] repairs before giving up.
const MAX_INDENT_FIXES: usize = 1000;

/// Blanks inserted into the source text: `(original byte offset, count)`, sorted by offset.
#[derive(Default)]
struct IndentFixes {
    insertions: Vec<(usize, usize)>,
}

impl IndentFixes {
    fn is_empty(&self) -> bool {
        self.insertions.is_empty()
    }

    /// Records `count` blanks to insert before the original byte `offset`.
    fn insert(&mut self, offset: usize, count: usize) {
        let i = self.insertions.partition_point(|&(p, _)| p < offset);
        match self.insertions.get_mut(i) {
            Some((p, k)) if *p == offset => *k += count,
            _ => self.insertions.insert(i, (offset, count)),
        }
    }

    /// The original text with the blanks inserted.
    fn apply(&self, text: &str) -> String {
        let extra: usize = self.insertions.iter().map(|&(_, k)| k).sum();
        let mut out = String::with_capacity(text.len() + extra);
        let mut last = 0;
        for &(p, k) in &self.insertions {
            let p = p.min(text.len());
            out.push_str(&text[last..p]);
            out.extend(std::iter::repeat_n(' ', k));
            last = p;
        }
        out.push_str(&text[last..]);
        out
    }

    /// Maps a byte offset of the patched text to the original text (offsets inside inserted
    /// blanks map to the insertion point).
    fn to_original(&self, offset: usize) -> usize {
        let mut shift = 0;
        for &(p, k) in &self.insertions {
            let at = p + shift;
            if offset < at {
                break;
            }
            if offset < at + k {
                return p;
            }
            shift += k;
        }
        offset - shift
    }

    fn remap_span(&self, span: Span) -> Span {
        if self.is_empty() {
            return span;
        }
        let start = self.to_original(span.start);
        Span::new(start, self.to_original(span.end).max(start))
    }

    fn remap_node(&self, node: &mut Node) {
        node.span = self.remap_span(node.span);
        match &mut node.kind {
            NodeKind::Scalar(_) => {}
            NodeKind::Seq(items) => items.iter_mut().for_each(|n| self.remap_node(n)),
            NodeKind::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
                self.remap_node(k);
                self.remap_node(v);
            }),
        }
    }
}

/// Why [`Loader::load`] failed.
enum Failure {
    /// A real error.
    Error(YamlError),
    /// saphyr rejected an under-indented line inside a flow collection: inserting `spaces`
    /// blanks at `line_start` (a byte offset) may fix it.
    FlowIndent {
        line_start: usize,
        spaces: usize,
        error: YamlError,
    },
}

impl From<YamlError> for Failure {
    fn from(error: YamlError) -> Self {
        Failure::Error(error)
    }
}

// ------------------------------------------------------------------------------------------------
// Loader

/// Converts saphyr's character indices into byte offsets.
enum CharOffsets {
    /// The text is ASCII: character index == byte offset.
    Ascii(usize),
    /// Byte offset of each character, followed by the text length.
    Table(Vec<usize>),
}

impl CharOffsets {
    fn new(text: &str) -> Self {
        if text.is_ascii() {
            CharOffsets::Ascii(text.len())
        } else {
            let mut table: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            table.push(text.len());
            CharOffsets::Table(table)
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        match self {
            CharOffsets::Ascii(len) => char_index.min(*len),
            CharOffsets::Table(table) => table
                .get(char_index)
                .or_else(|| table.last())
                .copied()
                .unwrap_or(0),
        }
    }
}

/// The byte offset of the start of the line containing `offset`.
fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// The 0-based column, in characters, of `offset`.
fn column(text: &str, offset: usize) -> usize {
    text[line_start(text, offset)..offset].chars().count()
}

/// A node together with the measures needed for the depth and alias-expansion limits.
#[derive(Clone)]
struct Built {
    node: Node,
    /// Collection nesting: 0 for a scalar, 1 + max child height for a collection.
    height: usize,
    /// Number of nodes in the tree.
    size: usize,
}

/// A resolved scalar key, compared the way Python compares dict keys.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum KeyId {
    Null,
    /// Integers, booleans (0/1) and integral floats.
    Int(i128),
    /// Other floats, by bit pattern (NaN never gets a key id).
    Float(u64),
    Str(String),
    Timestamp(String),
}

impl KeyId {
    fn of(scalar: &Scalar) -> Option<KeyId> {
        Some(match scalar {
            Scalar::Null => KeyId::Null,
            Scalar::Bool(b) => KeyId::Int(i128::from(*b)),
            Scalar::Int(i) => KeyId::Int(*i),
            Scalar::Float(f) if f.is_nan() => return None,
            Scalar::Float(f) => {
                // 2^127: every integral float below it in magnitude fits an i128 exactly.
                const LIMIT: f64 = 170_141_183_460_469_231_731_687_303_715_884_105_728.0;
                if f.fract() == 0.0 && f.abs() < LIMIT {
                    #[allow(clippy::cast_possible_truncation)]
                    KeyId::Int(*f as i128)
                } else {
                    KeyId::Float(f.to_bits())
                }
            }
            Scalar::Str(s) => KeyId::Str(s.clone()),
            Scalar::Timestamp(t) => KeyId::Timestamp(t.clone()),
        })
    }
}

enum Collection {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Node, Node)>,
        pending_key: Option<Node>,
        seen: HashMap<KeyId, Span>,
    },
}

/// A collection being built.
struct Frame {
    collection: Collection,
    /// Start of the collection's content (after anchor and tag).
    start: usize,
    /// Whether the collection is written in flow style (`[...]`, `{...}`).
    flow: bool,
    /// saphyr's anchor id (0: none).
    anchor: usize,
    /// Max height of the children.
    child_height: usize,
    /// Number of nodes in the children.
    size: usize,
}

struct Loader<'t> {
    text: &'t str,
    offsets: CharOffsets,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Built>,
    alias_nodes: usize,
}

impl<'t> Loader<'t> {
    fn new(text: &'t str) -> Self {
        Loader {
            text,
            offsets: CharOffsets::new(text),
            stack: Vec::new(),
            anchors: HashMap::new(),
            alias_nodes: 0,
        }
    }

    fn span(&self, span: saphyr_parser::Span) -> Span {
        let start = self.offsets.byte(span.start.index());
        let end = self.offsets.byte(span.end.index());
        Span::new(start, end.max(start))
    }

    fn load(mut self) -> Result<Node, Failure> {
        let mut parser = Parser::new_from_str(self.text);
        let mut root: Option<Built> = None;
        let mut documents = 0usize;
        while let Some(item) = parser.next_event() {
            let (event, raw_span) = item.map_err(|e| self.scan_failure(&e))?;
            let span = self.span(raw_span);
            match event {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::StreamEnd => break,
                Event::DocumentStart(_) => {
                    if documents > 0 {
                        let span = if span.is_empty() {
                            self.one_char(span.start)
                        } else {
                            span
                        };
                        return Err(YamlError::new(
                            "expected a single YAML document, but found another document",
                            span,
                        )
                        .into());
                    }
                    documents += 1;
                }
                Event::Alias(id) => {
                    let built = self.alias(id, span)?;
                    self.add(built, &mut root)?;
                }
                Event::Scalar(value, style, anchor, tag) => {
                    let built = self.scalar(value, style, tag.as_deref(), span)?;
                    if anchor > 0 {
                        self.anchors.insert(anchor, built.clone());
                    }
                    self.add(built, &mut root)?;
                }
                Event::SequenceStart(anchor, tag) => {
                    self.open(Collection::Seq(Vec::new()), anchor, tag.as_deref(), span)?;
                }
                Event::MappingStart(anchor, tag) => {
                    let map = Collection::Map {
                        entries: Vec::new(),
                        pending_key: None,
                        seen: HashMap::new(),
                    };
                    self.open(map, anchor, tag.as_deref(), span)?;
                }
                Event::SequenceEnd | Event::MappingEnd => {
                    let built = self.close(span)?;
                    self.add(built, &mut root)?;
                }
            }
        }
        Ok(root.map_or_else(
            || Node {
                kind: NodeKind::Scalar(Scalar::Null),
                span: Span::empty(0),
                plain: true,
            },
            |built| built.node,
        ))
    }

    /// Converts a saphyr error into a [`Failure`], recognizing under-indented flow lines.
    fn scan_failure(&self, error: &ScanError) -> Failure {
        let yaml_error = self.scan_error(error);
        let offset = yaml_error.span.start;
        // saphyr reports these inside flow collections only, for a line that is not indented
        // further than the innermost enclosing block collection. The first two point at the
        // line's first token, the last at the start of a multi-line quoted scalar.
        let line = match error.info() {
            "invalid indentation" | "invalid indentation in flow construct" => {
                let line_start = line_start(self.text, offset);
                let indentation_only = self.text[line_start..offset]
                    .chars()
                    .all(|c| c == ' ' || c == '\t');
                indentation_only.then_some(line_start)
            }
            "invalid indentation in quoted scalar" => {
                self.underindented_quoted_line(offset, self.required_flow_column())
            }
            _ => None,
        };
        let Some(line_start) = line else {
            return Failure::Error(yaml_error);
        };
        let line = &self.text[line_start..];
        let indentation = line.len() - line.trim_start_matches([' ', '\t']).len();
        let column = column(self.text, line_start + indentation);
        let spaces = self.required_flow_column().saturating_sub(column).max(1);
        Failure::FlowIndent {
            line_start,
            spaces,
            error: yaml_error,
        }
    }

    /// The column (0-based, in characters) that saphyr requires lines inside a flow collection
    /// to reach: one more than the innermost block collection's indentation.
    fn required_flow_column(&self) -> usize {
        self.stack
            .iter()
            .rev()
            .find(|frame| !frame.flow)
            .map_or(0, |frame| column(self.text, frame.start) + 1)
    }

    /// The start of the first continuation line of the quoted scalar at `start` that is indented
    /// less than `required` columns.
    fn underindented_quoted_line(&self, start: usize, required: usize) -> Option<usize> {
        let text = &self.text[start..];
        let quote = text.chars().next().filter(|&c| c == '"' || c == '\'')?;
        let mut chars = text.char_indices().skip(1).peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' if quote == '"' => {
                    chars.next();
                }
                '\'' if quote == '\'' && chars.peek().is_some_and(|&(_, c)| c == '\'') => {
                    chars.next();
                }
                c if c == quote => return None,
                '\n' => {
                    let line = &text[i + 1..];
                    let content = line.trim_start_matches([' ', '\t']);
                    let blank = content.is_empty() || content.starts_with(['\n', '\r']);
                    if !blank && line.len() - content.len() < required {
                        return Some(start + i + 1);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Converts a saphyr error into a [`YamlError`] at its marker.
    fn scan_error(&self, error: &ScanError) -> YamlError {
        let offset = self.offsets.byte(error.marker().index());
        let span = self.one_char(offset);
        let mut message = error.info().to_string();
        if message.contains("flow") {
            let line_start = self.text[..span.start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = self.text[span.start..]
                .find('\n')
                .map_or(self.text.len(), |i| span.start + i);
            if self.text[line_start..line_end].contains("${{") {
                message.push_str(
                    " (hint: `${{ ... }}` expressions must be quoted inside flow collections \
                     `[...]` and `{...}`)",
                );
            }
        }
        YamlError::new(message, span)
    }

    /// A one-character span at `offset`, or a zero-width one at the end of the text.
    fn one_char(&self, offset: usize) -> Span {
        let offset = offset.min(self.text.len());
        let len = self.text[offset..].chars().next().map_or(0, char::len_utf8);
        Span::new(offset, offset + len)
    }

    /// Skips the anchor and tag (and the blanks and comments after them) starting at `start`.
    fn skip_properties(&self, mut pos: usize, end: usize) -> usize {
        let text = self.text;
        let end = end.min(text.len());
        while pos < end {
            let rest = &text[pos..end];
            if !(rest.starts_with('&') || rest.starts_with('!')) {
                break;
            }
            if rest.starts_with("!<") {
                match rest.find('>') {
                    Some(i) => pos += i + 1,
                    None => return pos,
                }
            }
            // The property runs to the next blank or flow indicator.
            let rest = &text[pos..end];
            let stop = rest
                .find(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}'))
                .unwrap_or(rest.len());
            pos += stop;
            // Blanks, line breaks and comments.
            loop {
                let rest = &text[pos..end];
                let trimmed = rest.trim_start_matches([' ', '\t', '\r', '\n']);
                pos += rest.len() - trimmed.len();
                if trimmed.starts_with('#') {
                    pos += trimmed.find('\n').unwrap_or(trimmed.len());
                } else {
                    break;
                }
            }
        }
        pos.min(end)
    }

    /// The span of a block scalar: from its `|`/`>` indicator to the end of its content, without
    /// the final line breaks. Falls back to saphyr's content span if the header is not found.
    fn block_scalar_span(&self, content: Span) -> Span {
        let text = self.text;
        let indicator = if text[content.start..].starts_with(['|', '>']) {
            // The start was found by skipping the scalar's anchor or tag.
            content.start
        } else {
            match self.find_block_header(content.start) {
                Some(indicator) => indicator,
                None => return content,
            }
        };
        let mut end = content.end.max(indicator + 1);
        while end > indicator + 1
            && matches!(
                text.as_bytes().get(end - 1),
                Some(b'\n' | b'\r' | b' ' | b'\t')
            )
        {
            end -= 1;
        }
        Span::new(indicator, end)
    }

    /// Finds the `|` or `>` of the block scalar whose content starts at `content_start`.
    fn find_block_header(&self, content_start: usize) -> Option<usize> {
        let text = self.text;
        let mut line_start = text[..content_start].rfind('\n').map_or(0, |i| i + 1);
        // The header is on the content's first line (when the content is empty) or on the last
        // non-blank line before it.
        let (region_start, region_end) = if text[line_start..content_start].trim().is_empty() {
            loop {
                if line_start == 0 {
                    return None;
                }
                let prev_end = line_start - 1;
                let prev_start = text[..prev_end].rfind('\n').map_or(0, |i| i + 1);
                if text[prev_start..prev_end].trim().is_empty() {
                    line_start = prev_start;
                } else {
                    break (prev_start, prev_end);
                }
            }
        } else {
            (line_start, content_start)
        };
        let line = &text[region_start..region_end];
        line.char_indices()
            .rev()
            .filter(|&(_, c)| c == '|' || c == '>')
            .find(|&(i, _)| {
                let before_ok = line[..i]
                    .chars()
                    .next_back()
                    .is_none_or(char::is_whitespace);
                let after = line[i + 1..]
                    .trim_start_matches(|c: char| c.is_ascii_digit() || c == '+' || c == '-');
                let after_trimmed = after.trim_start();
                let after_ok = after_trimmed.is_empty()
                    || (after_trimmed.starts_with('#') && after.len() != after_trimmed.len());
                before_ok && after_ok
            })
            .map(|(i, _)| region_start + i)
    }

    fn scalar(
        &self,
        value: Cow<'_, str>,
        style: ScalarStyle,
        tag: Option<&Tag>,
        raw: Span,
    ) -> Result<Built, YamlError> {
        let has_props = tag.is_some()
            || (raw.start < raw.end && self.text[raw.start..].starts_with(['&', '!']));
        let start = if has_props {
            self.skip_properties(raw.start, raw.end)
        } else {
            raw.start
        };
        let mut span = Span::new(start, raw.end);
        match style {
            ScalarStyle::Literal | ScalarStyle::Folded => span = self.block_scalar_span(span),
            ScalarStyle::Plain if value.is_empty() && !has_props => {
                // An omitted value: saphyr points at the `:` or at the next token.
                let at = if self.text[span.start..].starts_with(':') {
                    span.start + 1
                } else {
                    span.start
                };
                span = Span::empty(at);
            }
            _ => {}
        }
        let plain = style == ScalarStyle::Plain;
        let scalar = match tag {
            None if plain => resolve_plain(&value).map_err(|m| YamlError::new(m, span))?,
            None => Scalar::Str(value.into_owned()),
            Some(tag) => {
                let full = Span::new(raw.start, span.end.max(raw.start));
                match core_tag(tag) {
                    Some(name) => resolve_tagged(name, value, full)?,
                    None => return Err(unsupported_tag(tag, full)),
                }
            }
        };
        Ok(Built {
            node: Node {
                kind: NodeKind::Scalar(scalar),
                span,
                plain,
            },
            height: 0,
            size: 1,
        })
    }

    fn alias(&mut self, id: usize, span: Span) -> Result<Built, YamlError> {
        let name = self.text[span.start..span.end].trim_start_matches('*');
        let Some(anchored) = self.anchors.get(&id) else {
            return Err(YamlError::new(
                format!(
                    "alias `*{name}` refers to a node that contains it (recursive aliases are not supported)"
                ),
                span,
            ));
        };
        if self.stack.len() + anchored.height > MAX_DEPTH {
            return Err(YamlError::new(
                format!("alias `*{name}` nests collections more than {MAX_DEPTH} levels deep"),
                span,
            ));
        }
        self.alias_nodes = self.alias_nodes.saturating_add(anchored.size);
        if self.alias_nodes > MAX_ALIAS_NODES {
            return Err(YamlError::new(
                format!("aliases expand to more than {MAX_ALIAS_NODES} nodes"),
                span,
            ));
        }
        let mut built = anchored.clone();
        built.node.span = span;
        Ok(built)
    }

    fn open(
        &mut self,
        collection: Collection,
        anchor: usize,
        tag: Option<&Tag>,
        raw: Span,
    ) -> Result<(), YamlError> {
        let is_seq = matches!(collection, Collection::Seq(_));
        let end = if raw.is_empty() {
            self.text.len()
        } else {
            raw.end
        };
        let mut start = if tag.is_some() || anchor > 0 {
            self.skip_properties(raw.start, end)
        } else {
            raw.start
        };
        // The anchor and tag, for errors about the tag.
        let raw = Span::new(
            raw.start,
            raw.start + self.text[raw.start..start].trim_end().len(),
        );
        if let Some(tag) = tag {
            match core_tag(tag) {
                Some("seq") if is_seq => {}
                Some("map") if !is_seq => {}
                Some(name) => {
                    let what = if is_seq { "a list" } else { "a mapping" };
                    return Err(YamlError::new(
                        format!("the tag `!!{name}` cannot be applied to {what}"),
                        raw,
                    ));
                }
                None => return Err(unsupported_tag(tag, raw)),
            }
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(YamlError::new(
                format!("collections are nested more than {MAX_DEPTH} levels deep"),
                self.one_char(raw.start),
            ));
        }
        let rest = &self.text[start..];
        let flow = rest.starts_with(if is_seq { '[' } else { '{' });
        if is_seq && !flow && !rest.starts_with('-') {
            // An indentless sequence (`key:\n- item`): saphyr starts it after the first `- `.
            let before = self.text[..start].trim_end_matches([' ', '\t']);
            if before.ends_with('-') {
                start = before.len() - 1;
            }
        }
        self.stack.push(Frame {
            collection,
            start,
            flow,
            anchor,
            child_height: 0,
            size: 0,
        });
        Ok(())
    }

    fn close(&mut self, end_span: Span) -> Result<Built, YamlError> {
        let Some(frame) = self.stack.pop() else {
            return Err(YamlError::new("unbalanced end of collection", end_span));
        };
        let (kind, last_end) = match frame.collection {
            Collection::Seq(items) => {
                let last = items.last().map(|n| n.span.end);
                (NodeKind::Seq(items), last)
            }
            Collection::Map {
                entries,
                pending_key,
                ..
            } => {
                if let Some(key) = pending_key {
                    return Err(YamlError::new("mapping key without a value", key.span));
                }
                let last = entries.last().map(|(k, v)| k.span.end.max(v.span.end));
                (NodeKind::Map(entries), last)
            }
        };
        let end = if frame.flow {
            end_span.end
        } else {
            last_end.unwrap_or(frame.start)
        };
        let built = Built {
            node: Node {
                kind,
                span: Span::new(frame.start, end.max(frame.start)),
                plain: false,
            },
            height: frame.child_height + 1,
            size: frame.size + 1,
        };
        if frame.anchor > 0 {
            self.anchors.insert(frame.anchor, built.clone());
        }
        Ok(built)
    }

    /// Adds a finished node to the collection being built (or makes it the root).
    fn add(&mut self, built: Built, root: &mut Option<Built>) -> Result<(), YamlError> {
        let Some(frame) = self.stack.last_mut() else {
            *root = Some(built);
            return Ok(());
        };
        frame.child_height = frame.child_height.max(built.height);
        frame.size = frame.size.saturating_add(built.size);
        match &mut frame.collection {
            Collection::Seq(items) => items.push(built.node),
            Collection::Map {
                entries,
                pending_key,
                seen,
            } => {
                if let Some(key) = pending_key.take() {
                    entries.push((key, built.node));
                } else {
                    check_key(self.text, &built.node, seen)?;
                    *pending_key = Some(built.node);
                }
            }
        }
        Ok(())
    }
}

/// Checks that `key` is a scalar that is not in `seen` (keys seen so far in the same mapping), and
/// records it.
fn check_key(text: &str, key: &Node, seen: &mut HashMap<KeyId, Span>) -> Result<(), YamlError> {
    let NodeKind::Scalar(scalar) = &key.kind else {
        return Err(YamlError::new("mapping keys must be scalars", key.span));
    };
    let Some(id) = KeyId::of(scalar) else {
        return Ok(());
    };
    if let Some(first) = seen.get(&id) {
        let line = LineIndex::new(text).line_col(first.start).0;
        let shown = match scalar {
            Scalar::Str(s) => s.as_str(),
            _ => &text[key.span.start..key.span.end],
        };
        return Err(YamlError::new(
            format!("duplicate key `{shown}` in mapping (first defined at line {line})"),
            key.span,
        ));
    }
    seen.insert(id, key.span);
    Ok(())
}

/// The name of a core-schema tag (`"str"` for `!!str`), if `tag` is one.
fn core_tag(tag: &Tag) -> Option<&str> {
    const CORE: &str = "tag:yaml.org,2002:";
    let name = if tag.handle == CORE {
        tag.suffix.as_str()
    } else if tag.handle.is_empty() {
        tag.suffix.strip_prefix(CORE)?
    } else {
        return None;
    };
    matches!(
        name,
        "str" | "int" | "float" | "bool" | "null" | "map" | "seq"
    )
    .then_some(name)
}

fn unsupported_tag(tag: &Tag, span: Span) -> YamlError {
    let shown = if tag.handle == "tag:yaml.org,2002:" {
        format!("!!{}", tag.suffix)
    } else if tag.handle.is_empty() {
        if tag.suffix == "!" {
            "!".to_string()
        } else {
            format!("!<{}>", tag.suffix)
        }
    } else {
        tag.to_string()
    };
    YamlError::new(
        format!(
            "unsupported tag `{shown}` (only !!str, !!int, !!float, !!bool, !!null, !!seq and !!map are allowed)"
        ),
        span,
    )
}

/// Resolves a scalar with an explicit core tag (`name` is `"str"`, `"int"`, ...).
fn resolve_tagged(name: &str, value: Cow<'_, str>, span: Span) -> Result<Scalar, YamlError> {
    let invalid = || YamlError::new(format!("invalid value for `!!{name}`: `{value}`"), span);
    match name {
        "str" => Ok(Scalar::Str(value.into_owned())),
        "null" => Ok(Scalar::Null),
        "bool" => match value.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "on" => Ok(Scalar::Bool(true)),
            "false" | "no" | "n" | "off" => Ok(Scalar::Bool(false)),
            _ => Err(invalid()),
        },
        "int" => {
            if !is_int(&value) {
                return Err(invalid());
            }
            construct_int(&value)
                .map(Scalar::Int)
                .map_err(|m| YamlError::new(m, span))
        }
        "float" => {
            if is_float(&value) || is_decimal(&value) {
                construct_float(&value)
                    .map(Scalar::Float)
                    .ok_or_else(invalid)
            } else {
                Err(invalid())
            }
        }
        "map" | "seq" => Err(YamlError::new(
            format!("the tag `!!{name}` cannot be applied to a scalar"),
            span,
        )),
        _ => Err(invalid()),
    }
}

// ------------------------------------------------------------------------------------------------
// Plain scalar resolution

/// Resolves a plain scalar (see the module documentation). Errors are messages.
fn resolve_plain(s: &str) -> Result<Scalar, String> {
    let Some(first) = s.chars().next() else {
        return Ok(Scalar::Null);
    };
    match first {
        't' | 'T' | 'f' | 'F' => Ok(match s {
            "true" | "True" | "TRUE" => Scalar::Bool(true),
            "false" | "False" | "FALSE" => Scalar::Bool(false),
            _ => Scalar::Str(s.to_string()),
        }),
        '~' | 'n' | 'N' => Ok(match s {
            "~" | "null" | "Null" | "NULL" => Scalar::Null,
            _ => Scalar::Str(s.to_string()),
        }),
        '-' | '+' | '.' | '0'..='9' => {
            if is_float(s) {
                return construct_float(s)
                    .map(Scalar::Float)
                    .ok_or_else(|| format!("invalid float `{s}`"));
            }
            if first != '.' && is_int(s) {
                return construct_int(s).map(Scalar::Int);
            }
            if first.is_ascii_digit() && is_timestamp(s) {
                return check_timestamp(s).map(|()| Scalar::Timestamp(s.to_string()));
            }
            Ok(Scalar::Str(s.to_string()))
        }
        '=' if s == "=" => Err(
            "the plain scalar `=` is not supported (the reference YAML loader rejects it); quote it"
                .to_string(),
        ),
        _ => Ok(Scalar::Str(s.to_string())),
    }
}

/// A tiny cursor for hand-written regular expressions over ASCII.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(s: &'a str) -> Self {
        Cursor {
            bytes: s.as_bytes(),
            pos: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, pred: impl Fn(u8) -> bool) -> bool {
        match self.peek() {
            Some(b) if pred(b) => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    fn eat_str(&mut self, s: &str) -> bool {
        if self.bytes[self.pos..].starts_with(s.as_bytes()) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    fn eat_while(&mut self, pred: impl Fn(u8) -> bool) -> usize {
        let start = self.pos;
        while self.eat(&pred) {}
        self.pos - start
    }

    /// Eats between `min` and `max` bytes matching `pred`; false if fewer than `min`.
    fn eat_count(&mut self, pred: impl Fn(u8) -> bool, min: usize, max: usize) -> bool {
        let mut n = 0;
        while n < max && self.eat(&pred) {
            n += 1;
        }
        n >= min
    }

    fn done(&self) -> bool {
        self.pos == self.bytes.len()
    }
}

fn is_digit(b: u8) -> bool {
    b.is_ascii_digit()
}

fn is_digit_(b: u8) -> bool {
    b.is_ascii_digit() || b == b'_'
}

fn is_sign(b: u8) -> bool {
    b == b'-' || b == b'+'
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// ruamel's YAML 1.2 float pattern.
fn is_float(s: &str) -> bool {
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let mut c = Cursor::new(unsigned);
    // `[eE][-+]?[0-9]+`, with the sign optional or required.
    let exponent = |c: &mut Cursor<'_>, sign_required: bool| -> bool {
        if c.eat(|b| b == b'e' || b == b'E') {
            let signed = c.eat(is_sign);
            (signed || !sign_required) && c.eat_while(is_digit) > 0
        } else {
            true
        }
    };
    if c.eat(is_digit) {
        c.eat_while(is_digit_);
        if c.eat(|b| b == b'.') {
            c.eat_while(is_digit_);
            exponent(&mut c, false) && c.done()
        } else {
            matches!(c.peek(), Some(b'e' | b'E')) && exponent(&mut c, false) && c.done()
        }
    } else if c.eat(|b| b == b'.') {
        c.eat_while(is_digit_) > 0 && exponent(&mut c, true) && c.done()
    } else {
        false
    }
}

/// ruamel's YAML 1.2 int pattern: `[-+]?(0b[0-1_]+|0o?[0-7_]+|[0-9_]+|0x[0-9a-fA-F_]+)`.
fn is_int(s: &str) -> bool {
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    let mut c = Cursor::new(unsigned);
    if c.eat_str("0b") {
        return c.eat_while(|b| b == b'0' || b == b'1' || b == b'_') > 0 && c.done();
    }
    if c.eat_str("0x") {
        return c.eat_while(|b| b.is_ascii_hexdigit() || b == b'_') > 0 && c.done();
    }
    if c.eat_str("0o") {
        return c.eat_while(|b| (b'0'..=b'7').contains(&b) || b == b'_') > 0 && c.done();
    }
    is_decimal(s)
}

/// `[-+]?[0-9_]+`
fn is_decimal(s: &str) -> bool {
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    let mut c = Cursor::new(unsigned);
    c.eat_while(is_digit_) > 0 && c.done()
}

/// ruamel's `construct_yaml_int` (YAML 1.2) for a string matching [`is_int`].
fn construct_int(s: &str) -> Result<i128, String> {
    let cleaned: String = s.chars().filter(|&c| c != '_').collect();
    let (negative, unsigned) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cleaned.strip_prefix('+').unwrap_or(&cleaned)),
    };
    let (radix, digits) = if let Some(d) = unsigned.strip_prefix("0b") {
        (2, d)
    } else if let Some(d) = unsigned.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = unsigned.strip_prefix("0o") {
        (8, d)
    } else {
        (10, unsigned)
    };
    if digits.is_empty() {
        return Err(format!("invalid integer `{s}`"));
    }
    let too_large = || format!("integer `{s}` is too large");
    let mut magnitude: u128 = 0;
    for c in digits.chars() {
        let digit = c
            .to_digit(radix)
            .ok_or_else(|| format!("invalid integer `{s}`"))?;
        magnitude = magnitude
            .checked_mul(u128::from(radix))
            .and_then(|m| m.checked_add(u128::from(digit)))
            .ok_or_else(too_large)?;
    }
    if negative {
        0i128.checked_sub_unsigned(magnitude).ok_or_else(too_large)
    } else {
        i128::try_from(magnitude).map_err(|_| too_large())
    }
}

/// ruamel's `construct_yaml_float` for a string matching [`is_float`] (or a decimal integer).
fn construct_float(s: &str) -> Option<f64> {
    let cleaned: String = s
        .chars()
        .filter(|&c| c != '_')
        .collect::<String>()
        .to_ascii_lowercase();
    let (negative, unsigned) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cleaned.strip_prefix('+').unwrap_or(&cleaned)),
    };
    let magnitude = match unsigned {
        ".inf" => f64::INFINITY,
        ".nan" => return Some(f64::NAN),
        _ => unsigned.parse::<f64>().ok()?,
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// ruamel's timestamp pattern (YAML 1.1, used in 1.2 mode too).
fn is_timestamp(s: &str) -> bool {
    let mut c = Cursor::new(s);
    if !c.eat_count(is_digit, 4, 4) || !c.eat(|b| b == b'-') {
        return false;
    }
    // `YYYY-MM-DD` exactly.
    let date_start = c.pos;
    if c.eat_count(is_digit, 2, 2)
        && c.eat(|b| b == b'-')
        && c.eat_count(is_digit, 2, 2)
        && c.done()
    {
        return true;
    }
    // `YYYY-M-D` + time.
    c.pos = date_start;
    if !(c.eat_count(is_digit, 1, 2) && c.eat(|b| b == b'-') && c.eat_count(is_digit, 1, 2)) {
        return false;
    }
    if !c.eat(|b| b == b'T' || b == b't') && c.eat_while(is_blank) == 0 {
        return false;
    }
    if !(c.eat_count(is_digit, 1, 2)
        && c.eat(|b| b == b':')
        && c.eat_count(is_digit, 2, 2)
        && c.eat(|b| b == b':')
        && c.eat_count(is_digit, 2, 2))
    {
        return false;
    }
    if c.eat(|b| b == b'.') {
        c.eat_while(is_digit);
    }
    if c.done() {
        return true;
    }
    c.eat_while(is_blank);
    if c.eat(|b| b == b'Z') {
        return c.done();
    }
    if !(c.eat(is_sign) && c.eat_count(is_digit, 1, 2)) {
        return false;
    }
    if c.eat(|b| b == b':') && !c.eat_count(is_digit, 2, 2) {
        return false;
    }
    c.done()
}

/// Checks that a string matching [`is_timestamp`] is a real date and time, as Python's
/// `datetime` constructors do for the reference loader.
fn check_timestamp(s: &str) -> Result<(), String> {
    let fields: Vec<u32> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|f| !f.is_empty())
        .take(6)
        .map(|f| f.parse::<u32>().unwrap_or(0))
        .collect();
    let field = |i: usize| fields.get(i).copied().unwrap_or(0);
    let (year, month, day) = (field(0), field(1), field(2));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    let problem = if year == 0 {
        Some("year must be at least 1")
    } else if !(1..=12).contains(&month) {
        Some("month must be in 1..12")
    } else if day == 0 || day > days_in_month {
        Some("day is out of range for month")
    } else if s.len() > 10 && field(3) > 23 {
        Some("hour must be in 0..23")
    } else if s.len() > 10 && field(4) > 59 {
        Some("minute must be in 0..59")
    } else if s.len() > 10 && field(5) > 59 {
        Some("second must be in 0..59")
    } else {
        None
    };
    match problem {
        Some(p) => Err(format!("invalid date/timestamp `{s}`: {p}")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `text`, panicking with the error.
    fn ok(text: &str) -> Node {
        match parse(text) {
            Ok(node) => node,
            Err(e) => panic!("unexpected error for {text:?}: {e:?}"),
        }
    }

    /// Parses `text`, expecting an error.
    fn err(text: &str) -> YamlError {
        match parse(text) {
            Ok(node) => panic!("expected an error for {text:?}, got {node:?}"),
            Err(e) => e,
        }
    }

    /// The scalar value of `v` in the document `v: <value>`.
    fn value(src: &str) -> Scalar {
        let text = format!("v: {src}\n");
        let root = ok(&text);
        match &root.get("v").expect("key v").kind {
            NodeKind::Scalar(s) => s.clone(),
            other => panic!("not a scalar: {other:?}"),
        }
    }

    fn text_of(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    fn line_col(text: &str, offset: usize) -> (usize, usize) {
        LineIndex::new(text).line_col(offset)
    }

    /// Checks that every span in the tree lies inside `text` on char boundaries.
    fn assert_spans_valid(text: &str, node: &Node) {
        let Span { start, end } = node.span;
        assert!(
            start <= end && end <= text.len(),
            "bad span {:?} in {text:?}",
            node.span
        );
        assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
        match &node.kind {
            NodeKind::Scalar(_) => {}
            NodeKind::Seq(items) => items.iter().for_each(|n| assert_spans_valid(text, n)),
            NodeKind::Map(entries) => entries.iter().for_each(|(k, v)| {
                assert_spans_valid(text, k);
                assert_spans_valid(text, v);
            }),
        }
    }

    fn str(s: &str) -> Scalar {
        Scalar::Str(s.to_string())
    }

    #[test]
    fn nulls() {
        for src in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(value(src), Scalar::Null, "{src:?}");
        }
        for src in ["nULL", "NuLL", "none", "None", "nil"] {
            assert_eq!(value(src), str(src), "{src:?}");
        }
    }

    #[test]
    fn booleans() {
        for src in ["true", "True", "TRUE"] {
            assert_eq!(value(src), Scalar::Bool(true), "{src:?}");
        }
        for src in ["false", "False", "FALSE"] {
            assert_eq!(value(src), Scalar::Bool(false), "{src:?}");
        }
        for src in [
            "yes", "no", "on", "off", "Yes", "NO", "On", "OFF", "y", "n", "tRUE", "fAlse",
        ] {
            assert_eq!(value(src), str(src), "{src:?}");
        }
    }

    #[test]
    fn integers() {
        let cases: &[(&str, i128)] = &[
            ("0", 0),
            ("12", 12),
            ("012", 12),
            ("-7", -7),
            ("+7", 7),
            ("-0", 0),
            ("0o17", 15),
            ("0o0", 0),
            ("0x1F", 31),
            ("0x1f", 31),
            ("-0x10", -16),
            ("+0o10", 8),
            ("0b101", 5),
            ("1_000", 1000),
            ("00", 0),
            ("170141183460469231731687303715884105727", i128::MAX),
            ("-170141183460469231731687303715884105728", i128::MIN),
        ];
        for &(src, expected) in cases {
            assert_eq!(value(src), Scalar::Int(expected), "{src:?}");
        }
        for src in ["0X1F", "0o8", "0xG", "1-2", "12a", "0b2", "1 000", "0x"] {
            assert_eq!(value(src), str(src), "{src:?}");
        }
    }

    #[test]
    fn integer_too_large() {
        let text = "a: 1\nv: 170141183460469231731687303715884105728\n";
        let e = err(text);
        assert!(e.message.contains("too large"), "{}", e.message);
        assert!(e.message.contains("integer"), "{}", e.message);
        assert_eq!(
            text_of(text, e.span),
            "170141183460469231731687303715884105728"
        );
        assert_eq!(line_col(text, e.span.start), (2, 4));
        assert!(
            err("v: -170141183460469231731687303715884105729")
                .message
                .contains("too large")
        );
        assert!(
            err("v: 0x1000000000000000000000000000000000")
                .message
                .contains("too large")
        );
    }

    #[test]
    fn floats() {
        let cases: &[(&str, f64)] = &[
            ("1e3", 1000.0),
            ("1E3", 1000.0),
            ("1e-3", 0.001),
            ("1.5", 1.5),
            ("1.", 1.0),
            ("-1.5", -1.5),
            ("+1.5", 1.5),
            (".5", 0.5),
            ("-.5", -0.5),
            ("1.5e+3", 1500.0),
            ("1.e2", 100.0),
            (".5e+3", 500.0),
            ("1_0.5", 10.5),
            ("0.0", 0.0),
            ("2.0", 2.0),
            ("1e400", f64::INFINITY),
            (".inf", f64::INFINITY),
            (".Inf", f64::INFINITY),
            (".INF", f64::INFINITY),
            ("+.inf", f64::INFINITY),
            ("-.inf", f64::NEG_INFINITY),
        ];
        for &(src, expected) in cases {
            assert_eq!(value(src), Scalar::Float(expected), "{src:?}");
        }
        for src in [".nan", ".NaN", ".NAN"] {
            assert!(
                matches!(value(src), Scalar::Float(f) if f.is_nan()),
                "{src:?}"
            );
        }
        // ruamel quirks: an exponent after a leading `.` needs a sign; `.nan` takes no sign.
        for src in [
            ".5e3", "-.nan", ".", "1.2.3", "e3", "1e", "1e+", ".inf5", "inf", "nan",
        ] {
            assert_eq!(value(src), str(src), "{src:?}");
        }
        // Matches the float pattern but is no number: the reference fails too.
        assert!(err("v: ._").message.contains("invalid float"));
    }

    #[test]
    fn timestamps() {
        for src in [
            "2020-01-01",
            "2020-01-01T10:00:00Z",
            "2020-01-01t10:00:00",
            "2020-01-01 10:00:00",
            "2020-1-1 1:00:00",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10 -5",
            "2001-12-14 21:59:43.10 Z",
            "2001-12-14T21:59:43.",
            "2024-02-29",
        ] {
            assert_eq!(value(src), Scalar::Timestamp(src.to_string()), "{src:?}");
        }
        for src in [
            "2020-1-1",
            "2020-01-01T10:00",
            "2020-01-01x",
            "20-01-01",
            "2020-01-01T10:00:00+",
            "2020-01-01T10:00:00+05:0",
            "2020/01/01",
        ] {
            assert_eq!(value(src), str(src), "{src:?}");
        }
        // Quoted dates are strings.
        assert_eq!(value("\"2020-01-01\""), str("2020-01-01"));
        assert_eq!(value("'2020-01-01'"), str("2020-01-01"));
    }

    #[test]
    fn impossible_timestamps_are_errors() {
        for src in [
            "2020-13-01",
            "2020-02-30",
            "2023-02-29",
            "0000-01-01",
            "2020-01-01 24:00:00",
        ] {
            let e = err(&format!("v: {src}"));
            assert!(
                e.message.contains("invalid date/timestamp"),
                "{src}: {}",
                e.message
            );
            assert_eq!(e.span, Span::new(3, 3 + src.len()));
        }
    }

    #[test]
    fn strings() {
        for src in [
            "hello",
            "hello world",
            "<<",
            "${{ workflow.a.return }}",
            "1.2.3",
            "v1",
            "0.3.3",
            "pkg.tasks.split_digits",
            "https://repo.prefix.dev/x/",
            "=x",
            "-x",
            "a:b",
        ] {
            assert_eq!(value(src), str(src), "{src:?}");
        }
        // Quoted and block scalars are never resolved.
        assert_eq!(value("'12'"), str("12"));
        assert_eq!(value("\"true\""), str("true"));
        assert_eq!(value("\"null\""), str("null"));
        assert_eq!(value("''"), str(""));
        assert_eq!(value("\"a: b\""), str("a: b"));
        assert_eq!(value("|\n  12\n"), str("12\n"));
        assert_eq!(value(">-\n  true\n"), str("true"));
    }

    #[test]
    fn plain_flag() {
        let root = ok("a: x\nb: 'x'\nc: \"x\"\nd: |\n  x\ne: [x]\n");
        let plain = |k: &str| root.get(k).map(|n| n.plain);
        assert_eq!(plain("a"), Some(true));
        assert_eq!(plain("b"), Some(false));
        assert_eq!(plain("c"), Some(false));
        assert_eq!(plain("d"), Some(false));
        assert_eq!(plain("e"), Some(false));
    }

    #[test]
    fn equals_sign_is_rejected_like_the_reference() {
        let e = err("a: =\n");
        assert!(e.message.contains("`=`"), "{}", e.message);
        assert_eq!(e.span, Span::new(3, 4));
        assert_eq!(value("'='"), str("="));
        assert_eq!(value("=="), str("=="));
    }

    #[test]
    fn explicit_tags() {
        assert_eq!(value("!!str 12"), str("12"));
        assert_eq!(value("!!str true"), str("true"));
        assert_eq!(value("!!str"), str(""));
        assert_eq!(value("!!int \"12\""), Scalar::Int(12));
        assert_eq!(value("!!int 0x10"), Scalar::Int(16));
        assert_eq!(value("!!float 3"), Scalar::Float(3.0));
        assert_eq!(value("!!float '1.5'"), Scalar::Float(1.5));
        assert_eq!(value("!!bool yes"), Scalar::Bool(true));
        assert_eq!(value("!!bool \"false\""), Scalar::Bool(false));
        assert_eq!(value("!!null whatever"), Scalar::Null);
        assert_eq!(value("!<tag:yaml.org,2002:int> 5"), Scalar::Int(5));
        let root = ok("a: !!seq [1]\nb: !!map {x: 1}\nc: !!map\n  x: 1\n");
        assert_eq!(
            root.get("a").and_then(Node::as_seq).map(<[Node]>::len),
            Some(1)
        );
        assert!(root.get("b").and_then(|n| n.get("x")).is_some());
        assert!(root.get("c").and_then(|n| n.get("x")).is_some());
        // The tag is not part of the scalar's span.
        let text = "a: !!str 12\n";
        let root = ok(text);
        assert_eq!(root.get("a").map(|n| text_of(text, n.span)), Some("12"));
    }

    #[test]
    fn bad_tags() {
        for (src, needle) in [
            ("a: !foo bar", "unsupported tag `!foo`"),
            ("a: !!timestamp 2020-01-01", "unsupported tag `!!timestamp`"),
            ("a: !!binary aGk=", "unsupported tag"),
            ("a: ! 7", "unsupported tag `!`"),
            ("a: !foo [1]", "unsupported tag"),
            ("a: !!int abc", "invalid value for `!!int`"),
            ("a: !!float abc", "invalid value for `!!float`"),
            ("a: !!bool maybe", "invalid value for `!!bool`"),
            ("a: !!map 1", "cannot be applied to a scalar"),
            ("a: !!seq {x: 1}", "cannot be applied to a mapping"),
            ("a: !!str [1]", "cannot be applied to a list"),
        ] {
            let e = err(src);
            assert!(e.message.contains(needle), "{src}: {}", e.message);
            assert_eq!(line_col(src, e.span.start), (1, 4), "{src}");
        }
        // The error for a collection points at the tag only.
        let text = "a: !!str [1]";
        assert_eq!(text_of(text, err(text).span), "!!str");
    }

    #[test]
    fn empty_documents_are_null() {
        for text in [
            "",
            "\n",
            "# just a comment\n",
            "  # c1\n# c2",
            "---\n",
            "--- # c\n...\n",
            "~",
        ] {
            let node = ok(text);
            assert!(node.is_null(), "{text:?}: {node:?}");
            assert_spans_valid(text, &node);
        }
        assert_eq!(ok("").span, Span::empty(0));
        assert!(ok("---\na: 1\n...\n# trailing\n").get("a").is_some());
    }

    #[test]
    fn multiple_documents_are_an_error() {
        let text = "a: 1\n---\nb: 2\n";
        let e = err(text);
        assert!(e.message.contains("single YAML document"), "{}", e.message);
        assert_eq!(text_of(text, e.span), "---");
        assert_eq!(line_col(text, e.span.start), (2, 1));
        // Even an empty second document.
        let text = "---\na: 1\n---\n";
        assert_eq!(line_col(text, err(text).span.start), (3, 1));
        // A document after an explicit end.
        let text = "a: 1\n...\nb: 2\n";
        assert_eq!(line_col(text, err(text).span.start), (3, 1));
    }

    #[test]
    fn block_spans_with_non_ascii_text() {
        let text =
            "# héllo wörld 😀\nid: démo\nnaïve: [ü, 😀x, 'é']\nlist:\n  - ä: 1\n    b: ñ\n  - zz\n";
        let root = ok(text);
        assert_spans_valid(text, &root);
        let entries = root.as_map().expect("a mapping");
        let (k, v) = &entries[0];
        assert_eq!(text_of(text, k.span), "id");
        assert_eq!(line_col(text, k.span.start), (2, 1));
        assert_eq!(text_of(text, v.span), "démo");
        assert_eq!(line_col(text, v.span.start), (2, 5));
        assert_eq!(line_col(text, v.span.end), (2, 9));

        let (k, v) = &entries[1];
        assert_eq!(text_of(text, k.span), "naïve");
        assert_eq!(text_of(text, v.span), "[ü, 😀x, 'é']");
        assert_eq!(line_col(text, v.span.start), (3, 8));
        let items = v.as_seq().expect("a list");
        assert_eq!(text_of(text, items[1].span), "😀x");
        assert_eq!(line_col(text, items[1].span.start), (3, 12));
        assert_eq!(text_of(text, items[2].span), "'é'");
        assert_eq!(items[2].as_str(), Some("é"));
        assert_eq!(line_col(text, items[2].span.start), (3, 16));

        let list = root.get("list").expect("list");
        assert_eq!(text_of(text, list.span), "- ä: 1\n    b: ñ\n  - zz");
        assert_eq!(line_col(text, list.span.start), (5, 3));
        let items = list.as_seq().expect("a list");
        assert_eq!(text_of(text, items[0].span), "ä: 1\n    b: ñ");
        let (k, v) = &items[0].as_map().expect("a mapping")[1];
        assert_eq!((text_of(text, k.span), text_of(text, v.span)), ("b", "ñ"));
        assert_eq!(line_col(text, v.span.start), (6, 8));
        assert_eq!(text_of(text, items[1].span), "zz");
        assert_eq!(
            text_of(text, root.span),
            text.trim_start_matches("# héllo wörld 😀\n").trim_end()
        );
    }

    #[test]
    fn flow_spans() {
        let text = "é: {a: [1, 2], 'b': {c: d}, e: }\nf: [x: 1, y]\n";
        let root = ok(text);
        assert_spans_valid(text, &root);
        let map = root.get("é").expect("é");
        assert_eq!(text_of(text, map.span), "{a: [1, 2], 'b': {c: d}, e: }");
        assert_eq!(line_col(text, map.span.start), (1, 4));
        let a = map.get("a").expect("a");
        assert_eq!(text_of(text, a.span), "[1, 2]");
        let entries = map.as_map().expect("a mapping");
        assert_eq!(text_of(text, entries[1].0.span), "'b'");
        assert_eq!(text_of(text, entries[1].1.span), "{c: d}");
        // An omitted value is null, with a zero-width span after the colon.
        let e = map.get("e").expect("e");
        assert!(e.is_null());
        assert!(e.span.is_empty());
        assert_eq!(line_col(text, e.span.start), (1, 31));
        // A single-pair mapping inside a flow sequence.
        let f = root.get("f").and_then(Node::as_seq).expect("f");
        assert_eq!(text_of(text, f[0].span), "x: 1");
        assert_eq!(
            f[0].get("x").and_then(Node::as_scalar),
            Some(&Scalar::Int(1))
        );
        assert_eq!(text_of(text, f[1].span), "y");
    }

    #[test]
    fn empty_value_spans() {
        let text = "a:\nb: 1\nc:\n";
        let root = ok(text);
        let a = root.get("a").expect("a");
        assert!(a.is_null());
        assert_eq!(a.span, Span::empty(2));
        let c = root.get("c").expect("c");
        assert_eq!(c.span, Span::empty(text.len() - 1));
        assert_eq!(text_of(text, root.span), "a:\nb: 1\nc:");
        let text = "- \n- x\n";
        let items = ok(text);
        assert!(
            items
                .as_seq()
                .is_some_and(|s| s[0].is_null() && s[0].span.is_empty())
        );
    }

    #[test]
    fn block_scalar_spans() {
        let text = "a: |\n  line 1\n  line 2\nb: >- # note | here\n\n  folded\n  text\n\nc: !!str |+\n  kept\n\nd: |\ne: x\n";
        let root = ok(text);
        let a = root.get("a").expect("a");
        assert_eq!(a.as_str(), Some("line 1\nline 2\n"));
        assert_eq!(text_of(text, a.span), "|\n  line 1\n  line 2");
        let b = root.get("b").expect("b");
        assert_eq!(b.as_str(), Some("\nfolded text"));
        assert_eq!(
            text_of(text, b.span),
            ">- # note | here\n\n  folded\n  text"
        );
        let c = root.get("c").expect("c");
        assert_eq!(c.as_str(), Some("kept\n\n"));
        assert_eq!(text_of(text, c.span), "|+\n  kept");
        let d = root.get("d").expect("d");
        assert_eq!(d.as_str(), Some(""));
        assert_eq!(text_of(text, d.span), "|");
        assert!(!d.plain);
    }

    #[test]
    fn indentless_sequence_spans() {
        let text = "k:\n- a\n- b: 1\n  c: 2\nz: &s !!seq\n- q\n";
        let root = ok(text);
        let k = root.get("k").expect("k");
        assert_eq!(text_of(text, k.span), "- a\n- b: 1\n  c: 2");
        let z = root.get("z").expect("z");
        assert_eq!(text_of(text, z.span), "- q");
    }

    #[test]
    fn duplicate_keys() {
        let text = "a: 1\nworkflow:\n  - id: x\n    task: t\n    id: y\n";
        let e = err(text);
        assert_eq!(
            e.message,
            "duplicate key `id` in mapping (first defined at line 3)"
        );
        assert_eq!(text_of(text, e.span), "id");
        assert_eq!(line_col(text, e.span.start), (5, 5));

        let text = "{a: 1, b: 2, a: 3}";
        let e = err(text);
        assert_eq!(
            e.message,
            "duplicate key `a` in mapping (first defined at line 1)"
        );
        assert_eq!(e.span, Span::new(13, 14));

        // Keys are compared after resolution, like Python dict keys.
        for text in [
            "1: a\n01: b",
            "1: a\n1.0: b",
            "true: a\n1: b",
            "~: a\nnull: b",
            "'x': 1\nx: 2",
            "0x10: a\n16: b",
        ] {
            let e = err(text);
            assert!(
                e.message.starts_with("duplicate key"),
                "{text}: {}",
                e.message
            );
            assert_eq!(line_col(text, e.span.start), (2, 1), "{text}");
        }
        // Different values, or a string and a number, are different keys.
        for text in [
            "'1': a\n1: b",
            "a: 1\nb: 1",
            ".nan: a\n.nan: b",
            "x: {a: 1}\ny: {a: 2}",
            "true: a\n'true': b",
        ] {
            ok(text);
        }
    }

    #[test]
    fn complex_keys_are_rejected() {
        for (text, key) in [
            ("[a, b]: c", "[a, b]"),
            ("{a: 1}: c", "{a: 1}"),
            ("? - a\n: b", "- a"),
        ] {
            let e = err(text);
            assert_eq!(e.message, "mapping keys must be scalars", "{text}");
            assert_eq!(text_of(text, e.span), key, "{text}");
        }
    }

    #[test]
    fn aliases_are_deep_copies() {
        let text = "base: &b\n  x: 1\n  y: [2, 3]\nother: *b\nname: &n joe\nalso: *n\n";
        let root = ok(text);
        let base = root.get("base").expect("base");
        let other = root.get("other").expect("other");
        assert_eq!(other.kind, base.kind);
        assert_eq!(text_of(text, other.span), "*b");
        assert_eq!(text_of(text, base.span), "x: 1\n  y: [2, 3]");
        let also = root.get("also").expect("also");
        assert_eq!(also.as_str(), Some("joe"));
        assert_eq!(text_of(text, also.span), "*n");
        assert_eq!(text_of(text, root.get("name").expect("name").span), "joe");
        // Merge keys are ordinary keys.
        let root = ok("a: &a {x: 1}\nb:\n  <<: *a\n  y: 2\n");
        let b = root.get("b").expect("b");
        assert!(b.get("<<").is_some_and(|m| m.get("x").is_some()));
        assert!(b.get("x").is_none());
        // An alias may be a key.
        let root = ok("k: &k key\n*k : v\n");
        assert_eq!(root.get("key").and_then(Node::as_str), Some("v"));
        // Re-defined anchors refer to the latest definition.
        let root = ok("a: &x 1\nb: &x 2\nc: *x\n");
        assert_eq!(
            root.get("c").and_then(Node::as_scalar),
            Some(&Scalar::Int(2))
        );
    }

    #[test]
    fn alias_errors() {
        let text = "a: 1\nb: *nope\n";
        let e = err(text);
        assert!(e.message.contains("unknown anchor"), "{}", e.message);
        assert_eq!(line_col(text, e.span.start), (2, 4));
        let e = err("&a [1, *a]");
        assert!(e.message.contains("recursive"), "{}", e.message);
        // Billion laughs.
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            text.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        let e = err(&text);
        assert!(e.message.contains("aliases expand"), "{}", e.message);
    }

    #[test]
    fn syntax_error_positions() {
        // (text, message fragment, line, column)
        let cases: &[(&str, &str, usize, usize)] = &[
            ("a: [${{ x }}]", "expected ',' or ']'", 1, 6),
            (
                "partial:\n  xs: [${{ workflow.a.return }}, 2]\n",
                "expected ',' or ']'",
                2,
                9,
            ),
            ("a: {b: ${{ x }}}", "expected ',' or '}'", 1, 9),
            ("a: [1, 2", "expected ',' or ']'", 1, 9),
            ("a: [1, 2\n", "expected ',' or ']'", 2, 1),
            ("a: b: c", "mapping values are not allowed", 1, 5),
            ("key: \"unterminated", "unexpected end of stream", 1, 6),
            ("a:\n\tb: 1", "tabs", 2, 2),
            ("é: @x", "unexpected character", 1, 4),
            ("{a: 1}}", "misplaced bracket", 1, 7),
            ("a:\n  - x\n y: 1", "did not find expected key", 3, 2),
            ("ü: 1\n- x\n", "did not find expected key", 2, 3),
        ];
        for &(text, fragment, line, col) in cases {
            let e = err(text);
            assert!(e.message.contains(fragment), "{text:?}: {}", e.message);
            assert_eq!(
                line_col(text, e.span.start),
                (line, col),
                "{text:?}: {}",
                e.message
            );
            assert!(e.span.len() <= 4, "{text:?}: {:?}", e.span);
            assert!(text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end));
        }
        // Unquoted expressions inside flow collections get a hint.
        assert!(err("a: [${{ x }}]").message.contains("must be quoted"));
        assert!(!err("a: [1, 2").message.contains("must be quoted"));
        // Quoted, they are fine.
        let root = ok("a: [\"${{ x }}\", '${{ y }}']\nb: ${{ z }}\n");
        assert_eq!(root.get("b").and_then(Node::as_str), Some("${{ z }}"));
    }

    #[test]
    fn under_indented_flow_lines_are_accepted() {
        // ruamel accepts closing brackets (and content) of flow collections at any indentation;
        // saphyr needs them indented past the enclosing block.
        let text = "a:\n  b: [\n1,\n  2\n  ]\n  c: {x: 1,\ny: \"q\n r\"\n}\nd: é\n";
        let root = ok(text);
        assert_spans_valid(text, &root);
        let a = root.get("a").expect("a");
        let b = a.get("b").expect("b");
        assert_eq!(text_of(text, b.span), "[\n1,\n  2\n  ]");
        let items = b.as_seq().expect("a list");
        assert_eq!(line_col(text, items[0].span.start), (3, 1));
        let c = a.get("c").expect("c");
        assert_eq!(c.get("y").and_then(Node::as_str), Some("q r"));
        assert_eq!(text_of(text, c.span), "{x: 1,\ny: \"q\n r\"\n}");
        assert_eq!(root.get("d").map(|d| text_of(text, d.span)), Some("é"));
        // ruamel also accepts under-indented continuation lines of quoted scalars.
        let text = "a:\n  b: \"x\ny\"\n  c: 'p\n\n  q'\n";
        let root = ok(text);
        let a = root.get("a").expect("a");
        assert_eq!(a.get("b").and_then(Node::as_str), Some("x y"));
        assert_eq!(a.get("c").and_then(Node::as_str), Some("p\nq"));
        assert_eq!(a.get("b").map(|b| text_of(text, b.span)), Some("\"x\ny\""));
        // Errors after a repaired line still point into the original text.
        let text = "a:\n  b: [\n  1\n  ]\nc: [x\n";
        let e = err(text);
        assert_eq!(line_col(text, e.span.start), (6, 1));
    }

    #[test]
    fn depth_limit() {
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(parse(&deep).is_err());
        let deep = format!("{}a", "- ".repeat(10_000));
        let e = err(&deep);
        assert!(e.message.contains("nested more than"), "{}", e.message);
        let mut deep = String::new();
        for i in 0..2000 {
            deep.push_str(&" ".repeat(i));
            deep.push_str("k:\n");
        }
        assert!(err(&deep).message.contains("nested more than"));
        // Just below the limit is fine.
        let ok_deep = format!("{}a", "- ".repeat(MAX_DEPTH));
        let mut node = &ok(&ok_deep);
        let mut depth = 0;
        while let Some(items) = node.as_seq() {
            node = &items[0];
            depth += 1;
        }
        assert_eq!((depth, node.as_str()), (MAX_DEPTH, Some("a")));
        // Aliases count with their depth.
        let text = format!(
            "a: &a {}x{}\nb: {}*a{}\n",
            "[".repeat(200),
            "]".repeat(200),
            "[".repeat(200),
            "]".repeat(200)
        );
        assert!(parse(&text).is_ok());
        let text = format!("a: &a\n  {}x\nb: *a\n", "- ".repeat(300));
        assert!(parse(&text).is_ok());
        let inner = "- ".repeat(300);
        let text = format!("a: &a\n  {inner}x\nb:\n  {inner}*a\n");
        assert!(err(&text).message.contains("levels deep"));
    }

    #[test]
    fn bom_and_crlf() {
        let text = "\u{feff}id: é\r\nx: 1\r\n";
        let root = ok(text);
        assert_spans_valid(text, &root);
        let (k, v) = &root.as_map().expect("a mapping")[0];
        assert_eq!(text_of(text, k.span), "id");
        assert_eq!(text_of(text, v.span), "é");
        assert_eq!(line_col(text, v.span.start), (1, 5));
        let x = root.get("x").expect("x");
        assert_eq!(line_col(text, x.span.start), (2, 4));
    }

    #[test]
    fn node_helpers() {
        let text =
            "s: x\ni: 1\nf: 1.5\nb: true\nn: null\nd: 2020-01-01\nl: [1]\nm: {a: 1}\n1: int key\n";
        let root = ok(text);
        let kind = |k: &str| root.get(k).map(Node::kind_name);
        assert_eq!(kind("s"), Some("a string"));
        assert_eq!(kind("i"), Some("an integer"));
        assert_eq!(kind("f"), Some("a float"));
        assert_eq!(kind("b"), Some("a boolean"));
        assert_eq!(kind("n"), Some("null"));
        assert_eq!(kind("d"), Some("a date/timestamp"));
        assert_eq!(kind("l"), Some("a list"));
        assert_eq!(kind("m"), Some("a mapping"));
        assert_eq!(root.kind_name(), "a mapping");
        assert!(root.get("1").is_none(), "only string keys are looked up");
        assert!(root.get("missing").is_none());
        assert!(root.get("n").is_some_and(Node::is_null));
        assert_eq!(root.get("s").and_then(Node::as_str), Some("x"));
        assert_eq!(root.get("i").and_then(Node::as_str), None);
        assert!(root.get("l").and_then(Node::as_map).is_none());
        assert_eq!(
            root.get("l").and_then(Node::as_seq).map(<[Node]>::len),
            Some(1)
        );
        assert_eq!(
            root.get("m")
                .and_then(Node::as_map)
                .map(<[(Node, Node)]>::len),
            Some(1)
        );
        assert!(root.get("s").expect("s").get("x").is_none());
        assert_eq!(root.as_map().map(<[(Node, Node)]>::len), Some(9));
    }

    #[test]
    fn line_index() {
        let text = "ab\né😀x\r\n\nlast";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.line_col(0), (1, 1));
        assert_eq!(index.line_col(2), (1, 3));
        assert_eq!(index.line_col(3), (2, 1));
        assert_eq!(index.line_col(5), (2, 2)); // after é
        assert_eq!(index.line_col(6), (2, 2)); // inside 😀: counts as the emoji
        assert_eq!(index.line_col(9), (2, 3)); // x
        assert_eq!(index.line_col(10), (2, 4)); // \r
        assert_eq!(index.line_col(12), (3, 1));
        assert_eq!(index.line_col(13), (4, 1));
        assert_eq!(index.line_col(text.len()), (4, 5));
        assert_eq!(index.line_col(1000), (4, 5));
        assert_eq!(text_of(text, index.line_span(1)), "ab");
        assert_eq!(text_of(text, index.line_span(2)), "é😀x");
        assert_eq!(text_of(text, index.line_span(3)), "");
        assert_eq!(text_of(text, index.line_span(4)), "last");
        assert_eq!(index.line_span(5), Span::empty(text.len()));
        assert_eq!(index.line_span(0), Span::empty(text.len()));
        let empty = LineIndex::new("");
        assert_eq!(empty.line_col(0), (1, 1));
        assert_eq!(empty.line_span(1), Span::empty(0));
        let trailing = LineIndex::new("a\n");
        assert_eq!(trailing.line_count(), 2);
        assert_eq!(trailing.line_col(2), (2, 1));
    }

    #[test]
    fn realistic_spec() {
        let text = r#"id: demo
requirements:
  - name: my-tasks
    version: ">=0.3"
workflow:
  - id: total
    task: add
    partial: {a: 4, b: 8}
  - id: digits
    task: pkg.tasks.split_digits
    partial:
      n: ${{ workflow.total.return }}
"#;
        let root = ok(text);
        assert_spans_valid(text, &root);
        assert_eq!(root.get("id").and_then(Node::as_str), Some("demo"));
        let reqs = root
            .get("requirements")
            .and_then(Node::as_seq)
            .expect("requirements");
        assert_eq!(reqs.len(), 1);
        assert_eq!(reqs[0].get("name").and_then(Node::as_str), Some("my-tasks"));
        let version = reqs[0].get("version").expect("version");
        assert_eq!(version.as_str(), Some(">=0.3"));
        assert!(!version.plain);
        assert_eq!(line_col(text, version.span.start), (4, 14));
        let workflow = root
            .get("workflow")
            .and_then(Node::as_seq)
            .expect("workflow");
        assert_eq!(workflow.len(), 2);
        let partial = workflow[0].get("partial").expect("partial");
        assert_eq!(text_of(text, partial.span), "{a: 4, b: 8}");
        assert_eq!(
            partial.get("a").and_then(Node::as_scalar),
            Some(&Scalar::Int(4))
        );
        assert_eq!(
            partial.get("b").and_then(Node::as_scalar),
            Some(&Scalar::Int(8))
        );
        let n = workflow[1]
            .get("partial")
            .and_then(|p| p.get("n"))
            .expect("n");
        assert_eq!(n.as_str(), Some("${{ workflow.total.return }}"));
        assert!(n.plain);
        assert_eq!(line_col(text, n.span.start), (12, 10));
        let (task_key, task) = &workflow[1].as_map().expect("a mapping")[1];
        assert_eq!(text_of(text, task_key.span), "task");
        assert_eq!(line_col(text, task_key.span.start), (10, 5));
        assert_eq!(task.as_str(), Some("pkg.tasks.split_digits"));
        assert_eq!(
            text_of(text, workflow[1].span),
            "id: digits\n    task: pkg.tasks.split_digits\n    partial:\n      n: ${{ workflow.total.return }}"
        );
    }

    /// A small deterministic pseudo-random generator (xorshift64*).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next() % (n as u64)).unwrap_or(0)
        }
    }

    /// Parses `text` and checks that the result's spans are valid; must never panic.
    fn no_panic(text: &str) {
        match parse(text) {
            Ok(node) => assert_spans_valid(text, &node),
            Err(e) => {
                assert!(
                    e.span.start <= e.span.end && e.span.end <= text.len(),
                    "{text:?}: {e:?}"
                );
                assert!(text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end));
                assert!(!e.message.is_empty());
            }
        }
    }

    #[test]
    fn malformed_inputs_never_panic() {
        let fixed = [
            "[${{ x }}]",
            "a: [${{ workflow.a.return }}]",
            "{a: ${{ x }}}",
            "[[[[",
            "]]]]",
            "{{{{",
            "}}",
            "[}",
            "{]",
            "a: [1, {b: [2, {c: ",
            "\t",
            "\ta: 1",
            "a:\n\t- x",
            "- a\n\t- b",
            "a: 'x",
            "a: \"x\\",
            "a: \"\\u12\"",
            "a: \"\\xZZ\"",
            "a: |\n\tx",
            "a: |9\n x",
            "a: |0\n x",
            "a: >-+\n x",
            "? ",
            "? a\n? b\n:",
            ": a",
            ":",
            "-",
            "- -",
            "---",
            "--- ---",
            "...",
            "... a",
            "%YAML 1.2\n---\na: 1",
            "%YAML 1.2\n%YAML 1.2\n---\n",
            "%TAG !e! tag:e.com:\n--- !e!x a",
            "!e!x a",
            "&",
            "*",
            "&a",
            "*a",
            "&a &b x",
            "!!str !!int 1",
            "!<",
            "!<tag:yaml.org,2002:str",
            "a: &x\nb: *x",
            "a: b\n c",
            "a:\n  b\n c: d",
            "a: 1\n  b: 2",
            "'a' b",
            "\"a\" b",
            "[a, b]: c",
            "{[a]: b}",
            "[a: b: c]",
            "- [a\n- b]",
            "a: @",
            "a: `",
            "a: %",
            "\u{feff}\u{feff}a",
            "a: \u{feff}",
            "a\0b",
            "\u{0}",
            "é: [ü, 😀",
            "😀😀😀: 😀\n  😀",
            "\r\r\n\r",
            "a:\r  b: 1\r",
            "#",
            "a: b # c\n# d\n  e",
            "a: |\n  x\n y",
            "- a\nb: c",
            "a: 1\n---\n]",
            "a: [\n]",
            "a:\n  b: [\n]\n  c: {\n}",
            "a:\n  b: [\n'x\ny']",
            "a:\n  b: [\n\"x\n\ny\"]",
            "a:\n  b: [\"x\ny\"]",
            "a: [\n\"unterminated\n",
            "a: 99999999999999999999999999999999999999999999",
            "a: 2020-99-99",
            "a: 2020-01-01 99:99:99",
            "=",
            "!!int",
            "!!float",
            "!!bool",
            "!!map",
            "!!seq",
            "? [a]",
        ];
        for text in fixed {
            no_panic(text);
        }

        // Every prefix of a realistic document.
        let spec = "id: démo\nrequirements:\n  - name: \"my-tasks\"\n    version: '>=0.3'\n\
                    workflow:\n  - id: total  # comment\n    task: add\n    partial: {a: 4, b: [8, 9]}\n\
                    \x20 - id: digits\n    text: |\n      multi\n      line\n    partial:\n      n: ${{ workflow.total.return }}\n\
                    anchors: &a {x: *a}\nnested: [[1, [2, {k: v}]], \"q\\\"\"]\n";
        for (i, _) in spec.char_indices() {
            no_panic(&spec[..i]);
            no_panic(&spec[i..]);
        }

        // Random mutations of the document and random strings of YAML-significant characters.
        let alphabet: Vec<char> = "abc:-?[]{},&*!|>'\"%@`#~\n\n\n  \t\r\\0123456789.eé😀$"
            .chars()
            .collect();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let spec_chars: Vec<char> = spec.chars().collect();
        for _ in 0..3000 {
            let mut chars = spec_chars.clone();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(chars.len() + 1);
                match rng.below(3) {
                    0 if at < chars.len() => {
                        chars.remove(at);
                    }
                    1 if at < chars.len() => chars[at] = alphabet[rng.below(alphabet.len())],
                    _ => chars.insert(at, alphabet[rng.below(alphabet.len())]),
                }
            }
            no_panic(&chars.into_iter().collect::<String>());
        }
        for _ in 0..3000 {
            let len = rng.below(40);
            let text: String = (0..len)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            no_panic(&text);
        }
        // Random bytes, decoded lossily.
        for _ in 0..500 {
            let len = rng.below(64);
            let bytes: Vec<u8> = (0..len)
                .map(|_| u8::try_from(rng.next() & 0xff).unwrap_or(0))
                .collect();
            no_panic(&String::from_utf8_lossy(&bytes));
        }
    }

    #[test]
    fn corpus_specs_parse() {
        let Some(dir) = crate::test_corpus_dir() else {
            println!("note: WTC_CORPUS not set; skipping the corpus test");
            return;
        };
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return;
        };
        let mut count = 0;
        for entry in entries.flatten() {
            let path = entry.path().join("spec.yaml");
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let root = parse(&text).unwrap_or_else(|e| {
                let (line, col) = LineIndex::new(&text).line_col(e.span.start);
                panic!("{}:{line}:{col}: {}", path.display(), e.message)
            });
            assert_spans_valid(&text, &root);
            assert!(
                root.as_map().is_some(),
                "{}: root is not a mapping",
                path.display()
            );
            assert!(root.get("id").is_some(), "{}: no id", path.display());
            count += 1;
        }
        println!("parsed {count} corpus specs");
        assert!(count > 0, "no spec.yaml found under {}", dir.display());
    }

    #[test]
    fn closers_are_fixed_up_front_but_block_scalars_are_left_alone() {
        let text = "a:\n  b: [\n    1,\n  ]\n  c: |\n    x: [\n  ]\n";
        // Only the `]` of `b` is moved; the block scalar under `c` is not scanned.
        assert_eq!(
            under_indented_closers(text),
            vec![(text.find("  ]").unwrap(), 1)]
        );
        let text = "- k: {\n    a: 1\n  },\n";
        assert_eq!(
            under_indented_closers(text),
            vec![(text.find("  },").unwrap(), 1)]
        );
        let node = parse("x:\n  l: [\n    \"a\",\n  ]\n").unwrap();
        let l = node.get("x").and_then(|x| x.get("l")).unwrap();
        assert_eq!(l.as_seq().map(<[Node]>::len), Some(1));
    }
}
