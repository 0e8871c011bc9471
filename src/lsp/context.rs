//! What the cursor is in, read off the text's indentation (so it works on half-typed
//! YAML that does not parse): the chain of enclosing keys, whether a key or a value is
//! being typed, the sibling keys of the enclosing mapping, and `${{ workflow.` references.

use super::positions::Lines;

/// One non-blank line, as far as indentation goes.
#[derive(Clone, Copy, Debug)]
struct Line<'t> {
    /// Byte offset of the line's start.
    start: usize,
    text: &'t str,
    /// Column of the first `-` of an item line (`- key: v`), if it is one.
    dash: Option<usize>,
    /// Column where the key (or the scalar) starts, after any `- `.
    key_col: usize,
}

impl<'t> Line<'t> {
    fn parse(start: usize, text: &'t str) -> Option<Line<'t>> {
        let trimmed = text.trim_start_matches(' ');
        if trimmed.trim().is_empty() || trimmed.starts_with('#') {
            return None;
        }
        let indent = text.len() - trimmed.len();
        let mut rest = trimmed;
        let mut col = indent;
        let mut dash = None;
        while rest == "-" || rest.starts_with("- ") {
            dash.get_or_insert(col);
            let after = rest[1..].trim_start_matches(' ');
            col += rest.len() - after.len();
            rest = after;
        }
        Some(Line {
            start,
            text,
            dash,
            key_col: col,
        })
    }

    /// The key of a `key:` / `key: value` line.
    fn key(&self) -> Option<&'t str> {
        let rest = self.text.get(self.key_col..)?;
        let colon = key_colon(rest)?;
        Some(rest[..colon].trim().trim_matches(['"', '\'']))
    }

    /// The value text after `key:` (trimmed, comment removed).
    fn value(&self) -> Option<&'t str> {
        let rest = self.text.get(self.key_col..)?;
        let colon = key_colon(rest)?;
        let v = rest[colon + 1..].trim();
        Some(v.split(" #").next().unwrap_or(v).trim())
    }
}

/// The byte index of the `:` that ends a mapping key at the start of `s`.
fn key_colon(s: &str) -> Option<usize> {
    if s.starts_with(['[', '{', '"', '\'', '$']) && !s.starts_with("\"") && !s.starts_with('\'') {
        return None;
    }
    s.char_indices()
        .find(|&(i, c)| c == ':' && s[i + 1..].chars().next().is_none_or(|n| n == ' '))
        .map(|(i, _)| i)
}

/// Where the cursor is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// The value of `task:`.
    TaskName,
    /// A key of `partial:` (`key_position`), or an item of `argnames`; the instance's task
    /// and the argument names it already binds.
    Argument {
        task: Option<String>,
        bound: Vec<String>,
        key_position: bool,
        /// The instance's id, as written.
        own: Option<String>,
    },
    /// `${{ workflow.` : the ids above the cursor's instance (never the instance itself, so
    /// never a cycle), or `.return` after an id.
    ReferenceId {
        ids: Vec<String>,
        /// The id of the cursor's instance, as written.
        own: Option<String>,
    },
    ReferenceReturn,
    /// A skipif condition.
    Condition,
    /// A key of the mapping at `path` (outermost first; `-` is a list item); `present`
    /// are its keys already written.
    Key {
        path: Vec<String>,
        present: Vec<String>,
    },
    Nothing,
}

/// The cursor's place and the byte offset where the word being typed starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub place: Place,
    pub word_start: usize,
}

struct Doc<'t> {
    lines: Vec<(usize, &'t str)>,
}

impl<'t> Doc<'t> {
    fn new(text: &'t str, index: &Lines) -> Self {
        let lines = (0..index.count())
            .map(|i| {
                let s = index.line_span(i);
                (s.start, text.get(s.start..s.end).unwrap_or(""))
            })
            .collect();
        Doc { lines }
    }

