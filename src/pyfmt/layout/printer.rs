//! The printer: ruff_formatter's group semantics (a group is flat when it fits the
//! rest of its line, else broken), the `fits` measure and `propagate_expand`.

use super::doc::{Doc, GroupId, LineMode, Mode};
use super::{INDENT_WIDTH, LINE_WIDTH};
use std::collections::HashMap;

/// Marks every group that (transitively) contains a hard line break, an
/// `ExpandParent` or an expanded group as expanded (ruff's `propagate_expand`).
/// Returns whether `docs` force their enclosing group to expand.
fn propagate_expand(docs: &mut [Doc]) -> bool {
    let mut expands = false;
    for doc in docs {
        expands |= match doc {
            Doc::Text(..) | Doc::Line(LineMode::Soft | LineMode::SoftOrSpace) => false,
            Doc::Line(LineMode::Hard) | Doc::ExpandParent => true,
            Doc::Group {
                expand, contents, ..
            } => {
                let inner = propagate_expand(contents);
                *expand |= inner;
                *expand
            }
            Doc::Indent(contents)
            | Doc::IndentIfBreaks { contents, .. }
            | Doc::IfBreaks { contents, .. } => propagate_expand(contents),
            Doc::BestFitting(variants) => {
                for variant in variants {
                    propagate_expand(variant);
                }
                false
            }
        };
    }
    expands
}

#[derive(Clone, Copy)]
struct Cmd<'a> {
    indent: usize,
    mode: Mode,
    doc: &'a Doc,
}

struct Printer {
    out: String,
    /// ruff's `measured_group_fits`: an enclosing group was measured to fit flat up to the
    /// next line break, so flat groups need no new measurement until a newline is printed.
    measured_group_fits: bool,
    /// Width of the current line so far (0 while only the pending indent is due).
    line_width: usize,
    /// Indentation to emit before the next text on a fresh line.
    pending_indent: Option<usize>,
    group_modes: HashMap<GroupId, Mode>,
}

/// Prints `docs` starting on a fresh line indented by `indent` spaces.
pub(in crate::pyfmt) fn print(mut docs: Vec<Doc>, indent: usize) -> String {
    propagate_expand(&mut docs);
    let mut printer = Printer {
        out: String::new(),
        measured_group_fits: false,
        line_width: 0,
        pending_indent: Some(indent),
        group_modes: HashMap::new(),
    };
    let mut stack: Vec<Cmd> = docs
        .iter()
        .rev()
        .map(|doc| Cmd {
            indent,
            mode: Mode::Expanded,
            doc,
        })
        .collect();
    while let Some(cmd) = stack.pop() {
        printer.print_cmd(cmd, &mut stack);
    }
    printer.out
}

impl Printer {
    fn print_text(&mut self, text: &str, width: usize) {
        if let Some(indent) = self.pending_indent.take() {
            self.out.extend(std::iter::repeat_n(' ', indent));
            self.line_width += indent;
        }
        self.out.push_str(text);
        self.line_width += width;
    }

    fn mode_of(&self, group: Option<GroupId>, current: Mode) -> Mode {
        group.map_or(current, |id| {
            self.group_modes.get(&id).copied().unwrap_or(Mode::Flat)
        })
    }

