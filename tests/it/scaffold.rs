//! `wtc scaffold init` and `wtc scaffold providers`, through the binary: batch mode for the
//! built-in provider and a test provider (file trees snapshotted), errors, the scaffolded
//! project compiled and its generated tests run, and interactive mode through a
//! pseudo-terminal.
//!
//! Every run sets `XDG_DATA_HOME` to an empty directory (no providers of the machine's
//! user are found) and `SOURCE_DATE_EPOCH` (the `year` of the templates).

use crate::support::suite::{outcomes, path_with, pytest_case, write_pixi_shim};
use crate::support::{Run, Workspace, Wtc, python_with, repo, text};
use camino::{Utf8Path, Utf8PathBuf};
use expect_test::expect_file;

/// 2023-11-14: the year of every rendered LICENSE.
const EPOCH: &str = "1700000000";

/// A workspace whose empty `data/` is `XDG_DATA_HOME` (no providers of the machine's user
/// are found), with a fixed clock.
struct Sandbox {
    ws: Workspace,
}

impl Sandbox {
    fn new() -> Self {
        let ws = Workspace::new();
        std::fs::create_dir_all(ws.root.join("data")).unwrap();
        Sandbox { ws }
    }

    fn command(&self, args: &[&str]) -> Wtc {
        self.ws
            .wtc(args)
            .env("XDG_DATA_HOME", self.ws.root.join("data"))
            .env("SOURCE_DATE_EPOCH", EPOCH)
    }

    /// Run `wtc args...` with stdin closed (not a terminal).
    fn wtc(&self, args: &[&str]) -> Run {
        self.command(args).output()
    }
}

fn test_providers() -> Utf8PathBuf {
    repo().join("tests/data/scaffold/providers")
}

