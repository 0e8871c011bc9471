//! `wtc lsp` in process: every feature over `lsp_server::Connection::memory()`, with
//! snapshots of the responses (compacted to the fields that matter).

use crate::support::lsp::{Client, uri};
use crate::support::{Workspace, repo};
use expect_test::{Expect, expect};
use lsp_server::Message;
use serde_json::{Value, json};

/// A spec with an unknown task, an unknown argument, a duplicate id and an unquoted date.
const BROKEN: &str = "\
id: demo
requirements:
  - name: wtc-example-tasks
workflow:
  - id: numbers
    task: make_range
    partial:
      bounds: [1, 5]
  - id: tripled
    task: multipy
    partial:
      factor: 3
  - id: greeting
    task: greet
    partial:
      name: 2024-01-01
      nmae: x
  - id: numbers
    task: total
    partial:
      values: ${{ workflow.numbrs.return }}
";

/// A valid spec.
pub(crate) const GOOD: &str = "\
id: demo
requirements:
  - name: wtc-example-tasks
    version: \">=0.1\"
workflow:
  - id: numbers
    name: Numbers
    task: make_range
    partial:
      bounds: [1, 5]
  - id: tripled
    task: multiply
    partial:
      factor: 3
    map:
      argnames: value
      argvalues: ${{ workflow.numbers.return }}
  - type: task-group
    title: Sums
    description: Totals
    tasks:
      - id: sum_all
        task: total
        partial:
          values: ${{ workflow.tripled.return }}
";

pub(crate) fn client() -> Client {
    Client::with_registry(repo().join("examples/registry.json").as_str())
}

pub(crate) fn pos(text: &str, needle: &str, plus: usize) -> Value {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle}")) + plus;
    let line = text[..at].matches('\n').count();
    let col = text[..at]
        .rsplit('\n')
        .next()
        .unwrap()
        .encode_utf16()
        .count();
    json!({"line": line, "character": col})
}

pub(crate) fn at(u: &lsp_types::Url, text: &str, needle: &str, plus: usize) -> Value {
    json!({"textDocument": {"uri": u}, "position": pos(text, needle, plus)})
}

fn range(r: &Value) -> String {
    format!(
        "{}:{}-{}:{}",
        r["start"]["line"], r["start"]["character"], r["end"]["line"], r["end"]["character"]
    )
}

pub(crate) fn show_diagnostics(d: &Value) -> String {
    let mut out = String::new();
    for d in d.as_array().unwrap() {
        out.push_str(&format!(
            "{} sev{} {} {}\n",
            range(&d["range"]),
            d["severity"],
            d["code"].as_str().unwrap(),
            d["message"].as_str().unwrap().replace('\n', " | ")
        ));
        for r in d["relatedInformation"].as_array().into_iter().flatten() {
            out.push_str(&format!(
                "  related {} {}\n",
                range(&r["location"]["range"]),
                r["message"]
            ));
        }
        assert!(d["data"]["explain"].as_str().is_some_and(|e| !e.is_empty()));
    }
    out
}

fn show_completion(v: &Value) -> String {
    v.as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{} [{}] {:?} -> {:?}@{}\n",
                i["label"].as_str().unwrap(),
                i["sortText"].as_str().unwrap_or(""),
                i["detail"].as_str().unwrap_or(""),
                i["textEdit"]["newText"].as_str().unwrap(),
                range(&i["textEdit"]["range"]),
            )
        })
        .collect()
}

fn check(actual: String, expect: Expect) {
    expect.assert_eq(&actual);
}

