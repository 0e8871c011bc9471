use super::*;

/// Parses `text`, panicking with the error.
fn ok(text: &str) -> Node {
    match parse(text) {
        Ok(node) => node,
        Err(e) => panic!("unexpected error for {text:?}: {e:?}"),
    }
}

/// Parses `text`, expecting an error.
fn err(text: &str) -> YamlError {
    match parse(text) {
        Ok(node) => panic!("expected an error for {text:?}, got {node:?}"),
        Err(e) => e,
    }
}

/// The scalar value of `v` in the document `v: <value>`.
fn value(src: &str) -> Scalar {
    let text = format!("v: {src}\n");
    let root = ok(&text);
    match &root.get("v").expect("key v").kind {
        NodeKind::Scalar(s) => s.clone(),
        other => panic!("not a scalar: {other:?}"),
    }
}

fn text_of(text: &str, span: Span) -> &str {
    &text[span.start..span.end]
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    LineIndex::new(text).line_col(offset)
}

/// Checks that every span in the tree lies inside `text` on char boundaries.
fn assert_spans_valid(text: &str, node: &Node) {
    let Span { start, end } = node.span;
    assert!(
        start <= end && end <= text.len(),
        "bad span {:?} in {text:?}",
        node.span
    );
    assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
    match &node.kind {
        NodeKind::Scalar(_) => {}
        NodeKind::Seq(items) => items.iter().for_each(|n| assert_spans_valid(text, n)),
        NodeKind::Map(entries) => entries.iter().for_each(|(k, v)| {
            assert_spans_valid(text, k);
            assert_spans_valid(text, v);
        }),
    }
}

fn str(s: &str) -> Scalar {
    Scalar::Str(s.to_string())
}

#[test]
fn nulls() {
    for src in ["", "~", "null", "Null", "NULL"] {
        assert_eq!(value(src), Scalar::Null, "{src:?}");
    }
    for src in ["nULL", "NuLL", "none", "None", "nil"] {
        assert_eq!(value(src), str(src), "{src:?}");
    }
}

#[test]
fn booleans() {
    for src in ["true", "True", "TRUE"] {
        assert_eq!(value(src), Scalar::Bool(true), "{src:?}");
    }
    for src in ["false", "False", "FALSE"] {
        assert_eq!(value(src), Scalar::Bool(false), "{src:?}");
    }
    for src in [
        "yes", "no", "on", "off", "Yes", "NO", "On", "OFF", "y", "n", "tRUE", "fAlse",
    ] {
        assert_eq!(value(src), str(src), "{src:?}");
    }
}

#[test]
fn integers() {
    let cases: &[(&str, i128)] = &[
        ("0", 0),
        ("12", 12),
        ("012", 12),
        ("-7", -7),
        ("+7", 7),
        ("-0", 0),
        ("0o17", 15),
        ("0o0", 0),
        ("0x1F", 31),
        ("0x1f", 31),
        ("-0x10", -16),
        ("+0o10", 8),
        ("0b101", 5),
        ("1_000", 1000),
        ("00", 0),
        ("170141183460469231731687303715884105727", i128::MAX),
        ("-170141183460469231731687303715884105728", i128::MIN),
    ];
    for &(src, expected) in cases {
        assert_eq!(value(src), Scalar::Int(expected), "{src:?}");
    }
    for src in ["0X1F", "0o8", "0xG", "1-2", "12a", "0b2", "1 000", "0x"] {
        assert_eq!(value(src), str(src), "{src:?}");
    }
}

#[test]
fn integer_too_large() {
    let text = "a: 1\nv: 170141183460469231731687303715884105728\n";
    let e = err(text);
    assert!(e.message.contains("too large"), "{}", e.message);
    assert!(e.message.contains("integer"), "{}", e.message);
    assert_eq!(
        text_of(text, e.span),
        "170141183460469231731687303715884105728"
    );
    assert_eq!(line_col(text, e.span.start), (2, 4));
    assert!(
        err("v: -170141183460469231731687303715884105729")
            .message
            .contains("too large")
    );
    assert!(
        err("v: 0x1000000000000000000000000000000000")
            .message
            .contains("too large")
    );
}

#[test]
fn floats() {
    let cases: &[(&str, f64)] = &[
        ("1e3", 1000.0),
        ("1E3", 1000.0),
        ("1e-3", 0.001),
        ("1.5", 1.5),
        ("1.", 1.0),
        ("-1.5", -1.5),
        ("+1.5", 1.5),
        (".5", 0.5),
        ("-.5", -0.5),
        ("1.5e+3", 1500.0),
        ("1.e2", 100.0),
        (".5e+3", 500.0),
        ("1_0.5", 10.5),
        ("0.0", 0.0),
        ("2.0", 2.0),
        ("1e400", f64::INFINITY),
        (".inf", f64::INFINITY),
        (".Inf", f64::INFINITY),
        (".INF", f64::INFINITY),
        ("+.inf", f64::INFINITY),
        ("-.inf", f64::NEG_INFINITY),
    ];
    for &(src, expected) in cases {
        assert_eq!(value(src), Scalar::Float(expected), "{src:?}");
    }
    for src in [".nan", ".NaN", ".NAN"] {
        assert!(
            matches!(value(src), Scalar::Float(f) if f.is_nan()),
            "{src:?}"
        );
    }
    // ruamel quirks: an exponent after a leading `.` needs a sign; `.nan` takes no sign.
    for src in [
        ".5e3", "-.nan", ".", "1.2.3", "e3", "1e", "1e+", ".inf5", "inf", "nan",
    ] {
        assert_eq!(value(src), str(src), "{src:?}");
    }
    // Matches the float pattern but is no number: the reference fails too.
    assert!(err("v: ._").message.contains("invalid float"));
}

