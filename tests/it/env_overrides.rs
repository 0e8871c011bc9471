//! `--env-overrides` (dependency layer C): validation (code, line, column, message of each
//! diagnostic, pointing into the override file), path resolution, the leaf-only
//! path-source guard, the superseded-requirement warning, and how the layers end up in
//! pixi.toml (suppression, displacement, `--variant`).

use crate::support::{self, *};
use camino::Utf8Path;
use std::sync::Arc;
use wtc::artifacts::Compiled;
use wtc::cli::overrides::load_env_overrides;
use wtc::db::{Database, SolvedRecord};
use wtc::diagnostics::{Severity, Source};
use wtc::syntax::span::LineIndex;

const REQUIREMENT: &str = "  - name: wtc-example-tasks\n    version: \">=0.1\"\n    channel: https://repo.prefix.dev/wtc-examples/\n";

/// A spec with the example task package plus `extra` requirement lines.
fn spec(extra: &str) -> String {
    format!("id: demo\nrequirements:\n{REQUIREMENT}{extra}workflow:\n  - id: a\n    task: shout\n")
}

/// A workspace holding `overrides.toml` (and whatever a test adds).
fn with_overrides(overrides: &str) -> Workspace {
    let ws = Workspace::new();
    ws.write("overrides.toml", overrides);
    ws
}

/// Compile `spec_text` as `spec.yaml` of `ws`, with its overrides file and `variant`.
fn compile_in(ws: &Workspace, spec_text: &str, variant: &str) -> Arc<Compiled> {
    compile_with(ws, "overrides.toml", &ws.root, spec_text, variant)
}

/// Compile `spec_text` as `spec.yaml` of `ws` with `--env-overrides overrides` given in
/// the directory `cwd`, and `variant`.
fn compile_with(
    ws: &Workspace,
    overrides: &str,
    cwd: &Utf8Path,
    spec_text: &str,
    variant: &str,
) -> Arc<Compiled> {
    let mut db = Database::default();
    let file = load_env_overrides(&mut db, Utf8Path::new(overrides), cwd, &Default::default())
        .expect("overrides load");
    let args = CompileArgs {
        variant: Some(variant.into()),
        env_overrides: Some(file),
        ..Default::default()
    };
    let spec_path = ws.root.join("spec.yaml");
    compile(
        &db,
        &spec_path,
        spec_text,
        &example_registry(),
        vec![],
        &args,
    )
    .1
}

/// Every diagnostic pointing into the overrides file, with its position in that file.
fn diagnose(overrides: &str) -> Vec<Seen> {
    let compiled = compile_in(&with_overrides(overrides), &spec(""), "");
    seen(&compiled, overrides, |d| d.source == Source::Overrides)
}

/// Assert exactly one diagnostic, of this severity and code, at line:col, whose message
/// contains `needle`; returns its help.
#[track_caller]
fn assert_one(
    overrides: &str,
    severity: Severity,
    code: &str,
    line: usize,
    col: usize,
    needle: &str,
) -> Option<String> {
    support::assert_one(
        &diagnose(overrides),
        severity,
        code,
        (line, col),
        needle,
        overrides,
    )
}

#[track_caller]
fn assert_error(
    overrides: &str,
    code: &str,
    line: usize,
    col: usize,
    needle: &str,
) -> Option<String> {
    assert_one(overrides, Severity::Error, code, line, col, needle)
}

#[test]
fn invalid_toml() {
    assert_error(
        "[feature.default.dependencies]\nnumpy = \n",
        "toml-syntax",
        2,
        9,
        "invalid TOML",
    );
}

#[test]
fn unknown_features() {
    let help = assert_error(
        "[feature.tests.dependencies]\npytest = \"*\"\n",
        "unknown-feature",
        1,
        10,
        "unknown feature `tests`",
    );
    assert_eq!(help.as_deref(), Some("did you mean `test`?"));
    let seen = diagnose("[feature.discovery.pypi-dependencies]\nx = \">=1\"\n");
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].1, seen[0].2, seen[0].3),
        ("unknown-feature", 1, 10)
    );
}

