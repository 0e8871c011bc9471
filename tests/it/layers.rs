//! The layer rule of `ARCHITECTURE.md`, enforced: every `crate::…` / `super::…` path in
//! `src/` (imports and inline paths, comments excluded) may only name a module of the same
//! or a lower layer, and modules never import each other in a cycle (a parent module and
//! its own children excepted). Modelled on rust-analyzer's `tidy.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers, bottom to top: `(layer name, module path prefixes)`. A module belongs to
/// the layer of its longest listed prefix. Keep in sync with `ARCHITECTURE.md` ("Layers").
const LAYERS: &[(&str, &[&str])] = &[
    (
        "foundation",
        &["syntax", "files", "hex", "pyjson", "tomlw", "pyfmt"],
    ),
    ("diagnostics", &["diagnostics"]),
    ("model", &["spec", "registry"]),
    ("base", &["db"]),
    (
        "analysis",
        &[
            "front",
            "resolve",
            "schema",
            "editor_schema",
            "dependencies",
            "discovery::plan",
        ],
    ),
    (
        "generation",
        &["fingerprint", "pydantic_gen", "graph", "templates"],
    ),
    ("artifacts", &["artifacts"]),
    (
        "edges",
        &["output", "discovery", "discovery::env", "scaffold", "lsp"],
    ),
    ("cli", &["cli", "cli::run"]),
];

/// One violation, already formatted as `file:line: message`.
type Violation = String;

/// A source file: its module path (`a::b`, empty for the crate root) and text.
pub struct Source {
    pub file: String,
    pub module: String,
    pub text: String,
}

/// The module path of `src/<rel>`.
fn module_of(rel: &str) -> String {
    let rel = rel.trim_end_matches(".rs");
    let rel = rel.strip_suffix("/mod").unwrap_or(rel);
    if rel == "lib" || rel == "main" {
        return String::new();
    }
    rel.replace('/', "::")
}

