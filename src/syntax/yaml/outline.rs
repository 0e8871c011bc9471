//! Piecewise parsing of a spec: the top-level `workflow:` items found by a line scan
//! ([`outline`]), each parsed on its own ([`parse_item`]), and the rest of the document (the
//! *skeleton*, the text without the items) parsed once ([`parse_skeleton`]); [`splice`] puts
//! them together into the tree [`super::parse`] gives for the whole text.
//!
//! This is what makes a one-task edit cheap: the front end memoizes the parse of each item by
//! its text, so an edit re-parses one item and the (small) skeleton. Every function here
//! answers `None` when the text is not of the plain shape it understands (anchors or aliases,
//! flow collections that needed the re-indent fix-up, tabs or carriage returns in the items'
//! region, a `workflow:` that is not a block sequence at the top level, an error anywhere,
//! collections nested near [`MAX_DEPTH`], ...); the caller then parses the whole text, so the
//! result is always the whole-text parse, errors included.

use super::{MAX_DEPTH, Node, NodeKind, Span};

/// Where the top-level `workflow:` items are in a text: `region` runs from the start of the
/// first item's line to the start of the first line after the items (the *tail*: the next
/// top-level key, or the end of the text); item `i` runs from `starts[i]` to the next start
/// (the last to the end of the region), comments and blank lines after it included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outline {
    /// The offset of the `workflow:` line.
    pub key: usize,
    pub region: Span,
    pub starts: Vec<usize>,
    /// The indentation of the items' `-`.
    pub indent: usize,
}

impl Outline {
    /// The byte range of item `i`.
    #[must_use]
    pub fn item(&self, i: usize) -> Span {
        let end = self.starts.get(i + 1).copied().unwrap_or(self.region.end);
        Span::new(self.starts[i], end)
    }

    /// Where the `workflow` sequence starts: the first item's `-`.
    #[must_use]
    pub fn seq_start(&self) -> usize {
        self.region.start + self.indent
    }

    /// The text without the items: everything before the region, then everything after it.
    #[must_use]
    pub fn skeleton(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() - self.region.len());
        out.push_str(&text[..self.region.start]);
        out.push_str(&text[self.region.end..]);
        out
    }
}

/// The indentation (in spaces) and the content of a line without its line break; `None` for
/// a line that is blank or holds only a comment.
fn content(line: &str) -> Option<(usize, &str)> {
    let body = line.strip_suffix('\n').unwrap_or(line);
    let trimmed = body.trim_start_matches(' ');
    let indent = body.len() - trimmed.len();
    let trimmed = trimmed.trim_end_matches([' ', '\t']);
    (!trimmed.is_empty() && !trimmed.starts_with('#')).then_some((indent, trimmed))
}

/// A line whose indentation holds a tab (which YAML does not allow there, or which makes
/// it blank): left to the whole-text parse.
fn tab_indented(line: &str) -> bool {
    line.trim_start_matches(' ').starts_with('\t')
}

/// A block sequence entry indicator starts the content: `-` alone or followed by a blank.
fn is_entry(content: &str) -> bool {
    content == "-" || content.starts_with("- ")
}

