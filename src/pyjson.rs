//! Serialize [`serde_json::Value`] byte for byte like the Python tools the reference compiler uses.
//!
//! The reference compiler writes its JSON artifacts with Python's `json` module (`json.dumps`) and
//! with pydantic (`model_dump_json()`). Their output differs from `serde_json`'s in separators,
//! string escaping and float formatting, so this module reproduces each of them exactly:
//!
//! | function                   | Python equivalent                                   |
//! |----------------------------|-----------------------------------------------------|
//! | [`to_string_indent2`]      | `json.dumps(v, indent=2)`                           |
//! | [`to_string_sorted`]       | `json.dumps(v, sort_keys=True)`                     |
//! | [`to_string_compact_utf8`] | pydantic `model_dump_json()` (compact, UTF-8)       |
//! | [`py_float_repr`]          | `repr(f)` for a Python `float`                      |
//!
//! # Numbers
//!
//! `serde_json` keeps JSON integers (`1`) apart from floats (`1.0`), exactly like Python's `json`
//! module parses them into `int` and `float`; the distinction is preserved on output. Integers are
//! printed in full (`i64`/`u64`). Floats are printed from their shortest round-trip digits, which
//! Python (`float.__repr__`) and pydantic (`serde_json`'s float formatter) both use; only the
//! choice between positional and scientific notation and the exponent's form differ (see
//! [`py_float_repr`] and [`to_string_compact_utf8`]). `serde_json` 1.0.154's parser reads float
//! text to the same `f64` as Python's `float()` (checked on 200,000 random literals).
//!
//! Two parse-side differences remain, outside this module's reach: `serde_json` reads the JSON
//! integer `-0` as the float `-0.0` (printed `-0.0`), where Python reads the `int` `0`; and it
//! reads integers beyond `u64`/`i64` (e.g. `18446744073709551616`) as floats, which Python keeps
//! as exact `int`s.
//!
//! A `serde_json::Value` cannot hold NaN or infinities (`serde_json` maps them to `null`), so the
//! document serializers never meet them; [`py_float_repr`] still handles them as Python does.
//! Without `serde_json`'s `arbitrary_precision` feature (not enabled in this crate) every number is
//! an `i64`, `u64` or finite `f64`.
//!
//! # Strings
//!
//! Rust strings are valid UTF-8, so they never hold the lone surrogates Python strings can; every
//! string here has a Python counterpart that serializes the same way. Object keys compare by code
//! point in Python; UTF-8 byte order is the same order, so `str`'s `Ord` sorts keys as Python does.

use serde_json::{Map, Number, Value};
use std::fmt::Write as _;

/// `json.dumps(v, indent=2)`: two-space indentation, `","` at line ends, `": "` after
/// keys, `{}`/`[]` for empty containers, ASCII-only output (`ensure_ascii=True`), key order kept.
///
/// There is no trailing newline; the caller adds one when writing a file.
#[must_use]
pub fn to_string_indent2(v: &Value) -> String {
    let mut out = String::new();
    Writer {
        style: &INDENT2,
        out: &mut out,
    }
    .value(v, 0);
    out
}

/// `json.dumps(v, sort_keys=True)`: one line, `", "` between items, `": "` after keys, keys sorted
/// by code point at every level, ASCII-only output (`ensure_ascii=True`).
#[must_use]
pub fn to_string_sorted(v: &Value) -> String {
    let mut out = String::new();
    Writer {
        style: &SORTED,
        out: &mut out,
    }
    .value(v, 0);
    out
}