    fn line(&self, i: usize) -> Option<Line<'t>> {
        self.lines.get(i).and_then(|&(s, t)| Line::parse(s, t))
    }

    /// The enclosing keys of a position on line `at` whose keys sit at column `col` (`item`:
    /// that position is inside a list item started on line `at` at column `dash`).
    fn path(&self, at: usize, mut col: usize, dash: Option<usize>) -> (Vec<String>, Option<usize>) {
        let mut path = Vec::new();
        let mut mapping_line = None;
        let mut i = at;
        if let Some(d) = dash {
            path.push("-".to_string());
            col = d + 1;
        }
        while i > 0 {
            i -= 1;
            let Some(line) = self.line(i) else { continue };
            if line.key_col == col && path.is_empty() {
                mapping_line.get_or_insert(i);
            }
            if let (true, Some(d)) = (line.key_col == col, line.dash) {
                // The first key of a list item: the mapping is that item.
                path.push("-".to_string());
                col = d + 1;
                continue;
            }
            if line.key_col < col {
                let Some(key) = line.key() else {
                    // A scalar item or flow text: keep looking above.
                    continue;
                };
                path.push(key.to_string());
                col = line.key_col;
                if let Some(d) = line.dash {
                    path.push("-".to_string());
                    col = d + 1;
                }
            }
        }
        path.reverse();
        (path, mapping_line)
    }

    /// The `(key, value)` pairs of the mapping whose keys sit at `col` around line `at`.
    fn siblings(&self, at: usize, col: usize) -> Vec<(&'t str, &'t str, usize)> {
        let mut out = Vec::new();
        // Upwards to the item start or a shallower line.
        let mut i = at + 1;
        while i > 0 {
            i -= 1;
            let Some(line) = self.line(i) else { continue };
            if line.key_col < col {
                break;
            }
            if line.key_col == col {
                if let (Some(k), Some(v)) = (line.key(), line.value()) {
                    out.push((k, v, i));
                }
                if line.dash.is_some() {
                    break;
                }
            }
        }
        for i in at + 1..self.lines.len() {
            let Some(line) = self.line(i) else { continue };
            if line.key_col < col || (line.key_col == col && line.dash.is_some()) {
                break;
            }
            if line.key_col == col
                && let (Some(k), Some(v)) = (line.key(), line.value())
            {
                out.push((k, v, i));
            }
        }
        out
    }

    /// The ids of the workflow instances that start above line `before`.
    fn ids_above(&self, before: usize) -> Vec<String> {
        let mut out = Vec::new();
        for i in 0..before {
            if let Some(line) = self.line(i)
                && line.key_col > 0
                && line.key() == Some("id")
                && let Some(v) = line.value()
            {
                let v = v.trim_matches(['"', '\'']);
                if !v.is_empty() && !out.iter().any(|o| o == v) {
                    out.push(v.to_string());
                }
            }
        }
        out
    }
}

/// The cursor at byte `offset` of `text`.
#[must_use]
pub fn at(text: &str, index: &Lines, offset: usize) -> Cursor {
    let doc = Doc::new(text, index);
    let line_no = index.line_of(offset);
    let (line_start, line_text) = doc.lines.get(line_no).copied().unwrap_or((0, ""));
    let col = offset.saturating_sub(line_start).min(line_text.len());
    let col = (0..=col)
        .rev()
        .find(|&c| line_text.is_char_boundary(c))
        .unwrap_or(0);
    let prefix = &line_text[..col];
    let word_start = line_start
        + prefix
            .char_indices()
            .rev()
            .take_while(|&(_, c)| c.is_alphanumeric() || matches!(c, '_' | '-' | '$'))
            .last()
            .map_or(col, |(i, _)| i);
    let cursor = |place| Cursor { place, word_start };
    let here = Line::parse(line_start, line_text);
    // The mapping the cursor's line belongs to.
    let (key_col, dash) = match here {
        Some(l) if l.key_col <= col => (l.key_col, l.dash),
        Some(l) => (col, l.dash.filter(|&d| d < col)),
        None => (col, None),
    };
    let typing_value = here
        .and_then(|l| l.key().zip(l.value()).map(|(k, _)| (l, k)))
        .filter(|(l, k)| {
            let colon = l.start + l.key_col + key_colon(&l.text[l.key_col..]).unwrap_or(0);
            !k.is_empty() && offset > colon
        });
    let (path, mapping_line) = doc.path(line_no, key_col, dash);
    let mapping_line = mapping_line.unwrap_or(line_no);
    // `${{ workflow.` references.
    if let Some(i) = prefix.rfind("${{")
        && !prefix[i..].contains("}}")
    {
        let inner = prefix[i + 3..].trim_start();
        if let Some(rest) = inner.strip_prefix("workflow.") {
            let start = line_start + col - rest.len();
            if let Some(dot) = rest.find('.') {
                return Cursor {
                    place: Place::ReferenceReturn,
                    word_start: start + dot + 1,
                };
            }
            let item = instance_start(&doc, line_no);
            let own = item.and_then(|s| {
                let l = doc.line(s)?;
                doc.siblings(s, l.key_col)
                    .into_iter()
                    .find(|(k, _, _)| *k == "id")
                    .map(|(_, v, _)| v.trim_matches(['"', '\'']).to_string())
            });
            let mut ids = doc.ids_above(item.unwrap_or(line_no));
            ids.retain(|i| Some(i) != own.as_ref());
            return Cursor {
                place: Place::ReferenceId { ids, own },
                word_start: start,
            };
        }
        return cursor(Place::Nothing);
    }
    let last = path.last().map(String::as_str);
    if let Some((l, key)) = typing_value {
        let word_start = flow_word_start(prefix, line_start).max(line_start + l.key_col);
        let place = match key {
            "task" => Place::TaskName,
            "argnames" => argument(&doc, &path, line_no, l.key_col, false),
            "conditions" => Place::Condition,
            _ => Place::Nothing,
        };
        return Cursor { place, word_start };
    }
    match last {
        Some("conditions") => cursor(Place::Condition),
        Some("argnames") => {
            argument(&doc, &path[..path.len() - 1], line_no, 0, false).into_cursor(word_start)
        }
        Some("partial") => argument(&doc, &path, line_no, key_col, true).into_cursor(word_start),
        _ => {
            let present = doc
                .siblings(mapping_line, key_col)
                .into_iter()
                .map(|(k, _, _)| k.to_string())
                .collect();
            cursor(Place::Key { path, present })
        }
    }
}

