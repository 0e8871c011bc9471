//! Expression and statement layout: a small document IR plus a printer that
//! mirrors `ruff_formatter`'s group semantics (see the [module docs](super)).

use std::collections::HashMap;

pub(crate) use super::width::str_width;

/// Maximum line width (ruff's `line-length`).
pub const LINE_WIDTH: usize = 88;

/// Width of one indentation level.
const INDENT_WIDTH: usize = 4;

/// A Python expression, restricted to the shapes `wtc` generates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    /// Pre-rendered text that is never broken: a name, a literal,
    /// `os.environ["X"]`, `(params.get("x") or {})`, ... Must not contain a newline.
    Atom(String),
    /// `[a, b, ...]`. `magic_trailing_comma` forces the list to break (as if the
    /// source had a trailing comma); it is ignored for an empty list.
    List {
        items: Vec<Expr>,
        magic_trailing_comma: bool,
    },
    /// `{k: v, ...}`. `magic_trailing_comma` as for [`Expr::List`].
    Dict {
        items: Vec<(Expr, Expr)>,
        magic_trailing_comma: bool,
    },
    /// `callee(args)`. `callee` is pre-rendered (normally a name or dotted name).
    Call {
        callee: String,
        args: Vec<Arg>,
        magic_trailing_comma: bool,
    },
    /// `value[item]`, or `value[a, b, ...]` (a tuple slice) for several items. `value` is
    /// pre-rendered (a name or dotted name); `items` must not be empty.
    Subscript { value: String, items: Vec<Expr> },
    /// `a | b | ...`: a chain of at least two operands, none of which is itself a union
    /// (they would need parentheses).
    Union(Vec<Expr>),
}

impl Expr {
    /// An [`Expr::Atom`].
    pub fn atom(text: impl Into<String>) -> Self {
        Expr::Atom(text.into())
    }

    /// A list without a magic trailing comma.
    pub fn list(items: Vec<Expr>) -> Self {
        Expr::List {
            items,
            magic_trailing_comma: false,
        }
    }

    /// A dict without a magic trailing comma.
    pub fn dict(items: Vec<(Expr, Expr)>) -> Self {
        Expr::Dict {
            items,
            magic_trailing_comma: false,
        }
    }

    /// A call without a magic trailing comma.
    pub fn call(callee: impl Into<String>, args: Vec<Arg>) -> Self {
        Expr::Call {
            callee: callee.into(),
            args,
            magic_trailing_comma: false,
        }
    }

    /// `value[items]`.
    pub fn subscript(value: impl Into<String>, items: Vec<Expr>) -> Self {
        Expr::Subscript {
            value: value.into(),
            items,
        }
    }
}

/// One argument of a call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// `value`
    Positional(Expr),
    /// `name=value`
    Keyword(String, Expr),
    /// `**value`
    DoubleStar(Expr),
}

/// A fluent method chain `head.a(...).b(...)...`, see [`assign_chain`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chain {
    pub head: Expr,
    pub calls: Vec<ChainCall>,
}

/// One element of a [`Chain`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainCall {
    /// `.name(args)`
    Call {
        name: String,
        args: Vec<Arg>,
        magic_trailing_comma: bool,
    },
    /// A full-line comment (including the leading `#`) printed on its own line at
    /// the chain's indentation, between the surrounding calls.
    Comment(String),
}