    fn print_cmd<'a>(&mut self, cmd: Cmd<'a>, stack: &mut Vec<Cmd<'a>>) {
        let push_all = |stack: &mut Vec<Cmd<'a>>, contents: &'a [Doc], indent, mode| {
            stack.extend(contents.iter().rev().map(|doc| Cmd { indent, mode, doc }));
        };
        match cmd.doc {
            Doc::Text(text, width) => self.print_text(text, *width),
            Doc::Line(line) => {
                if cmd.mode == Mode::Flat && *line != LineMode::Hard {
                    if *line == LineMode::SoftOrSpace {
                        self.print_text(" ", 1);
                    }
                } else {
                    // A line break on an empty line is a no-op (no blank lines).
                    if self.pending_indent.is_none() {
                        self.out.push('\n');
                    }
                    self.measured_group_fits = false;
                    self.line_width = 0;
                    self.pending_indent = Some(cmd.indent);
                }
            }
            Doc::Group {
                id,
                expand,
                contents,
            } => {
                let mode = if *expand {
                    Mode::Expanded
                } else if cmd.mode == Mode::Flat && self.measured_group_fits {
                    // The enclosing group was measured to fit flat.
                    Mode::Flat
                } else {
                    self.measured_group_fits = true;
                    if let Some(id) = id {
                        self.group_modes.insert(*id, Mode::Flat);
                    }
                    if self.fits(contents, cmd.indent, stack) {
                        Mode::Flat
                    } else {
                        Mode::Expanded
                    }
                };
                if let Some(id) = id {
                    self.group_modes.insert(*id, mode);
                }
                push_all(stack, contents, cmd.indent, mode);
            }
            Doc::Indent(contents) => {
                push_all(stack, contents, cmd.indent + INDENT_WIDTH, cmd.mode);
            }
            Doc::IndentIfBreaks { group, contents } => {
                let indent = match self.mode_of(Some(*group), cmd.mode) {
                    Mode::Expanded => cmd.indent + INDENT_WIDTH,
                    Mode::Flat => cmd.indent,
                };
                push_all(stack, contents, indent, cmd.mode);
            }
            Doc::IfBreaks { group, contents } => {
                if self.mode_of(*group, cmd.mode) == Mode::Expanded {
                    push_all(stack, contents, cmd.indent, cmd.mode);
                }
            }
            Doc::ExpandParent => {}
            Doc::BestFitting(variants) => {
                if cmd.mode == Mode::Flat && self.measured_group_fits {
                    push_all(stack, &variants[0], cmd.indent, Mode::Flat);
                    return;
                }
                self.measured_group_fits = true;
                let (last, candidates) = variants.split_last().expect("variants");
                for variant in candidates {
                    if self.fits(variant, cmd.indent, stack) {
                        push_all(stack, variant, cmd.indent, Mode::Flat);
                        return;
                    }
                }
                push_all(stack, last, cmd.indent, Mode::Expanded);
            }
        }
    }

    /// ruff's `FitsMeasurer` in `FirstLine` mode: can `contents` (flat) followed by
    /// the rest of the document (in the modes already chosen for it) be printed up
    /// to the next line break without exceeding [`LINE_WIDTH`]?
    fn fits<'a>(&mut self, contents: &'a [Doc], indent: usize, rest: &[Cmd<'a>]) -> bool {
        let mut width = self.line_width;
        let mut pending_indent = self.pending_indent;
        let mut rest_index = rest.len();
        let mut cmds: Vec<Cmd> = contents
            .iter()
            .rev()
            .map(|doc| Cmd {
                indent,
                mode: Mode::Flat,
                doc,
            })
            .collect();
        loop {
            let cmd = match cmds.pop() {
                Some(cmd) => cmd,
                None => {
                    if rest_index == 0 {
                        return true;
                    }
                    rest_index -= 1;
                    rest[rest_index]
                }
            };
            let push_all = |cmds: &mut Vec<Cmd<'a>>, contents: &'a [Doc], indent, mode| {
                cmds.extend(contents.iter().rev().map(|doc| Cmd { indent, mode, doc }));
            };
            match cmd.doc {
                Doc::Text(_, text_width) => {
                    width += pending_indent.take().unwrap_or(0) + text_width;
                    if width > LINE_WIDTH {
                        return false;
                    }
                }
                Doc::Line(line) => match (cmd.mode, line) {
                    (_, LineMode::Hard) | (Mode::Expanded, _) => return true,
                    (Mode::Flat, LineMode::SoftOrSpace) => {
                        width += pending_indent.take().unwrap_or(0) + 1;
                        if width > LINE_WIDTH {
                            return false;
                        }
                    }
                    (Mode::Flat, LineMode::Soft) => {}
                },
                Doc::Group {
                    id,
                    expand,
                    contents,
                } => {
                    let mode = if *expand { Mode::Expanded } else { cmd.mode };
                    if let Some(id) = id {
                        self.group_modes.insert(*id, mode);
                    }
                    push_all(&mut cmds, contents, cmd.indent, mode);
                }
                Doc::Indent(contents) => {
                    push_all(&mut cmds, contents, cmd.indent + INDENT_WIDTH, cmd.mode);
                }
                Doc::IndentIfBreaks { group, contents } => {
                    let indent = match self.mode_of(Some(*group), cmd.mode) {
                        Mode::Expanded => cmd.indent + INDENT_WIDTH,
                        Mode::Flat => cmd.indent,
                    };
                    push_all(&mut cmds, contents, indent, cmd.mode);
                }
                Doc::IfBreaks { group, contents } => {
                    if self.mode_of(*group, cmd.mode) == Mode::Expanded {
                        push_all(&mut cmds, contents, cmd.indent, cmd.mode);
                    }
                }
                Doc::ExpandParent => {}
                Doc::BestFitting(variants) => {
                    let variant = match cmd.mode {
                        Mode::Flat => &variants[0],
                        Mode::Expanded => variants.last().expect("variants"),
                    };
                    push_all(&mut cmds, variant, cmd.indent, cmd.mode);
                }
            }
        }
    }
}

/// Width of `docs` printed flat, or `None` if they contain a forced line break.
pub(super) fn flat_width(docs: &[Doc]) -> Option<usize> {
    let mut width = 0;
    for doc in docs {
        width += match doc {
            Doc::Text(_, w) => *w,
            Doc::Line(LineMode::Soft) | Doc::IfBreaks { .. } => 0,
            Doc::Line(LineMode::SoftOrSpace) => 1,
            Doc::Line(LineMode::Hard) | Doc::ExpandParent => return None,
            Doc::Group {
                expand: true,
                contents: _,
                ..
            } => return None,
            Doc::Group { contents, .. }
            | Doc::Indent(contents)
            | Doc::IndentIfBreaks { contents, .. } => flat_width(contents)?,
            Doc::BestFitting(variants) => flat_width(&variants[0])?,
        };
    }
    Some(width)
}

/// ruff's `AllLines` measurement of fully expanded content (every group broken)
/// starting on a fresh line at `indent`: does every line fit?
pub(super) fn all_lines_fit_expanded(docs: &[Doc], indent: usize) -> bool {
    fn walk(docs: &[Doc], indent: usize, width: &mut usize, fresh: &mut bool) -> bool {
        for doc in docs {
            let ok = match doc {
                Doc::Text(_, w) => {
                    if *fresh {
                        *width = indent;
                        *fresh = false;
                    }
                    *width += w;
                    *width <= LINE_WIDTH
                }
                Doc::Line(_) => {
                    *fresh = true;
                    true
                }
                Doc::ExpandParent => true,
                Doc::Group { contents, .. } | Doc::IfBreaks { contents, .. } => {
                    walk(contents, indent, width, fresh)
                }
                Doc::Indent(contents) | Doc::IndentIfBreaks { contents, .. } => {
                    walk(contents, indent + INDENT_WIDTH, width, fresh)
                }
                Doc::BestFitting(variants) => {
                    walk(variants.last().expect("variants"), indent, width, fresh)
                }
            };
            if !ok {
                return false;
            }
        }
        true
    }
    let mut width = indent;
    let mut fresh = true;
    walk(docs, indent, &mut width, &mut fresh)
}
