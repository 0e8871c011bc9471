//! The fingerprint YAML, byte for byte as ruamel's safe dumper (`YAML(typ="safe")`, the
//! reference's writer; it emits through libyaml's emitter) writes this particular document:
//!
//! ```yaml
//! artifacts_sha256_basic: <hex>
//! artifacts_sha256_strict: <hex>
//! installed_requirements:
//! - channel: https://repo.prefix.dev/ecoscope-workflows/
//!   name: ecoscope-platform
//!   version: {version: ==2.15.1}
//! params_sha256: <hex>
//! spec_sha256: <hex>
//! ```
//!
//! Keys are sorted; a collection holding only scalars is written in flow style (so an
//! empty list is `[]`), others in block style, with sequence items not indented under
//! their key.

use super::Fingerprint;
use std::fmt::Write as _;

pub(super) fn render(fp: &Fingerprint) -> String {
    let mut out = String::with_capacity(512);
    let mut line = |key: &str, value: &str| {
        let _ = writeln!(out, "{key}: {}", yaml_scalar(value, false));
    };
    line("artifacts_sha256_basic", &fp.artifacts_sha256_basic);
    line("artifacts_sha256_strict", &fp.artifacts_sha256_strict);
    if fp.installed_requirements.is_empty() {
        out.push_str("installed_requirements: []\n");
    } else {
        out.push_str("installed_requirements:\n");
        for r in &fp.installed_requirements {
            let _ = writeln!(out, "- channel: {}", yaml_scalar(&r.channel, false));
            let _ = writeln!(out, "  name: {}", yaml_scalar(&r.name, false));
            let _ = writeln!(
                out,
                "  version: {{version: {}}}",
                yaml_scalar(&r.version, true)
            );
        }
    }
    let mut line = |key: &str, value: &str| {
        let _ = writeln!(out, "{key}: {}", yaml_scalar(value, false));
    };
    line("params_sha256", &fp.params_sha256);
    line("spec_sha256", &fp.spec_sha256);
    out
}

/// A string scalar as the dumper writes it: plain when YAML allows it there and it would
/// read back as the same string, else single-quoted (`'` doubled), or double-quoted when
/// it holds characters a single-quoted scalar cannot carry (line breaks, control
/// characters). `in_flow` is true inside a flow collection, where `,[]{}` and `:` are
/// indicators.
///
/// This is libyaml's scalar analysis restricted to one-line text (in flow context any `:`
/// or `?` forbids the plain style), plus ruamel's YAML 1.2 implicit resolvers that would
/// otherwise retype the text (`'123'`, `'true'`, `''`).
#[must_use]
pub fn yaml_scalar(s: &str, in_flow: bool) -> String {
    if s.chars().any(|c| !is_printable(c)) {
        return double_quoted(s);
    }
    if plain_allowed(s, in_flow) && !resolves_to_non_string(s) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

/// libyaml's printable set (a line feed is a break, not printable text, here).
fn is_printable(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        && c != '\u{FEFF}'
}

/// libyaml's double-quoted style, with its escapes.
fn double_quoted(s: &str) -> String {
    let mut out = String::from('"');
    for c in s.chars() {
        let named = match c {
            '\0' => Some('0'),
            '\u{7}' => Some('a'),
            '\u{8}' => Some('b'),
            '\t' => Some('t'),
            '\n' => Some('n'),
            '\u{B}' => Some('v'),
            '\u{C}' => Some('f'),
            '\r' => Some('r'),
            '\u{1B}' => Some('e'),
            '"' => Some('"'),
            '\\' => Some('\\'),
            '\u{85}' => Some('N'),
            '\u{A0}' => Some('_'),
            '\u{2028}' => Some('L'),
            '\u{2029}' => Some('P'),
            _ => None,
        };
        match named {
            Some(n) => {
                out.push('\\');
                out.push(n);
            }
            None if is_printable(c) => out.push(c),
            None => {
                let cp = u32::from(c);
                let _ = if cp <= 0xFF {
                    write!(out, "\\x{cp:02X}")
                } else if cp <= 0xFFFF {
                    write!(out, "\\u{cp:04X}")
                } else {
                    write!(out, "\\U{cp:08X}")
                };
            }
        }
    }
    out.push('"');
    out
}

fn plain_allowed(s: &str, in_flow: bool) -> bool {
    if s.is_empty() || s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    if s.starts_with(' ') || s.ends_with(' ') {
        return false;
    }
    let chars: Vec<char> = s.chars().collect();
    let (mut flow_indicators, mut block_indicators) = (false, false);
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_space = chars.get(i + 1).is_none_or(|n| *n == ' ');
        let preceded_by_space = i > 0 && chars[i - 1] == ' ';
        if i == 0 {
            if "#,[]{}&*!|>'\"%@`".contains(c) {
                flow_indicators = true;
                block_indicators = true;
            }
            if c == '?' || c == ':' {
                flow_indicators = true;
                block_indicators |= followed_by_space;
            }
            if c == '-' && followed_by_space {
                flow_indicators = true;
                block_indicators = true;
            }
        } else {
            if ",?[]{}".contains(c) {
                flow_indicators = true;
            }
            if c == ':' {
                flow_indicators = true;
                block_indicators |= followed_by_space;
            }
            if c == '#' && preceded_by_space {
                flow_indicators = true;
                block_indicators = true;
            }
        }
    }
    if in_flow {
        !flow_indicators
    } else {
        !block_indicators
    }
}

/// Would a plain scalar with this text load as something other than a string? (ruamel's
/// YAML 1.2 implicit resolvers: null, bool, int, float, and dates.)
fn resolves_to_non_string(s: &str) -> bool {
    if matches!(
        s,
        "~" | "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
    ) {
        return true;
    }
    let digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '_');
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if let Some(hex) = body.strip_prefix("0x") {
        return !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit() || c == '_');
    }
    if let Some(oct) = body.strip_prefix("0o") {
        return !oct.is_empty() && oct.chars().all(|c| ('0'..='7').contains(&c) || c == '_');
    }
    if matches!(body, ".inf" | ".Inf" | ".INF") || matches!(s, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    let number = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (int.is_empty() || digits(int)) && (frac.is_empty() || digits(frac)) && mantissa != "."
        }
        None => digits(mantissa),
    };
    (number && exponent_ok) || is_date(s)
}

/// `YYYY-MM-DD...` (what the timestamp resolver claims).
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 8
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5].is_ascii_digit()
        && (b[6] == b'-' || (b[6].is_ascii_digit() && b[7] == b'-'))
}
