//! Tree building: saphyr-parser events → spanned [`Node`] tree, with the depth, alias-expansion
//! and duplicate-key checks.

use super::keys::{KeyId, check_key};
use super::scalar::resolve_plain;
use super::tags::{core_tag, resolve_tagged, unsupported_tag};
use super::{MAX_ALIAS_NODES, MAX_DEPTH, Node, NodeKind, Scalar, Span, YamlError};
use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

/// Why [`Loader::load`] failed.
pub(super) enum Failure {
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
pub(super) enum CharOffsets {
    /// The text is ASCII: character index == byte offset.
    Ascii(usize),
    /// Byte offset of each character, followed by the text length.
    Table(Vec<usize>),
}

impl CharOffsets {
    pub(super) fn new(text: &str) -> Self {
        if text.is_ascii() {
            CharOffsets::Ascii(text.len())
        } else {
            let mut table: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            table.push(text.len());
            CharOffsets::Table(table)
        }
    }

    pub(super) fn byte(&self, char_index: usize) -> usize {
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

/// A node together with the measures needed for the depth and alias-expansion limits.
#[derive(Clone)]
pub(super) struct Built {
    node: Node,
    /// Collection nesting: 0 for a scalar, 1 + max child height for a collection.
    height: usize,
    /// Number of nodes in the tree.
    size: usize,
}

pub(super) enum Collection {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Node, Node)>,
        pending_key: Option<Node>,
        seen: HashMap<KeyId, Span>,
    },
}

/// A collection being built.
pub(super) struct Frame {
    collection: Collection,
    /// Start of the collection's content (after anchor and tag).
    pub(super) start: usize,
    /// Whether the collection is written in flow style (`[...]`, `{...}`).
    pub(super) flow: bool,
    /// saphyr's anchor id (0: none).
    anchor: usize,
    /// Max height of the children.
    child_height: usize,
    /// Number of nodes in the children.
    size: usize,
}

/// A loaded document with what [`super::outline`] needs to know about it.
pub(super) struct Loaded {
    pub(super) node: Node,
    /// Collection nesting of the root (0 for a scalar).
    pub(super) height: usize,
    /// An anchor or an alias occurs.
    pub(super) used_anchors: bool,
}

pub(super) struct Loader<'t> {
    pub(super) text: &'t str,
    pub(super) offsets: CharOffsets,
    pub(super) stack: Vec<Frame>,
    pub(super) anchors: HashMap<usize, Built>,
    pub(super) alias_nodes: usize,
}

impl<'t> Loader<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        Loader {
            text,
            offsets: CharOffsets::new(text),
            stack: Vec::new(),
            anchors: HashMap::new(),
            alias_nodes: 0,
        }
    }

    pub(super) fn span(&self, span: saphyr_parser::Span) -> Span {
        let start = self.offsets.byte(span.start.index());
        let end = self.offsets.byte(span.end.index());
        Span::new(start, end.max(start))
    }

    /// Build the tree, and say how deep it is and whether anchors or aliases were used (for
    /// [`super::outline`]).
    pub(super) fn load_with_stats(mut self) -> Result<Loaded, Failure> {
        let mut aliases = 0usize;
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
                    aliases += 1;
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
        let (node, height) = root.map_or_else(
            || {
                let null = Node {
                    kind: NodeKind::Scalar(Scalar::Null),
                    span: Span::empty(0),
                    plain: true,
                };
                (null, 0)
            },
            |built| (built.node, built.height),
        );
        Ok(Loaded {
            node,
            height,
            used_anchors: aliases > 0 || !self.anchors.is_empty(),
        })
    }

    pub(super) fn scalar(
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

    pub(super) fn alias(&mut self, id: usize, span: Span) -> Result<Built, YamlError> {
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

    pub(super) fn open(
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

    pub(super) fn close(&mut self, end_span: Span) -> Result<Built, YamlError> {
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
    pub(super) fn add(&mut self, built: Built, root: &mut Option<Built>) -> Result<(), YamlError> {
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