impl Place {
    fn into_cursor(self, word_start: usize) -> Cursor {
        Cursor {
            place: self,
            word_start,
        }
    }
}

/// Start of the word being typed in a flow list (`[a, b`).
fn flow_word_start(prefix: &str, line_start: usize) -> usize {
    let cut = prefix.rfind(['[', ',', ' ', ':']).map_or(0, |i| i + 1);
    line_start + cut + (prefix[cut..].len() - prefix[cut..].trim_start().len())
}

/// The line where the list item holding line `at` starts (a `- ` line of `workflow` or
/// `tasks`).
fn instance_start(doc: &Doc<'_>, at: usize) -> Option<usize> {
    let mut col = usize::MAX;
    let mut i = at + 1;
    while i > 0 {
        i -= 1;
        let Some(line) = doc.line(i) else { continue };
        if line.key_col <= col {
            col = line.key_col;
            if line.dash.is_some() && line.key().is_some() {
                let (path, _) = doc.path(i, line.key_col, line.dash);
                if matches!(
                    path.iter().rev().nth(1).map(String::as_str),
                    Some("workflow" | "tasks")
                ) {
                    return Some(i);
                }
            }
        }
    }
    None
}

/// An argument of the instance around line `at`: its task and the names bound already.
fn argument(doc: &Doc<'_>, _path: &[String], at: usize, _col: usize, key_position: bool) -> Place {
    let Some(start) = instance_start(doc, at) else {
        return Place::Nothing;
    };
    let Some(first) = doc.line(start) else {
        return Place::Nothing;
    };
    let keys = doc.siblings(start, first.key_col);
    let task = keys
        .iter()
        .find(|(k, _, _)| *k == "task")
        .map(|(_, v, _)| v.trim_matches(['"', '\'']).to_string());
    let own = keys
        .iter()
        .find(|(k, _, _)| *k == "id")
        .map(|(_, v, _)| v.trim_matches(['"', '\'']).to_string());
    let mut bound = Vec::new();
    for (k, v, line) in &keys {
        match *k {
            "partial" => {
                if let Some(l) = (line + 1..doc.lines.len()).find_map(|i| doc.line(i))
                    && l.key_col > first.key_col
                {
                    bound.extend(
                        doc.siblings(doc_index(doc, l), l.key_col)
                            .into_iter()
                            .map(|(k, _, _)| k.to_string()),
                    );
                }
            }
            "map" | "mapvalues" => {
                let _ = v;
                if let Some(l) = (line + 1..doc.lines.len()).find_map(|i| doc.line(i))
                    && l.key_col > first.key_col
                {
                    for (k, v, _) in doc.siblings(doc_index(doc, l), l.key_col) {
                        if k == "argnames" {
                            bound.extend(
                                v.trim_matches(['[', ']'])
                                    .split(',')
                                    .map(|s| s.trim().to_string())
                                    .filter(|s| !s.is_empty()),
                            );
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Place::Argument {
        task,
        bound,
        key_position,
        own,
    }
}

fn doc_index(doc: &Doc<'_>, line: Line<'_>) -> usize {
    doc.lines
        .iter()
        .position(|&(s, _)| s == line.start)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(text_with_cursor: &str) -> Place {
        let offset = text_with_cursor.find('|').unwrap();
        let text = text_with_cursor.replacen('|', "", 1);
        at(&text, &Lines::new(&text), offset).place
    }

    const SPEC: &str = "id: w\nworkflow:\n  - id: a\n    task: make\n  - id: b\n    task: add\n    partial:\n      x: 1\n      |\n";

    #[test]
    fn places() {
        assert_eq!(
            place("id: w\n|"),
            Place::Key {
                path: vec![],
                present: vec!["id".into()]
            }
        );
        assert_eq!(
            place(SPEC),
            Place::Argument {
                task: Some("add".into()),
                bound: vec!["x".into()],
                key_position: true,
                own: Some("b".into())
            }
        );
        assert_eq!(
            place("workflow:\n  - id: a\n    task: ma|"),
            Place::TaskName
        );
        assert_eq!(
            place(
                "workflow:\n  - id: a\n    task: m\n  - id: b\n    partial:\n      x: ${{ workflow.|"
            ),
            Place::ReferenceId {
                ids: vec!["a".into()],
                own: Some("b".into())
            }
        );
        assert_eq!(
            place("workflow:\n  - id: a\n    partial:\n      x: ${{ workflow.a.r|"),
            Place::ReferenceReturn
        );
        assert_eq!(
            place("workflow:\n  - id: a\n    skipif:\n      conditions: [any_, |"),
            Place::Condition
        );
        assert_eq!(
            place("workflow:\n  - id: a\n    map:\n      |"),
            Place::Key {
                path: vec!["workflow".into(), "-".into(), "map".into()],
                present: vec![]
            }
        );
        assert_eq!(
            place("workflow:\n  - id: a\n    |"),
            Place::Key {
                path: vec!["workflow".into(), "-".into()],
                present: vec!["id".into()]
            }
        );
    }
}