#[test]
fn timestamps() {
    for src in [
        "2020-01-01",
        "2020-01-01T10:00:00Z",
        "2020-01-01t10:00:00",
        "2020-01-01 10:00:00",
        "2020-1-1 1:00:00",
        "2001-12-14t21:59:43.10-05:00",
        "2001-12-14 21:59:43.10 -5",
        "2001-12-14 21:59:43.10 Z",
        "2001-12-14T21:59:43.",
        "2024-02-29",
    ] {
        assert_eq!(value(src), Scalar::Timestamp(src.to_string()), "{src:?}");
    }
    for src in [
        "2020-1-1",
        "2020-01-01T10:00",
        "2020-01-01x",
        "20-01-01",
        "2020-01-01T10:00:00+",
        "2020-01-01T10:00:00+05:0",
        "2020/01/01",
    ] {
        assert_eq!(value(src), str(src), "{src:?}");
    }
    // Quoted dates are strings.
    assert_eq!(value("\"2020-01-01\""), str("2020-01-01"));
    assert_eq!(value("'2020-01-01'"), str("2020-01-01"));
}

#[test]
fn impossible_timestamps_are_errors() {
    for src in [
        "2020-13-01",
        "2020-02-30",
        "2023-02-29",
        "0000-01-01",
        "2020-01-01 24:00:00",
    ] {
        let e = err(&format!("v: {src}"));
        assert!(
            e.message.contains("invalid date/timestamp"),
            "{src}: {}",
            e.message
        );
        assert_eq!(e.span, Span::new(3, 3 + src.len()));
    }
}

#[test]
fn strings() {
    for src in [
        "hello",
        "hello world",
        "<<",
        "${{ workflow.a.return }}",
        "1.2.3",
        "v1",
        "0.3.3",
        "pkg.tasks.split_digits",
        "https://repo.prefix.dev/x/",
        "=x",
        "-x",
        "a:b",
    ] {
        assert_eq!(value(src), str(src), "{src:?}");
    }
    // Quoted and block scalars are never resolved.
    assert_eq!(value("'12'"), str("12"));
    assert_eq!(value("\"true\""), str("true"));
    assert_eq!(value("\"null\""), str("null"));
    assert_eq!(value("''"), str(""));
    assert_eq!(value("\"a: b\""), str("a: b"));
    assert_eq!(value("|\n  12\n"), str("12\n"));
    assert_eq!(value(">-\n  true\n"), str("true"));
}

#[test]
fn plain_flag() {
    let root = ok("a: x\nb: 'x'\nc: \"x\"\nd: |\n  x\ne: [x]\n");
    let plain = |k: &str| root.get(k).map(|n| n.plain);
    assert_eq!(plain("a"), Some(true));
    assert_eq!(plain("b"), Some(false));
    assert_eq!(plain("c"), Some(false));
    assert_eq!(plain("d"), Some(false));
    assert_eq!(plain("e"), Some(false));
}

#[test]
fn equals_sign_is_rejected_like_the_reference() {
    let e = err("a: =\n");
    assert!(e.message.contains("`=`"), "{}", e.message);
    assert_eq!(e.span, Span::new(3, 4));
    assert_eq!(value("'='"), str("="));
    assert_eq!(value("=="), str("=="));
}

#[test]
fn explicit_tags() {
    assert_eq!(value("!!str 12"), str("12"));
    assert_eq!(value("!!str true"), str("true"));
    assert_eq!(value("!!str"), str(""));
    assert_eq!(value("!!int \"12\""), Scalar::Int(12));
    assert_eq!(value("!!int 0x10"), Scalar::Int(16));
    assert_eq!(value("!!float 3"), Scalar::Float(3.0));
    assert_eq!(value("!!float '1.5'"), Scalar::Float(1.5));
    assert_eq!(value("!!bool yes"), Scalar::Bool(true));
    assert_eq!(value("!!bool \"false\""), Scalar::Bool(false));
    assert_eq!(value("!!null whatever"), Scalar::Null);
    assert_eq!(value("!<tag:yaml.org,2002:int> 5"), Scalar::Int(5));
    let root = ok("a: !!seq [1]\nb: !!map {x: 1}\nc: !!map\n  x: 1\n");
    assert_eq!(
        root.get("a").and_then(Node::as_seq).map(<[Node]>::len),
        Some(1)
    );
    assert!(root.get("b").and_then(|n| n.get("x")).is_some());
    assert!(root.get("c").and_then(|n| n.get("x")).is_some());
    // The tag is not part of the scalar's span.
    let text = "a: !!str 12\n";
    let root = ok(text);
    assert_eq!(root.get("a").map(|n| text_of(text, n.span)), Some("12"));
}