/// Find the top-level `workflow:` items by scanning lines (see [`Outline`]). `None` unless the
/// text has exactly one `workflow:` line at column 0 (nothing after the colon but a comment),
/// followed by a block sequence of at least one item at a fixed indentation, ending at a line
/// at column 0 (or at the end of the text); no carriage returns, no tab in an indentation.
#[must_use]
pub fn outline(text: &str) -> Option<Outline> {
    if text.contains('\r') {
        return None;
    }
    // One pass over the lines: every line is taken from `lines` on the way to `Some`, and
    // each is checked for a tab in its indentation as it is.
    let mut offset = 0;
    let mut tabbed = false;
    let mut lines = text.split_inclusive('\n').map(|line| {
        let start = offset;
        offset += line.len();
        tabbed |= tab_indented(line);
        (start, line)
    });
    // The `workflow:` line.
    let (key, _) = lines.find(|(_, line)| {
        line.strip_prefix("workflow:")
            .is_some_and(|rest| content(rest).is_none())
    })?;
    // The first item fixes the indentation of the sequence.
    let (first, indent) = loop {
        let (start, line) = lines.next()?;
        if let Some((indent, c)) = content(line) {
            if !is_entry(c) {
                return None;
            }
            break (start, indent);
        }
    };
    let mut starts = vec![first];
    let mut end = text.len();
    for (start, line) in lines.by_ref() {
        let Some((i, c)) = content(line) else {
            continue;
        };
        if i > indent {
            continue;
        }
        if i == indent && is_entry(c) {
            starts.push(start);
            continue;
        }
        if i != 0 {
            return None;
        }
        end = start;
        break;
    }
    // A second `workflow:` key (a duplicate) is left to the whole-text parse.
    if lines.any(|(_, line)| line.starts_with("workflow:")) || tabbed {
        return None;
    }
    Some(Outline {
        key,
        region: Span::new(first, end),
        starts,
        indent,
    })
}

/// A piece parsed on its own, unless it shows what could make its parse differ inside the
/// whole text: anchors or aliases, nesting near [`MAX_DEPTH`], or a flow-collection line
/// re-indented only after saphyr reported it (the whole text counts those against one limit;
/// the closers re-indented up front are line by line, the same in a piece).
fn plain_shape(text: &str) -> Option<Node> {
    let loaded = super::parse_loaded(text, 0).ok()?;
    (!loaded.used_anchors && loaded.height + 3 < MAX_DEPTH).then_some(loaded.node)
}

/// One item of an [`Outline`] parsed on its own (the text of [`Outline::item`]): its node,
/// spans relative to the start of `text`. `None` if it does not parse to exactly one sequence
/// entry of plain shape (see the module documentation).
#[must_use]
pub fn parse_item(text: &str) -> Option<Node> {
    let root = plain_shape(text)?;
    match root.kind {
        NodeKind::Seq(mut items) if items.len() == 1 => items.pop(),
        _ => None,
    }
}

/// The skeleton of an [`Outline`] ([`Outline::skeleton`]) parsed: a block mapping whose
/// `workflow` value is empty (check with [`fits`] that its key is the outline's). Spans are
/// those of the skeleton text.
#[must_use]
pub fn parse_skeleton(skeleton: &str) -> Option<Node> {
    let root = plain_shape(skeleton)?;
    let block = !skeleton[root.span.start..].starts_with('{');
    let empty = workflow_value(&root).is_some_and(|(_, value)| value.is_null() && value.plain);
    (block && empty).then_some(root)
}

/// The `workflow` key and value of a parsed skeleton.
fn workflow_value(root: &Node) -> Option<&(Node, Node)> {
    root.as_map()?
        .iter()
        .find(|(k, _)| k.as_str() == Some("workflow"))
}

/// Whether the `workflow` key of a parsed skeleton is the `workflow:` line of `outline`.
#[must_use]
pub fn fits(skeleton: &Node, outline: &Outline) -> bool {
    workflow_value(skeleton).is_some_and(|(key, _)| key.span.start == outline.key)
}

/// Shift every span of `node` by `delta` bytes.
pub fn shift(node: &mut Node, delta: usize) {
    node.span = Span::new(node.span.start + delta, node.span.end + delta);
    match &mut node.kind {
        NodeKind::Scalar(_) => {}
        NodeKind::Seq(items) => items.iter_mut().for_each(|n| shift(n, delta)),
        NodeKind::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            shift(k, delta);
            shift(v, delta);
        }),
    }
}

