//! Unit tests with hand-written expectations, and differential tests that run
//! the real ruff (located via `WTC_RUFF` or `<crate>/.venv/bin/ruff`) on
//! thousands of generated cases and require byte-identical output.

use super::*;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn atom(text: &str) -> Expr {
    Expr::atom(text)
}

fn kw(name: &str, value: Expr) -> Arg {
    Arg::Keyword(name.to_string(), value)
}

fn call(name: &str, args: Vec<Arg>) -> ChainCall {
    ChainCall::Call {
        name: name.to_string(),
        args,
        magic_trailing_comma: false,
    }
}

/// Deterministic xorshift64* generator.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield", "print",
];

/// A random identifier of `len` characters (never a keyword or builtin we use).
fn ident(rng: &mut Rng, len: usize) -> String {
    const FIRST: &[u8] = b"abcdefghijklmnopqrstuvwxyz_ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const REST: &[u8] = b"abcdefghijklmnopqrstuvwxyz_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    loop {
        let mut s = String::new();
        s.push(*rng.pick(FIRST) as char);
        for _ in 1..len.max(1) {
            s.push(*rng.pick(REST) as char);
        }
        if !KEYWORDS.contains(&s.as_str()) && !s.starts_with("__") {
            return s;
        }
    }
}

/// A lowercase identifier, mostly short, sometimes long.
fn name(rng: &mut Rng, max: usize) -> String {
    let len = if rng.percent(70) {
        rng.range(1, 12.min(max))
    } else {
        rng.range(1, max)
    };
    loop {
        let s = ident(rng, len).to_lowercase().replace("__", "_x");
        if !KEYWORDS.contains(&s.as_str()) {
            return s;
        }
    }
}

/// Random string content: ASCII, quotes, escapes, non-ASCII (wide, combining).
fn string_content(rng: &mut Rng, max: usize) -> String {
    const PIECES: &[&str] = &[
        "a", "b", "x", "Y", " ", "_", "-", "0", "7", "'", "\"", "\\", "\n", "\t", "\r", "\x07",
        "\x7f", "é", "ß", "ñ", "日", "本", "🧪", "😀", "\u{301}", "\u{a0}", "\u{200b}", "\u{2028}",
        "\u{e000}", "\u{feff}", "{", "}", "%", "#",
    ];
    let len = rng.range(0, max);
    let mut s = String::new();
    for _ in 0..len {
        if rng.percent(75) {
            s.push((b'a' + rng.below(26) as u8) as char);
        } else {
            s.push_str(rng.pick::<&str>(PIECES));
        }
    }
    s
}

/// A normalized, non-empty comment of printable characters.
fn comment(rng: &mut Rng, max: usize) -> String {
    const PIECES: &[&str] = &["🧪", "é", "日", " ", "`", "'", "\"", "#", "-", "."];
    let mut text = name(rng, 8);
    for _ in 0..rng.below(max) {
        if rng.percent(80) {
            text.push((b'a' + rng.below(26) as u8) as char);
        } else {
            text.push_str(rng.pick::<&str>(PIECES));
        }
    }
    format!("# {}", text.trim_end())
}

/// An atom that is never broken by ruff (names and literals), of random length.
fn simple_atom(rng: &mut Rng, max: usize) -> Expr {
    match rng.below(10) {
        0..=3 => Expr::Atom(name(rng, max.max(1))),
        4..=6 => Expr::Atom(py_str(&string_content(rng, max.saturating_sub(2)))),
        7 => Expr::Atom(py_int((rng.next() >> rng.below(64)) as i128 - (1 << 20))),
        8 => {
            // Finite only: `float("nan")` is a call ruff could break.
            let f = f64::from_bits(rng.next()) % 1e6;
            Expr::Atom(py_float(if f.is_finite() { f } else { 0.5 }))
        }
        _ => Expr::Atom(rng.pick(&["True", "False", "None"]).to_string()),
    }
}

/// A short atom with brackets (ruff could break it, but it always fits).
fn bracket_atom(rng: &mut Rng) -> Expr {
    let key = name(rng, 10);
    match rng.below(4) {
        0 => Expr::Atom(format!("os.environ[{}]", py_str(&key.to_uppercase()))),
        1 => Expr::Atom(format!("(params.get({}) or {{}})", py_str(&key))),
        2 => Expr::Atom(py_float(*rng.pick(&[
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ]))),
        _ => Expr::Atom(format!("{key}(1)")),
    }
}

fn gen_expr(rng: &mut Rng, depth: usize) -> Expr {
    let roll = rng.below(100);
    if depth >= 3 || roll < 55 {
        if rng.percent(10) {
            bracket_atom(rng)
        } else {
            simple_atom(rng, 60)
        }
    } else if roll < 72 {
        let n = rng.range(0, 5);
        Expr::List {
            items: (0..n).map(|_| gen_expr(rng, depth + 1)).collect(),
            magic_trailing_comma: rng.percent(8),
        }
    } else if roll < 86 {
        let n = rng.range(0, 4);
        Expr::Dict {
            items: (0..n)
                .map(|_| {
                    // Keys stay short enough that a bracketed value always fits.
                    let key = loop {
                        let key = if rng.percent(80) {
                            Expr::Atom(py_str(&name(rng, 20)))
                        } else {
                            simple_atom(rng, 22)
                        };
                        if matches!(&key, Expr::Atom(text) if text.chars().count() <= 22) {
                            break key;
                        }
                    };
                    (key, gen_expr(rng, depth + 1))
                })
                .collect(),
            magic_trailing_comma: rng.percent(8),
        }
    } else {
        Expr::Call {
            callee: callee(rng),
            args: gen_args(rng, depth + 1),
            magic_trailing_comma: rng.percent(8),
        }
    }
}

fn callee(rng: &mut Rng) -> String {
    let mut s = format!("fn_{}", name(rng, 20));
    if rng.percent(20) {
        s.push('.');
        s.push_str(&name(rng, 12));
    }
    s
}