/// Every file below `dir` (except a compiled package), sorted, as `=== path` + content.
fn tree(dir: &Utf8Path) -> String {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = Utf8PathBuf::from_path_buf(e.path()).unwrap();
            if p.is_dir() {
                if !p.as_str().ends_with("-workflow") {
                    stack.push(p);
                }
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut out = String::new();
    for f in files {
        let body = std::fs::read_to_string(&f).unwrap();
        out.push_str(&format!("=== {}\n{body}", f.strip_prefix(dir).unwrap()));
        if !body.ends_with('\n') {
            out.push_str("\n[no final newline]\n");
        }
    }
    out
}

/// `scaffold init` in batch mode with the test provider, its name and author answered.
fn dashboard_batch(providers: &Utf8Path) -> Vec<&str> {
    vec![
        "scaffold",
        "init",
        "--provider-path",
        providers.as_str(),
        "--provider",
        "dashboard",
        "--no-interactive",
        "--workflow-name",
        "Park Watch",
        "--author-name",
        "Ada",
    ]
}

const BUILTIN_ANSWERS: &[&str] = &[
    "scaffold",
    "init",
    "--no-interactive",
    "--workflow-id",
    "my_flow",
    "--workflow-name",
    "My Flow",
    "--workflow-description=Greets people, politely.",
    "--author-name",
    "Ada Lovelace",
];

#[test]
fn builtin_batch_mode_renders_the_project() {
    let sb = Sandbox::new();
    let mut args = BUILTIN_ANSWERS.to_vec();
    args.extend([
        "--requirements",
        r#"{"name": "numpy", "version": ">=1.26"}"#,
        "--requirements",
        r#"{"name": "tools", "git": "https://github.com/o/tools.git", "tag": "v1.2"}"#,
        "--requirements",
        r#"{"name": "local-lib", "path": "/src/local-lib", "editable": true}"#,
        "--requirements",
        r#"{"name": "wheel-lib", "url": "https://example.org/wheel_lib-1.0-py3-none-any.whl"}"#,
    ]);
    let stdout = sb.wtc(&args).ok();
    let dir = sb.ws.root.join("my_flow");
    assert_eq!(stdout, format!("Initialized workflow project at: {dir}\n"));
    expect_file!["../snapshots/scaffold/builtin.txt"].assert_eq(&tree(&dir));
}

#[test]
fn builtin_licenses_and_the_empty_starter() {
    let sb = Sandbox::new();
    for (id, license, first_line) in [
        ("mit_flow", "MIT", "MIT License"),
        ("apache_flow", "Apache-2.0", "Apache License"),
    ] {
        let mut args = BUILTIN_ANSWERS.to_vec();
        args[4] = id;
        args.extend(["--license-type", license, "--starter", "empty"]);
        sb.wtc(&args).ok();
        let dir = sb.ws.root.join(id);
        let licence = std::fs::read_to_string(dir.join("LICENSE")).unwrap();
        assert_eq!(licence.lines().next().unwrap().trim(), first_line);
        if license == "MIT" {
            assert!(
                licence.contains("Copyright (c) 2023 Ada Lovelace\n"),
                "{licence}"
            );
        }
        // No starter: no snapshots, no requirements, an empty workflow.
        assert!(!dir.join("__results_snapshots__").exists());
        let spec = std::fs::read_to_string(dir.join("spec.yaml")).unwrap();
        assert!(spec.contains("\nrequirements: []\n"), "{spec}");
        assert!(spec.ends_with("\nworkflow: []\n"), "{spec}");
    }
}

#[test]
fn test_provider_with_conditional_questions() {
    let sb = Sandbox::new();
    let providers = test_providers();
    let base = dashboard_batch(&providers);
    // With a dashboard: its title is required, the refresh interval takes its default.
    let mut args = base.to_vec();
    args.extend([
        "--workflow-id",
        "park_watch",
        "--dashboard-title",
        "Rangers",
    ]);
    args.extend([
        "--datasets",
        r#"{"name": "sightings"}"#,
        "--datasets",
        r#"{"name": "roads", "url": "https://example.org/roads.geojson"}"#,
    ]);
    let out = sb.wtc(&args);
    out.ok();
    assert_eq!(out.stderr, "");
    expect_file!["../snapshots/scaffold/dashboard.txt"]
        .assert_eq(&tree(&sb.ws.root.join("park_watch")));

    // Without: the dashboard's questions are skipped (their flags ignored, with a
    // warning) and dashboard.md renders to nothing, so it is not written.
    let mut args = base.to_vec();
    args.extend(["--workflow-id", "plain", "--with-dashboard", "false"]);
    args.extend(["--refresh-minutes", "5", "--license-type", "MIT"]);
    let out = sb.wtc(&args);
    out.ok();
    assert_eq!(
        out.stderr,
        "warning: --refresh-minutes is ignored: the question is asked only when with_dashboard and dashboard_title != 'Static'\n"
    );
    let dir = sb.ws.root.join("plain");
    assert!(!dir.join("dashboard.md").exists());
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(
        readme.contains("This project has no dashboard."),
        "{readme}"
    );
    assert!(readme.contains("(MIT license, 2023)"), "{readme}");

    // Required when asked: the dashboard title.
    let mut args = base.to_vec();
    args.extend(["--workflow-id", "third"]);
    let out = sb.wtc(&args);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        out.stderr,
        "error: --no-interactive requires: --dashboard-title\n  help: give every required answer as a flag (see `wtc scaffold init --help`)\n"
    );

    // The provider's flags are listed by --help, under the provider's name.
    let help = sb
        .wtc(&[
            "scaffold",
            "init",
            "--provider-path",
            providers.as_str(),
            "--provider=dashboard",
            "--help",
        ])
        .ok();
    assert!(
        help.contains("Questions of provider `dashboard`:"),
        "{help}"
    );
    assert!(help.contains("--refresh-minutes <N>"), "{help}");
    assert!(help.contains("[asked when: with_dashboard]"), "{help}");
    assert!(help.contains("[default: Proprietary]"), "{help}");
}