/// The whole-text tree from the parsed skeleton (spans of the skeleton text) and the items
/// (spans of the whole text, in order; `seq_end` is where the last one ends): the items become the `workflow` sequence, and spans after the
/// region move by its length.
#[must_use]
pub fn splice(mut skeleton: Node, outline: &Outline, seq_end: usize, items: Vec<Node>) -> Node {
    shift_after(&mut skeleton, outline.region.start, outline.region.len());
    if let NodeKind::Map(entries) = &mut skeleton.kind {
        if let Some((_, value)) = entries
            .iter_mut()
            .find(|(k, _)| k.as_str() == Some("workflow"))
        {
            *value = Node {
                kind: NodeKind::Seq(items),
                span: Span::new(outline.seq_start(), seq_end),
                plain: false,
            };
        }
        // A block mapping ends where its last entry ends.
        if let Some((k, v)) = entries.last() {
            skeleton.span.end = k.span.end.max(v.span.end).max(skeleton.span.start);
        }
    }
    skeleton
}

/// Move the spans that start at or after `at` by `len` bytes (the root's end too).
fn shift_after(node: &mut Node, at: usize, len: usize) {
    if node.span.start >= at {
        shift(node, len);
        return;
    }
    if node.span.end > at {
        node.span.end += len;
    }
    match &mut node.kind {
        NodeKind::Scalar(_) => {}
        NodeKind::Seq(items) => items.iter_mut().for_each(|n| shift_after(n, at, len)),
        NodeKind::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            shift_after(k, at, len);
            shift_after(v, at, len);
        }),
    }
}

/// The whole text parsed piece by piece (what the front end does with memoized pieces):
/// `None` when [`outline`], an item or the skeleton is not of plain shape.
#[must_use]
pub fn parse_pieces(text: &str) -> Option<Node> {
    let outline = outline(text)?;
    let mut items = Vec::with_capacity(outline.starts.len());
    for i in 0..outline.starts.len() {
        let span = outline.item(i);
        let mut node = parse_item(&text[span.start..span.end])?;
        shift(&mut node, span.start);
        items.push(node);
    }
    let skeleton = parse_skeleton(&outline.skeleton(text))?;
    if !fits(&skeleton, &outline) {
        return None;
    }
    let seq_end = items.last()?.span.end;
    Some(splice(skeleton, &outline, seq_end, items))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Piecewise and whole-text parses agree, and the pieces were used.
    fn same(text: &str) {
        let whole = super::super::parse(text).expect("parses");
        let pieces = parse_pieces(text).unwrap_or_else(|| panic!("pieces of {text:?}"));
        assert_eq!(pieces, whole, "{text}");
    }

    /// Not of plain shape: the caller parses the whole text.
    fn refused(text: &str) {
        assert_eq!(parse_pieces(text), None, "{text}");
    }

    #[test]
    fn indented_and_indentless_items() {
        same("id: x\nworkflow:\n  - id: a\n    task: t\n\n  # c\n  - id: b\n    task: u\n");
        same("id: x\nworkflow:\n- id: a\n  task: t\n- id: b\n  partial:\n    k: [1, 2]\nrest: 1\n");
        same("workflow: # the tasks\n\n  -  id: a\n  -\n    id: b\n# end\n\nz: |\n  text\n");
        same("id: x\nworkflow:\n  - id: a\n    v: |+\n      keep\n\n\n");
        same("\u{feff}id: é\nworkflow:\n  - id: ü\n    task: ß\nafter: {a: 1}\n");
    }

    #[test]
    fn odd_shapes_are_refused() {
        refused("workflow: []\n");
        refused("workflow:\n  a: 1\n");
        refused("a: &x 1\nworkflow:\n  - *x\n");
        refused("workflow:\n  - &x 1\n  - *x\n");
        refused("workflow:\n  - a\n - b\n");
        refused("workflow:\n  - a\nworkflow:\n  - b\n");
        refused("workflow:\n  - a: [1,\n  ]\n");
        refused("workflow:\n  - a\r\n");
        refused("workflow:\n\t- a\n");
        refused("workflow:\n  - a\n---\nb: 1\n");
        refused("workflow:\n  - a: 'x\n]\n");
    }
}