fn gen_args(rng: &mut Rng, depth: usize) -> Vec<Arg> {
    let n = if rng.percent(15) { 0 } else { rng.range(1, 4) };
    let mut args = Vec::new();
    for i in 0..n {
        let kind = rng.below(100);
        if kind < 30 && i == 0 {
            args.push(Arg::Positional(gen_expr(rng, depth)));
        } else if kind < 88 || i + 1 < n {
            args.push(Arg::Keyword(name(rng, 20), gen_expr(rng, depth)));
        } else {
            let value = if rng.percent(70) {
                Expr::Atom(format!("(params.get({}) or {{}})", py_str(&name(rng, 24))))
            } else {
                simple_atom(rng, 40)
            };
            args.push(Arg::DoubleStar(value));
        }
    }
    args
}

fn gen_chain(rng: &mut Rng) -> Chain {
    let head = match rng.below(10) {
        0 => Expr::Atom(name(rng, 12)),
        1 => Expr::Atom(format!("task({})", name(rng, 30))),
        2 => Expr::Call {
            callee: "task".into(),
            args: gen_args(rng, 1),
            magic_trailing_comma: rng.percent(10),
        },
        _ => Expr::call("task", vec![Arg::Positional(Expr::Atom(name(rng, 40)))]),
    };
    let mut calls = Vec::new();
    let n = rng.range(5, 10);
    for i in 0..n {
        if rng.percent(6) && i + 1 < n {
            calls.push(ChainCall::Comment(comment(rng, 70)));
        }
        let args = if rng.percent(40) {
            Vec::new()
        } else {
            gen_args(rng, 0)
        };
        calls.push(ChainCall::Call {
            name: name(rng, 24),
            args,
            magic_trailing_comma: rng.percent(6),
        });
    }
    Chain { head, calls }
}

/// Renders an expression on one line as it might appear in unformatted source.
fn flat_expr(expr: &Expr) -> String {
    fn seq(items: Vec<String>, magic: bool) -> String {
        let mut s = items.join(", ");
        if magic && !items.is_empty() {
            s.push(',');
        }
        s
    }
    match expr {
        Expr::Atom(text) => text.clone(),
        Expr::List {
            items,
            magic_trailing_comma,
        } => format!(
            "[{}]",
            seq(items.iter().map(flat_expr).collect(), *magic_trailing_comma)
        ),
        Expr::Dict {
            items,
            magic_trailing_comma,
        } => format!(
            "{{{}}}",
            seq(
                items
                    .iter()
                    .map(|(k, v)| format!("{}: {}", flat_expr(k), flat_expr(v)))
                    .collect(),
                *magic_trailing_comma
            )
        ),
        Expr::Call {
            callee,
            args,
            magic_trailing_comma,
        } => format!("{callee}({})", flat_args(args, *magic_trailing_comma)),
        Expr::Subscript { value, items } => format!(
            "{value}[{}]",
            items.iter().map(flat_expr).collect::<Vec<_>>().join(", ")
        ),
        Expr::Union(operands) => operands
            .iter()
            .map(flat_expr)
            .collect::<Vec<_>>()
            .join(" | "),
    }
}

fn flat_args(args: &[Arg], magic: bool) -> String {
    let mut s = args
        .iter()
        .map(|arg| match arg {
            Arg::Positional(value) => flat_expr(value),
            Arg::Keyword(name, value) => format!("{name}={}", flat_expr(value)),
            Arg::DoubleStar(value) => format!("**{}", flat_expr(value)),
        })
        .collect::<Vec<_>>()
        .join(", ");
    if magic && !args.is_empty() {
        s.push(',');
    }
    s
}

/// The chain statement as unformatted source: one element per line.
fn flat_chain(target: &str, chain: &Chain) -> String {
    let mut s = format!("    {target} = (\n{}\n", flat_expr(&chain.head));
    for call in &chain.calls {
        match call {
            ChainCall::Comment(text) => s.push_str(&format!("  {text}\n")),
            ChainCall::Call {
                name,
                args,
                magic_trailing_comma,
            } => s.push_str(&format!(
                "        .{name}({})\n",
                flat_args(args, *magic_trailing_comma)
            )),
        }
    }
    s.push_str("    )\n");
    s
}

// ---------------------------------------------------------------------------
// Running ruff
// ---------------------------------------------------------------------------

fn tool(env_var: &str, name: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(env_var) {
        let path = PathBuf::from(path);
        if path.is_file() {
            return Some(path);
        }
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".venv/bin")
        .join(name);
    path.is_file().then_some(path)
}

fn ruff() -> Option<PathBuf> {
    let found = tool("WTC_RUFF", "ruff");
    if found.is_none() {
        eprintln!("skipped: ruff not found (run scripts/setup-venv.sh)");
    }
    found
}

/// Runs `program args` with `input` on stdin from a fresh empty directory.
fn run(program: &Path, args: &[&str], input: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "wtc-pyfmt-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    let mut child = Command::new(program)
        .args(args)
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let owned_input = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(owned_input.as_bytes()));
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut stdout)
        .expect("read stdout");
    let output = child.wait_with_output().expect("wait");
    writer.join().expect("writer").expect("write stdin");
    let _ = std::fs::remove_dir_all(&dir);
    if !output.status.success() {
        let saved = std::env::temp_dir().join("wtc-pyfmt-failed-input.py");
        let _ = std::fs::write(&saved, input);
        panic!(
            "{} {args:?} failed (input saved to {}): {}{}",
            program.display(),
            saved.display(),
            String::from_utf8_lossy(&output.stderr),
            stdout
        );
    }
    stdout
}

/// `ruff format` followed by `ruff check --fix`, the pipeline we emulate.
fn ruff_pipeline(ruff: &Path, source: &str) -> String {
    let formatted = run(
        ruff,
        &[
            "format",
            "--isolated",
            "--line-length",
            "88",
            "--target-version",
            "py310",
            "-s",
            "-",
        ],
        source,
    );
    run(
        ruff,
        &[
            "check",
            "--fix",
            "--isolated",
            "--line-length",
            "88",
            "--target-version",
            "py310",
            "--extend-select",
            "B006,I,UP",
            "--exit-zero",
            "-s",
            "-",
        ],
        &formatted,
    )
}