#[test]
fn batch_mode_errors() {
    let sb = Sandbox::new();
    let run = |args: &[&str]| {
        let out = sb.wtc(args);
        (out.status.code(), out.stdout, out.stderr)
    };

    // Every missing required answer, at once.
    let (code, _, err) = run(&["scaffold", "init", "--no-interactive"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        err,
        "error: --no-interactive requires: --workflow-id, --workflow-name, --author-name\n  help: give every required answer as a flag (see `wtc scaffold init --help`)\n"
    );

    // Invalid values: which flag, what is wrong, the valid choices (usage errors, exit 2).
    let (code, _, err) = run(&[
        "scaffold",
        "init",
        "--no-interactive",
        "--workflow-id",
        "my-flow",
    ]);
    assert_eq!(code, Some(2));
    assert!(
        err.starts_with("error: invalid value 'my-flow' for '--workflow-id <TEXT>': workflow id `my-flow` is not a valid Python identifier; use letters, digits and `_` only, e.g. `my_flow`\n"),
        "{err}"
    );
    for (id, why) in [
        ("class", "workflow id `class` is a Python keyword"),
        ("list", "workflow id `list` is a built-in Python name"),
        ("héllo", "must use ASCII letters, digits and `_` only"),
    ] {
        let (code, _, err) = run(&["scaffold", "init", "--workflow-id", id]);
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains(why), "{err}");
    }
    let (code, _, err) = run(&["scaffold", "init", "--license-type", "GPL"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("invalid value 'GPL' for '--license-type <CHOICE>'"),
        "{err}"
    );
    assert!(
        err.contains("[possible values: BSD-3-Clause, MIT, Apache-2.0]"),
        "{err}"
    );
    let (code, _, err) = run(&[
        "scaffold",
        "init",
        "--requirements",
        r#"{"name": "x", "path": "src"}"#,
    ]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("for '--requirements <JSON>': `path`: `src` is not an absolute path (it must start with `/`)"),
        "{err}"
    );

    // Not a terminal, and no --no-interactive.
    let (code, _, err) = run(&["scaffold", "init", "--workflow-id", "x"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("standard input is not a terminal"), "{err}");
    assert!(err.contains("--no-interactive"), "{err}");

    // An unknown provider.
    let providers = test_providers();
    let (code, _, err) = run(&[
        "scaffold",
        "init",
        "--provider-path",
        providers.as_str(),
        "--provider",
        "dashbord",
    ]);
    assert_eq!(code, Some(1));
    assert_eq!(
        err,
        format!(
            "error: provider `dashbord` not found in {providers}, {}; available: builtin, dashboard\n",
            sb.ws.root.join("data/wtc/providers")
        )
    );
    assert!(!sb.ws.root.join("x").exists());
}

#[test]
fn existing_directories_and_clobber() {
    let sb = Sandbox::new();
    sb.wtc(BUILTIN_ANSWERS).ok();
    let dir = sb.ws.root.join("my_flow");
    std::fs::write(dir.join("README.md"), "my own notes\n").unwrap();
    std::fs::write(dir.join("extra.txt"), "keep me\n").unwrap();

    let out = sb.wtc(BUILTIN_ANSWERS);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        out.stderr,
        format!(
            "error: output directory already exists: {dir}\n  help: use --clobber to write into it (rendered files replace the files of the same name; other files stay)\n"
        )
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("README.md")).unwrap(),
        "my own notes\n"
    );

    let mut args = BUILTIN_ANSWERS.to_vec();
    args.push("--clobber");
    sb.wtc(&args).ok();
    assert!(
        std::fs::read_to_string(dir.join("README.md"))
            .unwrap()
            .starts_with("# My Flow\n")
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("extra.txt")).unwrap(),
        "keep me\n"
    );

    // --output-dir: created when missing, relative to the current directory.
    let mut args = BUILTIN_ANSWERS.to_vec();
    args.extend(["--output-dir", "projects/new"]);
    let stdout = sb.wtc(&args).ok();
    assert_eq!(
        stdout,
        format!(
            "Initialized workflow project at: {}\n",
            sb.ws.root.join("projects/new/my_flow")
        )
    );
    // Nothing but the project directory is left behind.
    let names: Vec<_> = std::fs::read_dir(sb.ws.root.join("projects/new"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names, ["my_flow"]);
}