#[test]
fn bad_tags() {
    for (src, needle) in [
        ("a: !foo bar", "unsupported tag `!foo`"),
        ("a: !!timestamp 2020-01-01", "unsupported tag `!!timestamp`"),
        ("a: !!binary aGk=", "unsupported tag"),
        ("a: ! 7", "unsupported tag `!`"),
        ("a: !foo [1]", "unsupported tag"),
        ("a: !!int abc", "invalid value for `!!int`"),
        ("a: !!float abc", "invalid value for `!!float`"),
        ("a: !!bool maybe", "invalid value for `!!bool`"),
        ("a: !!map 1", "cannot be applied to a scalar"),
        ("a: !!seq {x: 1}", "cannot be applied to a mapping"),
        ("a: !!str [1]", "cannot be applied to a list"),
    ] {
        let e = err(src);
        assert!(e.message.contains(needle), "{src}: {}", e.message);
        assert_eq!(line_col(src, e.span.start), (1, 4), "{src}");
    }
    // The error for a collection points at the tag only.
    let text = "a: !!str [1]";
    assert_eq!(text_of(text, err(text).span), "!!str");
}

#[test]
fn empty_documents_are_null() {
    for text in [
        "",
        "\n",
        "# just a comment\n",
        "  # c1\n# c2",
        "---\n",
        "--- # c\n...\n",
        "~",
    ] {
        let node = ok(text);
        assert!(node.is_null(), "{text:?}: {node:?}");
        assert_spans_valid(text, &node);
    }
    assert_eq!(ok("").span, Span::empty(0));
    assert!(ok("---\na: 1\n...\n# trailing\n").get("a").is_some());
}

#[test]
fn multiple_documents_are_an_error() {
    let text = "a: 1\n---\nb: 2\n";
    let e = err(text);
    assert!(e.message.contains("single YAML document"), "{}", e.message);
    assert_eq!(text_of(text, e.span), "---");
    assert_eq!(line_col(text, e.span.start), (2, 1));
    // Even an empty second document.
    let text = "---\na: 1\n---\n";
    assert_eq!(line_col(text, err(text).span.start), (3, 1));
    // A document after an explicit end.
    let text = "a: 1\n...\nb: 2\n";
    assert_eq!(line_col(text, err(text).span.start), (3, 1));
}

#[test]
fn block_spans_with_non_ascii_text() {
    let text =
        "# héllo wörld 😀\nid: démo\nnaïve: [ü, 😀x, 'é']\nlist:\n  - ä: 1\n    b: ñ\n  - zz\n";
    let root = ok(text);
    assert_spans_valid(text, &root);
    let entries = root.as_map().expect("a mapping");
    let (k, v) = &entries[0];
    assert_eq!(text_of(text, k.span), "id");
    assert_eq!(line_col(text, k.span.start), (2, 1));
    assert_eq!(text_of(text, v.span), "démo");
    assert_eq!(line_col(text, v.span.start), (2, 5));
    assert_eq!(line_col(text, v.span.end), (2, 9));

    let (k, v) = &entries[1];
    assert_eq!(text_of(text, k.span), "naïve");
    assert_eq!(text_of(text, v.span), "[ü, 😀x, 'é']");
    assert_eq!(line_col(text, v.span.start), (3, 8));
    let items = v.as_seq().expect("a list");
    assert_eq!(text_of(text, items[1].span), "😀x");
    assert_eq!(line_col(text, items[1].span.start), (3, 12));
    assert_eq!(text_of(text, items[2].span), "'é'");
    assert_eq!(items[2].as_str(), Some("é"));
    assert_eq!(line_col(text, items[2].span.start), (3, 16));

    let list = root.get("list").expect("list");
    assert_eq!(text_of(text, list.span), "- ä: 1\n    b: ñ\n  - zz");
    assert_eq!(line_col(text, list.span.start), (5, 3));
    let items = list.as_seq().expect("a list");
    assert_eq!(text_of(text, items[0].span), "ä: 1\n    b: ñ");
    let (k, v) = &items[0].as_map().expect("a mapping")[1];
    assert_eq!((text_of(text, k.span), text_of(text, v.span)), ("b", "ñ"));
    assert_eq!(line_col(text, v.span.start), (6, 8));
    assert_eq!(text_of(text, items[1].span), "zz");
    assert_eq!(
        text_of(text, root.span),
        text.trim_start_matches("# héllo wörld 😀\n").trim_end()
    );
}