/// Formats `<indent>target = <chain>` the way `ruff format` does.
///
/// A chain whose head is followed by at least two calls (our chains always have
/// five or more) is a *fluent* chain for ruff: when the statement does not fit on
/// one line, the chain is wrapped in parentheses and, unless it then fits on the
/// single line inside them, every `.call(...)` starts its own line at `indent + 4`:
///
/// ```text
/// x = (
///     task(f)
///     .validate()
///     .partial(a=1, **(params.get("x") or {}))
///     .call()
/// )
/// ```
///
/// Each call's arguments are then laid out independently on their line. A head
/// that is not call-like (does not end with `)` or `]`, e.g. a bare name) keeps
/// the first call on its line (`task.a()`), as ruff does. A [`ChainCall::Comment`]
/// (or a magic trailing comma anywhere) forces the broken layout. `indent` is a
/// number of spaces. The result ends with a newline.
pub fn assign_chain(target: &str, chain: &Chain, indent: usize) -> String {
    let mut b = Builder::default();
    let parens = b.new_id();
    let fluent = b.new_id();

    let mut content = b.expr(&chain.head);
    let mut value_is_call_like = expr_is_call_like(&chain.head);
    let mut pending_comments: Vec<&str> = Vec::new();
    for call in &chain.calls {
        match call {
            ChainCall::Comment(text) => pending_comments.push(text),
            ChainCall::Call {
                name,
                args,
                magic_trailing_comma,
            } => {
                if value_is_call_like {
                    content.push(Doc::Line(LineMode::Soft));
                }
                push_own_line_comments(&mut content, &pending_comments);
                pending_comments.clear();
                content.push(Doc::text(format!(".{name}")));
                content.extend(b.arguments(args, *magic_trailing_comma));
                value_is_call_like = true;
            }
        }
    }
    // Comments after the last call become own-line trailing comments.
    for comment in pending_comments {
        content.push(Doc::Line(LineMode::Hard));
        content.push(Doc::text(comment));
    }

    let doc = vec![
        Doc::text(format!("{target} = ")),
        Doc::group(
            Some(parens),
            vec![
                Doc::IfBreaks {
                    group: Some(parens),
                    contents: vec![Doc::text("(")],
                },
                Doc::IndentIfBreaks {
                    group: parens,
                    contents: vec![Doc::Line(LineMode::Soft), Doc::group(Some(fluent), content)],
                },
                Doc::Line(LineMode::Soft),
                Doc::IfBreaks {
                    group: Some(parens),
                    contents: vec![Doc::text(")")],
                },
            ],
        ),
    ];
    let mut out = print(doc, indent);
    out.push('\n');
    out
}

/// Formats the single logical line `<indent><prefix><expr><suffix>` like `ruff format`.
///
/// `prefix` must be empty (an expression statement), `return `, or
/// `<name or dotted name> = ` (an assignment to a single, unparenthesized
/// target); `suffix` is plain text appended after the expression (normally
/// empty). For a non-empty prefix ruff's *best fit* rules apply to a top-level
/// call with a dotted-name callee and to a top-level atom: if the line does not
/// fit (for a call: if not even `prefix callee(` fits), the value is wrapped in
/// parentheses on its own lines when that makes every line fit. The result ends
/// with a newline; `indent` is a number of spaces.
pub fn format_expr(expr: &Expr, indent: usize, prefix: &str, suffix: &str) -> String {
    let mut b = Builder::default();
    let content = match expr {
        // `maybe_parenthesize_expression` of a binary expression: `parenthesize_if_expands`.
        Expr::Union(operands) => {
            let union = b.union(operands);
            b.parenthesize_if_expands(union)
        }
        _ => b.expr(expr),
    };
    let best_fit = !prefix.is_empty()
        && match expr {
            Expr::Atom(_) => true,
            Expr::Call { callee, .. } => is_dotted_name(callee),
            Expr::Subscript { value, .. } => is_dotted_name(value),
            Expr::List { .. } | Expr::Dict { .. } | Expr::Union(_) => false,
        };
    let fits = |text: &str| indent + str_width(text) <= LINE_WIDTH;
    let parenthesize = best_fit && {
        let first_line_fits = match expr {
            // Ruff measures only up to the call's opening parenthesis here: the
            // arguments are allowed to break (`fits_expanded`).
            Expr::Call { callee, args, .. } if !args.is_empty() => {
                fits(&format!("{prefix}{callee}("))
            }
            Expr::Subscript { value, .. } => fits(&format!("{prefix}{value}[")),
            _ => flat_width(&content)
                .is_some_and(|w| indent + str_width(prefix) + w + str_width(suffix) <= LINE_WIDTH),
        };
        !first_line_fits
            && fits(&format!("{prefix}("))
            && fits(&format!("){suffix}"))
            && all_lines_fit_expanded(&content, indent + INDENT_WIDTH)
    };
    let mut doc = vec![Doc::text(prefix)];
    if parenthesize {
        doc.push(Doc::text("("));
        doc.push(Doc::Indent(
            std::iter::once(Doc::Line(LineMode::Hard))
                .chain(content)
                .collect(),
        ));
        doc.push(Doc::Line(LineMode::Hard));
        doc.push(Doc::text(")"));
    } else {
        doc.extend(content);
    }
    doc.push(Doc::text(suffix));
    let mut out = print(doc, indent);
    out.push('\n');
    out
}