/// Compact JSON as pydantic's `model_dump_json()` writes it: `,` and `:` separators with no
/// spaces, key order kept, non-ASCII text left as UTF-8.
///
/// Strings escape only `"`, `\` and the control characters U+0000..=U+001F (`\b`, `\t`, `\n`, `\f`,
/// `\r` by name, the others as `\u00xx`); `/` and U+007F stay literal. This is also what
/// `json.dumps(v, ensure_ascii=False, separators=(",", ":"))` does with strings.
///
/// Floats follow pydantic (whose serializer is `serde_json`'s), not Python's `repr`: positional
/// notation for decimal exponents in `-5..16` (`0.00001`, `1234567890123456.0`), scientific
/// otherwise with an explicit sign and no zero padding (`1.5e-6`, `1e+16`). Python's `json` module
/// would instead print `1e-05` and `1.5e-06`. Verified against pydantic 2.13 / pydantic-core
/// 2.46 (which agrees with `serde_json::to_string` on every float tested).
#[must_use]
pub fn to_string_compact_utf8(v: &Value) -> String {
    let mut out = String::new();
    Writer {
        style: &COMPACT_UTF8,
        out: &mut out,
    }
    .value(v, 0);
    out
}

/// Append `v` to `out` as [`to_string_compact_utf8`] writes it.
pub fn push_compact_utf8(out: &mut String, v: &Value) {
    Writer {
        style: &COMPACT_UTF8,
        out,
    }
    .value(v, 0);
}

/// `repr(f)` for a Python `float`: the shortest digits that round-trip, positional notation when
/// the decimal exponent is in `-4..16` (always with a fractional part, e.g. `1.0`, `0.0001`,
/// `123456789012345.0`), scientific otherwise with a signed exponent of at least two digits
/// (`1e-05`, `1e+16`, `1.5e+300`). `inf`, `-inf` and `nan` are printed as Python prints them.
#[must_use]
pub fn py_float_repr(f: f64) -> String {
    let mut out = String::new();
    write_float(&mut out, f, FloatStyle::PythonRepr);
    out
}

/// How floats are rendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FloatStyle {
    /// Python's `float.__repr__` (used by the `json` module).
    PythonRepr,
    /// pydantic / `serde_json`.
    Pydantic,
}

/// The knobs that distinguish the three output formats.
struct Style {
    /// `Some(n)`: newline and `n` spaces per level; `None`: everything on one line.
    indent: Option<usize>,
    /// Written between items (before the newline, if indenting).
    item_sep: &'static str,
    /// Written between a key and its value.
    key_sep: &'static str,
    /// Escape everything outside printable ASCII (`ensure_ascii=True`).
    ensure_ascii: bool,
    /// Sort object keys (`sort_keys=True`).
    sort_keys: bool,
    floats: FloatStyle,
}

const INDENT2: Style = Style {
    indent: Some(2),
    item_sep: ",",
    key_sep: ": ",
    ensure_ascii: true,
    sort_keys: false,
    floats: FloatStyle::PythonRepr,
};

const SORTED: Style = Style {
    indent: None,
    item_sep: ", ",
    key_sep: ": ",
    ensure_ascii: true,
    sort_keys: true,
    floats: FloatStyle::PythonRepr,
};

const COMPACT_UTF8: Style = Style {
    indent: None,
    item_sep: ",",
    key_sep: ":",
    ensure_ascii: false,
    sort_keys: false,
    floats: FloatStyle::Pydantic,
};

/// A recursive serializer writing one [`Style`] into a `String`.
struct Writer<'a> {
    style: &'a Style,
    out: &'a mut String,
}

