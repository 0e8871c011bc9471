//! Expression and statement layout: a small document IR plus a printer that
//! mirrors `ruff_formatter`'s group semantics (see the [module docs](super)).

use std::collections::HashMap;

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
    let content = b.expr(expr);
    let best_fit = !prefix.is_empty()
        && match expr {
            Expr::Atom(_) => true,
            Expr::Call { callee, .. } => is_dotted_name(callee),
            Expr::List { .. } | Expr::Dict { .. } => false,
        };
    let fits = |text: &str| indent + str_width(text) <= LINE_WIDTH;
    let parenthesize = best_fit && {
        let first_line_fits = match expr {
            // Ruff measures only up to the call's opening parenthesis here: the
            // arguments are allowed to break (`fits_expanded`).
            Expr::Call { callee, args, .. } if !args.is_empty() => {
                fits(&format!("{prefix}{callee}("))
            }
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
        Expr::Call { .. } => true,
        Expr::Atom(text) => text.ends_with(')') || text.ends_with(']'),
        Expr::List { .. } | Expr::Dict { .. } => false,
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
fn is_dotted_name(text: &str) -> bool {
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

type GroupId = u32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LineMode {
    /// Nothing when flat, a newline when expanded.
    Soft,
    /// A space when flat, a newline when expanded.
    SoftOrSpace,
    /// Always a newline (forces enclosing groups to expand).
    Hard,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Flat,
    Expanded,
}

#[derive(Clone, Debug)]
enum Doc {
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
}

impl Doc {
    fn text(text: impl Into<String>) -> Doc {
        let text = text.into();
        let width = str_width(&text);
        Doc::Text(text, width)
    }

    fn group(id: Option<GroupId>, contents: Vec<Doc>) -> Doc {
        Doc::Group {
            id,
            expand: false,
            contents,
        }
    }
}

/// Builds the IR for expressions, mirroring ruff's `FormatExpr*` rules.
#[derive(Default)]
struct Builder {
    next_id: GroupId,
}

impl Builder {
    fn new_id(&mut self) -> GroupId {
        self.next_id += 1;
        self.next_id
    }

    fn expr(&mut self, expr: &Expr) -> Vec<Doc> {
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
        }
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
    /// Width of the current line so far (0 while only the pending indent is due).
    line_width: usize,
    /// Indentation to emit before the next text on a fresh line.
    pending_indent: Option<usize>,
    group_modes: HashMap<GroupId, Mode>,
}

/// Prints `docs` starting on a fresh line indented by `indent` spaces.
fn print(mut docs: Vec<Doc>, indent: usize) -> String {
    propagate_expand(&mut docs);
    let mut printer = Printer {
        out: String::new(),
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
                } else if cmd.mode == Mode::Flat {
                    // The enclosing group was measured to fit flat.
                    Mode::Flat
                } else {
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

/// Display width of `text` as ruff measures it (`unicode-width` per character,
/// control characters count 0).
pub(crate) fn str_width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

fn char_width(c: char) -> usize {
    let cp = u32::from(c);
    if (0x20..0x7F).contains(&cp) {
        return 1;
    }
    // Binary search the (start << 2 | width, end) pairs.
    let (mut lo, mut hi) = (0, WIDTH_RANGES.len() / 2);
    while lo < hi {
        let mid = (lo + hi) / 2;
        let start = WIDTH_RANGES[2 * mid] >> 2;
        let end = WIDTH_RANGES[2 * mid + 1];
        if cp < start {
            hi = mid;
        } else if cp > end {
            lo = mid + 1;
        } else {
            return (WIDTH_RANGES[2 * mid] & 3) as usize;
        }
    }
    1
}

/// Code point ranges whose width is not 1, as flattened pairs
/// `(start << 2 | width, end)`, sorted. Generated from the `unicode-width` crate
/// (0.2, the version ruff uses) with `c.width().unwrap_or(0)`.
const WIDTH_RANGES: [u32; 1062] = [
    0x0, 0x1F, 0x1FC, 0x9F, 0x2B4, 0xAD, 0xC00, 0x36F, 0x120C, 0x489, 0x1644, 0x5BD, 0x16FC, 0x5BF,
    0x1704, 0x5C2, 0x1710, 0x5C5, 0x171C, 0x5C9, 0x1814, 0x605, 0x1840, 0x61A, 0x1870, 0x61C,
    0x192C, 0x65F, 0x19C0, 0x670, 0x1B58, 0x6DC, 0x1B7C, 0x6E4, 0x1B9C, 0x6E8, 0x1BA8, 0x6ED,
    0x1C3C, 0x70F, 0x1C44, 0x711, 0x1CC0, 0x74A, 0x1E98, 0x7B0, 0x1FAC, 0x7F3, 0x1FF4, 0x7FD,
    0x2058, 0x819, 0x206C, 0x823, 0x2094, 0x827, 0x20A4, 0x82D, 0x2164, 0x85B, 0x2240, 0x891,
    0x225C, 0x89F, 0x2328, 0x902, 0x24E8, 0x93A, 0x24F0, 0x93C, 0x2504, 0x948, 0x2534, 0x94D,
    0x2544, 0x957, 0x2588, 0x963, 0x2604, 0x981, 0x26F0, 0x9BC, 0x26F8, 0x9BE, 0x2704, 0x9C4,
    0x2734, 0x9CD, 0x275C, 0x9D7, 0x2788, 0x9E3, 0x27F8, 0x9FE, 0x2804, 0xA02, 0x28F0, 0xA3C,
    0x2904, 0xA42, 0x291C, 0xA48, 0x292C, 0xA4D, 0x2944, 0xA51, 0x29C0, 0xA71, 0x29D4, 0xA75,
    0x2A04, 0xA82, 0x2AF0, 0xABC, 0x2B04, 0xAC5, 0x2B1C, 0xAC8, 0x2B34, 0xACD, 0x2B88, 0xAE3,
    0x2BE8, 0xAFF, 0x2C04, 0xB01, 0x2CF0, 0xB3C, 0x2CF8, 0xB3F, 0x2D04, 0xB44, 0x2D34, 0xB4D,
    0x2D4C, 0xB57, 0x2D88, 0xB63, 0x2E08, 0xB82, 0x2EF8, 0xBBE, 0x2F00, 0xBC0, 0x2F34, 0xBCD,
    0x2F5C, 0xBD7, 0x3000, 0xC00, 0x3010, 0xC04, 0x30F0, 0xC3C, 0x30F8, 0xC40, 0x3118, 0xC48,
    0x3128, 0xC4D, 0x3154, 0xC56, 0x3188, 0xC63, 0x3204, 0xC81, 0x32F0, 0xCBC, 0x32FC, 0xCC0,
    0x3308, 0xCC2, 0x3318, 0xCC8, 0x3328, 0xCCD, 0x3354, 0xCD6, 0x3388, 0xCE3, 0x3400, 0xD01,
    0x34EC, 0xD3C, 0x34F8, 0xD3E, 0x3504, 0xD44, 0x3534, 0xD4E, 0x355C, 0xD57, 0x3588, 0xD63,
    0x3604, 0xD81, 0x3728, 0xDCA, 0x373C, 0xDCF, 0x3748, 0xDD4, 0x3758, 0xDD6, 0x377C, 0xDDF,
    0x38C4, 0xE31, 0x38D0, 0xE3A, 0x391C, 0xE4E, 0x3AC4, 0xEB1, 0x3AD0, 0xEBC, 0x3B20, 0xECE,
    0x3C60, 0xF19, 0x3CD4, 0xF35, 0x3CDC, 0xF37, 0x3CE4, 0xF39, 0x3DC4, 0xF7E, 0x3E00, 0xF84,
    0x3E18, 0xF87, 0x3E34, 0xF97, 0x3E64, 0xFBC, 0x3F18, 0xFC6, 0x40B4, 0x1030, 0x40C8, 0x1037,
    0x40E4, 0x103A, 0x40F4, 0x103E, 0x4160, 0x1059, 0x4178, 0x1060, 0x41C4, 0x1074, 0x4208, 0x1082,
    0x4214, 0x1086, 0x4234, 0x108D, 0x4274, 0x109D, 0x4402, 0x115F, 0x4580, 0x11FF, 0x4D74, 0x135F,
    0x5C48, 0x1715, 0x5CC8, 0x1734, 0x5D48, 0x1753, 0x5DC8, 0x1773, 0x5E92, 0x17A4, 0x5ED0, 0x17B5,
    0x5EDC, 0x17BD, 0x5F18, 0x17C6, 0x5F24, 0x17D3, 0x5F63, 0x17D8, 0x5F74, 0x17DD, 0x602C, 0x180F,
    0x6214, 0x1886, 0x62A4, 0x18A9, 0x6480, 0x1922, 0x649C, 0x1928, 0x64C8, 0x1932, 0x64E4, 0x193B,
    0x685C, 0x1A18, 0x686C, 0x1A1B, 0x6958, 0x1A56, 0x6960, 0x1A5E, 0x6980, 0x1A60, 0x6988, 0x1A62,
    0x6994, 0x1A6C, 0x69CC, 0x1A7C, 0x69FC, 0x1A7F, 0x6AC0, 0x1AF0, 0x6C00, 0x1B03, 0x6CD0, 0x1B3D,
    0x6D08, 0x1B44, 0x6DAC, 0x1B73, 0x6E00, 0x1B81, 0x6E88, 0x1BA5, 0x6EA0, 0x1BAD, 0x6F98, 0x1BE6,
    0x6FA0, 0x1BE9, 0x6FB4, 0x1BED, 0x6FBC, 0x1BF3, 0x70B0, 0x1C33, 0x70D8, 0x1C37, 0x7340, 0x1CD2,
    0x7350, 0x1CE0, 0x7388, 0x1CE8, 0x73B4, 0x1CED, 0x73D0, 0x1CF4, 0x73E0, 0x1CF9, 0x7700, 0x1DFF,
    0x802C, 0x200F, 0x80A8, 0x202E, 0x8180, 0x206F, 0x8340, 0x20F0, 0x8C6A, 0x231B, 0x8CA6, 0x232A,
    0x8FA6, 0x23EC, 0x8FC2, 0x23F0, 0x8FCE, 0x23F3, 0x97F6, 0x25FE, 0x9852, 0x2615, 0x98C2, 0x2637,
    0x9922, 0x2653, 0x99FE, 0x267F, 0x9A2A, 0x268F, 0x9A4E, 0x2693, 0x9A86, 0x26A1, 0x9AAA, 0x26AB,
    0x9AF6, 0x26BE, 0x9B12, 0x26C5, 0x9B3A, 0x26CE, 0x9B52, 0x26D4, 0x9BAA, 0x26EA, 0x9BCA, 0x26F3,
    0x9BD6, 0x26F5, 0x9BEA, 0x26FA, 0x9BF6, 0x26FD, 0x9C16, 0x2705, 0x9C2A, 0x270B, 0x9CA2, 0x2728,
    0x9D32, 0x274C, 0x9D3A, 0x274E, 0x9D4E, 0x2755, 0x9D5E, 0x2757, 0x9E56, 0x2797, 0x9EC2, 0x27B0,
    0x9EFE, 0x27BF, 0xAC6E, 0x2B1C, 0xAD42, 0x2B50, 0xAD56, 0x2B55, 0xB3BC, 0x2CF1, 0xB780, 0x2DFF,
    0xBA02, 0x2E99, 0xBA6E, 0x2EF3, 0xBC02, 0x2FD5, 0xBFC2, 0x3029, 0xC0A8, 0x302F, 0xC0C2, 0x303E,
    0xC106, 0x3096, 0xC264, 0x309A, 0xC26E, 0x30FF, 0xC416, 0x312F, 0xC4C6, 0x3163, 0xC590, 0x3164,
    0xC596, 0x318E, 0xC642, 0x31E5, 0xC7BE, 0x321E, 0xC882, 0x3247, 0xC942, 0xA48C, 0x29242,
    0xA4C6, 0x299BC, 0xA672, 0x299D0, 0xA67D, 0x29A78, 0xA69F, 0x29BC0, 0xA6F1, 0x2A008, 0xA802,
    0x2A018, 0xA806, 0x2A02C, 0xA80B, 0x2A094, 0xA826, 0x2A0B0, 0xA82C, 0x2A310, 0xA8C5, 0x2A380,
    0xA8F1, 0x2A3E8, 0xA8FA, 0x2A3FC, 0xA8FF, 0x2A498, 0xA92D, 0x2A51C, 0xA951, 0x2A54C, 0xA953,
    0x2A582, 0xA97C, 0x2A600, 0xA982, 0x2A6CC, 0xA9B3, 0x2A6D8, 0xA9B9, 0x2A6F0, 0xA9BD, 0x2A700,
    0xA9C0, 0x2A794, 0xA9E5, 0x2A8A4, 0xAA2E, 0x2A8C4, 0xAA32, 0x2A8D4, 0xAA36, 0x2A90C, 0xAA43,
    0x2A930, 0xAA4C, 0x2A9F0, 0xAA7C, 0x2AAC0, 0xAAB0, 0x2AAC8, 0xAAB4, 0x2AADC, 0xAAB8, 0x2AAF8,
    0xAABF, 0x2AB04, 0xAAC1, 0x2ABB0, 0xAAED, 0x2ABD8, 0xAAF6, 0x2AF94, 0xABE5, 0x2AFA0, 0xABE8,
    0x2AFB4, 0xABED, 0x2B002, 0xD7A3, 0x35EC0, 0xD7C6, 0x35F2C, 0xD7FB, 0x3E402, 0xFAFF, 0x3EC78,
    0xFB1E, 0x3F800, 0xFE0F, 0x3F842, 0xFE19, 0x3F880, 0xFE2F, 0x3F8C2, 0xFE52, 0x3F952, 0xFE66,
    0x3F9A2, 0xFE6B, 0x3FBFC, 0xFEFF, 0x3FC06, 0xFF60, 0x3FE80, 0xFFA0, 0x3FF82, 0xFFE6, 0x3FFC0,
    0xFFF8, 0x407F4, 0x101FD, 0x40B80, 0x102E0, 0x40DD8, 0x1037A, 0x42804, 0x10A03, 0x42814,
    0x10A06, 0x42830, 0x10A0F, 0x428E0, 0x10A3A, 0x428FC, 0x10A3F, 0x42B94, 0x10AE6, 0x43490,
    0x10D27, 0x435A4, 0x10D6D, 0x43AAC, 0x10EAC, 0x43B2C, 0x10ECF, 0x43BC0, 0x10EFF, 0x43D18,
    0x10F50, 0x43E08, 0x10F85, 0x44004, 0x11001, 0x440E0, 0x11046, 0x441C0, 0x11070, 0x441CC,
    0x11074, 0x441FC, 0x11081, 0x442CC, 0x110B6, 0x442E4, 0x110BA, 0x44308, 0x110C2, 0x44400,
    0x11102, 0x4449C, 0x1112B, 0x444B4, 0x11134, 0x445CC, 0x11173, 0x44600, 0x11181, 0x446D8,
    0x111BE, 0x44700, 0x111C0, 0x44708, 0x111C3, 0x44724, 0x111CC, 0x4473C, 0x111CF, 0x448BC,
    0x11231, 0x448D0, 0x11237, 0x448F8, 0x1123E, 0x44904, 0x11241, 0x44B7C, 0x112DF, 0x44B8C,
    0x112EA, 0x44C00, 0x11301, 0x44CEC, 0x1133C, 0x44CF8, 0x1133E, 0x44D00, 0x11340, 0x44D34,
    0x1134D, 0x44D5C, 0x11357, 0x44D98, 0x1136C, 0x44DC0, 0x11374, 0x44EE0, 0x113B8, 0x44EEC,
    0x113C0, 0x44F08, 0x113C2, 0x44F14, 0x113C5, 0x44F1C, 0x113C9, 0x44F38, 0x113D2, 0x44F84,
    0x113E2, 0x450E0, 0x1143F, 0x45108, 0x11444, 0x45118, 0x11446, 0x45178, 0x1145E, 0x452C0,
    0x114B0, 0x452CC, 0x114B8, 0x452E8, 0x114BA, 0x452F4, 0x114BD, 0x452FC, 0x114C0, 0x45308,
    0x114C3, 0x456BC, 0x115AF, 0x456C8, 0x115B5, 0x456F0, 0x115BD, 0x456FC, 0x115C0, 0x45770,
    0x115DD, 0x458CC, 0x1163A, 0x458F4, 0x1163D, 0x458FC, 0x11640, 0x45AAC, 0x116AB, 0x45AB4,
    0x116AD, 0x45AC0, 0x116B7, 0x45C74, 0x1171D, 0x45C7C, 0x1171F, 0x45C88, 0x11725, 0x45C9C,
    0x1172B, 0x460BC, 0x11837, 0x460E4, 0x1183A, 0x464C0, 0x11930, 0x464EC, 0x1193F, 0x46504,
    0x11941, 0x4650C, 0x11943, 0x46750, 0x119D7, 0x46768, 0x119DB, 0x46780, 0x119E0, 0x46804,
    0x11A0A, 0x468CC, 0x11A38, 0x468EC, 0x11A3E, 0x4691C, 0x11A47, 0x46944, 0x11A56, 0x46964,
    0x11A5B, 0x46A10, 0x11A96, 0x46A60, 0x11A99, 0x46D80, 0x11B60, 0x46D88, 0x11B64, 0x46D98,
    0x11B66, 0x470C0, 0x11C36, 0x470E0, 0x11C3D, 0x470FC, 0x11C3F, 0x47248, 0x11CA7, 0x472A8,
    0x11CB0, 0x472C8, 0x11CB3, 0x472D4, 0x11CB6, 0x474C4, 0x11D36, 0x474E8, 0x11D3A, 0x474F0,
    0x11D3D, 0x474FC, 0x11D47, 0x47640, 0x11D91, 0x47654, 0x11D95, 0x4765C, 0x11D97, 0x477C0,
    0x11DF0, 0x47BCC, 0x11EF4, 0x47C00, 0x11F02, 0x47CD8, 0x11F3A, 0x47D00, 0x11F42, 0x47D68,
    0x11F5A, 0x4D100, 0x13440, 0x4D11C, 0x13455, 0x58478, 0x16129, 0x584B4, 0x1612F, 0x5ABC0,
    0x16AF4, 0x5ACC0, 0x16B36, 0x5BD3C, 0x16F4F, 0x5BE3C, 0x16F92, 0x5BF82, 0x16FE3, 0x5BF90,
    0x16FE4, 0x5BFC0, 0x16FF1, 0x5BFCA, 0x16FF6, 0x5C002, 0x18CDA, 0x633FE, 0x18D20, 0x63602,
    0x18DF2, 0x63802, 0x19191, 0x64682, 0x191D2, 0x6BFC2, 0x1AFF3, 0x6BFD6, 0x1AFFB, 0x6BFF6,
    0x1AFFE, 0x6C002, 0x1B128, 0x6C4CA, 0x1B132, 0x6C542, 0x1B152, 0x6C556, 0x1B155, 0x6C592,
    0x1B168, 0x6C5C2, 0x1B2FB, 0x6F274, 0x1BC9E, 0x6F280, 0x1BCA3, 0x73C00, 0x1CF2D, 0x73CC0,
    0x1CF46, 0x7449C, 0x1D128, 0x74594, 0x1D169, 0x745B4, 0x1D182, 0x74614, 0x1D18B, 0x746A8,
    0x1D1AD, 0x74908, 0x1D244, 0x74940, 0x1D252, 0x7496C, 0x1D25C, 0x7497C, 0x1D25F, 0x74A00,
    0x1D281, 0x74C02, 0x1D356, 0x74D82, 0x1D376, 0x76800, 0x1DA36, 0x768EC, 0x1DA6C, 0x769D4,
    0x1DA75, 0x76A10, 0x1DA84, 0x76A6C, 0x1DA9F, 0x76A84, 0x1DAAF, 0x78000, 0x1E006, 0x78020,
    0x1E018, 0x7806C, 0x1E021, 0x7808C, 0x1E024, 0x78098, 0x1E02A, 0x7823C, 0x1E08F, 0x784C0,
    0x1E136, 0x78AB8, 0x1E2AE, 0x78BB0, 0x1E2EF, 0x793B0, 0x1E4EF, 0x797B8, 0x1E5EF, 0x79B8C,
    0x1E6E3, 0x79B98, 0x1E6E6, 0x79BB8, 0x1E6EF, 0x79BD4, 0x1E6F5, 0x7A340, 0x1E8D6, 0x7A510,
    0x1E94A, 0x7C012, 0x1F004, 0x7C33E, 0x1F0CF, 0x7C63A, 0x1F18E, 0x7C646, 0x1F19A, 0x7C6BA,
    0x1F1AE, 0x7C802, 0x1F202, 0x7C842, 0x1F23B, 0x7C902, 0x1F248, 0x7C942, 0x1F251, 0x7C982,
    0x1F265, 0x7CC02, 0x1F320, 0x7CCB6, 0x1F335, 0x7CCDE, 0x1F37C, 0x7CDFA, 0x1F393, 0x7CE82,
    0x1F3CA, 0x7CF3E, 0x1F3D3, 0x7CF82, 0x1F3F0, 0x7CFD2, 0x1F3F4, 0x7CFE2, 0x1F43E, 0x7D102,
    0x1F440, 0x7D10A, 0x1F4FC, 0x7D3FE, 0x1F53D, 0x7D52E, 0x1F54E, 0x7D542, 0x1F567, 0x7D5EA,
    0x1F57A, 0x7D656, 0x1F596, 0x7D692, 0x1F5A4, 0x7D7EE, 0x1F64F, 0x7DA02, 0x1F6C5, 0x7DB32,
    0x1F6CC, 0x7DB42, 0x1F6D2, 0x7DB56, 0x1F6D9, 0x7DB72, 0x1F6DF, 0x7DBAE, 0x1F6EC, 0x7DBD2,
    0x1F6FC, 0x7DF6A, 0x1F7DA, 0x7DF82, 0x1F7EB, 0x7DFC2, 0x1F7F0, 0x7E432, 0x1F93A, 0x7E4F2,
    0x1F945, 0x7E51E, 0x1F9FF, 0x7E9C2, 0x1FA7C, 0x7EA02, 0x1FAC6, 0x7EB22, 0x1FAC8, 0x7EB32,
    0x1FADD, 0x7EB7E, 0x1FAEB, 0x7EBBE, 0x1FAFA, 0x80002, 0x2FFFD, 0xC0002, 0x3FFFD, 0x380000,
    0xE0FFF,
];