/// One generated case: its expected output and the unformatted input it came from.
struct Case {
    expected: String,
    input: String,
}

/// Asserts that `actual` is the concatenation of `header` and the cases'
/// expected texts; on mismatch reports the first differing case with a diff.
fn assert_cases(what: &str, header: &str, cases: &[Case], actual: &str) {
    let expected: String = std::iter::once(header)
        .chain(cases.iter().map(|case| case.expected.as_str()))
        .collect();
    if expected == actual {
        return;
    }
    let expected_lines: Vec<&str> = expected.lines().collect();
    let actual_lines: Vec<&str> = actual.lines().collect();
    let first = expected_lines
        .iter()
        .zip(&actual_lines)
        .position(|(e, a)| e != a)
        .unwrap_or(expected_lines.len().min(actual_lines.len()));
    // Find the case containing the first differing line.
    let mut line = header.lines().count();
    let mut index = cases.len().saturating_sub(1);
    for (i, case) in cases.iter().enumerate() {
        let count = case.expected.lines().count();
        if first < line + count {
            index = i;
            break;
        }
        line += count;
    }
    let case = &cases[index];
    let count = case.expected.lines().count();
    let lo = line.min(actual_lines.len());
    let hi = (line + count + 5).min(actual_lines.len());
    let ours: Vec<&str> = case.expected.lines().collect();
    panic!(
        "{what}: case {index} differs from ruff (first differing line {}):\n\
         --- input ---\n{}\n--- diff (-ours +ruff) ---\n{}",
        first + 1,
        case.input,
        line_diff(&ours, &actual_lines[lo..hi])
    );
}