#[test]
fn flow_spans() {
    let text = "é: {a: [1, 2], 'b': {c: d}, e: }\nf: [x: 1, y]\n";
    let root = ok(text);
    assert_spans_valid(text, &root);
    let map = root.get("é").expect("é");
    assert_eq!(text_of(text, map.span), "{a: [1, 2], 'b': {c: d}, e: }");
    assert_eq!(line_col(text, map.span.start), (1, 4));
    let a = map.get("a").expect("a");
    assert_eq!(text_of(text, a.span), "[1, 2]");
    let entries = map.as_map().expect("a mapping");
    assert_eq!(text_of(text, entries[1].0.span), "'b'");
    assert_eq!(text_of(text, entries[1].1.span), "{c: d}");
    // An omitted value is null, with a zero-width span after the colon.
    let e = map.get("e").expect("e");
    assert!(e.is_null());
    assert!(e.span.is_empty());
    assert_eq!(line_col(text, e.span.start), (1, 31));
    // A single-pair mapping inside a flow sequence.
    let f = root.get("f").and_then(Node::as_seq).expect("f");
    assert_eq!(text_of(text, f[0].span), "x: 1");
    assert_eq!(
        f[0].get("x").and_then(Node::as_scalar),
        Some(&Scalar::Int(1))
    );
    assert_eq!(text_of(text, f[1].span), "y");
}

#[test]
fn empty_value_spans() {
    let text = "a:\nb: 1\nc:\n";
    let root = ok(text);
    let a = root.get("a").expect("a");
    assert!(a.is_null());
    assert_eq!(a.span, Span::empty(2));
    let c = root.get("c").expect("c");
    assert_eq!(c.span, Span::empty(text.len() - 1));
    assert_eq!(text_of(text, root.span), "a:\nb: 1\nc:");
    let text = "- \n- x\n";
    let items = ok(text);
    assert!(
        items
            .as_seq()
            .is_some_and(|s| s[0].is_null() && s[0].span.is_empty())
    );
}

#[test]
fn block_scalar_spans() {
    let text = "a: |\n  line 1\n  line 2\nb: >- # note | here\n\n  folded\n  text\n\nc: !!str |+\n  kept\n\nd: |\ne: x\n";
    let root = ok(text);
    let a = root.get("a").expect("a");
    assert_eq!(a.as_str(), Some("line 1\nline 2\n"));
    assert_eq!(text_of(text, a.span), "|\n  line 1\n  line 2");
    let b = root.get("b").expect("b");
    assert_eq!(b.as_str(), Some("\nfolded text"));
    assert_eq!(
        text_of(text, b.span),
        ">- # note | here\n\n  folded\n  text"
    );
    let c = root.get("c").expect("c");
    assert_eq!(c.as_str(), Some("kept\n\n"));
    assert_eq!(text_of(text, c.span), "|+\n  kept");
    let d = root.get("d").expect("d");
    assert_eq!(d.as_str(), Some(""));
    assert_eq!(text_of(text, d.span), "|");
    assert!(!d.plain);
}

#[test]
fn indentless_sequence_spans() {
    let text = "k:\n- a\n- b: 1\n  c: 2\nz: &s !!seq\n- q\n";
    let root = ok(text);
    let k = root.get("k").expect("k");
    assert_eq!(text_of(text, k.span), "- a\n- b: 1\n  c: 2");
    let z = root.get("z").expect("z");
    assert_eq!(text_of(text, z.span), "- q");
}

#[test]
fn duplicate_keys() {
    let text = "a: 1\nworkflow:\n  - id: x\n    task: t\n    id: y\n";
    let e = err(text);
    assert_eq!(
        e.message,
        "duplicate key `id` in mapping (first defined at line 3)"
    );
    assert_eq!(text_of(text, e.span), "id");
    assert_eq!(line_col(text, e.span.start), (5, 5));

    let text = "{a: 1, b: 2, a: 3}";
    let e = err(text);
    assert_eq!(
        e.message,
        "duplicate key `a` in mapping (first defined at line 1)"
    );
    assert_eq!(e.span, Span::new(13, 14));

    // Keys are compared after resolution, like Python dict keys.
    for text in [
        "1: a\n01: b",
        "1: a\n1.0: b",
        "true: a\n1: b",
        "~: a\nnull: b",
        "'x': 1\nx: 2",
        "0x10: a\n16: b",
    ] {
        let e = err(text);
        assert!(
            e.message.starts_with("duplicate key"),
            "{text}: {}",
            e.message
        );
        assert_eq!(line_col(text, e.span.start), (2, 1), "{text}");
    }
    // Different values, or a string and a number, are different keys.
    for text in [
        "'1': a\n1: b",
        "a: 1\nb: 1",
        ".nan: a\n.nan: b",
        "x: {a: 1}\ny: {a: 2}",
        "true: a\n'true': b",
    ] {
        ok(text);
    }
}

