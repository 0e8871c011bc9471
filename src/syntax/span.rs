//! Source positions: byte [`Span`]s and the [`LineIndex`] that turns them into 1-based
//! lines and columns. Shared by every text wtc reads (specs, TOML files, templates, params).

/// Byte offsets into the source text (start inclusive, end exclusive). Always on char boundaries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// The first byte of the spanned text.
    pub start: usize,
    /// One past the last byte of the spanned text.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (byte offsets).
    #[must_use]
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// A zero-width span at `offset`.
    #[must_use]
    pub fn empty(offset: usize) -> Self {
        Span {
            start: offset,
            end: offset,
        }
    }

    /// The length of the span in bytes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span is zero-width.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Maps byte offsets to 1-based lines and columns (columns counted in characters).
///
/// Lines are terminated by `\n`, `\r\n` or a lone `\r` (as in YAML). A byte order
/// mark at the start of the text takes no column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset of the start of each line.
    line_starts: Vec<usize>,
    /// Byte offset of every multi-byte character, in order.
    wide_chars: Vec<usize>,
    /// `wide_extra[i]`: total extra bytes (`len_utf8() - 1`) of `wide_chars[..=i]`.
    wide_extra: Vec<usize>,
    /// Byte length of each multi-byte character in `wide_chars`.
    wide_len: Vec<u8>,
    /// Length of the text in bytes.
    len: usize,
    /// Byte offset of the end of each line (before its `\r\n` or `\n`).
    line_ends: Vec<usize>,
    /// Whether the text starts with a byte order mark (which takes no column).
    bom: bool,
}

impl LineIndex {
    /// Indexes `text`.
    #[must_use]
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        let mut line_ends = Vec::new();
        let mut wide_chars = Vec::new();
        let mut wide_extra = Vec::new();
        let mut wide_len = Vec::new();
        let mut extra = 0;
        let bytes = text.as_bytes();
        for (offset, c) in text.char_indices() {
            let n = c.len_utf8();
            if n > 1 {
                extra += n - 1;
                wide_chars.push(offset);
                wide_extra.push(extra);
                wide_len.push(u8::try_from(n).unwrap_or(4));
            } else if c == '\n' {
                let end = if offset > 0 && bytes.get(offset - 1) == Some(&b'\r') {
                    offset - 1
                } else {
                    offset
                };
                line_ends.push(end);
                line_starts.push(offset + 1);
            } else if c == '\r' && bytes.get(offset + 1) != Some(&b'\n') {
                // A lone carriage return ends a line too (YAML's rule).
                line_ends.push(offset);
                line_starts.push(offset + 1);
            }
        }
        line_ends.push(text.len());
        LineIndex {
            line_starts,
            wide_chars,
            wide_extra,
            wide_len,
            len: text.len(),
            line_ends,
            bom: text.starts_with('\u{feff}'),
        }
    }

    /// The number of lines (a text ending with a line break has an empty last line).
    #[must_use]
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The 1-based line and 1-based column (in characters) of the byte `offset`.
    ///
    /// Offsets past the end are clamped to the end; an offset inside a multi-byte character
    /// counts as that character.
    #[must_use]
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = self.floor_char_boundary(offset.min(self.len));
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let line_start = self
            .line_starts
            .get(line.wrapping_sub(1))
            .copied()
            .unwrap_or(0);
        let mut chars =
            (offset - line_start) - (self.extra_before(offset) - self.extra_before(line_start));
        if self.bom && line_start == 0 && offset > 0 {
            chars -= 1;
        }
        (line.max(1), chars + 1)
    }

    /// The span of the 1-based `line`, without its line terminator. Lines out of range give an
    /// empty span at the end of the text.
    #[must_use]
    pub fn line_span(&self, line: usize) -> Span {
        match (
            self.line_starts.get(line.wrapping_sub(1)),
            self.line_ends.get(line.wrapping_sub(1)),
        ) {
            (Some(&start), Some(&end)) => Span::new(start, end.max(start)),
            _ => Span::empty(self.len),
        }
    }

    /// Extra bytes of the multi-byte characters that start before `offset`.
    fn extra_before(&self, offset: usize) -> usize {
        let n = self.wide_chars.partition_point(|&start| start < offset);
        if n == 0 {
            0
        } else {
            self.wide_extra.get(n - 1).copied().unwrap_or(0)
        }
    }

    /// Moves `offset` back to the start of the character containing it.
    fn floor_char_boundary(&self, offset: usize) -> usize {
        let n = self.wide_chars.partition_point(|&start| start < offset);
        if n == 0 {
            return offset;
        }
        let start = self.wide_chars.get(n - 1).copied().unwrap_or(0);
        let len = self.wide_len.get(n - 1).copied().map_or(1, usize::from);
        if offset < start + len { start } else { offset }
    }
}

/// `span` moved inside the text's content when it points at the end of the input (after
/// the last character, or into trailing blanks and line breaks): onto the last
/// non-blank character, so a location never lies past the end of its line. Other spans
/// are returned as they are (clamped to the text).
#[must_use]
pub fn within_content(text: &str, span: Span) -> Span {
    let content_end = text.trim_end().len();
    let start = span.start.min(text.len());
    if start < content_end || content_end == 0 {
        return Span::new(start, span.end.clamp(start, text.len()));
    }
    let last = text[..content_end]
        .char_indices()
        .next_back()
        .map_or(0, |(i, _)| i);
    Span::new(last, content_end)
}

/// The text with every lone carriage return (a line break of old Mac files, which YAML
/// accepts) replaced by a line feed: the same length, so spans stay valid, and line
/// numbers shown by a snippet renderer agree with [`LineIndex`].
#[must_use]
pub fn lone_cr_as_lf(text: &str) -> std::borrow::Cow<'_, str> {
    let b = text.as_bytes();
    let lone = |i: usize| b[i] == b'\r' && b.get(i + 1) != Some(&b'\n');
    if !(0..b.len()).any(lone) {
        return std::borrow::Cow::Borrowed(text);
    }
    let out: String = text
        .char_indices()
        .map(|(i, c)| if c == '\r' && lone(i) { '\n' } else { c })
        .collect();
    std::borrow::Cow::Owned(out)
}