/// Whether an expression ends in call or subscript brackets (or is parenthesized),
/// i.e. whether ruff breaks a fluent chain right after it.
fn expr_is_call_like(expr: &Expr) -> bool {
    match expr {
        Expr::Call { .. } | Expr::Subscript { .. } => true,
        Expr::Atom(text) => text.ends_with(')') || text.ends_with(']'),
        Expr::List { .. } | Expr::Dict { .. } | Expr::Union(_) => false,
    }
}

/// The text inside the outer parentheses of a fully parenthesized atom such as
/// `(a or b)` (but not `(a)(b)` or `(a, b)`), with all redundant levels removed.
fn strip_parentheses(text: &str) -> Option<&str> {
    let mut result = None;
    let mut current = text;
    while let Some(inner) = current.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        // The opening parenthesis must close at the very end, with no top-level comma
        // (a tuple) in between; string literals may contain any bracket.
        let mut depth = 0usize;
        let mut quote: Option<char> = None;
        let mut escaped = false;
        let mut ok = true;
        for c in inner.chars() {
            if let Some(q) = quote {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
                continue;
            }
            match c {
                '"' | '\'' => quote = Some(c),
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => {
                    if depth == 0 {
                        ok = false;
                        break;
                    }
                    depth -= 1;
                }
                ',' if depth == 0 => {
                    ok = false;
                    break;
                }
                _ => {}
            }
        }
        if !ok || depth != 0 || quote.is_some() || inner.trim().is_empty() {
            break;
        }
        result = Some(inner);
        current = inner;
    }
    result
}

/// `a`, `a.b.c`: identifiers separated by dots.
pub(super) fn is_dotted_name(text: &str) -> bool {
    !text.is_empty()
        && text.split('.').all(|part| {
            let mut chars = part.chars();
            chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
                && chars.all(|c| c == '_' || c.is_alphanumeric())
        })
}

fn push_own_line_comments(content: &mut Vec<Doc>, comments: &[&str]) {
    if comments.is_empty() {
        return;
    }
    content.push(Doc::Line(LineMode::Hard));
    for comment in comments {
        content.push(Doc::text(*comment));
        content.push(Doc::Line(LineMode::Hard));
    }
}

// ---------------------------------------------------------------------------
// Document IR
// ---------------------------------------------------------------------------

pub(super) type GroupId = u32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum LineMode {
    /// Nothing when flat, a newline when expanded.
    Soft,
    /// A space when flat, a newline when expanded.
    SoftOrSpace,
    /// Always a newline (forces enclosing groups to expand).
    Hard,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mode {
    Flat,
    Expanded,
}

#[derive(Clone, Debug)]
pub(super) enum Doc {
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
    pub(super) fn text(text: impl Into<String>) -> Doc {
        let text = text.into();
        let width = str_width(&text);
        Doc::Text(text, width)
    }

    pub(super) fn group(id: Option<GroupId>, contents: Vec<Doc>) -> Doc {
        Doc::Group {
            id,
            expand: false,
            contents,
        }
    }

    /// A group that is always expanded (`group(..).should_expand(true)`).
    pub(super) fn expanded_group(contents: Vec<Doc>) -> Doc {
        Doc::Group {
            id: None,
            expand: true,
            contents,
        }
    }
}

/// Builds the IR for expressions, mirroring ruff's `FormatExpr*` rules.
#[derive(Default)]
pub(super) struct Builder {
    next_id: GroupId,
}

impl Builder {
    pub(super) fn new_id(&mut self) -> GroupId {
        self.next_id += 1;
        self.next_id
    }

    pub(super) fn expr(&mut self, expr: &Expr) -> Vec<Doc> {
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
    pub(super) fn union(&mut self, operands: &[Expr]) -> Vec<Doc> {
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
    pub(super) fn parenthesize_if_expands(&mut self, content: Vec<Doc>) -> Vec<Doc> {
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
    fn arguments(&mut self, args: &[Arg], magic_trailing_comma: bool) -> Vec<Doc> {
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

// ---------------------------------------------------------------------------
// Printer
// ---------------------------------------------------------------------------

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
pub(super) fn print(mut docs: Vec<Doc>, indent: usize) -> String {
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
fn flat_width(docs: &[Doc]) -> Option<usize> {
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
fn all_lines_fit_expanded(docs: &[Doc], indent: usize) -> bool {
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