#[test]
fn complex_keys_are_rejected() {
    for (text, key) in [
        ("[a, b]: c", "[a, b]"),
        ("{a: 1}: c", "{a: 1}"),
        ("? - a\n: b", "- a"),
    ] {
        let e = err(text);
        assert_eq!(e.message, "mapping keys must be scalars", "{text}");
        assert_eq!(text_of(text, e.span), key, "{text}");
    }
}

#[test]
fn aliases_are_deep_copies() {
    let text = "base: &b\n  x: 1\n  y: [2, 3]\nother: *b\nname: &n joe\nalso: *n\n";
    let root = ok(text);
    let base = root.get("base").expect("base");
    let other = root.get("other").expect("other");
    assert_eq!(other.kind, base.kind);
    assert_eq!(text_of(text, other.span), "*b");
    assert_eq!(text_of(text, base.span), "x: 1\n  y: [2, 3]");
    let also = root.get("also").expect("also");
    assert_eq!(also.as_str(), Some("joe"));
    assert_eq!(text_of(text, also.span), "*n");
    assert_eq!(text_of(text, root.get("name").expect("name").span), "joe");
    // Merge keys are ordinary keys.
    let root = ok("a: &a {x: 1}\nb:\n  <<: *a\n  y: 2\n");
    let b = root.get("b").expect("b");
    assert!(b.get("<<").is_some_and(|m| m.get("x").is_some()));
    assert!(b.get("x").is_none());
    // An alias may be a key.
    let root = ok("k: &k key\n*k : v\n");
    assert_eq!(root.get("key").and_then(Node::as_str), Some("v"));
    // Re-defined anchors refer to the latest definition.
    let root = ok("a: &x 1\nb: &x 2\nc: *x\n");
    assert_eq!(
        root.get("c").and_then(Node::as_scalar),
        Some(&Scalar::Int(2))
    );
}

#[test]
fn alias_errors() {
    let text = "a: 1\nb: *nope\n";
    let e = err(text);
    assert!(e.message.contains("unknown anchor"), "{}", e.message);
    assert_eq!(line_col(text, e.span.start), (2, 4));
    let e = err("&a [1, *a]");
    assert!(e.message.contains("recursive"), "{}", e.message);
    // Billion laughs.
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let e = err(&text);
    assert!(e.message.contains("aliases expand"), "{}", e.message);
}

#[test]
fn syntax_error_positions() {
    // (text, message fragment, line, column)
    let cases: &[(&str, &str, usize, usize)] = &[
        ("a: [${{ x }}]", "expected ',' or ']'", 1, 6),
        (
            "partial:\n  xs: [${{ workflow.a.return }}, 2]\n",
            "expected ',' or ']'",
            2,
            9,
        ),
        ("a: {b: ${{ x }}}", "expected ',' or '}'", 1, 9),
        ("a: [1, 2", "expected ',' or ']'", 1, 9),
        ("a: [1, 2\n", "expected ',' or ']'", 2, 1),
        ("a: b: c", "mapping values are not allowed", 1, 5),
        ("key: \"unterminated", "unexpected end of stream", 1, 6),
        ("a:\n\tb: 1", "tabs", 2, 2),
        ("é: @x", "unexpected character", 1, 4),
        ("{a: 1}}", "misplaced bracket", 1, 7),
        ("a:\n  - x\n y: 1", "did not find expected key", 3, 2),
        ("ü: 1\n- x\n", "did not find expected key", 2, 3),
    ];
    for &(text, fragment, line, col) in cases {
        let e = err(text);
        assert!(e.message.contains(fragment), "{text:?}: {}", e.message);
        assert_eq!(
            line_col(text, e.span.start),
            (line, col),
            "{text:?}: {}",
            e.message
        );
        assert!(e.span.len() <= 4, "{text:?}: {:?}", e.span);
        assert!(text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end));
    }
    // Unquoted expressions inside flow collections get a hint.
    assert!(err("a: [${{ x }}]").message.contains("must be quoted"));
    assert!(!err("a: [1, 2").message.contains("must be quoted"));
    // Quoted, they are fine.
    let root = ok("a: [\"${{ x }}\", '${{ y }}']\nb: ${{ z }}\n");
    assert_eq!(root.get("b").and_then(Node::as_str), Some("${{ z }}"));
}

#[test]
fn under_indented_flow_lines_are_accepted() {
    // ruamel accepts closing brackets (and content) of flow collections at any indentation;
    // saphyr needs them indented past the enclosing block.
    let text = "a:\n  b: [\n1,\n  2\n  ]\n  c: {x: 1,\ny: \"q\n r\"\n}\nd: é\n";
    let root = ok(text);
    assert_spans_valid(text, &root);
    let a = root.get("a").expect("a");
    let b = a.get("b").expect("b");
    assert_eq!(text_of(text, b.span), "[\n1,\n  2\n  ]");
    let items = b.as_seq().expect("a list");
    assert_eq!(line_col(text, items[0].span.start), (3, 1));
    let c = a.get("c").expect("c");
    assert_eq!(c.get("y").and_then(Node::as_str), Some("q r"));
    assert_eq!(text_of(text, c.span), "{x: 1,\ny: \"q\n r\"\n}");
    assert_eq!(root.get("d").map(|d| text_of(text, d.span)), Some("é"));
    // ruamel also accepts under-indented continuation lines of quoted scalars.
    let text = "a:\n  b: \"x\ny\"\n  c: 'p\n\n  q'\n";
    let root = ok(text);
    let a = root.get("a").expect("a");
    assert_eq!(a.get("b").and_then(Node::as_str), Some("x y"));
    assert_eq!(a.get("c").and_then(Node::as_str), Some("p\nq"));
    assert_eq!(a.get("b").map(|b| text_of(text, b.span)), Some("\"x\ny\""));
    // Errors after a repaired line still point into the original text.
    let text = "a:\n  b: [\n  1\n  ]\nc: [x\n";
    let e = err(text);
    assert_eq!(line_col(text, e.span.start), (6, 1));
}

