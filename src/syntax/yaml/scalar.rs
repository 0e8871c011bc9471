//! Plain scalar resolution, ruamel-compatible (YAML 1.2 rules plus YAML 1.1 timestamps): null,
//! bool, int, float and timestamp patterns and their construction.

use super::Scalar;

/// Resolves a plain scalar (see the module documentation). Errors are messages.
pub(super) fn resolve_plain(s: &str) -> Result<Scalar, String> {
    let Some(first) = s.chars().next() else {
        return Ok(Scalar::Null);
    };
    match first {
        't' | 'T' | 'f' | 'F' => Ok(match s {
            "true" | "True" | "TRUE" => Scalar::Bool(true),
            "false" | "False" | "FALSE" => Scalar::Bool(false),
            _ => Scalar::Str(s.to_string()),
        }),
        '~' | 'n' | 'N' => Ok(match s {
            "~" | "null" | "Null" | "NULL" => Scalar::Null,
            _ => Scalar::Str(s.to_string()),
        }),
        '-' | '+' | '.' | '0'..='9' => {
            if is_float(s) {
                return construct_float(s)
                    .map(Scalar::Float)
                    .ok_or_else(|| format!("invalid float `{s}`"));
            }
            if first != '.' && is_int(s) {
                return construct_int(s).map(Scalar::Int);
            }
            if first.is_ascii_digit() && is_timestamp(s) {
                return check_timestamp(s).map(|()| Scalar::Timestamp(s.to_string()));
            }
            Ok(Scalar::Str(s.to_string()))
        }
        '=' if s == "=" => Err(
            "the plain scalar `=` is not supported (the reference YAML loader rejects it); quote it"
                .to_string(),
        ),
        _ => Ok(Scalar::Str(s.to_string())),
    }
}

/// A tiny cursor for hand-written regular expressions over ASCII.
pub(super) struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(s: &'a str) -> Self {
        Cursor {
            bytes: s.as_bytes(),
            pos: 0,
        }
    }

    pub(super) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    pub(super) fn eat(&mut self, pred: impl Fn(u8) -> bool) -> bool {
        match self.peek() {
            Some(b) if pred(b) => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    pub(super) fn eat_str(&mut self, s: &str) -> bool {
        if self.bytes[self.pos..].starts_with(s.as_bytes()) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    pub(super) fn eat_while(&mut self, pred: impl Fn(u8) -> bool) -> usize {
        let start = self.pos;
        while self.eat(&pred) {}
        self.pos - start
    }

    /// Eats between `min` and `max` bytes matching `pred`; false if fewer than `min`.
    pub(super) fn eat_count(&mut self, pred: impl Fn(u8) -> bool, min: usize, max: usize) -> bool {
        let mut n = 0;
        while n < max && self.eat(&pred) {
            n += 1;
        }
        n >= min
    }

    pub(super) fn done(&self) -> bool {
        self.pos == self.bytes.len()
    }
}

pub(super) fn is_digit(b: u8) -> bool {
    b.is_ascii_digit()
}

pub(super) fn is_digit_(b: u8) -> bool {
    b.is_ascii_digit() || b == b'_'
}

pub(super) fn is_sign(b: u8) -> bool {
    b == b'-' || b == b'+'
}

pub(super) fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// ruamel's YAML 1.2 float pattern.
pub(super) fn is_float(s: &str) -> bool {
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") || matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let mut c = Cursor::new(unsigned);
    // `[eE][-+]?[0-9]+`, with the sign optional or required.
    let exponent = |c: &mut Cursor<'_>, sign_required: bool| -> bool {
        if c.eat(|b| b == b'e' || b == b'E') {
            let signed = c.eat(is_sign);
            (signed || !sign_required) && c.eat_while(is_digit) > 0
        } else {
            true
        }
    };
    if c.eat(is_digit) {
        c.eat_while(is_digit_);
        if c.eat(|b| b == b'.') {
            c.eat_while(is_digit_);
            exponent(&mut c, false) && c.done()
        } else {
            matches!(c.peek(), Some(b'e' | b'E')) && exponent(&mut c, false) && c.done()
        }
    } else if c.eat(|b| b == b'.') {
        c.eat_while(is_digit_) > 0 && exponent(&mut c, true) && c.done()
    } else {
        false
    }
}

/// ruamel's YAML 1.2 int pattern: `[-+]?(0b[0-1_]+|0o?[0-7_]+|[0-9_]+|0x[0-9a-fA-F_]+)`.
pub(super) fn is_int(s: &str) -> bool {
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    let mut c = Cursor::new(unsigned);
    if c.eat_str("0b") {
        return c.eat_while(|b| b == b'0' || b == b'1' || b == b'_') > 0 && c.done();
    }
    if c.eat_str("0x") {
        return c.eat_while(|b| b.is_ascii_hexdigit() || b == b'_') > 0 && c.done();
    }
    if c.eat_str("0o") {
        return c.eat_while(|b| (b'0'..=b'7').contains(&b) || b == b'_') > 0 && c.done();
    }
    is_decimal(s)
}

/// `[-+]?[0-9_]+`
pub(super) fn is_decimal(s: &str) -> bool {
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    let mut c = Cursor::new(unsigned);
    c.eat_while(is_digit_) > 0 && c.done()
}

/// ruamel's `construct_yaml_int` (YAML 1.2) for a string matching [`is_int`].
pub(super) fn construct_int(s: &str) -> Result<i128, String> {
    let cleaned: String = s.chars().filter(|&c| c != '_').collect();
    let (negative, unsigned) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cleaned.strip_prefix('+').unwrap_or(&cleaned)),
    };
    let (radix, digits) = if let Some(d) = unsigned.strip_prefix("0b") {
        (2, d)
    } else if let Some(d) = unsigned.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = unsigned.strip_prefix("0o") {
        (8, d)
    } else {
        (10, unsigned)
    };
    if digits.is_empty() {
        return Err(format!("invalid integer `{s}`"));
    }
    let too_large = || format!("integer `{s}` is too large");
    let mut magnitude: u128 = 0;
    for c in digits.chars() {
        let digit = c
            .to_digit(radix)
            .ok_or_else(|| format!("invalid integer `{s}`"))?;
        magnitude = magnitude
            .checked_mul(u128::from(radix))
            .and_then(|m| m.checked_add(u128::from(digit)))
            .ok_or_else(too_large)?;
    }
    if negative {
        0i128.checked_sub_unsigned(magnitude).ok_or_else(too_large)
    } else {
        i128::try_from(magnitude).map_err(|_| too_large())
    }
}

