//! Emits Python source that is already in the exact form `ruff format` followed
//! by `ruff check --fix` (isort and friends; ruff 0.16, line length 88, target
//! Python 3.10) would leave it, without running ruff.
//!
//! Only the narrow set of constructs `wtc` generates is supported:
//!
//! * literals ([`py_str`], [`py_int`], [`py_float`], [`py_bool`], [`py_none`]),
//! * expressions built from pre-rendered atoms, lists, dicts and calls
//!   ([`Expr`], [`Arg`], laid out by [`format_expr`]),
//! * assignments of fluent method chains ([`Chain`], [`assign_chain`]),
//! * import blocks ([`Import`], [`import_block`]).
//!
//! # Printer model
//!
//! Ruff's formatter (`ruff_formatter`, derived from Prettier/Rome) turns the
//! syntax tree into a document of text, line breaks (*soft*: nothing or a space
//! when flat; *hard*: always) and nested *groups*, then prints it in one pass:
//! each group is printed *flat* if its content, together with whatever follows
//! it up to the next line break that is already decided to be a newline (in
//! practice, the rest of the current line), fits in the remaining width;
//! otherwise it is *expanded* and its soft line breaks become newlines, while
//! the groups nested inside it are again measured one by one. Outer groups are
//! therefore broken first. A group containing a hard line break, a comment or a
//! magic trailing comma (ruff's `expand_parent`) is always expanded, and so are
//! all groups enclosing it. Conditional content (`if_group_breaks`, e.g. the
//! trailing comma added to a broken collection) and conditional indentation
//! refer to a group's decided mode.
//!
//! [`layout`] rebuilds exactly the document ruff builds for our constructs
//! (`parenthesized` brackets with `soft_block_indent`, `join_comma_separated`,
//! the extra inner group around call arguments, `group(key: value)` for dict
//! entries, the fluent call-chain group inside `parenthesize_if_expands`) and
//! prints it with the same algorithm. Two statement-level special cases of
//! ruff's are handled directly in [`format_expr`]: *best fit parenthesize* for
//! atoms and calls on the right of `=`/`return`.
//!
//! Widths are measured like ruff: per character with `unicode-width`
//! (East Asian wide characters and emoji count 2, combining marks 0).
//!
//! # Known divergences from ruff
//!
//! * [`Expr::Atom`]s are never broken. Ruff would split an atom with brackets
//!   (`os.environ["..."]`, `(a or b)`, `f(x)`) if its line is still too long
//!   after everything else is broken; keep such atoms short. Names, number and
//!   string literals match ruff exactly (ruff leaves overlong ones as they are).
//! * Atoms must not contain newlines (no triple-quoted multi-line strings) and
//!   comments must already be normalized (`# text`, no trailing whitespace).
//! * [`format_expr`] supports only an empty prefix, `return `, or an assignment
//!   to a name or dotted name (`x = `, `self.x = `); annotated assignments,
//!   subscript or multiple targets use other ruff layouts.
//! * [`import_block`] does not model `UP` rewrites of deprecated imports or the
//!   removal of unused imports (`F401`): import only what the module uses.

mod imports;
mod layout;
mod literal;

#[cfg(test)]
mod tests;

pub use imports::{Import, import_block};
pub use layout::{Arg, Chain, ChainCall, Expr, LINE_WIDTH, assign_chain, format_expr};
pub use literal::{py_bool, py_float, py_int, py_none, py_str};