#[test]
fn depth_limit() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(parse(&deep).is_err());
    let deep = format!("{}a", "- ".repeat(10_000));
    let e = err(&deep);
    assert!(e.message.contains("nested more than"), "{}", e.message);
    let mut deep = String::new();
    for i in 0..2000 {
        deep.push_str(&" ".repeat(i));
        deep.push_str("k:\n");
    }
    assert!(err(&deep).message.contains("nested more than"));
    // Just below the limit is fine.
    let ok_deep = format!("{}a", "- ".repeat(MAX_DEPTH));
    let mut node = &ok(&ok_deep);
    let mut depth = 0;
    while let Some(items) = node.as_seq() {
        node = &items[0];
        depth += 1;
    }
    assert_eq!((depth, node.as_str()), (MAX_DEPTH, Some("a")));
    // Aliases count with their depth.
    let text = format!(
        "a: &a {}x{}\nb: {}*a{}\n",
        "[".repeat(200),
        "]".repeat(200),
        "[".repeat(200),
        "]".repeat(200)
    );
    assert!(parse(&text).is_ok());
    let text = format!("a: &a\n  {}x\nb: *a\n", "- ".repeat(300));
    assert!(parse(&text).is_ok());
    let inner = "- ".repeat(300);
    let text = format!("a: &a\n  {inner}x\nb:\n  {inner}*a\n");
    assert!(err(&text).message.contains("levels deep"));
}

#[test]
fn bom_and_crlf() {
    let text = "\u{feff}id: é\r\nx: 1\r\n";
    let root = ok(text);
    assert_spans_valid(text, &root);
    let (k, v) = &root.as_map().expect("a mapping")[0];
    assert_eq!(text_of(text, k.span), "id");
    assert_eq!(text_of(text, v.span), "é");
    assert_eq!(line_col(text, v.span.start), (1, 5));
    let x = root.get("x").expect("x");
    assert_eq!(line_col(text, x.span.start), (2, 4));
}

#[test]
fn node_helpers() {
    let text =
        "s: x\ni: 1\nf: 1.5\nb: true\nn: null\nd: 2020-01-01\nl: [1]\nm: {a: 1}\n1: int key\n";
    let root = ok(text);
    let kind = |k: &str| root.get(k).map(Node::kind_name);
    assert_eq!(kind("s"), Some("a string"));
    assert_eq!(kind("i"), Some("an integer"));
    assert_eq!(kind("f"), Some("a float"));
    assert_eq!(kind("b"), Some("a boolean"));
    assert_eq!(kind("n"), Some("null"));
    assert_eq!(kind("d"), Some("a date/timestamp"));
    assert_eq!(kind("l"), Some("a list"));
    assert_eq!(kind("m"), Some("a mapping"));
    assert_eq!(root.kind_name(), "a mapping");
    assert!(root.get("1").is_none(), "only string keys are looked up");
    assert!(root.get("missing").is_none());
    assert!(root.get("n").is_some_and(Node::is_null));
    assert_eq!(root.get("s").and_then(Node::as_str), Some("x"));
    assert_eq!(root.get("i").and_then(Node::as_str), None);
    assert!(root.get("l").and_then(Node::as_map).is_none());
    assert_eq!(
        root.get("l").and_then(Node::as_seq).map(<[Node]>::len),
        Some(1)
    );
    assert_eq!(
        root.get("m")
            .and_then(Node::as_map)
            .map(<[(Node, Node)]>::len),
        Some(1)
    );
    assert!(root.get("s").expect("s").get("x").is_none());
    assert_eq!(root.as_map().map(<[(Node, Node)]>::len), Some(9));
}

