//! Conformance with wt-compiler 0.10.3 over the real-world corpus (`WTC_CORPUS`).
//!
//! For every corpus spec: compile with its fixture registry and compile-args; where the
//! reference produced `params.json`/`rjsf.json`, ours must be byte-identical; where it
//! failed (`error.txt`), we must fail for the same reason. The DAG module must equal the
//! reference's committed one for the current-format (`wt`) specs, modulo our `noqa` notes.

use crate::support::*;
use camino::Utf8PathBuf;
use wtc::artifacts::package_without_images;
use wtc::db::Database;

struct Case {
    name: String,
    dir: Utf8PathBuf,
}

fn cases() -> Option<Vec<Case>> {
    let Some(corpus) = corpus_dir() else {
        eprintln!(
            "skipped: set WTC_CORPUS to the corpus directory (../shared/corpus) to run the corpus conformance test"
        );
        return None;
    };
    let mut out: Vec<Case> = std::fs::read_dir(&corpus)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("spec.yaml").is_file())
        .map(|e| {
            let dir = Utf8PathBuf::from_path_buf(e.path()).unwrap();
            Case {
                name: dir.file_name().unwrap().to_string(),
                dir,
            }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(
        out.len() >= 41,
        "expected the 41 corpus specs, found {}",
        out.len()
    );
    Some(out)
}

fn compile_case(db: &Database, case: &Case) -> (String, std::sync::Arc<wtc::artifacts::Compiled>) {
    let spec_path = case.dir.join("spec.yaml");
    let text = std::fs::read_to_string(&spec_path).unwrap();
    let (registry, solved, args) = corpus_inputs(&case.dir);
    let compiled = package_without_images(
        db,
        workflow(db, &spec_path, &text, &registry, solved, &args),
    )
    .clone();
    (text, compiled)
}

/// "differs at line N" with both lines, for a failure message.
fn first_difference(got: &str, want: &str) -> String {
    let line = got
        .lines()
        .zip(want.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(0);
    format!(
        "differs at line {}:\n  got:  {:?}\n  want: {:?}",
        line + 1,
        got.lines().nth(line),
        want.lines().nth(line)
    )
}

/// What the reference's error says, mapped to our diagnostic code and a phrase our message must contain.
fn expected_reason(error: &str) -> (&'static str, &'static str) {
    if error.contains("is a built-in python function") {
        ("invalid-id", "built-in")
    } else if error.contains("is not a valid JSON Schema") && error.contains("should be non-empty")
    {
        ("invalid-schema", "should be non-empty")
    } else {
        panic!("unmapped reference error: {error}")
    }
}

#[test]
fn corpus_params_and_rjsf_match_the_reference() {
    let Some(cases) = cases() else { return };
    let db = Database::default();
    let mut failures = Vec::new();
    let (mut ok, mut rejected) = (0, 0);
    for case in &cases {
        let (text, compiled) = compile_case(&db, case);
        let expected = case.dir.join("expected-0.10.3");
        let rendered = rendered_diagnostics(&compiled, "spec.yaml", &text);
        if let Ok(error) = std::fs::read_to_string(expected.join("error.txt")) {
            let (code, phrase) = expected_reason(&error);
            let hit = compiled
                .diagnostics
                .iter()
                .any(|d| d.is_error() && d.code == code && d.message.contains(phrase));
            if compiled.package.is_some() || !hit {
                failures.push(format!(
                    "{}: expected rejection ({code}: {phrase}), got:\n{rendered}",
                    case.name
                ));
            } else {
                rejected += 1;
            }
            continue;
        }
        if compiled.package.is_none() {
            failures.push(format!("{}: failed to compile:\n{rendered}", case.name));
            continue;
        }
        for name in ["params.json", "rjsf.json"] {
            let want = std::fs::read_to_string(expected.join(name)).unwrap();
            let got = file(&compiled, &format!("/{name}"));
            if got != want {
                failures.push(format!(
                    "{}: {name} {}",
                    case.name,
                    first_difference(got, &want)
                ));
            }
        }
        ok += 1;
    }
    eprintln!(
        "corpus: {ok} compiled and matched, {rejected} rejected as expected, {} failures",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The body of a DAG module (from `def main`), without our `# noqa` notes.
fn dag_body(s: &str) -> String {
    let start = s.find("\ndef main(").unwrap_or(0);
    s[start..]
        .lines()
        .map(|l| l.split("  # noqa: ").next().unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The set of `(module, name, alias)` a DAG module imports. The reference always writes
/// `from m import f as f`; wtc writes `from m import f` (combined per module) unless the
/// alias differs, which keeps long import lines within 88 columns.
fn imported(s: &str) -> std::collections::BTreeSet<(String, String, String)> {
    let head = &s[..s.find("\ndef main(").unwrap_or(s.len())];
    let mut out = std::collections::BTreeSet::new();
    let flat = head
        .replace("(\n", "")
        .replace(",\n)", "")
        .replace(",\n", ",");
    for line in flat.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        let Some(rest) = line.strip_prefix("from ") else {
            continue;
        };
        let Some((module, names)) = rest.split_once(" import ") else {
            continue;
        };
        for item in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let (name, alias) = item.split_once(" as ").unwrap_or((item, item));
            out.insert((
                module.trim().to_string(),
                name.trim().to_string(),
                alias.trim().to_string(),
            ));
        }
    }
    out
}

#[test]
fn corpus_dags_match_committed_reference_output() {
    let Some(cases) = cases() else { return };
    let db = Database::default();
    let mut failures = Vec::new();
    let mut compared = 0;
    for case in &cases {
        let source: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(case.dir.join("SOURCE.json")).unwrap())
                .unwrap();
        if source["class"] != "wt" {
            continue;
        }
        let (_, compiled) = compile_case(&db, case);
        let Some(pkg) = &compiled.package else {
            failures.push(format!("{}: did not compile", case.name));
            continue;
        };
        let release = &pkg.release_name;
        let pkg_name = release.replace('-', "_");
        let reference = case.dir.join(format!(
            "reference-output/{release}/{pkg_name}/dags/run_sequential.py"
        ));
        let want =
            std::fs::read_to_string(&reference).unwrap_or_else(|e| panic!("{reference}: {e}"));
        let got_text = file(&compiled, "dags/run_sequential.py");
        compared += 1;
        if imported(got_text) != imported(&want) {
            failures.push(format!(
                "{}: imports differ:\n  got:  {:?}\n  want: {:?}",
                case.name,
                imported(got_text)
                    .difference(&imported(&want))
                    .collect::<Vec<_>>(),
                imported(&want)
                    .difference(&imported(got_text))
                    .collect::<Vec<_>>()
            ));
        }
        let (got, want) = (dag_body(got_text), dag_body(&want));
        if got.trim_end() != want.trim_end() {
            failures.push(format!(
                "{}: run_sequential.py {}",
                case.name,
                first_difference(&got, &want)
            ));
        }
    }
    eprintln!("compared {compared} DAG modules with the committed reference output");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// `graph.dot` is byte-identical to the reference's DOT source (`expected-0.10.3/graph.dot`)
/// for every spec the reference compiled: same graph name, nodes, ports and edges, in the
/// same order and quoting.
#[test]
fn corpus_graph_dot_matches_the_reference() {
    let Some(cases) = cases() else { return };
    let db = Database::default();
    let mut failures = Vec::new();
    let mut compared = 0;
    for case in &cases {
        let Ok(want) = std::fs::read_to_string(case.dir.join("expected-0.10.3/graph.dot")) else {
            continue;
        };
        let (text, compiled) = compile_case(&db, case);
        if compiled.package.is_none() {
            failures.push(format!(
                "{}: failed to compile:\n{}",
                case.name,
                rendered_diagnostics(&compiled, "spec.yaml", &text)
            ));
            continue;
        }
        compared += 1;
        let got = file(&compiled, "graph.dot");
        if got != want {
            failures.push(format!(
                "{}: graph.dot {}",
                case.name,
                first_difference(got, &want)
            ));
        }
    }
    eprintln!("compared {compared} graph.dot files with the reference");
    assert!(
        compared >= 36,
        "only {compared} reference graph.dot files found"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