#[test]
fn invalid_providers_are_reported_with_their_location() {
    let sb = Sandbox::new();
    let broken = repo().join("tests/data/scaffold/broken");
    let bad = broken.join("bad-toml");
    let out = sb.wtc(&["scaffold", "init", "--provider", bad.as_str(), "--help"]);
    assert_eq!(out.status.code(), Some(1));
    let err = &out.stderr;
    let file = bad.join("provider.toml");
    for want in [
        "error[invalid-default]: the default of `color` is not a valid answer: `blue` is not one of the choices: red, green",
        &format!("--> {file}:7:11"),
        "error[unknown-key]: unknown key `promt` in question `shade`",
        &format!("--> {file}:11:1"),
        "help: did you mean `prompt`?",
        &format!("error: {file} is invalid (2 errors)"),
    ] {
        assert!(err.contains(want), "missing {want:?} in\n{err}");
    }

    // A template error: nothing is written.
    let undefined = broken.join("undefined-var");
    let out = sb.wtc(&[
        "scaffold",
        "init",
        "--provider",
        undefined.as_str(),
        "--no-interactive",
        "--workflow-id=w",
        "--workflow-name=W",
        "--author-name=A",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        out.stderr,
        "error: template `NOTES.md.jinja2` (provider `undefined-var`), line 3: `owner_name` is undefined\n  note: nothing was written\n"
    );
    assert!(!sb.ws.root.join("w").exists());

    // The listing shows every provider, valid or not.
    let listing = sb
        .wtc(&[
            "scaffold",
            "providers",
            "--provider-path",
            test_providers().as_str(),
            "--provider-path",
            broken.as_str(),
        ])
        .ok();
    let expected = format!(
        "builtin  (built in)
    A wt workflow project: spec.yaml with a starter workflow, test cases, README, LICENSE, .gitignore, .gitattributes and GitHub Actions CI
dashboard  {providers}/dashboard  (extends builtin)
    Dashboard projects (test provider)
bad-toml  {broken}/bad-toml  [invalid]
    {broken}/bad-toml/provider.toml:7:11: the default of `color` is not a valid answer: `blue` is not one of the choices: red, green
undefined-var  {broken}/undefined-var  (extends builtin)
    A template reads a variable no question sets

Search path: {providers}, {broken}, {data} (missing)
",
        providers = test_providers(),
        data = sb.ws.root.join("data/wtc/providers"),
    );
    assert_eq!(listing, expected);
}

/// The provider.toml example of README.md is a valid provider.
#[test]
fn readme_provider_example_is_valid() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let section = &readme[readme.find("### Scaffold providers").unwrap()..];
    let start = section.find("```toml\n").unwrap() + "```toml\n".len();
    let example = &section[start..start + section[start..].find("```").unwrap()];
    let (manifest, diagnostics) = wtc::scaffold::manifest::parse(example);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(manifest.questions.len(), 5);
    let sb = Sandbox::new();
    let dir = sb.ws.root.join("example");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("provider.toml"), example).unwrap();
    let help = sb
        .wtc(&["scaffold", "init", "--provider", dir.as_str(), "--help"])
        .ok();
    assert!(help.contains("--dashboard-title <TEXT>"), "{help}");
}

#[test]
fn ci_workflows_are_valid_yaml() {
    use wtc::syntax::yaml::{self, NodeKind};
    let sb = Sandbox::new();
    sb.wtc(BUILTIN_ANSWERS).ok();
    for (file, keys, jobs) in [
        (
            "ci.yml",
            &["name", "on", "concurrency", "permissions", "jobs"][..],
            &["cases", "test", "docker", "snapshot-update"][..],
        ),
        (
            "tag.yml",
            &["name", "on", "permissions", "jobs"][..],
            &["tag"][..],
        ),
    ] {
        let path = sb.ws.root.join("my_flow/.github/workflows").join(file);
        let source = std::fs::read_to_string(&path).unwrap();
        let root = yaml::parse(&source).unwrap_or_else(|e| panic!("{file}: {e:?}"));
        let top: Vec<&str> = root
            .as_map()
            .unwrap()
            .iter()
            .filter_map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(top, keys, "{file}");
        let NodeKind::Map(found) = &root.get("jobs").unwrap().kind else {
            panic!("{file}: jobs is not a mapping")
        };
        let names: Vec<&str> = found.iter().filter_map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, jobs, "{file}");
        // GitHub expressions survive rendering.
        assert!(source.contains("${{ github."), "{file}");
    }
}