#[test]
fn line_index() {
    let text = "ab\né😀x\r\n\nlast";
    let index = LineIndex::new(text);
    assert_eq!(index.line_count(), 4);
    assert_eq!(index.line_col(0), (1, 1));
    assert_eq!(index.line_col(2), (1, 3));
    assert_eq!(index.line_col(3), (2, 1));
    assert_eq!(index.line_col(5), (2, 2)); // after é
    assert_eq!(index.line_col(6), (2, 2)); // inside 😀: counts as the emoji
    assert_eq!(index.line_col(9), (2, 3)); // x
    assert_eq!(index.line_col(10), (2, 4)); // \r
    assert_eq!(index.line_col(12), (3, 1));
    assert_eq!(index.line_col(13), (4, 1));
    assert_eq!(index.line_col(text.len()), (4, 5));
    assert_eq!(index.line_col(1000), (4, 5));
    assert_eq!(text_of(text, index.line_span(1)), "ab");
    assert_eq!(text_of(text, index.line_span(2)), "é😀x");
    assert_eq!(text_of(text, index.line_span(3)), "");
    assert_eq!(text_of(text, index.line_span(4)), "last");
    assert_eq!(index.line_span(5), Span::empty(text.len()));
    assert_eq!(index.line_span(0), Span::empty(text.len()));
    let empty = LineIndex::new("");
    assert_eq!(empty.line_col(0), (1, 1));
    assert_eq!(empty.line_span(1), Span::empty(0));
    let trailing = LineIndex::new("a\n");
    assert_eq!(trailing.line_count(), 2);
    assert_eq!(trailing.line_col(2), (2, 1));
}

#[test]
fn realistic_spec() {
    let text = r#"id: demo
requirements:
  - name: my-tasks
    version: ">=0.3"
workflow:
  - id: total
    task: add
    partial: {a: 4, b: 8}
  - id: digits
    task: pkg.tasks.split_digits
    partial:
      n: ${{ workflow.total.return }}
"#;
    let root = ok(text);
    assert_spans_valid(text, &root);
    assert_eq!(root.get("id").and_then(Node::as_str), Some("demo"));
    let reqs = root
        .get("requirements")
        .and_then(Node::as_seq)
        .expect("requirements");
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].get("name").and_then(Node::as_str), Some("my-tasks"));
    let version = reqs[0].get("version").expect("version");
    assert_eq!(version.as_str(), Some(">=0.3"));
    assert!(!version.plain);
    assert_eq!(line_col(text, version.span.start), (4, 14));
    let workflow = root
        .get("workflow")
        .and_then(Node::as_seq)
        .expect("workflow");
    assert_eq!(workflow.len(), 2);
    let partial = workflow[0].get("partial").expect("partial");
    assert_eq!(text_of(text, partial.span), "{a: 4, b: 8}");
    assert_eq!(
        partial.get("a").and_then(Node::as_scalar),
        Some(&Scalar::Int(4))
    );
    assert_eq!(
        partial.get("b").and_then(Node::as_scalar),
        Some(&Scalar::Int(8))
    );
    let n = workflow[1]
        .get("partial")
        .and_then(|p| p.get("n"))
        .expect("n");
    assert_eq!(n.as_str(), Some("${{ workflow.total.return }}"));
    assert!(n.plain);
    assert_eq!(line_col(text, n.span.start), (12, 10));
    let (task_key, task) = &workflow[1].as_map().expect("a mapping")[1];
    assert_eq!(text_of(text, task_key.span), "task");
    assert_eq!(line_col(text, task_key.span.start), (10, 5));
    assert_eq!(task.as_str(), Some("pkg.tasks.split_digits"));
    assert_eq!(
        text_of(text, workflow[1].span),
        "id: digits\n    task: pkg.tasks.split_digits\n    partial:\n      n: ${{ workflow.total.return }}"
    );
}

/// A small deterministic pseudo-random generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n as u64)).unwrap_or(0)
    }
}

/// Parses `text` and checks that the result's spans are valid; must never panic.
fn no_panic(text: &str) {
    match parse(text) {
        Ok(node) => assert_spans_valid(text, &node),
        Err(e) => {
            assert!(
                e.span.start <= e.span.end && e.span.end <= text.len(),
                "{text:?}: {e:?}"
            );
            assert!(text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end));
            assert!(!e.message.is_empty());
        }
    }
}