#[test]
fn sections_must_be_tables() {
    assert_error(
        "feature = 1\n",
        "invalid-overrides",
        1,
        11,
        "`feature` must be a table",
    );
    assert_error(
        "[feature]\ndefault = \"numpy\"\n",
        "invalid-overrides",
        2,
        11,
        "`feature.default` must be a table, found string",
    );
    assert_error(
        "[feature.runner]\ndependencies = [\"wt-runner\"]\n",
        "invalid-overrides",
        2,
        16,
        "`feature.runner.dependencies` must be a table, found array",
    );
    assert_error(
        "[feature.test]\npypi-dependencies = true\n",
        "invalid-overrides",
        2,
        21,
        "`feature.test.pypi-dependencies` must be a table, found boolean",
    );
}

#[test]
fn inline_tables_are_tables_too() {
    assert_eq!(
        diagnose("feature = { default = { dependencies = { numpy = \">=1\" } } }\n"),
        vec![]
    );
}

#[test]
fn bad_value_types() {
    assert_error(
        "[feature.default.dependencies]\nnumpy = 1\n",
        "invalid-overrides",
        2,
        9,
        "conda dependency `numpy` in `[feature.default.dependencies]` must be a version string or a table, found integer",
    );
    assert_error(
        "[feature.default.dependencies]\nnumpy = { version = 1.26 }\n",
        "invalid-overrides",
        2,
        21,
        "`version` of conda dependency `numpy` must be a string, found float",
    );
    assert_error(
        "[feature.default.dependencies]\nnumpy = { channel = [\"conda-forge\"] }\n",
        "invalid-overrides",
        2,
        21,
        "`channel` of conda dependency `numpy` must be a string, found array",
    );
    assert_error(
        "[feature.runner.pypi-dependencies]\nwt-runner = 3\n",
        "invalid-overrides",
        2,
        13,
        "must be a table or a version string, found integer",
    );
    assert_error(
        "[feature.runner.pypi-dependencies]\nwt-runner = { path = \"/x\", editable = \"yes\" }\n",
        "invalid-overrides",
        2,
        39,
        "`editable` of PyPI dependency `wt-runner` must be a boolean, found string",
    );
    assert_error(
        "[feature.runner.pypi-dependencies]\nwt-runner = { git = \"https://g/x.git\", extras = \"gcp\" }\n",
        "invalid-overrides",
        2,
        49,
        "`extras` of PyPI dependency `wt-runner` must be a list of strings",
    );
    assert_error(
        "[feature.default.dependencies]\nnumpy = \">=>1\"\n",
        "invalid-version",
        2,
        9,
        "invalid conda version constraint",
    );
    assert_error(
        "[feature.default.dependencies]\n\"num py\" = \"*\"\n",
        "invalid-package-name",
        2,
        1,
        "not a valid conda package name",
    );
}

#[test]
fn unknown_channels() {
    let help = assert_error(
        "[feature.default.dependencies]\nnumpy = { version = \"*\", channel = \"conda-froge\" }\n",
        "unknown-channel",
        2,
        36,
        "unknown conda channel `conda-froge`",
    );
    assert_eq!(help.as_deref(), Some("did you mean `conda-forge`?"));
    let help = assert_error(
        "[feature.default.dependencies]\nnumpy = { channel = \"bioconda\" }\n",
        "unknown-channel",
        2,
        21,
        "`bioconda`",
    );
    assert!(help.unwrap().contains("`://`"));
    // Any URL is accepted as a base URL.
    assert_eq!(
        diagnose(
            "[feature.default.dependencies]\nnumpy = { channel = \"https://example.invalid/ch\" }\n"
        ),
        vec![]
    );
}

#[test]
fn pypi_source_rules() {
    assert_error(
        "[feature.default.pypi-dependencies]\nwt-task = { path = \"/a\", git = \"https://g/wt.git\" }\n",
        "invalid-requirement",
        2,
        26,
        "at most one of `git`, `path` or `url` may be set for PyPI dependency `wt-task`, got 2",
    );
    assert_error(
        "[feature.default.pypi-dependencies]\nwt-task = { path = \"/a\", tag = \"v1\" }\n",
        "invalid-requirement",
        2,
        26,
        "only valid with `git`",
    );
    assert_error(
        "[feature.default.pypi-dependencies]\nwt-task = { git = \"https://g\", tag = \"v1\", rev = \"abc\" }\n",
        "invalid-requirement",
        2,
        44,
        "at most one of `rev`, `branch` or `tag`",
    );
    assert_error(
        "[feature.default.pypi-dependencies]\nwt-task = { url = \"https://x/w.whl\", editable = true }\n",
        "invalid-requirement",
        2,
        38,
        "`editable` is only valid with `path`",
    );
    assert_error(
        "[feature.default.pypi-dependencies]\nwt-task = { path = \"file:///src/wt-task\" }\n",
        "invalid-requirement",
        2,
        13,
        "not a file:// URL",
    );
    assert_error(
        "[feature.default.pypi-dependencies]\nwt-task = { extras = [\"gcp\"] }\n",
        "invalid-requirement",
        2,
        1,
        "must declare one of `git`, `path`, `url` or `version`",
    );
}

