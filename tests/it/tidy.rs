//! Size rules of `src/` (the issue "One layered, acyclic crate"): no production file over
//! 600 lines and no function over 100 lines unless its body starts with a comment saying
//! why it is one piece. Test code (`tests.rs` files, `#[cfg(test)] mod tests` blocks) does
//! not count.

use super::layers::{crate_sources, strip};

const MAX_FILE_LINES: usize = 600;
const MAX_FN_LINES: usize = 100;

/// The production part of a source file: everything before its `#[cfg(test)] mod tests`.
fn production(text: &str) -> &str {
    text.find("#[cfg(test)]\nmod tests")
        .map_or(text, |i| &text[..i])
}

/// `(name, first line, body lines, body starts with a comment)` of every `fn` with a body.
fn functions(text: &str) -> Vec<(String, usize, usize, bool)> {
    let code = strip(text);
    let bytes = code.as_bytes();
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut search = 0;
    while let Some(pos) = code[search..].find("fn ") {
        let at = search + pos;
        search = at + 3;
        let prev = code[..at].chars().next_back().unwrap_or(' ');
        if prev.is_alphanumeric() || prev == '_' {
            continue;
        }
        let name: String = code[at + 3..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            continue;
        }
        // The body: the first `{` before any `;` at depth 0 of parentheses/angles.
        let mut i = at;
        let mut parens = 0i32;
        let open = loop {
            match bytes.get(i) {
                None => break None,
                Some(b'(') => parens += 1,
                Some(b')') => parens -= 1,
                Some(b';') if parens == 0 => break None,
                Some(b'{') if parens == 0 => break Some(i),
                _ => {}
            }
            i += 1;
        };
        let Some(open) = open else { continue };
        let mut depth = 0;
        let mut close = open;
        for (j, b) in bytes.iter().enumerate().skip(open) {
            match b {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = j;
                        break;
                    }
                }
                _ => {}
            }
        }
        let line_of = |offset: usize| code[..offset].matches('\n').count() + 1;
        let (first, last) = (line_of(at), line_of(close));
        let open_line = line_of(open);
        let commented = lines
            .get(open_line)
            .is_some_and(|l| l.trim_start().starts_with("//"));
        out.push((name, first, last.saturating_sub(open_line), commented));
    }
    out
}

#[test]
fn no_production_file_or_function_is_too_long() {
    let root = crate::support::repo();
    let mut problems = Vec::new();
    for src in crate_sources(root.as_std_path()) {
        if src.file.ends_with("/tests.rs") || src.file.contains("/tests/") {
            continue;
        }
        let text = production(&src.text);
        let n = text.lines().count();
        if n > MAX_FILE_LINES {
            problems.push(format!(
                "{}: {n} production lines (limit {MAX_FILE_LINES}); split it by concern",
                src.file
            ));
        }
        for (name, line, len, commented) in functions(text) {
            if len > MAX_FN_LINES && !commented {
                problems.push(format!(
                    "{}:{line}: fn `{name}` has {len} lines (limit {MAX_FN_LINES}); split it, or start its body with a comment saying why it is one piece",
                    src.file
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn function_lengths_are_measured_from_the_body() {
    let text = "fn a() {\n    x('{');\n}\n\nfn b<'a>(v: &'a [u8]) -> u8 {\n    // One piece: a table.\n    1\n}\nfn c();\n";
    let fns = functions(text);
    assert_eq!(
        fns,
        vec![
            ("a".to_string(), 1, 2, false),
            ("b".to_string(), 5, 3, true),
        ]
    );
}