#[test]
fn malformed_inputs_never_panic() {
    let fixed = [
        "[${{ x }}]",
        "a: [${{ workflow.a.return }}]",
        "{a: ${{ x }}}",
        "[[[[",
        "]]]]",
        "{{{{",
        "}}",
        "[}",
        "{]",
        "a: [1, {b: [2, {c: ",
        "\t",
        "\ta: 1",
        "a:\n\t- x",
        "- a\n\t- b",
        "a: 'x",
        "a: \"x\\",
        "a: \"\\u12\"",
        "a: \"\\xZZ\"",
        "a: |\n\tx",
        "a: |9\n x",
        "a: |0\n x",
        "a: >-+\n x",
        "? ",
        "? a\n? b\n:",
        ": a",
        ":",
        "-",
        "- -",
        "---",
        "--- ---",
        "...",
        "... a",
        "%YAML 1.2\n---\na: 1",
        "%YAML 1.2\n%YAML 1.2\n---\n",
        "%TAG !e! tag:e.com:\n--- !e!x a",
        "!e!x a",
        "&",
        "*",
        "&a",
        "*a",
        "&a &b x",
        "!!str !!int 1",
        "!<",
        "!<tag:yaml.org,2002:str",
        "a: &x\nb: *x",
        "a: b\n c",
        "a:\n  b\n c: d",
        "a: 1\n  b: 2",
        "'a' b",
        "\"a\" b",
        "[a, b]: c",
        "{[a]: b}",
        "[a: b: c]",
        "- [a\n- b]",
        "a: @",
        "a: `",
        "a: %",
        "\u{feff}\u{feff}a",
        "a: \u{feff}",
        "a\0b",
        "\u{0}",
        "é: [ü, 😀",
        "😀😀😀: 😀\n  😀",
        "\r\r\n\r",
        "a:\r  b: 1\r",
        "#",
        "a: b # c\n# d\n  e",
        "a: |\n  x\n y",
        "- a\nb: c",
        "a: 1\n---\n]",
        "a: [\n]",
        "a:\n  b: [\n]\n  c: {\n}",
        "a:\n  b: [\n'x\ny']",
        "a:\n  b: [\n\"x\n\ny\"]",
        "a:\n  b: [\"x\ny\"]",
        "a: [\n\"unterminated\n",
        "a: 99999999999999999999999999999999999999999999",
        "a: 2020-99-99",
        "a: 2020-01-01 99:99:99",
        "=",
        "!!int",
        "!!float",
        "!!bool",
        "!!map",
        "!!seq",
        "? [a]",
    ];
    for text in fixed {
        no_panic(text);
    }

    // Every prefix of a realistic document.
    let spec = "id: démo\nrequirements:\n  - name: \"my-tasks\"\n    version: '>=0.3'\n\
                    workflow:\n  - id: total  # comment\n    task: add\n    partial: {a: 4, b: [8, 9]}\n\
                    \x20 - id: digits\n    text: |\n      multi\n      line\n    partial:\n      n: ${{ workflow.total.return }}\n\
                    anchors: &a {x: *a}\nnested: [[1, [2, {k: v}]], \"q\\\"\"]\n";
    for (i, _) in spec.char_indices() {
        no_panic(&spec[..i]);
        no_panic(&spec[i..]);
    }

    // Random mutations of the document and random strings of YAML-significant characters.
    let alphabet: Vec<char> = "abc:-?[]{},&*!|>'\"%@`#~\n\n\n  \t\r\\0123456789.eé😀$"
        .chars()
        .collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let spec_chars: Vec<char> = spec.chars().collect();
    for _ in 0..3000 {
        let mut chars = spec_chars.clone();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(chars.len() + 1);
            match rng.below(3) {
                0 if at < chars.len() => {
                    chars.remove(at);
                }
                1 if at < chars.len() => chars[at] = alphabet[rng.below(alphabet.len())],
                _ => chars.insert(at, alphabet[rng.below(alphabet.len())]),
            }
        }
        no_panic(&chars.into_iter().collect::<String>());
    }
    for _ in 0..3000 {
        let len = rng.below(40);
        let text: String = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        no_panic(&text);
    }
    // Random bytes, decoded lossily.
    for _ in 0..500 {
        let len = rng.below(64);
        let bytes: Vec<u8> = (0..len)
            .map(|_| u8::try_from(rng.next() & 0xff).unwrap_or(0))
            .collect();
        no_panic(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn corpus_specs_parse() {
    let Some(dir) = crate::test_corpus_dir() else {
        println!("note: WTC_CORPUS not set; skipping the corpus test");
        return;
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let mut count = 0;
    for entry in entries.flatten() {
        let path = entry.path().join("spec.yaml");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let root = parse(&text).unwrap_or_else(|e| {
            let (line, col) = LineIndex::new(&text).line_col(e.span.start);
            panic!("{}:{line}:{col}: {}", path.display(), e.message)
        });
        assert_spans_valid(&text, &root);
        assert!(
            root.as_map().is_some(),
            "{}: root is not a mapping",
            path.display()
        );
        assert!(root.get("id").is_some(), "{}: no id", path.display());
        count += 1;
    }
    println!("parsed {count} corpus specs");
    assert!(count > 0, "no spec.yaml found under {}", dir.display());
}

#[test]
fn closers_are_fixed_up_front_but_block_scalars_are_left_alone() {
    let text = "a:\n  b: [\n    1,\n  ]\n  c: |\n    x: [\n  ]\n";
    // Only the `]` of `b` is moved; the block scalar under `c` is not scanned.
    assert_eq!(
        under_indented_closers(text),
        vec![(text.find("  ]").unwrap(), 1)]
    );
    let text = "- k: {\n    a: 1\n  },\n";
    assert_eq!(
        under_indented_closers(text),
        vec![(text.find("  },").unwrap(), 1)]
    );
    let node = parse("x:\n  l: [\n    \"a\",\n  ]\n").unwrap();
    let l = node.get("x").and_then(|x| x.get("l")).unwrap();
    assert_eq!(l.as_seq().map(<[Node]>::len), Some(1));
}
