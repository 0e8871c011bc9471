//! Where the loader's errors point: saphyr's scan errors as spans (recognizing under-indented
//! flow lines), node properties skipped and block scalar headers found in the source text.

use super::loader::{Failure, Loader};
use super::{Span, YamlError};

use saphyr_parser::ScanError;

/// The byte offset of the start of the line containing `offset`.
pub(super) fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// The 0-based column, in characters, of `offset`.
pub(super) fn column(text: &str, offset: usize) -> usize {
    text[line_start(text, offset)..offset].chars().count()
}

impl Loader<'_> {
    /// Converts a saphyr error into a [`Failure`], recognizing under-indented flow lines.
    pub(super) fn scan_failure(&self, error: &ScanError) -> Failure {
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
    pub(super) fn required_flow_column(&self) -> usize {
        self.stack
            .iter()
            .rev()
            .find(|frame| !frame.flow)
            .map_or(0, |frame| column(self.text, frame.start) + 1)
    }

    /// The start of the first continuation line of the quoted scalar at `start` that is indented
    /// less than `required` columns.
    pub(super) fn underindented_quoted_line(&self, start: usize, required: usize) -> Option<usize> {
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
    pub(super) fn scan_error(&self, error: &ScanError) -> YamlError {
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
    pub(super) fn one_char(&self, offset: usize) -> Span {
        let offset = offset.min(self.text.len());
        let len = self.text[offset..].chars().next().map_or(0, char::len_utf8);
        Span::new(offset, offset + len)
    }

    /// Skips the anchor and tag (and the blanks and comments after them) starting at `start`.
    pub(super) fn skip_properties(&self, mut pos: usize, end: usize) -> usize {
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
    pub(super) fn block_scalar_span(&self, content: Span) -> Span {
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
    pub(super) fn find_block_header(&self, content_start: usize) -> Option<usize> {
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
}