/// The scaffolded project compiles with the example task library's registry, and its
/// generated tests pass with the test case and snapshots it ships.
#[test]
fn scaffolded_project_compiles_and_its_tests_pass() {
    let sb = Sandbox::new();
    sb.wtc(BUILTIN_ANSWERS).ok();
    let dir = sb.ws.root.join("my_flow");
    let registry = repo().join("examples/registry.json");
    let out = sb.wtc(&[
        "compile",
        dir.join("spec.yaml").as_str(),
        "--registry",
        registry.as_str(),
    ]);
    out.ok();
    let release_dir = dir.join("wt-my-flow-workflow");
    assert!(
        release_dir
            .join("wt_my_flow_workflow/dags/run_sequential.py")
            .is_file()
    );

    // The empty starter compiles too, and so does the test provider's project.
    let mut args = BUILTIN_ANSWERS.to_vec();
    args[4] = "empty_flow";
    args.extend(["--starter", "empty"]);
    sb.wtc(&args).ok();
    sb.wtc(&[
        "compile",
        "empty_flow/spec.yaml",
        "--registry",
        registry.as_str(),
    ])
    .ok();
    let providers = test_providers();
    let mut args = dashboard_batch(&providers);
    args.extend(["--workflow-id=dash", "--dashboard-title=T"]);
    sb.wtc(&args).ok();
    sb.wtc(&["compile", "dash/spec.yaml", "--registry", registry.as_str()])
        .ok();
    assert!(sb.ws.root.join("dash/wt-dash-workflow/pixi.toml").is_file());

    let Some(python) = python_with("pytest, syrupy, wt_runner.testing, wtc_example_tasks") else {
        return;
    };
    write_pixi_shim(
        &sb.ws.root.join("bin"),
        "wt-my-flow-workflow",
        &release_dir,
        &python,
    );
    let output = pytest_case(
        &python,
        &release_dir,
        "greeting",
        &path_with(&sb.ws.root.join("bin")),
        &[],
        &[],
    );
    let stdout = text(&output.stdout);
    assert!(
        output.status.success(),
        "pytest failed\n{stdout}\n{}",
        text(&output.stderr)
    );
    let results = outcomes(&stdout);
    let passed = results.values().filter(|o| *o == "PASSED").count();
    assert!(passed >= 9, "{stdout}");
    assert!(
        results.values().all(|o| o == "PASSED" || o == "SKIPPED"),
        "{stdout}"
    );
    // The shipped snapshots were compared (not written).
    assert!(stdout.contains("2 snapshots passed."), "{stdout}");
}

mod interactive {
    use super::*;
    use rexpect::process::WaitStatus;
    use rexpect::session::{PtySession, spawn_with_options};

    const ENTER: &str = "\r";
    const DOWN: &str = "\x1b[B";

    fn spawn(sb: &Sandbox, args: &[&str]) -> PtySession {
        let c = sb
            .command(args)
            .env("TERM", "xterm-256color")
            .env("COLUMNS", "120")
            .env("LINES", "40")
            .into_command();
        spawn_with_options(
            c,
            rexpect::reader::Options::new()
                .timeout_ms(Some(20_000))
                .strip_ansi_escape_codes(true),
        )
        .unwrap()
    }

    /// Wait for `prompt`, then type `keys`.
    fn answer(p: &mut PtySession, prompt: &str, keys: &[&str]) {
        p.exp_string(prompt)
            .unwrap_or_else(|e| panic!("waiting for {prompt:?}: {e}"));
        for k in keys {
            p.send(k).unwrap();
        }
        p.flush().unwrap();
    }

