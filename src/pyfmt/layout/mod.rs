//! Expression and statement layout: a small document IR plus a printer that
//! mirrors `ruff_formatter`'s group semantics (see the [module docs](super)).

mod doc;
mod printer;

pub(crate) use super::width::str_width;

pub(super) use doc::{Builder, Doc, LineMode};
pub(super) use printer::print;
use printer::{all_lines_fit_expanded, flat_width};

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