fn layer_of(module: &str) -> Option<(usize, &'static str)> {
    let mut best: Option<(usize, usize, &'static str)> = None;
    for (i, (name, prefixes)) in LAYERS.iter().enumerate() {
        for p in *prefixes {
            let matches = module == *p || module.starts_with(&format!("{p}::"));
            if matches && best.is_none_or(|(len, _, _)| p.len() > len) {
                best = Some((p.len(), i, name));
            }
        }
    }
    best.map(|(_, i, name)| (i, name))
}

/// The text without comments (line comments, doc comments, block comments) and without
/// the contents of string literals; line breaks are kept so line numbers stay right.
pub fn strip(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                if b[i] == b'\n' {
                    out.push('\n');
                }
                i += 1;
            }
            i += 2;
        } else if b[i] == b'\'' {
            // A char literal (`'{'`, `'"'`, `'\''`, `'é'`) is blanked; a lifetime is kept.
            let rest = &text[i + 1..];
            let mut chars = rest.char_indices();
            let len = match (chars.next(), chars.next()) {
                (Some((_, '\\')), _) => rest[1..].find('\'').map(|e| e + 3),
                (Some((_, c)), Some((j, '\''))) if c != '\'' => Some(j + 2),
                _ => None,
            };
            match len {
                Some(n) => {
                    out.push_str("' '");
                    i += n;
                }
                None => {
                    out.push('\'');
                    i += 1;
                }
            }
        } else if b[i] == b'"' {
            out.push('"');
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                if b.get(i) == Some(&b'\n') {
                    out.push('\n');
                }
                i += 1;
            }
            out.push('"');
            i += 1;
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Every module path referred to by `src`, with the 1-based line: `crate::x::y` (also inside
/// `use crate::{…}` trees) and `super::`/`self::` paths resolved against the module.
fn references(src: &Source) -> Vec<(usize, Vec<String>)> {
    let text = strip(&src.text);
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        let prev_ok = i == 0 || !is_ident(text[..i].chars().next_back().unwrap_or(' '));
        let rooted = ["crate::", "super::", "self::"]
            .into_iter()
            .any(|r| rest.starts_with(r));
        if prev_ok && rooted {
            let line = text[..i].matches('\n').count() + 1;
            let (paths, len) = parse_path(&text[i..]);
            for p in paths {
                if let Some(abs) = absolute(&src.module, &p) {
                    out.push((line, abs));
                }
            }
            i += len.max(1);
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    out
}

/// Parses a path (with `{…}` use trees) at the start of `s`: every leaf path as segments,
/// and the length consumed.
fn parse_path(s: &str) -> (Vec<Vec<String>>, usize) {
    fn tree(s: &[u8], i: &mut usize, prefix: &[String], out: &mut Vec<Vec<String>>) {
        let mut segs = prefix.to_vec();
        loop {
            while *i < s.len() && (s[*i] as char).is_whitespace() {
                *i += 1;
            }
            if *i < s.len() && s[*i] == b'{' {
                *i += 1;
                loop {
                    tree(s, i, &segs, out);
                    while *i < s.len() && (s[*i] as char).is_whitespace() {
                        *i += 1;
                    }
                    match s.get(*i) {
                        Some(b',') => *i += 1,
                        Some(b'}') => {
                            *i += 1;
                            return;
                        }
                        _ => return,
                    }
                    while *i < s.len() && (s[*i] as char).is_whitespace() {
                        *i += 1;
                    }
                    if s.get(*i) == Some(&b'}') {
                        *i += 1;
                        return;
                    }
                }
            }
            let start = *i;
            while *i < s.len() && is_ident(s[*i] as char) {
                *i += 1;
            }
            if *i == start {
                out.push(segs);
                return;
            }
            segs.push(String::from_utf8_lossy(&s[start..*i]).into_owned());
            if s.get(*i..*i + 2) == Some(b"::") {
                *i += 2;
            } else {
                out.push(segs);
                return;
            }
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    tree(s.as_bytes(), &mut i, &[], &mut out);
    (out, i)
}

/// The absolute segments (without `crate`) of a path written in `module`.
fn absolute(module: &str, path: &[String]) -> Option<Vec<String>> {
    let mut base: Vec<String> = if module.is_empty() {
        Vec::new()
    } else {
        module.split("::").map(str::to_string).collect()
    };
    let mut segs = path.iter().peekable();
    match segs.peek().map(|s| s.as_str()) {
        Some("crate") => {
            base.clear();
            segs.next();
        }
        Some("super") => {
            while segs.peek().map(|s| s.as_str()) == Some("super") {
                base.pop()?;
                segs.next();
            }
        }
        Some("self") => {
            segs.next();
        }
        _ => return None,
    }
    base.extend(segs.filter(|s| *s != "self").cloned());
    Some(base)
}

/// The longest prefix of `path` that is a module of the crate.
fn resolve_module(modules: &BTreeSet<String>, path: &[String]) -> Option<String> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].join("::"))
        .find(|m| modules.contains(m))
}

fn is_ancestor(a: &str, b: &str) -> bool {
    a.is_empty() || b.starts_with(&format!("{a}::"))
}

/// Checks the layer rule and the absence of module cycles over `sources`.
pub fn check(sources: &[Source]) -> Vec<Violation> {
    let modules: BTreeSet<String> = sources.iter().map(|s| s.module.clone()).collect();
    let mut violations = Vec::new();
    // module → imported module → first (file, line)
    let mut edges: BTreeMap<String, BTreeMap<String, (String, usize)>> = BTreeMap::new();
    for src in sources {
        if src.module.is_empty() {
            continue;
        }
        let Some((from_layer, from_name)) = layer_of(&src.module) else {
            violations.push(format!(
                "{}:1: module `{}` is in no layer; add it to LAYERS in tests/it/layers.rs and to ARCHITECTURE.md",
                src.file, src.module
            ));
            continue;
        };
        for (line, path) in references(src) {
            let Some(target) = resolve_module(&modules, &path) else {
                continue;
            };
            if target == src.module
                || is_ancestor(&target, &src.module)
                || is_ancestor(&src.module, &target)
            {
                continue;
            }
            if let Some((to_layer, to_name)) = layer_of(&target)
                && to_layer > from_layer
            {
                violations.push(format!(
                    "{}:{line}: `{}` (layer {from_name}) imports `{target}` (layer {to_name}, above it)",
                    src.file, src.module
                ));
            }
            edges
                .entry(src.module.clone())
                .or_default()
                .entry(target)
                .or_insert((src.file.clone(), line));
        }
    }
    for cycle in cycles(&edges) {
        let mut text = String::from("import cycle:");
        for (i, m) in cycle.iter().enumerate() {
            let next = &cycle[(i + 1) % cycle.len()];
            if let Some((file, line)) = edges.get(m).and_then(|e| e.get(next)) {
                text.push_str(&format!("\n  {file}:{line}: `{m}` imports `{next}`"));
            }
        }
        violations.push(text);
    }
    violations
}

/// One cycle per strongly connected component of more than one module (found by a
/// depth-first search inside the component).
fn cycles(edges: &BTreeMap<String, BTreeMap<String, (String, usize)>>) -> Vec<Vec<String>> {
    use petgraph::algo::tarjan_scc;
    use petgraph::graph::DiGraph;
    let mut g = DiGraph::<String, ()>::new();
    let mut ids = BTreeMap::new();
    let mut id = |g: &mut DiGraph<String, ()>, m: &str| {
        *ids.entry(m.to_string())
            .or_insert_with(|| g.add_node(m.to_string()))
    };
    for (from, tos) in edges {
        let a = id(&mut g, from);
        for to in tos.keys() {
            let b = id(&mut g, to);
            g.add_edge(a, b, ());
        }
    }
    let mut out = Vec::new();
    for scc in tarjan_scc(&g) {
        if scc.len() < 2 {
            continue;
        }
        let members: BTreeSet<_> = scc.iter().copied().collect();
        // Walk from the first member along edges inside the component until it repeats.
        let mut path = vec![scc[0]];
        let mut seen = BTreeSet::from([scc[0]]);
        loop {
            let last = *path.last().unwrap_or(&scc[0]);
            let Some(next) = g.neighbors(last).find(|n| members.contains(n)) else {
                break;
            };
            if let Some(pos) = path.iter().position(|p| *p == next) {
                path.drain(..pos);
                break;
            }
            seen.insert(next);
            path.push(next);
        }
        let mut names: Vec<String> = path.iter().map(|n| g[*n].clone()).collect();
        // Start at the smallest name, so the report does not depend on the search order.
        if let Some(first) = names
            .iter()
            .enumerate()
            .min_by_key(|(_, n)| *n)
            .map(|(i, _)| i)
        {
            names.rotate_left(first);
        }
        out.push(names);
    }
    out
}

/// Every `.rs` file below `src/`.
pub fn crate_sources(root: &Path) -> Vec<Source> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(root.join("src")).sort_by_file_name() {
        let entry = entry.expect("walk src/");
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "rs") {
            let rel = path
                .strip_prefix(root.join("src"))
                .expect("below src/")
                .to_string_lossy()
                .replace('\\', "/");
            out.push(Source {
                file: format!("src/{rel}"),
                module: module_of(&rel),
                text: std::fs::read_to_string(path).expect("read source"),
            });
        }
    }
    out
}

