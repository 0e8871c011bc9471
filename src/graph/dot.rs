//! `graph.dot`: the task graph in the DOT language, byte-identical to what wt-compiler
//! 0.10.3 hands to Graphviz (`pydot.Dot.to_string()` of its `build_pydot_graph`).
//!
//! An undirected `graph` named after the spec id with `rankdir=LR`; one `shape=none` node
//! per task whose HTML-like label is a one-column table (task id on grey, one row per
//! argument, an italic `return` row), each row a port; one edge
//! `<dep>:return -- <task>:<arg> [dir=forward, arrowhead=normal]` per dependency.
//! Identifiers are quoted with pydot's rules ([`quote_id`]); labels are not escaped (task ids
//! and argument names are Python identifiers).

use super::TaskGraph;
use std::fmt::Write;

/// The DOT text of the graph (newline-terminated).
pub fn to_dot(g: &TaskGraph) -> String {
    let mut out = String::with_capacity(256 + g.graph.node_count() * 400);
    let _ = writeln!(out, "graph {} {{", quote_id(&g.name));
    out.push_str("rankdir=LR;\n");
    for t in g.tasks() {
        let mut label = format!(
            "<<table border='1' cellspacing='0'><tr><td port='{0}' border='1' bgcolor='grey'>{0}</td></tr>",
            t.id
        );
        for arg in &t.args {
            let _ = write!(label, "<tr><td port='{arg}' border='1'>{arg}</td></tr>");
        }
        label.push_str("<tr><td port='return' border='1'><i>return</i></td></tr></table>>");
        out.push_str(&node_statement(&t.id, &label));
    }
    let tasks: Vec<_> = g.tasks().collect();
    for (source, target, arg) in g.edges() {
        let target_task = tasks[target];
        let _ = writeln!(
            out,
            "{} -- {} [dir=forward, arrowhead=normal];",
            endpoint(&tasks[source].id, "return"),
            endpoint(&target_task.id, &target_task.args[arg]),
        );
    }
    out.push_str("}\n");
    out
}

/// A node statement. pydot leaves the names `graph`, `node` and `edge` unquoted here, which
/// makes Graphviz read the statement as default attributes; reproduced for parity.
fn node_statement(id: &str, label: &str) -> String {
    let name = if ["graph", "node", "edge"].contains(&id.to_lowercase().as_str()) {
        id.to_string()
    } else {
        quote_id(id)
    };
    format!("{name} [shape=none, label={label}];\n")
}

/// An edge endpoint `node:port`, each part quoted if needed (pydot's `parse_node_ref`).
fn endpoint(node: &str, port: &str) -> String {
    format!("{}:{}", quote_id(node), quote_id(port))
}

/// pydot's `quote_id_if_necessary`: DOT keywords and anything that is not a plain ID
/// (`[_a-zA-Z][a-zA-Z0-9_]*`, a number, or an all-alphanumeric word not starting with a
/// digit) is double-quoted.
///
/// Python's `str.isalnum`/`isdigit` are approximated by Rust's Unicode
/// `is_alphanumeric`/`is_numeric`; they differ only on exotic characters (combining marks,
/// non-decimal numerals), which task ids do not use in practice.
pub fn quote_id(s: &str) -> String {
    const KEYWORDS: [&str; 6] = ["graph", "subgraph", "digraph", "node", "edge", "strict"];
    if s.is_empty() {
        return String::new();
    }
    if KEYWORDS.contains(&s.to_lowercase().as_str()) || needs_quotes(s) {
        let mut q = String::with_capacity(s.len() + 2);
        q.push('"');
        for c in s.chars() {
            match c {
                '"' => q.push_str("\\\""),
                '\n' => q.push_str("\\n"),
                '\r' => q.push_str("\\r"),
                c => q.push(c),
            }
        }
        q.push('"');
        q
    } else {
        s.to_string()
    }
}

/// pydot's `id_needs_quotes` for a non-keyword (ports are handled by the caller).
fn needs_quotes(s: &str) -> bool {
    let first = s.chars().next().unwrap_or('_');
    if s.chars().all(char::is_numeric) {
        return false;
    }
    if s.chars().all(char::is_alphanumeric) {
        return first.is_numeric();
    }
    let quoted = s.len() >= 2 && s.starts_with('"') && s.ends_with('"');
    let html = s.len() >= 2 && s.starts_with('<') && s.ends_with('>');
    if s.chars().any(|c| !c.is_ascii() || c == '\0') && !quoted && !html {
        return true;
    }
    if quoted || html || is_numeral(s) {
        return false;
    }
    let plain = (first == '_' || first.is_ascii_alphabetic())
        && s.chars().all(|c| c == '_' || c.is_ascii_alphanumeric());
    !plain
}

/// `^([0-9]+\.?[0-9]*|[0-9]*\.[0-9]+)$`
fn is_numeral(s: &str) -> bool {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
    digits(int) && digits(frac) && !(int.is_empty() && frac.is_empty()) && !frac.contains('.')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Dependency, Task};

    #[test]
    fn quoting_follows_pydot() {
        for (id, want) in [
            ("total", "total"),
            ("_x1", "_x1"),
            ("a1", "a1"),
            ("123", "123"),
            ("1a", "\"1a\""),
            ("node", "\"node\""),
            ("Graph", "\"Graph\""),
            ("strict", "\"strict\""),
            ("café", "café"),
            ("café_1", "\"café_1\""),
            ("a-b", "\"a-b\""),
            ("1.5", "1.5"),
        ] {
            assert_eq!(quote_id(id), want, "{id}");
        }
    }

    #[test]
    fn two_tasks() {
        let mut g = TaskGraph {
            name: "add_then_split".into(),
            ..Default::default()
        };
        let a = g.graph.add_node(Task {
            id: "total".into(),
            args: vec!["a".into(), "b".into()],
        });
        let b = g.graph.add_node(Task {
            id: "node".into(),
            args: vec!["n".into()],
        });
        g.graph.add_edge(a, b, Dependency { arg: 0 });
        expect_test::expect![[r#"
            graph add_then_split {
            rankdir=LR;
            total [shape=none, label=<<table border='1' cellspacing='0'><tr><td port='total' border='1' bgcolor='grey'>total</td></tr><tr><td port='a' border='1'>a</td></tr><tr><td port='b' border='1'>b</td></tr><tr><td port='return' border='1'><i>return</i></td></tr></table>>];
            node [shape=none, label=<<table border='1' cellspacing='0'><tr><td port='node' border='1' bgcolor='grey'>node</td></tr><tr><td port='n' border='1'>n</td></tr><tr><td port='return' border='1'><i>return</i></td></tr></table>>];
            total:return -- "node":n [dir=forward, arrowhead=normal];
            }
        "#]]
        .assert_eq(&to_dot(&g));
    }
}
