//! The flow re-indent fix-up: saphyr rejects flow-collection lines indented less than the
//! block collection around them (ruamel accepts them); [`super::parse`] indents such lines and
//! maps spans back to the original text.

use super::{Node, NodeKind, Span};

/// Lines that hold only a closing `]`/`}` (plus `,` or a comment) of a flow collection
/// opened at the end of an earlier line, indented no deeper than that line's key: the
/// `(line start offset, blanks to insert)` that make saphyr accept them. Inserting blanks
/// there never changes the document (outside block scalars, which are skipped, leading
/// blanks of such a line carry no meaning).
pub(super) fn under_indented_closers(text: &str) -> Vec<(usize, usize)> {
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
pub(super) const MAX_INDENT_FIXES: usize = 1000;

/// Blanks inserted into the source text: `(original byte offset, count)`, sorted by offset.
#[derive(Default)]
pub(super) struct IndentFixes {
    insertions: Vec<(usize, usize)>,
}

impl IndentFixes {
    pub(super) fn is_empty(&self) -> bool {
        self.insertions.is_empty()
    }

    /// Records `count` blanks to insert before the original byte `offset`.
    pub(super) fn insert(&mut self, offset: usize, count: usize) {
        let i = self.insertions.partition_point(|&(p, _)| p < offset);
        match self.insertions.get_mut(i) {
            Some((p, k)) if *p == offset => *k += count,
            _ => self.insertions.insert(i, (offset, count)),
        }
    }

    /// The original text with the blanks inserted.
    pub(super) fn apply(&self, text: &str) -> String {
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
    pub(super) fn to_original(&self, offset: usize) -> usize {
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

    pub(super) fn remap_span(&self, span: Span) -> Span {
        if self.is_empty() {
            return span;
        }
        let start = self.to_original(span.start);
        Span::new(start, self.to_original(span.end).max(start))
    }

    pub(super) fn remap_node(&self, node: &mut Node) {
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
