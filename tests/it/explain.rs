//! `wtc explain`, the diagnostic-code registry and the footer naming it: every code is
//! explained by the binary, unknown codes get a suggestion, the README's table is the
//! registry's, the explanations' examples really produce their code, and a failing run
//! prints the footer once.

use crate::support::{Run, Workspace, example_builder, repo};
use camino::Utf8PathBuf;
use wtc::artifacts::package_without_images;
use wtc::db::{Database, OverridesFile};
use wtc::diagnostics::Code;

/// `wtc args...` in an empty workspace.
fn wtc(args: &[&str]) -> Run {
    Workspace::new().wtc(args).output()
}

#[test]
fn every_code_is_explained_by_the_binary() {
    for &code in Code::ALL {
        let out = wtc(&["explain", code.as_str()]);
        let stdout = &out.stdout;
        assert_eq!(out.status.code(), Some(0), "wtc explain {code}: {out:?}");
        assert!(
            stdout.starts_with(&format!("{code}: {}\n", code.summary())),
            "wtc explain {code} does not start with its code and summary:\n{stdout}"
        );
        assert!(stdout.contains(code.explanation()), "{code}");
    }
}

#[test]
fn an_unknown_code_exits_2_with_a_suggestion_and_the_list() {
    let out = wtc(&["explain", "unknwn-key"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = &out.stderr;
    assert!(
        stderr.contains("unknown diagnostic code `unknwn-key`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `unknown-key`?"), "{stderr}");
    for code in Code::ALL {
        assert!(
            stderr.contains(code.as_str()),
            "{code} not listed:\n{stderr}"
        );
    }
}

#[test]
fn list_names_every_code_with_its_summary() {
    for args in [&["explain", "--list"][..], &["explain"][..]] {
        let out = wtc(args);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let stdout = &out.stdout;
        for code in Code::ALL {
            let row = stdout
                .lines()
                .find(|l| l.split_whitespace().next() == Some(code.as_str()));
            assert!(
                row.is_some_and(|r| r.ends_with(code.summary())),
                "{args:?}: no row for {code}:\n{stdout}"
            );
        }
    }
}

#[test]
fn readme_table_is_the_registry() {
    const START: &str = "<!-- codes:start -->\n";
    const END: &str = "<!-- codes:end -->";
    let path = repo().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (Some(s), Some(e)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md has no `{START}` … `{END}` block");
    };
    let table = Code::markdown_table();
    let current = &readme[s + START.len()..e];
    if current == table {
        return;
    }
    if std::env::var_os("UPDATE_README").is_some() {
        let updated = format!("{}{table}{}", &readme[..s + START.len()], &readme[e..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    panic!(
        "README.md's table of diagnostic codes is out of date with `Code::ALL`; \
         run `UPDATE_README=1 cargo test --test it readme_table` to regenerate it.\n\
         expected:\n{table}\nfound:\n{current}"
    );
}

/// The fenced blocks of a Markdown text: (info string, contents).
fn fences(markdown: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in markdown.lines() {
        match (line.strip_prefix("```"), &mut open) {
            (Some(_), Some(_)) => out.extend(open.take()),
            (Some(info), None) => open = Some((info.trim().to_string(), String::new())),
            (None, Some((_, body))) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    out
}

const EMPTY_SPEC: &str = "id: demo\nrequirements: []\nworkflow: []\n";

/// The codes of compiling `spec` (with the example registry) and, if given, `overrides`
/// as the env-overrides file.
fn compile_codes(spec: &str, overrides: Option<&str>) -> Vec<Code> {
    let db = Database::default();
    let overrides = overrides
        .map(|t| OverridesFile::new(&db, Utf8PathBuf::from("/x/overrides.toml"), t.to_string()));
    let wf = example_builder().env_overrides(overrides).build(
        &db,
        "/x/spec.yaml".into(),
        spec.to_string(),
    );
    let compiled = package_without_images(&db, wf);
    compiled.diagnostics.iter().map(|d| d.code).collect()
}

/// The codes of `wtc run`'s check of the params `text` against the `chain` example's
/// `params.json`.
fn params_codes(text: &str) -> Vec<Code> {
    use wtc::cli::run::params::{check, parse};
    let db = Database::default();
    let (_, compiled) = crate::support::compile_example(&db, "chain");
    let package = compiled.package.as_ref().expect("chain compiles");
    let schema: serde_json::Value = package
        .files
        .iter()
        .find(|(p, _)| p.ends_with("/params.json"))
        .map(|(_, bytes)| serde_json::from_slice(bytes).unwrap())
        .expect("params.json");
    match parse(text) {
        Err(d) => vec![d.code],
        Ok(root) => check(Some(&root), &schema)
            .err()
            .unwrap_or_default()
            .iter()
            .map(|d| d.code)
            .collect(),
    }
}

/// Codes whose example cannot be checked here: they need another registry, a file system,
/// a command-line option, a template directory, merged providers, or a failure of wtc.
const UNCHECKED: &[&str] = &[
    "ambiguous-task",
    "invalid-registry",
    "invalid-schema",
    "fingerprint",
    "graph-render",
    "invalid-pyproject",
    "path-source-conflict",
    "path-source-not-a-directory",
    "invalid-variant",
    "template",
    "unknown-template",
    "no-workflow-id",
];

#[test]
fn explanation_examples_produce_their_code() {
    let mut unchecked = Vec::new();
    let mut failures = Vec::new();
    for &code in Code::ALL {
        let blocks = fences(code.explanation());
        let find = |info: &str| {
            blocks
                .iter()
                .filter(|(i, _)| i == info)
                .map(|(_, b)| b.as_str())
                .collect::<Vec<_>>()
        };
        let (specs, overrides, providers) = (
            find("yaml spec.yaml"),
            find("toml env-overrides.toml"),
            find("toml provider.toml"),
        );
        // Each spec example and each env-overrides example (with an empty spec) must give
        // the code alone, or only together with the first example of the other kind (a
        // spec requirement superseded by an override needs both).
        let mut checked = false;
        let first_spec = specs.first().copied();
        let first_overrides = overrides.first().copied();
        let examples = specs
            .iter()
            .map(|s| (*s, None, first_overrides.map(|o| (*s, Some(o)))))
            .chain(overrides.iter().map(|o| {
                let together = first_spec.map(|s| (s, Some(*o)));
                (EMPTY_SPEC, Some(*o), together)
            }));
        for (spec, o, together) in examples {
            checked = true;
            let codes = compile_codes(spec, o);
            let needs_both = together.is_some_and(|(s, o)| {
                compile_codes(s, o).contains(&code)
                    && !compile_codes(s, None).contains(&code)
                    && !compile_codes(EMPTY_SPEC, o).contains(&code)
            });
            if !codes.contains(&code) && !needs_both {
                failures.push(format!(
                    "{code}: example gives {codes:?}\nspec:\n{spec}overrides:\n{}",
                    o.unwrap_or("-\n")
                ));
            }
        }
        for provider in providers {
            checked = true;
            let (_, diags) = wtc::scaffold::manifest::parse(provider);
            let codes: Vec<Code> = diags.iter().map(|d| d.code).collect();
            if !codes.contains(&code) {
                failures.push(format!(
                    "{code}: provider.toml example gives {codes:?}:\n{provider}"
                ));
            }
        }
        for params in find("yaml params.yaml") {
            checked = true;
            let codes = params_codes(params);
            if !codes.contains(&code) {
                failures.push(format!(
                    "{code}: params.yaml example gives {codes:?}:\n{params}"
                ));
            }
        }
        if !checked {
            unchecked.push(code.as_str());
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(
        unchecked, UNCHECKED,
        "codes without a checked example (`yaml spec.yaml`, `toml env-overrides.toml`, `toml provider.toml` or `yaml params.yaml` fence)"
    );
}

/// Write `text` as `<dir>/<name>/spec.yaml`.
#[test]
fn a_failing_run_prints_the_footer_once() {
    let ws = Workspace::new();
    let bad = "id: demo\nrequirements: []\nworkflow:\n  - id: a\n    task: shuot\n  - id: sum\n    task: shout\n";
    ws.write("a/spec.yaml", bad);
    ws.write("b/spec.yaml", "id: demo\nrequirements: []\nworkflow: {}\n");
    let registry = repo().join("examples/registry.json");
    for command in ["check", "compile"] {
        let out = ws
            .wtc([
                command,
                "--registry",
                registry.as_str(),
                "a/spec.yaml",
                "b/spec.yaml",
            ])
            .output();
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        let stderr = &out.stderr;
        let footers: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("For more information"))
            .collect();
        // The first code shown: spec `a`'s errors sorted by position (`sum` comes later).
        assert_eq!(
            footers,
            ["For more information about a code, try `wtc explain unknown-task`."],
            "{command}:\n{stderr}"
        );
        assert!(stderr.trim_end().ends_with(footers[0]), "{stderr}");
        assert_eq!(stderr.matches("could not compile").count(), 2, "{stderr}");
    }
    // A clean run has no footer.
    ws.write("ok/spec.yaml", EMPTY_SPEC);
    let out = ws
        .wtc(["check", "--registry", registry.as_str(), "ok/spec.yaml"])
        .output();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(!out.stderr.contains("wtc explain"), "{out:?}");
}
