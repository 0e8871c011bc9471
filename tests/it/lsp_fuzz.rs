//! `wtc lsp` on random edits of the corpus specs (`WTC_CORPUS`): after each edit (a
//! deletion, an insertion of YAML-ish text, or a duplicated line, at a random place; a
//! seeded generator, so a failure replays), a request of every kind at a random position.
//! No request may fail with an internal error (a panic), and every range returned lies
//! inside the document.

use crate::support::corpus_dir;
use crate::support::lsp::{Client, uri};
use crate::support::random_edit::{Rng, edit};
use serde_json::{Value, json};

/// Every `range` object in `v` (recursively).
fn ranges<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if (k == "range" || k == "selectionRange") && x.get("start").is_some() {
                    out.push(x);
                }
                ranges(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| ranges(x, out)),
        _ => {}
    }
}

fn inside(text: &str, r: &Value) -> bool {
    let lines: Vec<&str> = text.split('\n').collect();
    let ok = |p: &Value| {
        let (l, c) = (
            p["line"].as_u64().unwrap() as usize,
            p["character"].as_u64().unwrap() as usize,
        );
        lines
            .get(l)
            .is_some_and(|line| c <= line.trim_end_matches('\r').encode_utf16().count())
    };
    ok(&r["start"]) && ok(&r["end"])
}

#[test]
fn random_edits_of_corpus_specs_never_break_a_request() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("skipped: WTC_CORPUS not set");
        return;
    };
    let mut rng = Rng(0x5EED_0F15);
    let mut specs: Vec<_> = std::fs::read_dir(corpus.as_std_path())
        .unwrap()
        .filter_map(|e| Some(e.ok()?.path().join("spec.yaml")))
        .filter(|p| p.is_file())
        .collect();
    specs.sort();
    for (n, path) in specs.iter().enumerate().step_by(3) {
        let mut text = std::fs::read_to_string(path).unwrap();
        // Each spec with its own fixture registry (no discovery).
        let registry = path.parent().unwrap().join("fixture/registry.json");
        let mut c = Client::with_registry(registry.to_str().unwrap());
        let u = uri(&format!("/fuzz/{n}/spec.yaml"));
        c.open(&u, &text);
        for version in 2..14 {
            text = edit(&text, &mut rng);
            c.change(&u, version, &text);
            let lines = text.split('\n').count();
            let line = rng.below(lines);
            let len = text
                .split('\n')
                .nth(line)
                .unwrap_or("")
                .encode_utf16()
                .count();
            let pos = json!({"line": line, "character": rng.below(len + 2)});
            let doc = json!({"uri": u});
            let whole = json!({"start": {"line": 0, "character": 0}, "end": pos});
            for (method, params) in [
                (
                    "textDocument/completion",
                    json!({"textDocument": doc, "position": pos}),
                ),
                (
                    "textDocument/hover",
                    json!({"textDocument": doc, "position": pos}),
                ),
                (
                    "textDocument/definition",
                    json!({"textDocument": doc, "position": pos}),
                ),
                (
                    "textDocument/references",
                    json!({"textDocument": doc, "position": pos, "context": {"includeDeclaration": true}}),
                ),
                (
                    "textDocument/prepareRename",
                    json!({"textDocument": doc, "position": pos}),
                ),
                (
                    "textDocument/rename",
                    json!({"textDocument": doc, "position": pos, "newName": "renamed_id"}),
                ),
                (
                    "textDocument/codeAction",
                    json!({"textDocument": doc, "range": whole, "context": {"diagnostics": []}}),
                ),
                ("textDocument/documentSymbol", json!({"textDocument": doc})),
                ("textDocument/foldingRange", json!({"textDocument": doc})),
                ("textDocument/diagnostic", json!({"textDocument": doc})),
            ] {
                let r = c.raw(method, params);
                if let Some(e) = &r.error {
                    assert_ne!(
                        e.code,
                        lsp_server::ErrorCode::InternalError as i32,
                        "{method} on {}: {}",
                        path.display(),
                        e.message
                    );
                }
                let mut found = Vec::new();
                let result = r.result.unwrap_or(Value::Null);
                ranges(&result, &mut found);
                for range in found {
                    assert!(
                        inside(&text, range),
                        "{method}: {range} outside the text of {} (edit {version})",
                        path.display()
                    );
                }
                if method == "textDocument/foldingRange" {
                    for f in result.as_array().into_iter().flatten() {
                        assert!(f["endLine"].as_u64().unwrap() < lines as u64);
                    }
                }
            }
        }
        c.shutdown();
    }
}