impl Writer<'_> {
    fn value(&mut self, v: &Value, depth: usize) {
        match v {
            Value::Null => self.out.push_str("null"),
            Value::Bool(true) => self.out.push_str("true"),
            Value::Bool(false) => self.out.push_str("false"),
            Value::Number(n) => self.number(n),
            Value::String(s) => write_string(self.out, s, self.style.ensure_ascii),
            Value::Array(items) => self.array(items, depth),
            Value::Object(map) => self.object(map, depth),
        }
    }

    fn number(&mut self, n: &Number) {
        if let Some(u) = n.as_u64() {
            // Infallible: writing into a `String` never fails.
            let _ = write!(self.out, "{u}");
        } else if let Some(i) = n.as_i64() {
            let _ = write!(self.out, "{i}");
        } else if let Some(f) = n.as_f64() {
            write_float(self.out, f, self.style.floats);
        } else {
            // Unreachable without `arbitrary_precision`; fall back to serde_json's own text.
            self.out.push_str(&n.to_string());
        }
    }

    /// Newline plus indentation for `depth`, or nothing when not indenting.
    fn newline(&mut self, depth: usize) {
        if let Some(width) = self.style.indent {
            self.out.push('\n');
            self.out.extend(std::iter::repeat_n(' ', width * depth));
        }
    }

    fn array(&mut self, items: &[Value], depth: usize) {
        if items.is_empty() {
            self.out.push_str("[]");
            return;
        }
        self.out.push('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.push_str(self.style.item_sep);
            }
            self.newline(depth + 1);
            self.value(item, depth + 1);
        }
        self.newline(depth);
        self.out.push(']');
    }

    fn object(&mut self, map: &Map<String, Value>, depth: usize) {
        if map.is_empty() {
            self.out.push_str("{}");
            return;
        }
        let mut entries: Vec<(&String, &Value)> = map.iter().collect();
        if self.style.sort_keys {
            // UTF-8 byte order is code point order, which is how Python compares `str`.
            entries.sort_by(|a, b| a.0.cmp(b.0));
        }
        self.out.push('{');
        for (i, (key, value)) in entries.into_iter().enumerate() {
            if i > 0 {
                self.out.push_str(self.style.item_sep);
            }
            self.newline(depth + 1);
            write_string(self.out, key, self.style.ensure_ascii);
            self.out.push_str(self.style.key_sep);
            self.value(value, depth + 1);
        }
        self.newline(depth);
        self.out.push('}');
    }
}

/// Write `s` as a JSON string literal.
///
/// Always escaped: `"`, `\`, and U+0000..=U+001F (`\b`, `\t`, `\n`, `\f`, `\r` by name, the rest as
/// `\u00xx`). With `ensure_ascii`, also everything outside `' '..='~'` (so U+007F too) as
/// lowercase `\uxxxx`, characters beyond the BMP as a UTF-16 surrogate pair.
fn write_string(out: &mut String, s: &str, ensure_ascii: bool) {
    out.push('"');
    write_string_body(out, s, ensure_ascii);
    out.push('"');
}

/// The inside of a JSON string literal (no quotes), see [`write_string`].
fn write_string_body(out: &mut String, s: &str, ensure_ascii: bool) {
    // Runs of bytes written as they are (printable ASCII other than `"` and `\\`, and
    // without `ensure_ascii` every byte of a multi-byte character) are copied whole; the
    // scan is one table look-up per byte.
    let bytes = s.as_bytes();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if PLAIN[usize::from(b)] || (b >= 0x80 && !ensure_ascii) {
            i += 1;
            continue;
        }
        out.push_str(&s[start..i]);
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            _ => "",
        };
        if escape.is_empty() {
            let Some(c) = s[i..].chars().next() else {
                break;
            };
            write_char(out, c, ensure_ascii);
            i += c.len_utf8();
        } else {
            out.push_str(escape);
            i += 1;
        }
        start = i;
    }
    out.push_str(&s[start..]);
}

/// The bytes [`write_string_body`] copies as they are: printable ASCII but `"` and `\\`.
static PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = b' ';
    while b <= b'~' {
        table[b as usize] = b != b'"' && b != b'\\';
        b += 1;
    }
    table
};

/// One character that is not plain printable ASCII, escaped as [`write_string`] says.
fn write_char(out: &mut String, c: char, ensure_ascii: bool) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{08}' => out.push_str("\\b"),
        '\u{0c}' => out.push_str("\\f"),
        c if c < ' ' => push_u_escape(out, c as u16),
        ' '..='~' => out.push(c),
        c if ensure_ascii => {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                push_u_escape(out, *unit);
            }
        }
        c => out.push(c),
    }
}

/// `\uxxxx` with four lowercase hex digits.
fn push_u_escape(out: &mut String, unit: u16) {
    let _ = write!(out, "\\u{unit:04x}");
}