#[test]
fn same_name_in_both_sections() {
    let help = assert_error(
        "[feature.test.dependencies]\npytest = \"*\"\n\n[feature.test.pypi-dependencies]\npytest = \">=8\"\n",
        "duplicate-package",
        5,
        1,
        "feature `test` declares `pytest` in both `[feature.test.dependencies]` and `[feature.test.pypi-dependencies]`",
    );
    assert!(help.unwrap().contains("only one of the two sections"));
}

#[test]
fn unknown_keys_are_warnings() {
    // `/tmp` exists (a path source that does not is a warning of its own).
    let overrides =
        "[feature.default.pypi-dependencies]\nwt-task = { path = \"/tmp\", editible = true }\n";
    let help = assert_one(
        overrides,
        Severity::Warning,
        "unknown-key",
        2,
        28,
        "unknown key `editible` in PyPI dependency `wt-task`",
    );
    assert_eq!(help.as_deref(), Some("did you mean `editable`?"));
    // A warning does not stop the compile; the entry is used without the unknown key.
    let ws = with_overrides(overrides);
    let compiled = compile_in(&ws, &spec(""), "");
    let pixi = file(&compiled, "pixi.toml");
    assert!(
        pixi.contains("[pypi-dependencies.wt-task]\npath = \"/tmp\"\n\n"),
        "{pixi}"
    );

    assert_one(
        "[feature.default]\npypi_dependencies = {}\n",
        Severity::Warning,
        "unknown-key",
        2,
        1,
        "unknown key `pypi_dependencies` in `[feature.default]`",
    );
    assert_one(
        "[feature.default.dependencies]\nnumpy = { version = \"*\", chanel = \"conda-forge\" }\n",
        Severity::Warning,
        "unknown-key",
        2,
        26,
        "unknown key `chanel` in conda dependency `numpy`",
    );
    assert_one(
        "[features.default.dependencies]\nnumpy = \"*\"\n",
        Severity::Warning,
        "unknown-key",
        1,
        2,
        "unknown key `features` in the env-overrides file",
    );
}

#[test]
fn all_problems_are_reported_together() {
    let seen = diagnose(
        "[feature.tests.dependencies]\nx = \"*\"\n\n[feature.default.dependencies]\nnumpy = { channel = \"nope\" }\nscipy = 2\n",
    );
    let codes: Vec<_> = seen.iter().map(|s| s.1).collect();
    assert_eq!(
        codes,
        ["unknown-feature", "unknown-channel", "invalid-overrides"]
    );
}