/// ruamel's `construct_yaml_float` for a string matching [`is_float`] (or a decimal integer).
pub(super) fn construct_float(s: &str) -> Option<f64> {
    let cleaned: String = s
        .chars()
        .filter(|&c| c != '_')
        .collect::<String>()
        .to_ascii_lowercase();
    let (negative, unsigned) = match cleaned.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, cleaned.strip_prefix('+').unwrap_or(&cleaned)),
    };
    let magnitude = match unsigned {
        ".inf" => f64::INFINITY,
        ".nan" => return Some(f64::NAN),
        _ => unsigned.parse::<f64>().ok()?,
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// ruamel's timestamp pattern (YAML 1.1, used in 1.2 mode too).
pub(super) fn is_timestamp(s: &str) -> bool {
    let mut c = Cursor::new(s);
    if !c.eat_count(is_digit, 4, 4) || !c.eat(|b| b == b'-') {
        return false;
    }
    // `YYYY-MM-DD` exactly.
    let date_start = c.pos;
    if c.eat_count(is_digit, 2, 2)
        && c.eat(|b| b == b'-')
        && c.eat_count(is_digit, 2, 2)
        && c.done()
    {
        return true;
    }
    // `YYYY-M-D` + time.
    c.pos = date_start;
    if !(c.eat_count(is_digit, 1, 2) && c.eat(|b| b == b'-') && c.eat_count(is_digit, 1, 2)) {
        return false;
    }
    if !c.eat(|b| b == b'T' || b == b't') && c.eat_while(is_blank) == 0 {
        return false;
    }
    if !(c.eat_count(is_digit, 1, 2)
        && c.eat(|b| b == b':')
        && c.eat_count(is_digit, 2, 2)
        && c.eat(|b| b == b':')
        && c.eat_count(is_digit, 2, 2))
    {
        return false;
    }
    if c.eat(|b| b == b'.') {
        c.eat_while(is_digit);
    }
    if c.done() {
        return true;
    }
    c.eat_while(is_blank);
    if c.eat(|b| b == b'Z') {
        return c.done();
    }
    if !(c.eat(is_sign) && c.eat_count(is_digit, 1, 2)) {
        return false;
    }
    if c.eat(|b| b == b':') && !c.eat_count(is_digit, 2, 2) {
        return false;
    }
    c.done()
}

/// Checks that a string matching [`is_timestamp`] is a real date and time, as Python's
/// `datetime` constructors do for the reference loader.
pub(super) fn check_timestamp(s: &str) -> Result<(), String> {
    let fields: Vec<u32> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|f| !f.is_empty())
        .take(6)
        .map(|f| f.parse::<u32>().unwrap_or(0))
        .collect();
    let field = |i: usize| fields.get(i).copied().unwrap_or(0);
    let (year, month, day) = (field(0), field(1), field(2));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    let problem = if year == 0 {
        Some("year must be at least 1")
    } else if !(1..=12).contains(&month) {
        Some("month must be in 1..12")
    } else if day == 0 || day > days_in_month {
        Some("day is out of range for month")
    } else if s.len() > 10 && field(3) > 23 {
        Some("hour must be in 0..23")
    } else if s.len() > 10 && field(4) > 59 {
        Some("minute must be in 0..59")
    } else if s.len() > 10 && field(5) > 59 {
        Some("second must be in 0..59")
    } else {
        None
    };
    match problem {
        Some(p) => Err(format!("invalid date/timestamp `{s}`: {p}")),
        None => Ok(()),
    }
}