/// A minimal line diff (longest common subsequence) of two short texts.
fn line_diff(a: &[&str], b: &[&str]) -> String {
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = String::new();
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            out.push_str(&format!(" {}\n", a[i]));
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push_str(&format!("+{}\n", b[j]));
            j += 1;
        } else {
            out.push_str(&format!("-{}\n", a[i]));
            i += 1;
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Unit tests (no ruff needed)
// ---------------------------------------------------------------------------

#[test]
fn string_literals() {
    assert_eq!(py_str("abc"), r#""abc""#);
    assert_eq!(py_str(""), r#""""#);
    assert_eq!(py_str("it's"), r#""it's""#);
    assert_eq!(py_str(r#"say "hi""#), r#"'say "hi"'"#);
    assert_eq!(py_str(r#"a'b"c"#), r#""a'b\"c""#);
    assert_eq!(py_str(r#""'""#), r#"'"\'"'"#);
    assert_eq!(py_str("a\\b\n\r\t"), r#""a\\b\n\r\t""#);
    assert_eq!(
        py_str("\x00\x1f\x7f\u{80}\u{a0}"),
        r#""\x00\x1f\x7f\x80\xa0""#
    );
    assert_eq!(
        py_str("\u{200b}\u{2028}\u{feff}"),
        r#""\u200b\u2028\ufeff""#
    );
    assert_eq!(py_str("\u{e0001}\u{10ffff}"), r#""\U000e0001\U0010ffff""#);
    assert_eq!(py_str("é日🧪"), "\"é日🧪\"");
}

#[test]
fn number_literals() {
    assert_eq!(py_int(0), "0");
    assert_eq!(py_int(-42), "-42");
    assert_eq!(
        py_int(i128::MIN),
        "-170141183460469231731687303715884105728"
    );
    assert_eq!(py_float(1.5), "1.5");
    assert_eq!(py_float(100.0), "100.0");
    assert_eq!(py_float(0.1), "0.1");
    assert_eq!(py_float(1e-5), "1e-05");
    assert_eq!(py_float(0.0001), "0.0001");
    assert_eq!(py_float(1.5e-7), "1.5e-07");
    assert_eq!(py_float(1e16), "1e16");
    assert_eq!(py_float(1e15), "1000000000000000.0");
    assert_eq!(py_float(123456789.125), "123456789.125");
    assert_eq!(py_float(1e300), "1e300");
    assert_eq!(py_float(-2.5e22), "-2.5e22");
    assert_eq!(py_float(5e-324), "5e-324");
    assert_eq!(py_float(-0.0), "-0.0");
    assert_eq!(py_float(0.0), "0.0");
    assert_eq!(py_float(f64::INFINITY), "float(\"inf\")");
    assert_eq!(py_float(f64::NEG_INFINITY), "float(\"-inf\")");
    assert_eq!(py_float(f64::NAN), "float(\"nan\")");
    assert_eq!(py_bool(true), "True");
    assert_eq!(py_none(), "None");
}

fn example_chain() -> Chain {
    Chain {
        head: Expr::call("task", vec![Arg::Positional(atom("set_workflow_details"))]),
        calls: vec![
            call("validate", vec![]),
            call(
                "set_task_instance_id",
                vec![Arg::Positional(atom(&py_str("workflow_details")))],
            ),
            call("handle_errors", vec![]),
            call("with_tracing", vec![]),
            ChainCall::Call {
                name: "skipif".into(),
                args: vec![
                    kw(
                        "conditions",
                        Expr::List {
                            items: vec![atom("any_is_empty_df"), atom("any_dependency_skipped")],
                            magic_trailing_comma: true,
                        },
                    ),
                    kw("unpack_depth", atom("1")),
                ],
                magic_trailing_comma: true,
            },
            call(
                "partial",
                vec![
                    kw("time_range", atom("time_range")),
                    Arg::DoubleStar(atom(r#"(params.get("get_timezone") or {})"#)),
                ],
            ),
            call("call", vec![]),
        ],
    }
}

#[test]
fn chain_layout() {
    let expected = r#"    workflow_details = (
        task(set_workflow_details)
        .validate()
        .set_task_instance_id("workflow_details")
        .handle_errors()
        .with_tracing()
        .skipif(
            conditions=[
                any_is_empty_df,
                any_dependency_skipped,
            ],
            unpack_depth=1,
        )
        .partial(time_range=time_range, **(params.get("get_timezone") or {}))
        .call()
    )
"#;
    assert_eq!(
        assign_chain("workflow_details", &example_chain(), 4),
        expected
    );
}

#[test]
fn chain_with_nested_arguments_and_comment() {
    let details = Expr::dict(vec![
        (atom(r#""unit""#), atom(r#"os.environ["UNIT"]"#)),
        (atom(r#""n""#), atom("3")),
        (atom(r#""ok""#), atom("True")),
        (atom(r#""none""#), atom("None")),
        (atom(r#""f""#), atom("1.5")),
    ]);
    let chain = Chain {
        head: Expr::call("task", vec![Arg::Positional(atom("draw_summary"))]),
        calls: vec![
            ChainCall::Comment("# 🧪 mocked".into()),
            call(
                "set_task_instance_id",
                vec![Arg::Positional(atom(r#""summary""#))],
            ),
            call("handle_errors", vec![]),
            call("with_tracing", vec![]),
            call(
                "partial",
                vec![
                    kw(
                        "title",
                        Expr::list(vec![atom(r#""Total""#), atom("details"), details]),
                    ),
                    Arg::DoubleStar(atom(r#"(params.get("summary") or {})"#)),
                ],
            ),
            call(
                "map",
                vec![
                    kw("argnames", Expr::list(vec![atom(r#""value""#)])),
                    kw(
                        "argvalues",
                        Expr::list(vec![atom("counts"), atom("grouped")]),
                    ),
                ],
            ),
        ],
    };
    let expected = r#"    summary = (
        task(draw_summary)
        # 🧪 mocked
        .set_task_instance_id("summary")
        .handle_errors()
        .with_tracing()
        .partial(
            title=[
                "Total",
                details,
                {
                    "unit": os.environ["UNIT"],
                    "n": 3,
                    "ok": True,
                    "none": None,
                    "f": 1.5,
                },
            ],
            **(params.get("summary") or {}),
        )
        .map(argnames=["value"], argvalues=[counts, grouped])
    )
"#;
    assert_eq!(assign_chain("summary", &chain, 4), expected);
}

#[test]
fn short_chains() {
    let chain = Chain {
        head: atom("df"),
        calls: vec![call("a", vec![]), call("b", vec![]), call("c", vec![])],
    };
    assert_eq!(assign_chain("x", &chain, 0), "x = df.a().b().c()\n");
    let long = "t".repeat(80);
    assert_eq!(
        assign_chain(&long, &chain, 0),
        format!("{long} = (\n    df.a().b().c()\n)\n")
    );
}

#[test]
fn expressions() {
    let args = vec![
        Arg::Positional(atom("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")),
        kw("b", atom("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")),
        kw("c", atom("cccccccc")),
    ];
    assert_eq!(
        format_expr(&Expr::call("f", args.clone()), 0, "x = ", ""),
        "x = f(\n    aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, b=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb, c=cccccccc\n)\n"
    );
    let single = vec![Arg::Positional(Expr::list(vec![
        atom(&"a".repeat(41)),
        atom(&"b".repeat(41)),
    ]))];
    assert_eq!(
        format_expr(&Expr::call("f", single), 0, "", ""),
        format!(
            "f(\n    [\n        {},\n        {},\n    ]\n)\n",
            "a".repeat(41),
            "b".repeat(41)
        )
    );
    let target = "x".repeat(79);
    assert_eq!(
        format_expr(
            &Expr::call("ffffffff", vec![Arg::Positional(atom("a"))]),
            0,
            &format!("{target} = "),
            ""
        ),
        format!("{target} = (\n    ffffffff(a)\n)\n")
    );
    let magic = Expr::Call {
        callee: "f".into(),
        args: vec![Arg::DoubleStar(atom("k"))],
        magic_trailing_comma: true,
    };
    assert_eq!(
        format_expr(&magic, 4, "", ""),
        "    f(\n        **k,\n    )\n"
    );
    assert_eq!(format_expr(&Expr::list(vec![]), 0, "x = ", ""), "x = []\n");
}

#[test]
fn imports() {
    let imports = vec![
        Import::module("typing", "Any"),
        Import::aliased("wt_contracts", "validate", "_validate"),
        Import::aliased("..", "metadata", "_metadata"),
        Import::plain("os"),
        Import::module("wt_task", "task"),
        Import::aliased("wt_tasks.io", "load_df", "load_df"),
        Import::plain("warnings").with_comment("# 🧪"),
        Import::module("wt_task.testing", "create_func_magicmock").with_comment("# 🧪"),
        Import::plain("os"),
        Import::module("__future__", "annotations"),
        Import::module("m", "b"),
        Import::module("m", "CONST"),
        Import::module("m", "Class"),
        Import::module("m", "a"),
        Import::plain("mod10"),
        Import::plain("mod2"),
        Import::module(".", "sibling"),
        Import::aliased(
            "wt_tasks.some.very.long.module.path",
            "a_rather_long_function_name",
            "a_rather_long_function_name",
        ),
    ];
    let expected = "\
from __future__ import annotations

import os
import warnings  # 🧪
from typing import Any

import mod2
import mod10
from m import CONST, Class, a, b
from wt_contracts import validate as _validate
from wt_task import task
from wt_task.testing import create_func_magicmock  # 🧪
from wt_tasks.io import load_df as load_df
from wt_tasks.some.very.long.module.path import (
    a_rather_long_function_name as a_rather_long_function_name,
)

from .. import metadata as _metadata
from . import sibling
";
    assert_eq!(import_block(&imports), expected);
    assert_eq!(import_block(&[]), "");
}

#[test]
fn import_member_with_comment_forces_wrapping() {
    let imports = vec![
        Import::module("m", "b"),
        Import::module("m", "a").with_comment("# note"),
    ];
    assert_eq!(
        import_block(&imports),
        "from m import (\n    a,  # note\n    b,\n)\n"
    );
}

#[test]
fn imports_rewritten_by_other_fixes() {
    // PLR0402: `import os.path as path` becomes `from os import path`.
    let imports = vec![
        Import {
            module: "os.path".into(),
            name: None,
            alias: Some("path".into()),
            comment: None,
        },
        Import::module("os", "sep"),
    ];
    assert_eq!(import_block(&imports), "from os import path, sep\n");
    // Too wide with its comment: `ruff format` wraps it first, the comment ends
    // up behind the parenthesis and the magic trailing comma keeps it wrapped.
    let long = "a".repeat(60);
    let imports = vec![Import::module("pkg", &long).with_comment("# a comment")];
    assert_eq!(
        import_block(&imports),
        format!("from pkg import (\n    {long},\n)  # a comment\n")
    );
    // Pragma comments do not count for the formatter, but do for isort.
    let imports = vec![Import::module("pkg", &long).with_comment("# type: ignore")];
    assert_eq!(
        import_block(&imports),
        format!("from pkg import (\n    {long},  # type: ignore\n)\n")
    );
}

#[test]
fn sole_parenthesized_argument_loses_its_parentheses() {
    // `ruff check --fix` (UP034) strips them after formatting.
    let expr = Expr::call("f", vec![Arg::Positional(atom("(a or b)"))]);
    assert_eq!(format_expr(&expr, 0, "", ""), "f(a or b)\n");
    let expr = Expr::call("f", vec![Arg::Positional(atom("(a)(b)"))]);
    assert_eq!(format_expr(&expr, 0, "", ""), "f((a)(b))\n");
    let expr = Expr::call("f", vec![Arg::DoubleStar(atom("(a or b)"))]);
    assert_eq!(format_expr(&expr, 0, "", ""), "f(**(a or b))\n");
}

// ---------------------------------------------------------------------------
// Differential tests against ruff
// ---------------------------------------------------------------------------

const CHAIN_CASES: usize = 3000;
const EXPR_CASES: usize = 3000;
const IMPORT_CASES: usize = 1500;
const BATCH: usize = 500;

/// Multiplies the number of generated cases (`WTC_PYFMT_SCALE`, default 1) and
/// offsets the seeds (`WTC_PYFMT_SEED`, default 0) for longer local runs.
fn scaled(cases: usize) -> usize {
    let scale = std::env::var("WTC_PYFMT_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1usize);
    cases * scale.max(1)
}

fn seed(base: u64) -> u64 {
    let offset = std::env::var("WTC_PYFMT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0u64);
    base + 1000 * offset
}

#[test]
fn chains_match_ruff() {
    let Some(ruff) = ruff() else { return };
    let mut rng = Rng::new(seed(1));
    let header = "def main(params):\n";
    let mut done = 0;
    while done < scaled(CHAIN_CASES) {
        let mut cases = Vec::new();
        for i in 0..BATCH.min(scaled(CHAIN_CASES) - done) {
            let chain = gen_chain(&mut rng);
            let target = name(&mut rng, 40);
            let expected = assign_chain(&target, &chain, 4);
            let input = flat_chain(&target, &chain);
            cases.push(Case {
                expected: if i == 0 {
                    expected
                } else {
                    format!("\n{expected}")
                },
                input,
            });
        }
        let source = format!(
            "{header}{}",
            cases
                .iter()
                .map(|case| case.input.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        );
        let actual = ruff_pipeline(&ruff, &source);
        assert_cases("chains", header, &cases, &actual);
        done += cases.len();
    }
}

#[test]
fn expressions_match_ruff() {
    let Some(ruff) = ruff() else { return };
    let mut rng = Rng::new(seed(2));
    let mut done = 0;
    while done < scaled(EXPR_CASES) {
        // Alternate between module level and function bodies.
        let indent = if (done / BATCH).is_multiple_of(2) {
            4
        } else {
            0
        };
        let header = if indent == 4 {
            "def main(params):\n"
        } else {
            ""
        };
        let mut cases = Vec::new();
        for _ in 0..BATCH.min(scaled(EXPR_CASES) - done) {
            let expr = match rng.below(4) {
                // Top-level atoms with brackets are not supported (ruff would drop
                // redundant parentheses), see the module docs.
                0 => simple_atom(&mut rng, 90),
                1 => Expr::Call {
                    callee: callee(&mut rng),
                    args: gen_args(&mut rng, 0),
                    magic_trailing_comma: rng.percent(8),
                },
                _ => match gen_expr(&mut rng, 0) {
                    Expr::Atom(_) => simple_atom(&mut rng, 60),
                    expr => expr,
                },
            };
            let is_string = matches!(&expr, Expr::Atom(text) if text.ends_with(['"', '\'']));
            let prefix = match rng.below(5) {
                // A bare string statement would be a docstring; the first
                // statement of a batch must not be one either.
                0 if !is_string && !cases.is_empty() => String::new(),
                1 if indent == 4 => "return ".to_string(),
                2 => format!("self.{} = ", name(&mut rng, 30)),
                _ => format!("{} = ", name(&mut rng, 80)),
            };
            let expected = format_expr(&expr, indent, &prefix, "");
            let input = format!("{}{prefix}{}\n", " ".repeat(indent), flat_expr(&expr));
            cases.push(Case { expected, input });
        }
        let source: String = std::iter::once(header.to_string())
            .chain(cases.iter().map(|case| case.input.clone()))
            .collect();
        let actual = ruff_pipeline(&ruff, &source);
        assert_cases("expressions", header, &cases, &actual);
        done += cases.len();
    }
}

/// A random module path: absolute (stdlib, future, `__main__` or third party)
/// or relative.
fn gen_module(rng: &mut Rng) -> String {
    const STDLIB: &[&str] = &[
        "os",
        "typing",
        "warnings",
        "json",
        "importlib",
        "traceback",
        "pathlib",
        "sys",
        "functools",
        "collections",
        "dataclasses",
        "enum",
        "uuid",
        "datetime",
        "tempfile",
        "subprocess",
        "re",
        "logging",
        "os.path",
        "collections.abc",
        "importlib.metadata",
    ];
    const THIRD: &[&str] = &[
        "a",
        "A",
        "a.b",
        "a_b",
        "ab",
        "a0",
        "mod2",
        "mod10",
        "mod010",
        "Mod1",
        "yaml",
        "wt_task",
        "wt_task.testing",
        "wt_contracts",
        "numpy",
        "pandas",
        "x1y2",
        "x1y10",
        "Zeta",
    ];
    match rng.below(10) {
        0..=2 => rng.pick(STDLIB).to_string(),
        3..=4 => rng.pick(THIRD).to_string(),
        5 => {
            let dots = ".".repeat(rng.range(1, 3));
            if rng.percent(40) {
                dots
            } else {
                format!("{dots}{}", name(rng, 12))
            }
        }
        6 if rng.percent(10) => "__main__".to_string(),
        _ => {
            let parts = rng.range(1, 4);
            (0..parts)
                .map(|_| {
                    loop {
                        let len = rng.range(1, 14);
                        let mut part = ident(rng, len);
                        if rng.percent(70) {
                            part = part.to_lowercase();
                        }
                        let part = part.replace("__", "_x");
                        if !KEYWORDS.contains(&part.as_str()) {
                            break part;
                        }
                    }
                })
                .collect::<Vec<_>>()
                .join(".")
        }
    }
}

/// A random member name: constant, class or function style.
fn gen_member(rng: &mut Rng) -> String {
    loop {
        let len = if rng.percent(80) {
            rng.range(1, 16)
        } else {
            rng.range(16, 50)
        };
        let base = ident(rng, len).replace("__", "_x");
        let member: String = match rng.below(4) {
            0 => base.to_uppercase(),
            1 => {
                let mut chars = base.chars();
                let first = chars.next().map(|c| c.to_ascii_uppercase()).unwrap_or('A');
                std::iter::once(first).chain(chars).collect()
            }
            _ => base.to_lowercase(),
        };
        if !KEYWORDS.contains(&member.as_str()) {
            return member;
        }
    }
}

/// A random import set whose bound names are unique (except exact duplicates),
/// rendered as one statement per line followed by a use of every name.
///
/// `bound` holds the names bound by earlier blocks of the same file: rebinding
/// one would change which of ruff's fixes (`F811` or `I001`) handles duplicates.
fn gen_imports(rng: &mut Rng, bound: &mut Vec<String>) -> (Vec<Import>, Vec<String>) {
    let mut imports: Vec<Import> = Vec::new();
    let mut uses: Vec<String> = Vec::new();
    let n = rng.range(1, 14);
    while imports.len() < n {
        if !imports.is_empty() && rng.percent(10) {
            // An exact duplicate, possibly with another comment.
            let mut dup = rng.pick(&imports).clone();
            if rng.percent(50) {
                dup.comment = Some(format!("# dup {}", name(rng, 8)));
            }
            imports.push(dup);
            continue;
        }
        let module = gen_module(rng);
        let relative = module.starts_with('.');
        let from = relative || rng.percent(65);
        let import = if from {
            let mut member = gen_member(rng);
            if module == "re" && member.len() == 1 {
                // FURB167 rewrites the regex flag aliases `re.A`, `re.I`, ...
                member.push('x');
            }
            let alias = match rng.below(4) {
                0 => Some(member.clone()),
                1 => Some(gen_member(rng)),
                _ => None,
            };
            Import {
                module,
                name: Some(member),
                alias,
                comment: None,
            }
        } else {
            let alias = match module.rsplit_once('.') {
                // PLR0402 rewrites this to `from a import b`.
                Some((_, last)) if rng.percent(30) => Some(last.to_string()),
                _ => rng.percent(20).then(|| gen_member(rng)),
            };
            Import {
                module,
                name: None,
                alias,
                comment: None,
            }
        };
        let binding = match (&import.name, &import.alias) {
            (_, Some(alias)) => alias.clone(),
            (Some(name), None) => name.clone(),
            (None, None) => import.module.split('.').next().unwrap_or("").to_string(),
        };
        if binding.is_empty() || bound.contains(&binding) || KEYWORDS.contains(&binding.as_str()) {
            continue;
        }
        let usage = match (&import.name, &import.alias) {
            (None, None) => import.module.clone(),
            _ => binding.clone(),
        };
        bound.push(binding);
        uses.push(usage);
        let mut import = import;
        if rng.percent(15) {
            import.comment = Some(match rng.below(10) {
                0..=2 => "# 🧪".to_string(),
                // Pragma comments do not count for the formatter's line width.
                3 => "# type: ignore".to_string(),
                4 => format!("# pylint: disable={}", name(rng, 40)),
                _ => comment(rng, 40),
            });
        }
        imports.push(import);
    }
    (imports, uses)
}

#[test]
fn imports_match_ruff() {
    let Some(ruff) = ruff() else { return };
    let mut rng = Rng::new(seed(3));
    let mut done = 0;
    while done < scaled(IMPORT_CASES) {
        // Several import blocks per file, separated by statements using the names
        // (isort sorts each block on its own; the uses keep F401 away).
        let mut blocks = Vec::new();
        let mut source = String::new();
        let mut bound = Vec::new();
        for block in 0..BATCH.min(scaled(IMPORT_CASES) - done) {
            let (mut imports, uses) = gen_imports(&mut rng, &mut bound);
            if block == 0 && rng.percent(50) {
                imports.insert(0, Import::module("__future__", "annotations"));
            } else {
                imports.retain(|import| import.module != "__future__");
            }
            for import in &imports {
                source.push_str(&import.to_statement());
                source.push('\n');
            }
            source.push('\n');
            for usage in &uses {
                source.push_str(&format!("print({usage})\n"));
            }
            source.push('\n');
            blocks.push(imports);
        }
        let actual = ruff_pipeline(&ruff, &source);
        // Split ruff's output into the import blocks between the `print` runs.
        let mut segments: Vec<String> = vec![String::new()];
        let mut in_uses = false;
        for line in actual.lines() {
            if line.starts_with("print(") {
                in_uses = true;
                continue;
            }
            if in_uses && !line.is_empty() {
                segments.push(String::new());
                in_uses = false;
            }
            if let Some(last) = segments.last_mut() {
                last.push_str(line);
                last.push('\n');
            }
        }
        assert_eq!(segments.len(), blocks.len(), "block count");
        for (imports, segment) in blocks.iter().zip(&segments) {
            let expected = import_block(imports);
            let actual = format!("{}\n", segment.trim_matches('\n'));
            if expected != actual {
                let input: String = imports
                    .iter()
                    .map(|import| format!("{}\n", import.to_statement()))
                    .collect();
                panic!(
                    "imports differ from ruff:\n--- input ---\n{input}--- ours ---\n{expected}--- ruff ---\n{actual}"
                );
            }
        }
        done += blocks.len();
    }
}

#[test]
fn literals_match_ruff_and_python() {
    let Some(ruff) = ruff() else { return };
    let mut rng = Rng::new(seed(4));
    let mut strings = Vec::new();
    let mut floats = Vec::new();
    let mut source = String::new();
    for i in 0..scaled(2000) {
        let s = string_content(&mut rng, 30);
        let f = match i % 4 {
            0 => f64::from_bits(rng.next()),
            1 => (rng.next() % 1_000_000) as f64 / 10f64.powi(rng.below(12) as i32),
            2 => 10f64.powi(rng.range(0, 40) as i32 - 20),
            _ => (rng.next() as f64) * if rng.percent(50) { 1e-30 } else { 1e10 },
        };
        source.push_str(&format!("s = {}\nf = {}\n", py_str(&s), py_float(f)));
        strings.push(s);
        floats.push(f);
    }
    source.push_str(&format!("i = {}\n", py_int(i128::MAX)));
    assert_eq!(
        ruff_pipeline(&ruff, &source),
        source,
        "ruff changed a literal"
    );

    // Compare with Python's own repr when the venv's Python is available.
    let Some(python) = tool("WTC_PYTHON", "python") else {
        return;
    };
    let script = r#"
import sys
out = []
for line in sys.stdin.read().splitlines():
    kind, _, payload = line.partition(" ")
    if kind == "s":
        s = "".join(chr(int(c, 16)) for c in payload.split(",") if c)
        q = "'" if s.count('"') > s.count("'") else '"'
        body = "".join(c if c in "'\"" else repr(c)[1:-1] for c in s)
        out.append(q + body.replace(q, "\\" + q) + q)
    else:
        f = float.fromhex(payload)
        r = repr(f)
        out.append(r.replace("e+", "e") if r not in ("inf", "-inf", "nan") else r)
sys.stdout.write("\n".join(out) + "\n")
"#;
    let mut input = String::new();
    let mut expected = String::new();
    for (s, f) in strings.iter().zip(&floats) {
        let codes: Vec<String> = s.chars().map(|c| format!("{:x}", u32::from(c))).collect();
        input.push_str(&format!("s {}\n", codes.join(",")));
        expected.push_str(&py_str(s));
        expected.push('\n');
        if f.is_finite() {
            input.push_str(&format!("f {}\n", hex_float(*f)));
            expected.push_str(&py_float(*f));
            expected.push('\n');
        }
    }
    let actual = run(&python, &["-c", script], &input);
    for (ours, python) in expected.lines().zip(actual.lines()) {
        assert_eq!(ours, python);
    }
    assert_eq!(expected.lines().count(), actual.lines().count());
}

/// `float.hex()`-style text that `float.fromhex` parses exactly.
fn hex_float(f: f64) -> String {
    let bits = f.to_bits();
    let sign = if bits >> 63 == 1 { "-" } else { "" };
    let exponent = ((bits >> 52) & 0x7ff) as i64;
    let mantissa = bits & ((1 << 52) - 1);
    if exponent == 0 {
        format!("{sign}0x0.{mantissa:013x}p-1022")
    } else {
        format!("{sign}0x1.{mantissa:013x}p{}", exponent - 1023)
    }
}

// ---------------------------------------------------------------------------
// Annotated assignments and class headers (the shapes of generated pydantic models)
// ---------------------------------------------------------------------------

const ANN_CASES: usize = 3000;

/// A type name as generated models use them: builtins, pydantic names, class names.
fn type_name(rng: &mut Rng) -> String {
    const NAMES: &[&str] = &[
        "None",
        "Any",
        "StrictStr",
        "StrictFloat",
        "StrictBool",
        "JsonInt",
        "str",
    ];
    if rng.percent(50) {
        rng.pick(NAMES).to_string()
    } else {
        class_name(rng)
    }
}

/// A PascalCase class name, sometimes long.
fn class_name(rng: &mut Rng) -> String {
    {
        // PascalCase class names, sometimes long.
        let mut s = String::new();
        let max = if rng.percent(85) { 3 } else { 9 };
        for _ in 0..rng.range(1, max) {
            let part = name(rng, 12).replace('_', "");
            let mut chars = part.chars();
            if let Some(first) = chars.next() {
                s.push(first.to_ascii_uppercase());
                s.extend(chars);
            }
        }
        if s.is_empty() {
            "Model".to_string()
        } else {
            format!("M{s}")
        }
    }
}

/// A random annotation: names, `list[...]`, `dict[str, ...]`, `Literal[...]`,
/// `Annotated[..., Field(...)]` and unions of those.
fn gen_annotation(rng: &mut Rng, depth: usize, allow_union: bool) -> Expr {
    let roll = rng.below(100);
    if depth >= 3 || roll < 35 {
        Expr::atom(type_name(rng))
    } else if roll < 48 {
        Expr::subscript("list", vec![gen_annotation(rng, depth + 1, true)])
    } else if roll < 56 {
        Expr::subscript(
            "dict",
            vec![Expr::atom("str"), gen_annotation(rng, depth + 1, true)],
        )
    } else if roll < 72 {
        let n = rng.range(1, 6);
        let items = (0..n)
            .map(|_| {
                if rng.percent(80) {
                    Expr::Atom(py_str(&string_content(rng, 30).replace(['\n', '\r'], " ")))
                } else {
                    Expr::atom(*rng.pick(&["None", "True", "False", "1", "-3"]))
                }
            })
            .collect();
        Expr::subscript("Literal", items)
    } else if roll < 82 {
        let meta = Expr::call(
            "Field",
            (0..rng.range(1, 3))
                .map(|_| Arg::Keyword(name(rng, 12), simple_atom(rng, 20)))
                .collect(),
        );
        let inner = gen_annotation(rng, depth + 1, true);
        let mut items = vec![inner, meta];
        if rng.percent(30) {
            items.push(Expr::call(
                "BeforeValidator",
                vec![Arg::Positional(Expr::atom(format!("_{}", name(rng, 16))))],
            ));
        }
        Expr::subscript("Annotated", items)
    } else if allow_union {
        let n = rng.range(2, 5);
        let mut operands: Vec<Expr> = (0..n)
            .map(|_| gen_annotation(rng, depth + 1, false))
            .collect();
        if rng.percent(50) {
            operands.push(Expr::atom("None"));
        }
        // Duplicate members would be removed by `ruff check --fix`.
        let mut seen = Vec::new();
        operands.retain(|op| {
            let text = flat_expr(op);
            let fresh = !seen.contains(&text);
            seen.push(text);
            fresh
        });
        if operands.len() < 2 {
            operands.push(Expr::atom("MOther"));
        }
        Expr::Union(operands)
    } else {
        Expr::atom(type_name(rng))
    }
}

/// A random field value: `Field(...)` with keyword arguments, or a literal.
fn gen_field_value(rng: &mut Rng) -> Option<Expr> {
    match rng.below(10) {
        0..=1 => None,
        2..=3 => Some(match rng.below(4) {
            0 => Expr::atom("None"),
            1 => simple_atom(rng, 70),
            _ => Expr::Atom(py_str(&string_content(rng, 60).replace(['\n', '\r'], " "))),
        }),
        _ => {
            let mut args = Vec::new();
            for _ in 0..rng.range(1, 5) {
                let key = *rng.pick(&[
                    "default",
                    "alias",
                    "title",
                    "description",
                    "ge",
                    "le",
                    "min_length",
                ]);
                let value = if rng.percent(15) {
                    gen_expr(rng, 1)
                } else {
                    simple_atom(rng, 90)
                };
                args.push(Arg::Keyword(key.to_string(), value));
            }
            Some(Expr::call("Field", args))
        }
    }
}

#[test]
fn annotated_assignments_match_ruff() {
    let Some(ruff) = ruff() else { return };
    let mut rng = Rng::new(seed(5));
    let header = "class Model:\n";
    let mut done = 0;
    while done < scaled(ANN_CASES) {
        let mut cases = Vec::new();
        for _ in 0..BATCH.min(scaled(ANN_CASES) - done) {
            let max = if rng.percent(80) { 20 } else { 60 };
            let target = name(&mut rng, max);
            let annotation = if rng.percent(10) {
                Expr::atom(type_name(&mut rng))
            } else {
                gen_annotation(&mut rng, 0, true)
            };
            let value = gen_field_value(&mut rng);
            let expected = format_ann_assign(&target, &annotation, value.as_ref(), 4);
            let input = match &value {
                Some(value) => format!(
                    "    {target}: {} = {}\n",
                    flat_expr(&annotation),
                    flat_expr(value)
                ),
                None => format!("    {target}: {}\n", flat_expr(&annotation)),
            };
            cases.push(Case { expected, input });
        }
        let source: String = std::iter::once(header.to_string())
            .chain(cases.iter().map(|case| case.input.clone()))
            .collect();
        let actual = ruff_pipeline(&ruff, &source);
        assert_cases("annotated assignments", header, &cases, &actual);
        done += cases.len();
    }
}

#[test]
fn type_aliases_match_ruff() {
    let Some(ruff) = ruff() else { return };
    let mut rng = Rng::new(seed(6));
    let mut cases = Vec::new();
    for _ in 0..scaled(1000) {
        let target = class_name(&mut rng);
        let value = gen_annotation(&mut rng, 0, true);
        let expected = format_expr(&value, 0, &format!("{target} = "), "");
        let input = format!("{target} = {}\n", flat_expr(&value));
        cases.push(Case { expected, input });
    }
    let source: String = cases.iter().map(|case| case.input.clone()).collect();
    let actual = ruff_pipeline(&ruff, &source);
    assert_cases("type aliases", "", &cases, &actual);
}

#[test]
fn class_headers_match_ruff() {
    let Some(ruff) = ruff() else { return };
    let mut rng = Rng::new(seed(7));
    let mut cases = Vec::new();
    for i in 0..scaled(300) {
        let class = class_name(&mut rng) + &"X".repeat(rng.below(4) * 25);
        let base = *rng.pick(&["BaseModel", "RootModel"]);
        let header = format_class_header(&class, &[base], 0);
        let expected = format!("{}{header}    pass\n", if i == 0 { "" } else { "\n\n" });
        let input = format!("class {class}({base}):\n    pass\n");
        cases.push(Case { expected, input });
    }
    let source: String = cases.iter().map(|case| case.input.clone()).collect();
    let actual = ruff_pipeline(&ruff, &source);
    assert_cases("class headers", "", &cases, &actual);
}

#[test]
fn annotated_assignment_layouts() {
    let lit = |n: usize| {
        Expr::subscript(
            "Literal",
            (0..n)
                .map(|i| Expr::Atom(py_str(&format!("value number {i}"))))
                .collect(),
        )
    };
    let field = Expr::call(
        "Field",
        vec![
            kw("default", atom("None")),
            kw("title", atom(&py_str("A title"))),
        ],
    );
    assert_eq!(
        format_ann_assign("x", &atom("StrictStr"), Some(&field), 4),
        "    x: StrictStr = Field(default=None, title=\"A title\")\n"
    );
    assert_eq!(
        format_ann_assign("choice", &lit(5), Some(&field), 4),
        "    choice: Literal[\n        \"value number 0\",\n        \"value number 1\",\n        \"value number 2\",\n        \"value number 3\",\n        \"value number 4\",\n    ] = Field(default=None, title=\"A title\")\n"
    );
    let union = Expr::Union(vec![lit(1), atom("None")]);
    assert_eq!(
        format_ann_assign("choice", &union, None, 4),
        "    choice: Literal[\"value number 0\"] | None\n"
    );
}