/// Write a float in the given style (see [`py_float_repr`] and [`to_string_compact_utf8`]).
fn write_float(out: &mut String, f: f64, style: FloatStyle) {
    if f.is_nan() {
        out.push_str("nan");
        return;
    }
    if f.is_infinite() {
        out.push_str(if f > 0.0 { "inf" } else { "-inf" });
        return;
    }
    if f.is_sign_negative() {
        out.push('-');
    }
    if f == 0.0 {
        out.push_str("0.0");
        return;
    }
    let (digits, exp) = shortest_digits(f.abs());
    // The value is 0.d1d2...dn * 10^(exp + 1), i.e. d1.d2...dn * 10^exp.
    let positional = match style {
        FloatStyle::PythonRepr => (-4..16).contains(&exp),
        FloatStyle::Pydantic => (-5..16).contains(&exp),
    };
    if positional {
        write_positional(out, &digits, exp);
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        match style {
            FloatStyle::PythonRepr => {
                let _ = write!(out, "{:02}", exp.unsigned_abs());
            }
            FloatStyle::Pydantic => {
                let _ = write!(out, "{}", exp.unsigned_abs());
            }
        }
    }
}

/// `digits` (no leading or trailing zeros) placed around the decimal point for `digits[0]` at
/// `10^exp`, with at least one digit on each side of the point.
fn write_positional(out: &mut String, digits: &str, exp: i32) {
    if exp < 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', exp.unsigned_abs() as usize - 1));
        out.push_str(digits);
        return;
    }
    let int_len = exp.unsigned_abs() as usize + 1;
    if digits.len() <= int_len {
        out.push_str(digits);
        out.extend(std::iter::repeat_n('0', int_len - digits.len()));
        out.push_str(".0");
    } else {
        out.push_str(&digits[..int_len]);
        out.push('.');
        out.push_str(&digits[int_len..]);
    }
}

/// The shortest round-trip decimal digits of a finite, positive `f` and the decimal exponent of
/// the first digit: `1234.5` → `("12345", 3)`, `5e-324` → `("5", -324)`.
///
/// When several digit strings of the shortest length round-trip, Python's `repr` (David Gay's
/// `dtoa`, mode 0) takes the one closest to the exact binary value and breaks exact ties to the
/// even digit (`1504879709210378.25` → `1504879709210378.2`). `serde_json`'s float formatter
/// makes the same choices (checked on hundreds of thousands of tie cases), whereas Rust's own
/// `{:e}` rounds such ties up (`...378.3`). So the digits are read off `serde_json`'s output,
/// whatever its layout, with `{:e}` only as a fallback should that output ever fail to parse.
fn shortest_digits(f: f64) -> (String, i32) {
    serde_json::to_string(&f)
        .ok()
        .and_then(|s| parse_decimal(&s))
        .or_else(|| parse_decimal(&format!("{f:e}")))
        .unwrap_or_else(|| (String::from("0"), 0))
}

/// Split an unsigned decimal literal (`123.45`, `0.00001`, `1.5e-7`, `1e+16`, `5E3`) into its
/// significant digits (no leading or trailing zeros) and the decimal exponent of the first one.
/// `None` if `s` is not such a literal or is zero.
fn parse_decimal(s: &str) -> Option<(String, i32)> {
    let (mantissa, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().ok()?),
        None => (s, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = || int_part.bytes().chain(frac_part.bytes());
    if int_part.is_empty() || !all_digits().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let leading_zeros = all_digits().take_while(|&b| b == b'0').count();
    let mut digits: String = all_digits().skip(leading_zeros).map(char::from).collect();
    while digits.ends_with('0') {
        digits.pop();
    }
    if digits.is_empty() {
        return None;
    }
    let int_len = i32::try_from(int_part.len()).ok()?;
    let leading_zeros = i32::try_from(leading_zeros).ok()?;
    Some((digits, exp.checked_add(int_len - 1 - leading_zeros)?))
}

#[cfg(test)]
mod tests;
