//! The document IR (text, line breaks, groups) and the [`Builder`] that lowers
//! expressions to it, mirroring ruff's `FormatExpr*` rules.

use super::{Arg, Expr, str_width, strip_parentheses};

pub(in crate::pyfmt) type GroupId = u32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::pyfmt) enum LineMode {
    /// Nothing when flat, a newline when expanded.
    Soft,
    /// A space when flat, a newline when expanded.
    SoftOrSpace,
    /// Always a newline (forces enclosing groups to expand).
    Hard,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::pyfmt) enum Mode {
    Flat,
    Expanded,
}

#[derive(Clone, Debug)]
pub(in crate::pyfmt) enum Doc {
    /// Text without newlines, with its precomputed display width.
    Text(String, usize),
    Line(LineMode),
    /// Printed flat if its content (plus the rest of the line) fits, else expanded.
    Group {
        id: Option<GroupId>,
        expand: bool,
        contents: Vec<Doc>,
    },
    Indent(Vec<Doc>),
    /// Indented only if `group` is expanded.
    IndentIfBreaks {
        group: GroupId,
        contents: Vec<Doc>,
    },
    /// Printed only if `group` (or, without id, the enclosing group) is expanded.
    IfBreaks {
        group: Option<GroupId>,
        contents: Vec<Doc>,
    },
    /// Forces all enclosing groups to expand (ruff's `expand_parent`).
    ExpandParent,
    /// ruff's `best_fitting!` (first-line mode): the first variant, from most flat to most
    /// expanded, whose first line fits when printed flat (groups marked `expand` still
    /// expand); the last variant, printed expanded, when none does. An expand boundary:
    /// forced breaks inside do not propagate out.
    BestFitting(Vec<Vec<Doc>>),
}

impl Doc {
    pub(in crate::pyfmt) fn text(text: impl Into<String>) -> Doc {
        let text = text.into();
        let width = str_width(&text);
        Doc::Text(text, width)
    }

    pub(in crate::pyfmt) fn group(id: Option<GroupId>, contents: Vec<Doc>) -> Doc {
        Doc::Group {
            id,
            expand: false,
            contents,
        }
    }

    /// A group that is always expanded (`group(..).should_expand(true)`).
    pub(in crate::pyfmt) fn expanded_group(contents: Vec<Doc>) -> Doc {
        Doc::Group {
            id: None,
            expand: true,
            contents,
        }
    }
}

/// Builds the IR for expressions, mirroring ruff's `FormatExpr*` rules.
#[derive(Default)]
pub(in crate::pyfmt) struct Builder {
    next_id: GroupId,
}

impl Builder {
    pub(in crate::pyfmt) fn new_id(&mut self) -> GroupId {
        self.next_id += 1;
        self.next_id
    }

    pub(in crate::pyfmt) fn expr(&mut self, expr: &Expr) -> Vec<Doc> {
        match expr {
            Expr::Atom(text) => vec![Doc::text(text.as_str())],
            Expr::List {
                items,
                magic_trailing_comma,
            } => {
                let entries = items.iter().map(|item| self.expr(item)).collect();
                parenthesized("[", entries, *magic_trailing_comma, "]")
            }
            Expr::Dict {
                items,
                magic_trailing_comma,
            } => {
                let entries = items
                    .iter()
                    .map(|(key, value)| {
                        // `KeyValuePair`: `group(key: value)`.
                        let mut pair = self.expr(key);
                        pair.push(Doc::text(": "));
                        pair.extend(self.expr(value));
                        vec![Doc::group(None, pair)]
                    })
                    .collect();
                parenthesized("{", entries, *magic_trailing_comma, "}")
            }
            Expr::Call {
                callee,
                args,
                magic_trailing_comma,
            } => {
                let mut docs = vec![Doc::text(callee.as_str())];
                docs.extend(self.arguments(args, *magic_trailing_comma));
                docs
            }
            Expr::Subscript { value, items } => {
                // `parenthesized("[", slice, "]")`; a tuple slice (several items) is its own
                // group (`TupleParentheses::Preserve`), like call arguments.
                let slice = match items.as_slice() {
                    [item] => self.expr(item),
                    _ => {
                        let entries = items.iter().map(|item| self.expr(item)).collect();
                        vec![Doc::group(None, comma_separated(entries, false))]
                    }
                };
                let mut docs = vec![Doc::text(format!("{value}["))];
                let mut indented = vec![Doc::Line(LineMode::Soft)];
                indented.extend(slice);
                docs.push(Doc::group(
                    None,
                    vec![Doc::Indent(indented), Doc::Line(LineMode::Soft)],
                ));
                docs.push(Doc::text("]"));
                docs
            }
            Expr::Union(operands) => self.union(operands),
        }
    }

