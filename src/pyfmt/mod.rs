//! Emits Python source that is already in the exact form that `ruff format`
//! followed by `ruff check --fix --extend-select B006,I,UP` (ruff 0.16, line
//! length 88, target Python 3.10, `--isolated`, run from an empty directory)
//! leaves it in — without running ruff.
//!
//! Only the narrow set of constructs `wtc` generates is supported:
//!
//! * literals: [`py_str`], [`py_int`], [`py_float`], [`py_bool`], [`py_none`];
//! * expressions built from pre-rendered atoms, lists, dicts and calls
//!   ([`Expr`], [`Arg`]), laid out as one statement by [`format_expr`];
//! * assignments of fluent method chains ([`Chain`], [`assign_chain`]);
//! * subscripts and `|` unions ([`Expr::Subscript`], [`Expr::Union`]) as used in type
//!   annotations, annotated assignments ([`format_ann_assign`]) and class headers
//!   ([`format_class_header`]);
//! * import blocks ([`Import`], [`import_block`]).
//!
//! The differential tests (`tests.rs`) run the real ruff on thousands of
//! generated cases and require byte-identical output.
//!
//! # Printer model
//!
//! Ruff's formatter (`ruff_formatter`, derived from Prettier/Rome) turns the
//! syntax tree into a document of text, line breaks (*soft*: nothing or a space
//! when flat; *hard*: always a newline) and nested *groups*, and prints it in a
//! single pass. Each group is printed *flat* if its content, together with what
//! follows it up to the next line break that is already known to be a newline
//! (in practice: the rest of the current line), fits in the remaining width;
//! otherwise it is *expanded*: its own soft line breaks become newlines and the
//! groups nested in it are measured again one by one. Outer groups therefore
//! break first. A group containing a hard line break (a comment) or a magic
//! trailing comma (ruff's `expand_parent`) is always expanded, and so are all
//! groups around it. Conditional content (`if_group_breaks`, e.g. the trailing
//! comma added to a broken collection of two or more elements) and conditional
//! indentation refer to the mode chosen for a group.
//!
//! `layout.rs` builds the same document ruff builds for our constructs —
//! `parenthesized` brackets around a `soft_block_indent`, the comma separated
//! entries of `join_comma_separated`, the extra inner group around call
//! arguments (so that a broken call may keep all its arguments on one indented
//! line), `group(key: value)` for dict entries, the fluent call-chain group
//! inside `parenthesize_if_expands` — and prints it with the same algorithm.
//! Ruff's statement-level *best fit* rules for the value of `x = ...` /
//! `return ...` are applied directly in [`format_expr`]. Widths are measured like
//! ruff: per character with `unicode-width` (East Asian wide characters and
//! emoji count 2, combining marks and control characters 0).
//!
//! `ruff check --fix` runs after the formatter and its fixes are not
//! re-formatted. Besides isort (`I001`, see [`import_block`]) the modelled fixes
//! are `F811` (exact duplicate imports), `PLR0402` (`import a.b as b` becomes
//! `from a import b`) and `UP034` (`f((a or b))` becomes `f(a or b)`, keeping the
//! layout computed with the parentheses).
//!
//! # Known divergences from ruff
//!
//! * [`Expr::Atom`]s are never broken. Ruff would split an atom containing
//!   brackets (`os.environ["..."]`, `(a or b)`, `f(x)`, `float("nan")`) if its
//!   line is still too long after everything around it is broken; keep such
//!   atoms short. Names and number/string literals match ruff exactly (ruff
//!   leaves overlong ones as they are).
//! * Atoms and comments must be single-line, and comments normalized (`# text`,
//!   no trailing whitespace, not empty: `PLR2044` deletes an empty `#`).
//! * [`format_expr`] supports an empty prefix (expression statement), `return `,
//!   or an assignment to a name or dotted name (`x = `, `self.x = `); other
//!   statements (annotated or subscript targets, multiple targets) use other
//!   ruff layouts. A top-level atom must not be parenthesized (ruff removes
//!   redundant parentheses there), and a bare string statement would be a
//!   docstring. Only an empty `suffix` is verified against ruff.
//! * [`assign_chain`] requires a fluent chain (see there): at least two calls
//!   after a call-like head, or three after a name.
//! * ruff 0.16's default rule set is large and some of its fixes rewrite code we
//!   do not model: e.g. `PIE804` (`f(**{"a": 1})`), `C408` (`dict(a=1)`),
//!   `B009` (`getattr(x, "a")`), `UP018` (`str("a")`), `FURB167` (`from re import
//!   A`), `UP035` (deprecated imports such as `typing.Callable`), `UP010`
//!   (obsolete `__future__` features), `RUF100` (unused `# noqa` comments) and
//!   `F401`, which deletes unused imports. Do not generate such code.

mod imports;
mod layout;
mod literal;
mod statements;
mod width;

#[cfg(test)]
mod tests;

pub use imports::{Import, import_block};
pub use layout::{Arg, Chain, ChainCall, Expr, LINE_WIDTH, assign_chain, format_expr};
pub use literal::{py_bool, py_float, py_int, py_none, py_repr_str, py_str};
pub use statements::{format_ann_assign, format_class_header};

/// Marks lines wider than [`LINE_WIDTH`] with `# noqa: E501`. After formatting, such lines
/// can only come from atoms the formatter cannot break (long strings or names from the
/// spec); ruff ignores pragma comments when it measures lines, so the layout is unchanged.
/// `text` must not contain multi-line strings.
pub fn noqa_long_lines(text: &str) -> String {
    // A line of at most LINE_WIDTH bytes is at most LINE_WIDTH columns wide.
    let too_wide = |l: &str| l.len() > LINE_WIDTH && layout::str_width(l) > LINE_WIDTH;
    if !text.lines().any(too_wide) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 256);
    for line in text.split_inclusive('\n') {
        let body = line.strip_suffix('\n').unwrap_or(line);
        if too_wide(body) && !body.contains("# noqa") {
            out.push_str(body);
            out.push_str("  # noqa: E501 (unbreakable value from the spec)");
            out.push_str(&line[body.len()..]);
        } else {
            out.push_str(line);
        }
    }
    out
}