#[test]
fn diagnostics_render_with_a_snippet_of_the_overrides_file() {
    let overrides =
        "[feature.default.dependencies]\nnumpy = { version = \"*\", channel = \"conda-froge\" }\n";
    let ws = with_overrides(overrides);
    let compiled = compile_in(&ws, &spec(""), "");
    assert!(compiled.package.is_none());
    let path = ws.root.join("overrides.toml");
    let sources = wtc::cli::render::Sources {
        spec: ("spec.yaml", ""),
        overrides: Some((path.as_str(), overrides)),
        templates: None,
    };
    let rendered = wtc::cli::render::render_in(&compiled.diagnostics[0], &sources, false)
        .replace(ws.root.as_str(), "<dir>");
    expect_test::expect![[r#"
        error[unknown-channel]: unknown conda channel `conda-froge`
         --> <dir>/overrides.toml:2:36
          |
        2 | numpy = { version = "*", channel = "conda-froge" }
          |                                    ^^^^^^^^^^^^^ not a known channel
          |
          = help: did you mean `conda-forge`?"#]]
    .assert_eq(&rendered);
}

#[test]
fn relative_paths_resolve_against_the_overrides_file() {
    let ws = with_overrides("");
    ws.write(
        "config/overrides.toml",
        "[feature.default.pypi-dependencies]\nwt-task = { path = \"../src/./wt-task\", editable = true }\nabs = { path = \"/opt/abs/../abs\" }\n",
    );
    std::fs::create_dir_all(ws.root.join("src/wt-task")).unwrap();
    // A symlink is resolved like Python's Path.resolve().
    std::os::unix::fs::symlink(ws.root.join("src"), ws.root.join("link")).unwrap();
    ws.write(
        "link-overrides.toml",
        "[feature.default.pypi-dependencies]\nwt-task = { path = \"link/wt-task\" }\n",
    );
    // The flag is resolved against the current directory (here: `ws.root/config`).
    let compiled = compile_with(
        &ws,
        "overrides.toml",
        &ws.root.join("config"),
        &spec(""),
        "",
    );
    let pixi = file_text(&compiled);
    assert!(
        pixi.contains(&format!(
            "[pypi-dependencies.wt-task]\npath = \"{}/src/wt-task\"\neditable = true\n",
            ws.root
        )),
        "{pixi}"
    );
    assert!(
        pixi.contains("[pypi-dependencies.abs]\npath = \"/opt/abs/../abs\"\n"),
        "absolute paths are kept as written:\n{pixi}"
    );

    let compiled = compile_with(&ws, "link-overrides.toml", &ws.root, &spec(""), "");
    assert!(file_text(&compiled).contains(&format!("path = \"{}/src/wt-task\"", ws.root)));

    let err = load_env_overrides(
        &mut Database::default(),
        Utf8Path::new("missing.toml"),
        &ws.root,
        &Default::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("env-overrides file not found: {}/missing.toml", ws.root)
    );
}

fn file_text(compiled: &Compiled) -> String {
    assert!(compiled.package.is_some(), "{:#?}", compiled.diagnostics);
    file(compiled, "pixi.toml").to_string()
}

#[test]
fn leaf_only_path_source_guard() {
    let overrides = "[feature.default.pypi-dependencies]\nwt-task = { path = \"wt-task\", editable = true }\n\n[feature.runner.pypi-dependencies]\nwt-runner = { path = \"wt-runner\", editable = true }\n";
    let ws = with_overrides(overrides);
    ws.write(
        "wt-runner/pyproject.toml",
        "[project]\nname = \"wt-runner\"\n\n[tool.uv.sources]\nwt-runner = { workspace = true }\nwt-task = { path = \"../wt-task\", editable = true }\n",
    );
    ws.write("wt-task/pyproject.toml", "[project]\nname = \"wt-task\"\n");
    let compiled = compile_in(&ws, &spec(""), "");
    assert!(compiled.package.is_none());
    let errors: Vec<_> = compiled
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let d = errors[0];
    assert_eq!(d.code, "path-source-conflict");
    assert_eq!(d.source, Source::Overrides);
    let pyproject = format!("{}/wt-runner/pyproject.toml", ws.root);
    assert_eq!(
        d.message,
        format!(
            "`wt-task` must not be declared as a path source: `wt-runner` already pulls it in through `[tool.uv.sources]` in {pyproject}"
        )
    );
    assert!(
        d.notes.iter().any(|n| n.contains("pixi issue #5847")),
        "{d:#?}"
    );
    assert!(
        d.help
            .as_ref()
            .unwrap()
            .contains("remove `wt-task` from the env-overrides file")
    );
    let index = LineIndex::new(overrides);
    assert_eq!(
        index.line_col(d.primary.as_ref().unwrap().span.start),
        (2, 1)
    );
    assert_eq!(index.line_col(d.secondary[0].span.start), (5, 1));

    // Leaves only: no conflict. A path without pyproject.toml is skipped.
    let ws = with_overrides(
        "[feature.runner.pypi-dependencies]\nwt-runner = { path = \"wt-runner\", editable = true }\nother = { path = \"nowhere\" }\n",
    );
    ws.write(
        "wt-runner/pyproject.toml",
        "[tool.uv.sources]\nwt-task = { path = \"../wt-task\", editable = true }\n",
    );
    assert!(compile_in(&ws, &spec(""), "").package.is_some());
}

#[test]
fn superseded_spec_requirements_warn_once() {
    let ws = with_overrides(
        "[feature.default.dependencies]\npandas = \">=2.2\"\n\n[feature.default.pypi-dependencies]\nhelper = { git = \"https://g/helper.git\" }\n",
    );
    let spec_text = spec(
        "  - name: pandas\n    version: \">=2.1\"\n  - name: helper\n    git: https://g/old.git\n",
    );
    let compiled = compile_in(&ws, &spec_text, "");
    let warnings: Vec<_> = compiled
        .diagnostics
        .iter()
        .filter(|d| d.code == "superseded-requirement")
        .collect();
    let index = LineIndex::new(&spec_text);
    let seen: Vec<_> = warnings
        .iter()
        .map(|d| {
            (
                d.message.as_str(),
                index.line_col(d.primary.as_ref().unwrap().span.start),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "spec.yaml requirement `helper` is superseded by --env-overrides feature.default for the compiled pixi.toml",
                (8, 5)
            ),
            (
                "spec.yaml requirement `pandas` is superseded by --env-overrides feature.default for the compiled pixi.toml",
                (6, 5)
            ),
        ]
    );
    assert!(
        warnings[1].notes[0].ends_with("overrides.toml:2:1"),
        "{:?}",
        warnings[1].notes
    );
    // The override wins, in the spec's position.
    let pixi = file_text(&compiled);
    assert!(
        pixi.contains("[dependencies.pandas]\nversion = \">=2.2\""),
        "{pixi}"
    );
    assert!(
        pixi.contains("[pypi-dependencies.helper]\ngit = \"https://g/helper.git\"\n"),
        "{pixi}"
    );
}

/// Keys of the table at `path` in a pixi.toml (empty when absent).
fn keys(pixi: &str, path: &[&str]) -> Vec<String> {
    let doc: toml_edit::Document<String> = pixi.parse().unwrap();
    let mut item = doc.as_item();
    for p in path {
        match item.get(p) {
            Some(i) => item = i,
            None => return vec![],
        }
    }
    item.as_table_like()
        .map(|t| t.iter().map(|(k, _)| k.to_string()).collect())
        .unwrap_or_default()
}

fn pixi_without_overrides(spec_text: &str, variant: &str, solved: Vec<SolvedRecord>) -> String {
    file_text(&compile_without_overrides(spec_text, variant, solved))
}

/// Compile `spec_text` (no overrides file) with `variant`.
fn compile_without_overrides(
    spec_text: &str,
    variant: &str,
    solved: Vec<SolvedRecord>,
) -> Arc<Compiled> {
    let db = Database::default();
    let args = CompileArgs {
        variant: Some(variant.into()),
        ..Default::default()
    };
    compile(
        &db,
        Utf8Path::new("spec.yaml"),
        spec_text,
        &example_registry(),
        solved,
        &args,
    )
    .1
}

#[test]
fn variant_rules() {
    // The defaults are renamed, in the default and runner features.
    let pixi = pixi_without_overrides(&spec(""), "gcp", vec![]);
    assert!(keys(&pixi, &["dependencies"]).contains(&"wt-task-gcp".to_string()));
    assert_eq!(
        keys(&pixi, &["feature", "runner", "dependencies"]),
        ["wt-runner-gcp"]
    );
    // Empty means none.
    let pixi = pixi_without_overrides(&spec(""), "", vec![]);
    assert!(keys(&pixi, &["dependencies"]).contains(&"wt-task".to_string()));
    // A spec requirement named wt-task suppresses the default and is not renamed.
    let pixi = pixi_without_overrides(
        &spec("  - name: wt-task\n    version: \">=0.2\"\n    channel: ecoscope-workflows\n"),
        "gcp",
        vec![],
    );
    let deps = keys(&pixi, &["dependencies"]);
    assert!(
        deps.contains(&"wt-task".to_string()) && !deps.iter().any(|d| d == "wt-task-gcp"),
        "{deps:?}"
    );
    // PyPI overrides displace the default before the rewrite: no wt-task-gcp at all.
    let ws = with_overrides(
        "[feature.default.pypi-dependencies]\nwt-task = { path = \"/src/wt-task\" }\n",
    );
    let pixi = file_text(&compile_in(&ws, &spec(""), "gcp"));
    let deps = keys(&pixi, &["dependencies"]);
    assert!(!deps.iter().any(|d| d.starts_with("wt-task")), "{deps:?}");
    assert_eq!(keys(&pixi, &["pypi-dependencies"]), ["wt-task"]);
    // A conda override is part of the merged section the rewrite applies to
    // (dependencies.md §1.2 step 4): it keeps its version and channel under the variant name.
    let ws = with_overrides(
        "[feature.runner.dependencies]\nwt-runner = { version = \">=0.4\", channel = \"https://example.invalid/ch/\" }\n",
    );
    let pixi = file_text(&compile_in(&ws, &spec(""), "gcp"));
    assert!(
        pixi.contains("[feature.runner.dependencies.wt-runner-gcp]\nversion = \">=0.4\"\nchannel = \"https://example.invalid/ch/\"\n"),
        "{pixi}"
    );
    // An invalid variant is an error.
    let compiled = compile_without_overrides(&spec(""), "g cp", vec![]);
    assert!(compiled.package.is_none());
    assert_eq!(compiled.diagnostics[0].code, "invalid-variant");
}

#[test]
fn suppression_rules() {
    // A spec requirement suppresses the same-name default (conda or PyPI requirement).
    let pixi = pixi_without_overrides(
        &spec(
            "  - name: click\n    version: \">=8.1\"\n  - name: pydantic\n    url: https://x/pydantic.whl\n",
        ),
        "",
        vec![],
    );
    let deps = keys(&pixi, &["dependencies"]);
    assert_eq!(
        deps,
        [
            "wtc-example-tasks",
            "click",
            "obstore",
            "ruamel.yaml",
            "opentelemetry-api",
            "wt-task"
        ]
    );
    assert!(
        pixi.contains("[dependencies.click]\nversion = \">=8.1\"\n"),
        "{pixi}"
    );
    // Names are compared verbatim: ruamel-yaml does not suppress ruamel.yaml.
    let pixi = pixi_without_overrides(
        &spec("  - name: ruamel-yaml\n    version: \"*\"\n"),
        "",
        vec![],
    );
    let deps = keys(&pixi, &["dependencies"]);
    assert!(deps.contains(&"ruamel-yaml".to_string()) && deps.contains(&"ruamel.yaml".to_string()));
}

/// Reproduces wt-compiler 0.10.3: suppression leaks across features. A spec requirement
/// named like a runner/test default removes it from that feature, but the requirement
/// itself only lands in the top-level [dependencies], which the runner/test environments
/// exclude (`no-default-feature = true`).
#[test]
fn suppression_leaks_across_features() {
    let solved = vec![SolvedRecord {
        name: "wt-runner".into(),
        version: "0.3.2".into(),
        channel: "https://repo.prefix.dev/ecoscope-workflows/".into(),
    }];
    let pixi = pixi_without_overrides(
        &spec(
            "  - name: wt-runner\n    version: \">=0.3\"\n    channel: ecoscope-workflows\n  - name: pandas\n    version: \">=2\"\n",
        ),
        "gcp",
        solved,
    );
    // The runner environment ends up with no wt-runner at all (an empty feature).
    assert!(
        pixi.contains("\n[feature.runner.dependencies]\n\n[feature.runner.tasks]\n"),
        "{pixi}"
    );
    assert!(keys(&pixi, &["dependencies"]).contains(&"wt-runner".to_string()));
    let test = keys(&pixi, &["feature", "test", "dependencies"]);
    assert!(!test.contains(&"pandas".to_string()), "{test:?}");
    assert_eq!(test.len(), 8);
}

#[test]
fn pypi_only_runner_gets_python() {
    let ws = with_overrides(
        "[feature.runner.pypi-dependencies]\nwt-runner = { git = \"https://g/wt.git\", branch = \"dev\", subdirectory = \"wt-runner\", extras = [\"gcp\"] }\n",
    );
    let pixi = file_text(&compile_in(&ws, &spec(""), "gcp"));
    assert!(
        pixi.contains("[feature.runner.dependencies.python]\nversion = \">=3.10,<3.14\"\nchannel = \"https://conda.anaconda.org/conda-forge/\"\n\n[feature.runner.pypi-dependencies.wt-runner]\ngit = \"https://g/wt.git\"\nbranch = \"dev\"\nsubdirectory = \"wt-runner\"\nextras = [\n    \"gcp\",\n]\n"),
        "{pixi}"
    );
}