#[test]
fn layers_are_respected_and_acyclic() {
    let root = crate::support::repo();
    let violations = check(&crate_sources(root.as_std_path()));
    assert!(
        violations.is_empty(),
        "{} layer violation(s):\n{}",
        violations.len(),
        violations.join("\n")
    );
}

fn src(module: &str, text: &str) -> Source {
    Source {
        file: format!("src/{}.rs", module.replace("::", "/")),
        module: module.into(),
        text: text.into(),
    }
}

#[test]
fn a_planted_upward_import_is_reported_with_file_and_line() {
    let sources = [
        src(
            "syntax::yaml",
            "//! doc\n\nuse crate::{diagnostics::Diagnostic, cli::render};\n",
        ),
        src(
            "diagnostics",
            "use crate::syntax::yaml::Node; // crate::cli in a comment\n",
        ),
        src("syntax::span", ""),
        src("cli::render", ""),
        src("cli", ""),
        src("syntax", ""),
    ];
    expect_test::expect![[r#"
        src/syntax/yaml.rs:3: `syntax::yaml` (layer foundation) imports `diagnostics` (layer diagnostics, above it)
        src/syntax/yaml.rs:3: `syntax::yaml` (layer foundation) imports `cli::render` (layer cli, above it)
        import cycle:
          src/diagnostics.rs:1: `diagnostics` imports `syntax::yaml`
          src/syntax/yaml.rs:3: `syntax::yaml` imports `diagnostics`"#]]
    .assert_eq(&check(&sources).join("\n"));
}

#[test]
fn a_cycle_through_super_paths_and_inline_paths_is_reported() {
    let sources = [
        src("cli", ""),
        src("cli::driver", "fn f() { super::discover::attach(); }\n"),
        src(
            "cli::discover",
            "use super::driver::{Driver, Unit};\nconst S: &str = \"crate::db\";\n",
        ),
        src("db", "fn g() -> crate::front::X { todo!() }\n"),
        src("front", ""),
        src("mystery", ""),
    ];
    expect_test::expect![[r#"
        src/db.rs:1: `db` (layer base) imports `front` (layer analysis, above it)
        src/mystery.rs:1: module `mystery` is in no layer; add it to LAYERS in tests/it/layers.rs and to ARCHITECTURE.md
        import cycle:
          src/cli/discover.rs:1: `cli::discover` imports `cli::driver`
          src/cli/driver.rs:1: `cli::driver` imports `cli::discover`"#]]
    .assert_eq(&check(&sources).join("\n"));
}