    /// A flat binary chain `a | b | c` inside parentheses (`in_parentheses_only_group`):
    /// when the group breaks, every operator starts a line.
    pub(in crate::pyfmt) fn union(&mut self, operands: &[Expr]) -> Vec<Doc> {
        let mut docs = Vec::new();
        for (i, operand) in operands.iter().enumerate() {
            if i > 0 {
                docs.push(Doc::Line(LineMode::SoftOrSpace));
                docs.push(Doc::text("| "));
            }
            docs.extend(self.expr(operand));
        }
        vec![Doc::group(None, docs)]
    }

    /// ruff's `parenthesize_if_expands`: parentheses and an indent only if `content` breaks.
    pub(in crate::pyfmt) fn parenthesize_if_expands(&mut self, content: Vec<Doc>) -> Vec<Doc> {
        let id = self.new_id();
        let mut indented = vec![Doc::Line(LineMode::Soft)];
        indented.extend(content);
        vec![Doc::group(
            Some(id),
            vec![
                Doc::IfBreaks {
                    group: Some(id),
                    contents: vec![Doc::text("(")],
                },
                Doc::IndentIfBreaks {
                    group: id,
                    contents: indented,
                },
                Doc::Line(LineMode::Soft),
                Doc::IfBreaks {
                    group: Some(id),
                    contents: vec![Doc::text(")")],
                },
            ],
        )]
    }

    /// `FormatArguments`: `(` group(indent(soft, group(args))) soft `)`. The inner
    /// group lets all arguments share one indented line when the call breaks.
    pub(super) fn arguments(&mut self, args: &[Arg], magic_trailing_comma: bool) -> Vec<Doc> {
        if args.is_empty() {
            return vec![Doc::text("()")];
        }
        if let [Arg::Positional(Expr::Atom(text))] = args
            && !magic_trailing_comma
            && let Some(inner) = strip_parentheses(text)
        {
            // `ruff format` keeps `f((a or b))`, then `ruff check --fix` (UP034)
            // deletes the inner parentheses without re-formatting: lay out with
            // them, print without.
            let entry = vec![Doc::Text(inner.to_string(), str_width(text))];
            return self.parenthesized_arguments(vec![entry], false);
        }
        let entries: Vec<Vec<Doc>> = args
            .iter()
            .map(|arg| match arg {
                Arg::Positional(value) => self.expr(value),
                Arg::Keyword(name, value) => {
                    let mut docs = vec![Doc::text(format!("{name}="))];
                    docs.extend(self.expr(value));
                    docs
                }
                Arg::DoubleStar(value) => {
                    let mut docs = vec![Doc::text("**")];
                    docs.extend(self.expr(value));
                    docs
                }
            })
            .collect();
        self.parenthesized_arguments(entries, magic_trailing_comma)
    }

    fn parenthesized_arguments(
        &mut self,
        entries: Vec<Vec<Doc>>,
        magic_trailing_comma: bool,
    ) -> Vec<Doc> {
        let inner = Doc::group(None, comma_separated(entries, magic_trailing_comma));
        vec![
            Doc::text("("),
            Doc::group(
                None,
                vec![
                    Doc::Indent(vec![Doc::Line(LineMode::Soft), inner]),
                    Doc::Line(LineMode::Soft),
                ],
            ),
            Doc::text(")"),
        ]
    }
}

/// ruff's `parenthesized(open, join_comma_separated(entries), close)`.
fn parenthesized(
    open: &str,
    entries: Vec<Vec<Doc>>,
    magic_trailing_comma: bool,
    close: &str,
) -> Vec<Doc> {
    if entries.is_empty() {
        return vec![Doc::text(format!("{open}{close}"))];
    }
    let mut indented = vec![Doc::Line(LineMode::Soft)];
    indented.extend(comma_separated(entries, magic_trailing_comma));
    vec![
        Doc::text(open),
        Doc::group(None, vec![Doc::Indent(indented), Doc::Line(LineMode::Soft)]),
        Doc::text(close),
    ]
}

/// ruff's `JoinCommaSeparatedBuilder`: `a, b` with a trailing comma when the
/// enclosing group breaks (only for more than one entry, or a magic comma).
fn comma_separated(entries: Vec<Vec<Doc>>, magic_trailing_comma: bool) -> Vec<Doc> {
    let count = entries.len();
    let mut docs = Vec::new();
    for (i, entry) in entries.into_iter().enumerate() {
        if i > 0 {
            docs.push(Doc::text(","));
            docs.push(Doc::Line(LineMode::SoftOrSpace));
        }
        docs.extend(entry);
    }
    if count > 0 && (magic_trailing_comma || count > 1) {
        docs.push(Doc::IfBreaks {
            group: None,
            contents: vec![Doc::text(",")],
        });
    }
    if count > 0 && magic_trailing_comma {
        docs.push(Doc::ExpandParent);
    }
    docs
}
