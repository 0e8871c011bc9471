//! LSP positions: byte offsets of the document text ↔ `(line, UTF-16 code unit)` as the
//! protocol requires. Lines end at `\n`, `\r\n` or a lone `\r` (as in YAML and
//! `syntax::span::LineIndex`); a position past the end of a line is clamped to it.

use crate::syntax::span::Span;
use lsp_types::{Position, Range};

/// The line starts of one document text, for conversions in both directions.
#[derive(Clone, Debug)]
pub struct Lines {
    /// Byte offset of the start of each line.
    starts: Vec<usize>,
    /// Byte offset of the end of each line's content (before its terminator).
    ends: Vec<usize>,
    len: usize,
}

impl Lines {
    /// Indexes `text`.
    #[must_use]
    pub fn new(text: &str) -> Self {
        let b = text.as_bytes();
        let mut starts = vec![0];
        let mut ends = Vec::new();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'\n' => {
                    ends.push(i);
                    starts.push(i + 1);
                }
                b'\r' if b.get(i + 1) == Some(&b'\n') => {
                    ends.push(i);
                    starts.push(i + 2);
                    i += 1;
                }
                b'\r' => {
                    ends.push(i);
                    starts.push(i + 1);
                }
                _ => {}
            }
            i += 1;
        }
        ends.push(b.len());
        Lines {
            starts,
            ends,
            len: b.len(),
        }
    }

    /// The number of lines.
    #[must_use]
    pub fn count(&self) -> usize {
        self.starts.len()
    }

    /// The 0-based line holding byte `offset` (clamped to the text).
    #[must_use]
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// The byte span of 0-based `line` without its terminator (empty at the end when out of
    /// range).
    #[must_use]
    pub fn line_span(&self, line: usize) -> Span {
        match (self.starts.get(line), self.ends.get(line)) {
            (Some(&s), Some(&e)) => Span::new(s, e.max(s)),
            _ => Span::empty(self.len),
        }
    }

    /// The LSP position of byte `offset` in `text` (an offset inside a character or a line
    /// terminator is moved back to the character's start or the line's end).
    #[must_use]
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let line = self.line_of(offset);
        let span = self.line_span(line);
        let end = offset.clamp(span.start, span.end);
        let units: usize = text
            .get(span.start..span.end)
            .unwrap_or("")
            .char_indices()
            .take_while(|(i, _)| span.start + i < end)
            .map(|(_, c)| c.len_utf16())
            .sum();
        Position::new(to_u32(line), to_u32(units))
    }

    /// The byte offset of an LSP position (clamped to its line, and to the last line).
    #[must_use]
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let line = (pos.line as usize).min(self.count() - 1);
        let span = self.line_span(line);
        let mut units = 0usize;
        let content = text.get(span.start..span.end).unwrap_or("");
        for (i, c) in content.char_indices() {
            if units >= pos.character as usize {
                return span.start + i;
            }
            units += c.len_utf16();
        }
        span.end
    }

    /// The LSP range of a byte span.
    #[must_use]
    pub fn range(&self, text: &str, span: Span) -> Range {
        Range::new(
            self.position(text, span.start),
            self.position(text, span.end.max(span.start)),
        )
    }

    /// The byte span of an LSP range.
    #[must_use]
    pub fn span(&self, text: &str, range: Range) -> Span {
        let start = self.offset(text, range.start);
        Span::new(start, self.offset(text, range.end).max(start))
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_and_crlf() {
        let text = "id: x\r\n# é😀z\r\nlast";
        let lines = Lines::new(text);
        assert_eq!(lines.count(), 3);
        let z = text.find('z').unwrap();
        // `# ` (2) + `é` (1) + `😀` (2 UTF-16 units).
        assert_eq!(lines.position(text, z), Position::new(1, 5));
        assert_eq!(lines.offset(text, Position::new(1, 5)), z);
        // Past the end of a line: its end, never into the terminator.
        assert_eq!(lines.offset(text, Position::new(0, 99)), 5);
        assert_eq!(lines.position(text, 6), Position::new(0, 5));
        assert_eq!(
            lines.offset(text, Position::new(9, 0)),
            text.find("last").unwrap()
        );
    }

    #[test]
    fn lone_cr_ends_a_line() {
        let text = "a\rb";
        let lines = Lines::new(text);
        assert_eq!(lines.position(text, 2), Position::new(1, 0));
    }
}