    fn exit_code(p: &PtySession) -> i32 {
        match p.process().wait().unwrap() {
            WaitStatus::Exited(_, code) => code,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn builtin_prompts_with_the_requirements_loop() {
        let sb = Sandbox::new();
        let mut p = spawn(&sb, &["scaffold", "init", "--author-name", "Ada"]);
        answer(&mut p, "Workflow id", &["my-flow", ENTER]);
        // Invalid: the error is shown and the question asked again.
        answer(
            &mut p,
            "is not a valid Python identifier",
            &["\x7f\x7f\x7f\x7f\x7f\x7f\x7f", "my_flow", ENTER],
        );
        answer(&mut p, "Workflow name", &["My Flow", ENTER]);
        answer(&mut p, "Description", &[ENTER]);
        // Given as a flag: shown, not asked.
        p.exp_string("Author Ada (--author-name)").unwrap();
        answer(&mut p, "License", &[DOWN, ENTER]);
        answer(&mut p, "Starter workflow", &[ENTER]);
        answer(&mut p, "Add a requirement?", &["y", ENTER]);
        answer(&mut p, "Package name", &["numpy", ENTER]);
        answer(&mut p, "Requirement type", &[ENTER]);
        answer(&mut p, "Version", &[">=1.26", ENTER]);
        answer(&mut p, "Channel", &[ENTER]);
        answer(&mut p, "Add another requirement?", &["y", ENTER]);
        answer(&mut p, "Package name", &["tools", ENTER]);
        answer(&mut p, "Requirement type", &[DOWN, DOWN, DOWN, ENTER]);
        answer(
            &mut p,
            "Git URL",
            &["https://github.com/o/tools.git", ENTER],
        );
        answer(&mut p, "Git reference", &[DOWN, DOWN, DOWN, ENTER]);
        answer(&mut p, "Revision, branch or tag", &["v1", ENTER]);
        answer(&mut p, "Add another requirement?", &[ENTER]);
        p.exp_string("Initialized workflow project at:").unwrap();
        p.exp_eof().unwrap();
        assert_eq!(exit_code(&p), 0);

        let dir = sb.ws.root.join("my_flow");
        let spec = std::fs::read_to_string(dir.join("spec.yaml")).unwrap();
        let requirements =
            &spec[spec.find("requirements:").unwrap()..spec.find("workflow:").unwrap()];
        assert_eq!(
            requirements,
            r#"requirements:
  # wtc's example task library: the tasks of the starter workflow.
  - name: "wtc-example-tasks"
    version: ">=0.1"
    channel: "https://repo.prefix.dev/wtc-examples/"
  - name: "numpy"
    version: ">=1.26"
    channel: "conda-forge"
  - name: "tools"
    git: "https://github.com/o/tools.git"
    tag: "v1"
"#
        );
        let license = std::fs::read_to_string(dir.join("LICENSE")).unwrap();
        assert!(
            license.starts_with("MIT License\n\nCopyright (c) 2023 Ada\n"),
            "{license}"
        );
    }

    #[test]
    fn provider_questions_follow_their_conditions() {
        let sb = Sandbox::new();
        // The provider is found on the search path and offered first.
        let providers = sb.ws.root.join("data/wtc/providers");
        std::fs::create_dir_all(&providers).unwrap();
        let from = test_providers().join("dashboard");
        let to = providers.join("dashboard");
        std::fs::create_dir_all(to.join("templates/licenses")).unwrap();
        for f in [
            "provider.toml",
            "templates/README.md.jinja2",
            "templates/dashboard.md.jinja2",
            "templates/licenses/Proprietary.txt",
        ] {
            std::fs::copy(from.join(f), to.join(f)).unwrap();
        }
        let mut p = spawn(&sb, &["scaffold", "init"]);
        answer(&mut p, "Provider", &[DOWN, ENTER]);
        answer(&mut p, "Workflow id", &["park", ENTER]);
        answer(&mut p, "Workflow name", &["Park", ENTER]);
        answer(&mut p, "Description", &[ENTER]);
        answer(&mut p, "Add a dashboard?", &[ENTER]);
        answer(&mut p, "Dashboard title", &["Static", ENTER]);
        // refresh_minutes is skipped: its condition excludes the title "Static".
        answer(&mut p, "Author", &["Ada", ENTER]);
        answer(&mut p, "License", &[ENTER]);
        answer(&mut p, "Starter workflow", &[ENTER]);
        answer(&mut p, "Add a requirement?", &[ENTER]);
        answer(&mut p, "Add a dataset?", &["y", ENTER]);
        answer(&mut p, "Dataset name", &["Roads", ENTER]);
        answer(
            &mut p,
            "does not match the pattern",
            &["\x7f\x7f\x7f\x7f\x7f", "roads", ENTER],
        );
        answer(&mut p, "Source", &[DOWN, ENTER]);
        answer(
            &mut p,
            "Dataset URL",
            &["https://example.org/roads.json", ENTER],
        );
        answer(&mut p, "Add another dataset?", &["n", ENTER]);
        p.exp_string("Initialized workflow project at:").unwrap();
        p.exp_eof().unwrap();
        assert_eq!(exit_code(&p), 0);
        let dashboard = std::fs::read_to_string(sb.ws.root.join("park/dashboard.md")).unwrap();
        assert_eq!(
            dashboard,
            "# Static\n\nNever refreshed.\n\n- `roads`: https://example.org/roads.json\n"
        );
        let license = std::fs::read_to_string(sb.ws.root.join("park/LICENSE")).unwrap();
        assert_eq!(license, "Copyright (c) 2023 Ada. All rights reserved.\n");
    }

    #[test]
    fn ctrl_c_writes_nothing() {
        let sb = Sandbox::new();
        let mut p = spawn(&sb, &["scaffold", "init"]);
        answer(&mut p, "Workflow id", &["abc", ENTER]);
        answer(&mut p, "Workflow name", &[]);
        p.send_control('c').unwrap();
        p.exp_string("cancelled; nothing was written").unwrap();
        p.exp_eof().unwrap();
        assert_eq!(exit_code(&p), 1);
        let entries: Vec<_> = std::fs::read_dir(&sb.ws.root)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(entries, ["data"]);
    }
}