#[test]
fn diagnostics_pushed_and_pulled() {
    let mut c = client();
    let u = uri("/ws/a/spec.yaml");
    let pushed = c.open(&u, BROKEN);
    check(
        show_diagnostics(&pushed),
        expect![[r#"
        2:10-2:27 sev1 missing-key conda requirement `wtc-example-tasks` is missing required key `version` (`version` is required) | help: use `version: "*"` to accept any version
        9:10-9:17 sev1 unknown-task task `multipy` is not a known task (not found in the task registry) | help: did you mean `multiply`?
        15:12-15:22 sev1 unquoted-date unquoted date `2024-01-01` is not a valid argument value (YAML reads this as a date) | help: quote it to pass a string: "2024-01-01"
        16:6-16:10 sev2 unknown-argument task `wtc_example_tasks.greet` has no argument `nmae` (not accepted by the task's schema) | help: did you mean `name`? | note: the call would fail at run time with an unexpected keyword argument
        17:8-17:15 sev1 duplicate-id task instance id `numbers` is used more than once (duplicate id) | help: every task instance id must be unique in the workflow (groups included)
          related 4:8-4:15 "first used here"
    "#]],
    );
    let pulled = c.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": u}}),
    );
    assert_eq!(pulled["kind"], "full");
    assert_eq!(pulled["items"], pushed);
    // A change: only the fixed problem goes.
    let fixed = BROKEN.replace("multipy", "multiply");
    let after = c.change(&u, 2, &fixed);
    assert_eq!(
        after.as_array().unwrap().len() + 1,
        pushed.as_array().unwrap().len()
    );
    c.shutdown();
}

/// A problem `wtc check` finds past the front end (applying the rjsf overrides to
/// rjsf.json) is a diagnostic of the server too.
#[test]
fn diagnostics_are_what_check_reports() {
    let mut c = client();
    let u = uri("/ws/c/spec.yaml");
    let text = GOOD.replace(
        "workflow:\n",
        "rjsf-overrides:\n  uiSchema:\n    ui:order.x: 1\nworkflow:\n",
    );
    let pushed = c.open(&u, &text);
    check(
        show_diagnostics(&pushed),
        expect![[r#"
            6:4-6:14 sev1 invalid-override cannot apply override `ui:order.x`: `uiSchema.ui:order` is not a mapping (path goes through a non-mapping value) | help: an override path can only descend through mappings (objects)
        "#]],
    );
    c.shutdown();
}

/// `text` as version `version` of `u`, then the completion at `needle` + `plus`.
fn complete_in(
    c: &mut Client,
    u: &lsp_types::Url,
    version: i32,
    (text, needle, plus): (&str, &str, usize),
) -> String {
    c.change(u, version, text);
    show_completion(&c.request("textDocument/completion", at(u, text, needle, plus)))
}

/// While the YAML does not parse (an unclosed quote above the cursor), `${{ workflow.`
/// and `partial:` still complete, with what the last good parse knows: an instance
/// written as a flow mapping, the task of an instance whose `task:` is being retyped.
#[test]
fn completion_on_yaml_that_does_not_parse() {
    let mut c = client();
    let u = uri("/ws/d/spec.yaml");
    let flow = "workflow:\n  - {id: first, task: make_range, partial: {bounds: [1, 2]}}\n";
    let good = format!(
        "{}  - id: hello\n    task: greet\n    partial:\n      g: hi\n",
        GOOD.replace("workflow:\n", flow)
    );
    c.open(&u, &good);
    let broken = good
        .replace("name: Numbers", "name: \"Numbers")
        .replace("${{ workflow.tripled.return }}", "${{ workflow.");
    let ids = complete_in(&mut c, &u, 2, (&broken, "values: ${{ workflow.", 21));
    let pulled = c.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": u}}),
    );
    assert!(pulled.to_string().contains("yaml-syntax"), "{pulled}");
    check(
        ids,
        expect![[r#"
        numbers [00000] "task instance" -> "numbers"@17:30-17:30
        first [00001] "task instance" -> "first"@17:30-17:30
    "#]],
    );
    let broken = format!("{}      \n", broken.replace("task: greet", "task: gre"));
    check(
        complete_in(&mut c, &u, 3, (&broken, "g: hi\n", 12)),
        expect![[r#"
            name [00000] "string (required)" -> "name: "@30:6-30:6
            greeting [10001] "string = \"Hello\"" -> "greeting: "@30:6-30:6
            punctuation [10002] "string = \"!\"" -> "punctuation: "@30:6-30:6
        "#]],
    );
    c.shutdown();
}

#[test]
fn completion_everywhere() {
    let mut c = client();
    let u = uri("/ws/b/spec.yaml");
    c.open(&u, GOOD);
    let mut complete = |text: &str, needle: &str, plus: usize| {
        complete_in(&mut c, &u, 2 + text.len() as i32, (text, needle, plus))
    };
    // Task names after `task:` (half-typed: the text does not parse as a spec).
    let t = GOOD.replace("task: multiply", "task: mul");
    let tasks = complete(&t, "task: mul", 9);
    assert!(tasks.contains("multiply"), "{tasks}");
    // `partial:` keys: unbound arguments, required first.
    let t =
        format!("{GOOD}  - id: hello\n    task: greet\n    partial:\n      greeting: hi\n      \n");
    check(
        complete(&t, "greeting: hi\n", 19),
        expect![[r#"
        name [00000] "string (required)" -> "name: "@29:6-29:6
        punctuation [10001] "string = \"!\"" -> "punctuation: "@29:6-29:6
    "#]],
    );
    // `argnames`.
    let t = GOOD.replace("argnames: value", "argnames: v");
    check(
        complete(&t, "argnames: v", 11),
        expect![[r#"
        value [00000] "integer (required)" -> "value"@15:16-15:17
    "#]],
    );
    // `${{ workflow.`: only ids above (no cycle), then `.return`.
    let t = GOOD.replace("${{ workflow.tripled.return }}", "${{ workflow.");
    check(
        complete(&t, "values: ${{ workflow.", 21),
        expect![[r#"
        numbers [00000] "task instance" -> "numbers"@16:30-16:30
    "#]],
    );
    let t = GOOD.replace("${{ workflow.tripled.return }}", "${{ workflow.tripled.re");
    check(
        complete(&t, "workflow.tripled.re", 19),
        expect![[r#"
        return [return] "" -> "return"@24:39-24:41
    "#]],
    );
    // skipif conditions.
    let t = GOOD.replace(
        "    name: Numbers\n",
        "    name: Numbers\n    skipif:\n      conditions: [any_\n",
    );
    let conds = complete(&t, "[any_", 5);
    assert!(conds.contains("any_is_empty"), "{conds}");
    // Grammar keys: top level, task instance, map.
    let t = format!("{GOOD}\n");
    check(
        complete(&t, "\n\n", 1),
        expect![[r#"
        metadata [0000] "" -> "metadata: "@25:0-25:0
        rjsf-overrides [0001] "" -> "rjsf-overrides: "@25:0-25:0
        task-instance-defaults [0002] "" -> "task-instance-defaults: "@25:0-25:0
    "#]],
    );
    let t = GOOD.replace("    name: Numbers\n", "    name: Numbers\n    \n");
    check(
        complete(&t, "Numbers\n", 12),
        expect![[r#"
        map [0000] "" -> "map: "@7:4-7:4
        mapvalues [0001] "" -> "mapvalues: "@7:4-7:4
        skipif [0002] "" -> "skipif: "@7:4-7:4
    "#]],
    );
    c.shutdown();
}

#[test]
fn hover_task_argument_reference() {
    let mut c = client();
    let u = uri("/ws/c/spec.yaml");
    c.open(&u, GOOD);
    let mut hover = |needle: &str, plus: usize| {
        let h = c.request("textDocument/hover", at(&u, GOOD, needle, plus));
        format!(
            "{}\n{}\n",
            range(&h["range"]),
            h["contents"]["value"].as_str().unwrap()
        )
    };
    check(
        hover("task: multiply", 8),
        expect![[r#"
        11:10-11:18
        ```python
        multiply(value: integer, factor: integer = 2)
        ```

        Multiply a number by a factor.

        module `wtc_example_tasks`
    "#]],
    );
    check(
        hover("factor: 3", 1),
        expect![[r#"
        13:6-13:12
        `factor`: `integer`

        default: `2`

        Multiplier

        argument of `wtc_example_tasks.multiply`
    "#]],
    );
    check(
        hover("workflow.numbers.return", 10),
        expect![[r#"
        16:30-16:37
        task instance `numbers` — Numbers

        task `make_range`

        ```python
        make_range(bounds: RangeSpec)
        ```

        Make the list of integers in a range.

        module `wtc_example_tasks`
    "#]],
    );
    c.shutdown();
}

#[test]
fn definition_references_rename() {
    let mut c = client();
    let u = uri("/ws/d/spec.yaml");
    assert_eq!(c.open(&u, GOOD), json!([]));
    let def = c.request(
        "textDocument/definition",
        at(&u, GOOD, "workflow.tripled", 12),
    );
    assert_eq!(range(&def["range"]), "10:8-10:15");
    let refs = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": u}, "position": pos(GOOD, "id: tripled", 5), "context": {"includeDeclaration": true}}),
    );
    let refs: Vec<String> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|l| range(&l["range"]))
        .collect();
    assert_eq!(refs, ["10:8-10:15", "24:31-24:38"]);
    let mut rename = |name: &str| {
        let mut p = at(&u, GOOD, "id: tripled", 5);
        p["newName"] = json!(name);
        c.raw("textDocument/rename", p)
    };
    let ok = rename("tripled_values");
    let edits = &ok.result.unwrap()["changes"][u.as_str()];
    let edits: Vec<String> = edits
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{} {}", range(&e["range"]), e["newText"]))
        .collect();
    check(
        edits.join("\n"),
        expect![[r#"
        10:8-10:15 "tripled_values"
        24:31-24:38 "tripled_values""#]],
    );
    let refused: Vec<String> = ["class", "sum", "numbers", "demo", "not valid"]
        .into_iter()
        .map(|n| rename(n).error.expect("refused").message)
        .collect();
    check(
        refused.join("\n"),
        expect![[r#"
        task instance id `class` is a Python keyword (choose another name, e.g. `class_`)
        task instance id `sum` is a built-in Python name (choose another name, e.g. `sum_value`)
        a task instance `numbers` already exists
        `demo` is the workflow id
        task instance id `not valid` is not a valid Python identifier (use letters, digits and `_` only, e.g. `not_valid`)"#]],
    );
    c.shutdown();
}

/// Every code action for `range` of `u`, one line each: title, the first edit's range and
/// new text.
fn code_actions(c: &mut Client, u: &lsp_types::Url, range_: &Value) -> String {
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": u}, "range": range_, "context": {"diagnostics": []}}),
    );
    let shown: Vec<String> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let e = &a["edit"]["changes"][u.as_str()][0];
            format!(
                "{} | {} {:?}",
                a["title"].as_str().unwrap(),
                range(&e["range"]),
                e["newText"].as_str().unwrap()
            )
        })
        .collect();
    shown.join("\n")
}

#[test]
fn code_actions_apply_suggested_fixes() {
    let mut c = client();
    let u = uri("/ws/e/spec.yaml");
    c.open(&u, BROKEN);
    let whole = json!({"start": {"line": 0, "character": 0}, "end": {"line": 99, "character": 0}});
    check(
        code_actions(&mut c, &u, &whole),
        expect![[r#"
        Replace `multipy` with `multiply` | 9:10-9:17 "multiply"
        Quote `2024-01-01` | 15:12-15:22 "\"2024-01-01\""
        Replace `nmae` with `name` | 16:6-16:10 "name""#]],
    );
    // Without lowering errors: the unknown reference's id, and an unknown argument with
    // no close name is removed.
    let u2 = uri("/ws/e2/spec.yaml");
    let text = GOOD.replace("numbers.return", "numbrs.return").replace(
        "      factor: 3\n",
        "      factor: 3\n      zzz:\n        - 1\n",
    );
    c.open(&u2, &text);
    check(
        code_actions(&mut c, &u2, &whole),
        expect![[r#"
        Remove argument `zzz` | 14:0-16:0 ""
        Replace `numbrs` with `numbers` | 18:30-18:36 "numbers""#]],
    );
    c.shutdown();
}

#[test]
fn symbols_and_folding() {
    let mut c = client();
    let u = uri("/ws/f/spec.yaml");
    c.open(&u, GOOD);
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": u}}),
    );
    fn show(s: &Value, depth: usize, out: &mut String) {
        for s in s.as_array().into_iter().flatten() {
            out.push_str(&format!(
                "{}{} ({}) kind {} {} sel {}\n",
                "  ".repeat(depth),
                s["name"].as_str().unwrap(),
                s["detail"].as_str().unwrap_or(""),
                s["kind"],
                range(&s["range"]),
                range(&s["selectionRange"])
            ));
            show(&s["children"], depth + 1, out);
        }
    }
    let mut out = String::new();
    show(&symbols, 0, &mut out);
    check(
        out,
        expect![[r#"
        numbers (make_range) kind 12 5:4-9:20 sel 5:8-5:15
        tripled (multiply) kind 12 10:4-16:47 sel 10:8-10:15
        Sums () kind 3 18:11-24:48 sel 18:11-18:15
          sum_all (total) kind 12 21:8-24:48 sel 21:12-21:19
    "#]],
    );
    let folds = c.request(
        "textDocument/foldingRange",
        json!({"textDocument": {"uri": u}}),
    );
    let folds: Vec<String> = folds
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{}-{}", f["startLine"], f["endLine"]))
        .collect();
    check(
        folds.join(" "),
        expect!["1-3 2-3 4-24 5-9 8-9 10-16 12-13 14-16 17-24 20-24 21-24 23-24"],
    );
    c.shutdown();
}

#[test]
fn utf16_positions_with_non_ascii_and_crlf() {
    let mut c = client();
    let u = uri("/ws/g/spec.yaml");
    let text = GOOD
        .replace("name: Numbers", "name: \"Zählen 😀\"")
        .replace("bounds: [1, 5]", "bounds: [1, 5] # ü😀")
        .replace("task: multiply", "task: mültiply")
        .replace('\n', "\r\n");
    let d = c.open(&u, &text);
    // The unknown task, on the line after a comment holding a 4-byte character.
    check(
        show_diagnostics(&d),
        expect![[r#"
        11:10-11:18 sev1 unknown-task task `mültiply` is not a known task (not found in the task registry) | help: did you mean `multiply`?
    "#]],
    );
    let h = c.request("textDocument/hover", at(&u, &text, "workflow.numbers", 10));
    assert_eq!(range(&h["range"]), "16:30-16:37");
    let r = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": u}, "position": pos(&text, "id: numbers", 4), "context": {"includeDeclaration": true}}),
    );
    assert_eq!(r.as_array().unwrap().len(), 2);
    c.shutdown();
}

#[test]
fn a_failing_request_answers_an_error_and_the_server_goes_on() {
    let mut c = client();
    let u = uri("/ws/h/spec.yaml");
    c.open(&u, GOOD);
    let unknown = c.raw("wtc/nonsense", json!({}));
    assert_eq!(
        unknown.error.unwrap().code,
        lsp_server::ErrorCode::MethodNotFound as i32
    );
    let bad = c.raw("textDocument/hover", json!({"textDocument": 3}));
    assert_eq!(
        bad.error.unwrap().code,
        lsp_server::ErrorCode::InvalidParams as i32
    );
    let closed = c.raw(
        "textDocument/hover",
        at(&uri("/ws/none.yaml"), GOOD, "id", 0),
    );
    assert!(closed.error.is_some());
    // Still serving.
    let h = c.request("textDocument/hover", at(&u, GOOD, "task: total", 7));
    assert!(h["contents"]["value"].as_str().unwrap().contains("total("));
    c.shutdown();
}

#[test]
fn cancel_request_of_a_queued_request() {
    let u = uri("/ws/i/spec.yaml");
    let open = lsp_server::Notification::new(
        "textDocument/didOpen".into(),
        json!({"textDocument": {"uri": u, "languageId": "yaml", "version": 1, "text": GOOD}}),
    );
    let hover = lsp_server::Request::new(
        lsp_server::RequestId::from(7),
        "textDocument/hover".into(),
        at(&u, GOOD, "task: total", 7),
    );
    let cancel = lsp_server::Notification::new("$/cancelRequest".into(), json!({"id": 7}));
    let flags = wtc::lsp::Config {
        registry: Some(repo().join("examples/registry.json").into()),
        ..Default::default()
    };
    let mut c = Client::start(
        flags,
        Value::Null,
        vec![open.into(), hover.into(), cancel.into()],
    );
    let mut found = None;
    for _ in 0..50 {
        let r = c.raw(
            "textDocument/foldingRange",
            json!({"textDocument": {"uri": u}}),
        );
        assert!(r.error.is_none());
        if let Some(m) = c.seen_response(7) {
            found = Some(m);
            break;
        }
    }
    let r = found.expect("request 7 answered");
    assert_eq!(
        r.error.unwrap().code,
        lsp_server::ErrorCode::RequestCanceled as i32
    );
    c.shutdown();
}

#[test]
fn initialization_options_and_watched_registry_file() {
    let ws = Workspace::new();
    // A registry without `greet` at first.
    let full: Value = serde_json::from_str(&crate::support::example_registry()).unwrap();
    let mut partial = full.clone();
    partial["entries"]
        .as_object_mut()
        .unwrap()
        .remove("wtc_example_tasks.strings.greet");
    ws.write("registry.json", partial.to_string());
    let options = json!({"registry": ws.root.join("registry.json").as_str()});
    let mut c = Client::start(wtc::lsp::Config::default(), options, Vec::new());
    let u = uri(ws.root.join("spec.yaml").as_str());
    let spec = "id: demo\nrequirements:\n  - name: x\n    version: \"*\"\nworkflow:\n  - id: hi\n    task: greet\n    partial:\n      name: you\n";
    let before = show_diagnostics(&c.open(&u, spec));
    assert!(before.contains("unknown-task"), "{before}");
    // The watcher was registered dynamically, for the lock files and the registry file.
    let reg = c
        .server_requests
        .iter()
        .find(|r| r.method == "client/registerCapability")
        .expect("registered");
    let globs = reg.params["registrations"][0]["registerOptions"]["watchers"].to_string();
    assert!(
        globs.contains("wtc.lock") && globs.contains("registry.json"),
        "{globs}"
    );
    ws.write("registry.json", full.to_string());
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(ws.root.join("registry.json").as_str()), "type": 2}]}),
    );
    // The pushes of version 1 that follow: the last one has the new registry.
    let mut after = show_diagnostics(&c.diagnostics(&u, 1));
    for _ in 0..3 {
        if after.is_empty() {
            break;
        }
        after = show_diagnostics(&c.diagnostics(&u, 1));
    }
    assert_eq!(after, "");
    assert!(c.progress.contains(&"begin".to_string()) && c.progress.contains(&"end".to_string()));
    c.shutdown();
}

/// The diagnostics of `u` pulled (a request runs on a snapshot taken when it is read:
/// after every earlier notification took effect).
fn pull(c: &mut Client, u: &lsp_types::Url) -> String {
    let r = c.request(
        "textDocument/diagnostic",
        json!({"textDocument": {"uri": u}}),
    );
    show_diagnostics(&r["items"])
}

/// Open GOOD as `u`; its pushed diagnostics.
fn open_good(c: &mut Client, u: &lsp_types::Url) -> String {
    show_diagnostics(&c.open(u, GOOD))
}

/// The env-overrides file (`envOverrides`) is used as `compile` uses it, watched, and a
/// change to it re-checks the open specs.
#[test]
fn env_overrides_file_is_used_and_watched() {
    let ws = Workspace::new();
    ws.write(
        "overrides.toml",
        "[feature.default.dependencies]\nrich = \"*\"\n",
    );
    let overrides = ws.root.join("overrides.toml");
    let options = json!({
        "registry": repo().join("examples/registry.json").as_str(),
        "envOverrides": overrides.as_str(),
    });
    let mut c = Client::start(wtc::lsp::Config::default(), options, Vec::new());
    let u = uri(ws.root.join("spec.yaml").as_str());
    check(show_diagnostics(&c.open(&u, GOOD)), expect![[r#""#]]);
    let reg = c
        .server_requests
        .iter()
        .find(|r| r.method == "client/registerCapability")
        .expect("registered");
    let globs = reg.params["registrations"][0]["registerOptions"]["watchers"].to_string();
    assert!(globs.contains("overrides.toml"), "{globs}");
    // The file now declares the spec's own requirement: it supersedes it.
    ws.write(
        "overrides.toml",
        "[feature.default.dependencies]\nwtc-example-tasks = \"*\"\n",
    );
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(overrides.as_str()), "type": 2}]}),
    );
    check(
        pull(&mut c, &u).replace(ws.root.as_str(), "<ws>"),
        expect![[r#"
        2:4-2:27 sev2 superseded-requirement spec.yaml requirement `wtc-example-tasks` is superseded by --env-overrides feature.default for the compiled pixi.toml (superseded) | note: `wtc-example-tasks` is declared in feature.default at <ws>/overrides.toml:2:1
    "#]],
    );
    // A file that does not parse: its error is reported, as `compile` reports it.
    ws.write("overrides.toml", "[feature.default.dependencies\n");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(overrides.as_str()), "type": 2}]}),
    );
    check(
        pull(&mut c, &u),
        expect![[r#"
        0:0-0:0 sev1 toml-syntax invalid TOML: unclosed table, expected `]`
    "#]],
    );
    c.shutdown();
}

/// An env-overrides file missing at start-up is reported, and read once it is created.
#[test]
fn env_overrides_file_created_later() {
    let ws = Workspace::new();
    let overrides = ws.root.join("overrides.toml");
    let flags = wtc::lsp::Config {
        registry: Some(repo().join("examples/registry.json").into()),
        env_overrides: Some(overrides.clone().into()),
        ..Default::default()
    };
    let mut c = Client::start(flags, Value::Null, Vec::new());
    let u = uri(ws.root.join("spec.yaml").as_str());
    assert_eq!(open_good(&mut c, &u), "");
    assert!(
        c.messages
            .iter()
            .any(|m| m.contains("env-overrides file not found")),
        "{:?}",
        c.messages
    );
    ws.write(
        "overrides.toml",
        "[feature.default.dependencies]\nwtc-example-tasks = \"*\"\n",
    );
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(overrides.as_str()), "type": 1}]}),
    );
    assert!(pull(&mut c, &u).contains("superseded-requirement"));
    c.shutdown();
}

/// `wtc lock` the workspace's `chain/spec.yaml` (examples registry); a server with the
/// workspace's cache and no registry flags (so it reads the lock file).
fn locked(ws: &Workspace) -> Client {
    ws.wtc(["lock", "--registry", "registry.json", "chain/spec.yaml"])
        .output()
        .ok();
    Client::start(
        wtc::lsp::Config {
            cache_dir: Some(ws.cache().into()),
            ..Default::default()
        },
        Value::Null,
        Vec::new(),
    )
}

#[test]
fn registry_from_the_lock_file_in_the_background() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let mut c = locked(&ws);
    let u = uri(ws.root.join("chain/spec.yaml").as_str());
    let text = ws.read("chain/spec.yaml");
    assert_eq!(show_diagnostics(&c.open(&u, &text)), "");
    assert_eq!(c.progress, ["begin", "end"]);
    assert!(c.messages.is_empty(), "{:?}", c.messages);
    // Registry features work: a task name hovers.
    let task = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("task: "))
        .unwrap()
        .to_string();
    let h = c.request(
        "textDocument/hover",
        at(&u, &text, &format!("task: {task}"), 7),
    );
    assert!(h["contents"]["value"].as_str().unwrap().contains(&task));
    c.shutdown();
}

/// A lock file `wtc lock` wrote for a spec whose requirement names a local `file://`
/// channel that exists: the server probes local channels as `compile` does, so its
/// discovery key is the lock's and the registry comes from the lock (no discovery).
#[test]
fn lock_written_with_a_local_channel_is_found() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    std::fs::create_dir_all(ws.root.join("channel")).unwrap();
    let channel = url::Url::from_directory_path(ws.root.join("channel").as_std_path()).unwrap();
    let spec = ws.read("chain/spec.yaml").replace(
        "channel: https://repo.prefix.dev/wtc-examples/",
        &format!("channel: {channel}"),
    );
    ws.write("chain/spec.yaml", &spec);
    let mut c = locked(&ws);
    assert!(ws.read("chain/wtc.lock").contains(channel.as_str()));
    let u = uri(ws.root.join("chain/spec.yaml").as_str());
    assert_eq!(show_diagnostics(&c.open(&u, &spec)), "");
    assert!(c.messages.is_empty(), "{:?}", c.messages);
    let h = c.request("textDocument/hover", at(&u, &spec, "task: add", 7));
    assert!(h["contents"]["value"].as_str().unwrap().contains("add("));
    c.shutdown();
}

/// A diagnostic's `codeDescription.href` is a file (under `<cache-dir>/explain/`) holding
/// its code's `wtc explain` text, which `data.explain` also carries.
#[test]
fn diagnostics_link_their_explanation() {
    let ws = Workspace::new();
    let flags = wtc::lsp::Config {
        registry: Some(repo().join("examples/registry.json").into()),
        cache_dir: Some(ws.cache().into()),
        ..Default::default()
    };
    let mut c = Client::start(flags, Value::Null, Vec::new());
    let u = uri("/ws/explain/spec.yaml");
    let diagnostics = c.open(&u, BROKEN);
    let explain_dir = ws.cache().join("explain");
    let mut codes = Vec::new();
    for d in diagnostics.as_array().unwrap() {
        let href = d["codeDescription"]["href"].as_str().expect("an href");
        let path = lsp_types::Url::parse(href).unwrap().to_file_path().unwrap();
        let code = d["code"].as_str().unwrap();
        assert_eq!(
            path.file_name().unwrap().to_str().unwrap(),
            format!("{code}.md")
        );
        assert_eq!(
            path.parent().unwrap().canonicalize().unwrap(),
            explain_dir.canonicalize().unwrap()
        );
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            d["data"]["explain"].as_str().unwrap()
        );
        codes.push(code.to_string());
    }
    assert!(codes.contains(&"unknown-task".to_string()), "{codes:?}");
    c.shutdown();
}

impl Client {
    /// A response to `id` already read.
    fn seen_response(&mut self, id: i32) -> Option<lsp_server::Response> {
        let _ = Message::Response;
        self.take_seen(
            |m| matches!(m, Message::Response(r) if r.id == lsp_server::RequestId::from(id)),
        )
        .and_then(|m| match m {
            Message::Response(r) => Some(r),
            _ => None,
        })
    }
}
