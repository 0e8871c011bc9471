//! What a hostile user tried (issue "Hardening"), each reproduced: values written into
//! generated files are validated with the rules of what they become, and nothing is
//! written when they break them.

use crate::support::Workspace;

/// `wtc compile` of the chain example with `flags`; the run must be a usage error naming
/// `rule`, and nothing may be written.
fn refused(flags: &[&str], env: Option<(&str, &str)>, rule: &str) {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let mut cmd = ws
        .wtc(["compile", "chain/spec.yaml", "--registry", "registry.json"])
        .args(flags);
    if let Some((k, v)) = env {
        cmd = cmd.env(k, v);
    }
    let run = cmd.output();
    assert_eq!(run.status.code(), Some(2), "{flags:?}: {}", run.stderr);
    assert!(run.stderr.contains(rule), "{flags:?}: {}", run.stderr);
    let written: Vec<_> = std::fs::read_dir(ws.root.join("chain"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "spec.yaml")
        .collect();
    assert!(written.is_empty(), "{flags:?} wrote {written:?}");
}

#[test]
fn results_env_var_must_be_an_environment_variable_name() {
    let rule = "an environment variable name is an ASCII letter or `_`";
    refused(
        &[
            "--results-env-var",
            r#"X"); import os; os.system("id"); (""#,
        ],
        None,
        rule,
    );
    refused(&["--results-env-var", "X\nRUN echo injected"], None, rule);
    refused(&["--results-env-var", "1ABC"], None, rule);
}

#[test]
fn pkg_name_prefix_must_start_a_package_name() {
    let rule = "the prefix starts a directory, distribution and Python package name";
    for bad in [".", "a/b", "../x", "_x", "a b"] {
        refused(&["--pkg-name-prefix", bad], None, rule);
    }
    refused(&["--pkg-name-prefix=-x"], None, rule);
}

#[test]
fn pixi_version_must_be_a_version() {
    refused(
        &[],
        Some(("PIXI_VERSION", "1\nRUN echo injected")),
        "is not a pixi version",
    );
}

#[test]
fn check_validates_the_same_flags() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let run = ws
        .wtc(["check", "chain/spec.yaml", "--registry", "registry.json"])
        .args(["--pkg-name-prefix", "a/b"])
        .output();
    assert_eq!(run.status.code(), Some(2), "{}", run.stderr);
}

#[test]
fn good_values_compile_and_land_in_the_dockerfile_as_one_word() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    ws.wtc(["compile", "chain/spec.yaml", "--registry", "registry.json"])
        .args([
            "--results-env-var",
            "MY_RESULTS",
            "--pkg-name-prefix",
            "acme-co",
        ])
        .env("PIXI_VERSION", "0.41.4")
        .output()
        .ok();
    let dockerfile = ws.read("chain/acme-co-greeting-chain-workflow/Dockerfile");
    assert!(
        dockerfile.contains("PIXI_VERSION=0.41.4 bash"),
        "{dockerfile}"
    );
    assert!(
        dockerfile.contains("WT_INVOKERS__RESULTS_ENV_VAR=MY_RESULTS \\"),
        "{dockerfile}"
    );
}

/// The leftover temporary directories of `release` beside it.
fn leftovers(ws: &Workspace, release: &str) -> Vec<String> {
    std::fs::read_dir(ws.root.join("chain"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(&format!(".{release}.wtc-new-")))
        .collect()
}

const RELEASE: &str = "wt-greeting-chain-workflow";

/// A compile of the chain example that rewrites every file through the swap, killed at
/// `fault` (`WTC_FAULT`, a debug-build test hook).
fn killed_compile(ws: &Workspace, fault: &str, exchange: bool) {
    let mut cmd = ws
        .wtc(["compile", "chain/spec.yaml", "--registry", "registry.json"])
        .args(["--clobber", "--force"])
        .env("WTC_FAULT", fault);
    if !exchange {
        cmd = cmd.env("WTC_NO_RENAME_EXCHANGE", "1");
    }
    let run = cmd.output();
    assert_eq!(
        run.status.code(),
        None,
        "killed by the fault: {}",
        run.stderr
    );
}

#[test]
fn a_compile_killed_after_the_atomic_exchange_leaves_the_new_release_and_is_cleaned_up() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let compile = || {
        ws.wtc(["compile", "chain/spec.yaml", "--registry", "registry.json"])
            .args(["--clobber"])
            .output()
    };
    compile().ok();
    for _ in 0..3 {
        killed_compile(&ws, "after-exchange", true);
        assert!(
            ws.root
                .join("chain")
                .join(RELEASE)
                .join("README.md")
                .is_file()
        );
    }
    // Each compile removes the leftovers of the ones before it.
    assert_eq!(leftovers(&ws, RELEASE).len(), 1);
    let run = compile();
    assert!(run.status.success(), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("removed 1 leftover temporary directory of interrupted compiles"),
        "{}",
        run.stderr
    );
    assert_eq!(leftovers(&ws, RELEASE), Vec::<String>::new());
}

#[test]
fn a_compile_killed_between_the_two_renames_is_recovered_by_the_next_one() {
    // Where the exchange is not available, the previous release is moved aside first: a
    // kill there leaves no release directory, and the next compile (or watch) restores it.
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    ws.wtc(["compile", "chain/spec.yaml", "--registry", "registry.json"])
        .output()
        .ok();
    killed_compile(&ws, "between-renames", false);
    let dir = ws.root.join("chain").join(RELEASE);
    assert!(!dir.exists(), "the kill came between the renames");
    ws.write("chain/wt-greeting-chain-workflow.keep", "not wtc's");
    let run = ws
        .wtc(["check", "chain/spec.yaml", "--registry", "registry.json"])
        .output();
    assert!(run.status.success());
    assert!(!dir.exists(), "check writes nothing, recovery included");
    let run = ws
        .wtc(["compile", "chain/spec.yaml", "--registry", "registry.json"])
        .args(["--clobber"])
        .output();
    assert!(run.status.success(), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("restored the release directory from an interrupted compile; removed 1 leftover temporary directory"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("Up to date"),
        "the restored package is current: {}",
        run.stdout
    );
    assert_eq!(leftovers(&ws, RELEASE), Vec::<String>::new());
    assert!(
        ws.root
            .join("chain/wt-greeting-chain-workflow.keep")
            .is_file()
    );
}

/// Run `wtc` with `args` and return (exit code, stderr), failing the test if it has not
/// finished after 30 s (it is killed then: nothing may hang).
fn finishes(ws: &Workspace, args: &[&str]) -> (Option<i32>, String) {
    use std::io::Read;
    let mut child = ws.wtc(args).spawn();
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > std::time::Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("wtc {args:?} hung (killed after 30 s)");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (status.code(), stderr)
}

/// `wtc` with `args` fails (without hanging) and says `needle` on stderr.
fn fails_saying(ws: &Workspace, args: &[&str], needle: &str) {
    let (code, stderr) = finishes(ws, args);
    assert_ne!(code, Some(0), "{args:?}: {stderr}");
    assert!(stderr.contains(needle), "{args:?}: {stderr}");
}

fn mkfifo(path: &camino::Utf8Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn a_fifo_named_wtc_lock_does_not_hang_check_or_compile() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    mkfifo(&ws.root.join("chain/wtc.lock"));
    for args in [
        &["check", "chain/spec.yaml", "--locked"][..],
        &["check", "chain/spec.yaml", "--no-discover"],
        &["compile", "chain/spec.yaml", "--no-discover"],
    ] {
        let (code, stderr) = finishes(&ws, args);
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("named pipe (FIFO), not a regular file"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn a_fifo_in_the_discovery_cache_does_not_hang() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    // The key of the example's discovery inputs is the one its committed lock file holds.
    let lock: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(crate::support::repo().join("examples/chain/wtc.lock")).unwrap(),
    )
    .unwrap();
    let key = lock["key"].as_str().unwrap();
    mkfifo(&ws.cache().join(format!("discovery/{key}.json")));
    fails_saying(
        &ws,
        &["check", "chain/spec.yaml", "--no-discover"],
        "named pipe (FIFO), not a regular file",
    );
}

#[test]
fn registry_files_that_are_devices_or_too_large_are_refused() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    fails_saying(
        &ws,
        &["check", "chain/spec.yaml", "--registry", "/dev/zero"],
        "cannot read registry `/dev/zero`: it is a character device, not a regular file",
    );
    // A sparse file larger than the limit (nothing is allocated on disk).
    let big = std::fs::File::create(ws.root.join("big.json")).unwrap();
    big.set_len(wtc::files::MAX_INPUT_BYTES + 1).unwrap();
    fails_saying(
        &ws,
        &["check", "chain/spec.yaml", "--registry", "big.json"],
        "is larger than 256 MiB, the limit for an input file",
    );
}

#[test]
fn a_spec_or_overrides_file_that_is_not_a_regular_file_says_what_it_is() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    mkfifo(&ws.root.join("fifo/spec.yaml"));
    fails_saying(
        &ws,
        &["check", "fifo/spec.yaml", "--registry", "registry.json"],
        "(a named pipe (FIFO))",
    );
    std::fs::create_dir(ws.root.join("overrides.toml")).unwrap();
    fails_saying(
        &ws,
        &[
            "check",
            "chain/spec.yaml",
            "--registry",
            "registry.json",
            "--env-overrides",
            "overrides.toml",
        ],
        "is a directory, not a regular file",
    );
    let (_, stderr) = finishes(
        &ws,
        &[
            "check",
            "chain/spec.yaml",
            "--registry",
            "registry.json",
            "--env-overrides",
            "/dev/null",
        ],
    );
    assert!(
        stderr.contains("is a character device, not a regular file"),
        "{stderr}"
    );
}

#[test]
fn a_spec_that_is_not_utf8_names_the_first_bad_byte() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    ws.write("bad/spec.yaml", b"id: x\nworkflow:\n  - id: \xff\n");
    fails_saying(
        &ws,
        &["check", "bad/spec.yaml", "--registry", "registry.json"],
        "line 3, column 9",
    );
}

#[test]
fn override_path_sources_that_are_not_directories_are_warned_about_where_they_are() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    ws.write("my-file", "not a directory");
    std::os::unix::fs::symlink(ws.root.join("loop-b"), ws.root.join("loop-a")).unwrap();
    std::os::unix::fs::symlink(ws.root.join("loop-a"), ws.root.join("loop-b")).unwrap();
    ws.write(
        "overrides.toml",
        "[feature.default.pypi-dependencies]\n\
         gone = { path = \"/nonexistent/dir\" }\n\
         afile = { path = \"my-file\" }\n\
         looped = { path = \"loop-a\" }\n",
    );
    let args = [
        "compile",
        "chain/spec.yaml",
        "--registry",
        "registry.json",
        "--env-overrides",
        "overrides.toml",
    ];
    let run = ws.wtc(args).output();
    assert_eq!(run.status.code(), Some(0), "{}", run.stderr);
    for (line, what) in [
        (
            2,
            "the path source of `gone` (/nonexistent/dir) does not exist",
        ),
        (3, "is a file, not a directory"),
        (4, "is a symbolic link loop"),
    ] {
        assert!(run.stderr.contains(what), "{what}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("overrides.toml:{line}:1")),
            "line {line}: {}",
            run.stderr
        );
    }
    assert!(
        run.stderr.contains("warning[path-source-not-a-directory]"),
        "{}",
        run.stderr
    );
    // Still written (the directory may exist where pixi runs); an error with --deny-warnings.
    let pixi = ws.read("chain/wt-greeting-chain-workflow/pixi.toml");
    assert!(pixi.contains("/nonexistent/dir"), "{pixi}");
    let run = ws.wtc(args).args(["--clobber", "--deny-warnings"]).output();
    assert_eq!(run.status.code(), Some(1), "{}", run.stderr);
}

/// The `--> file:line:col` locations of the rendered diagnostics of `text` (compiled
/// against the examples' registry).
fn locations(text: &str) -> Vec<(usize, usize)> {
    use wtc::artifacts::package_without_images;
    use wtc::db::{Database, WorkflowBuilder};
    let registry = wtc::registry::Registry::from_json(&crate::support::example_registry()).unwrap();
    let db = Database::default();
    let wf = WorkflowBuilder::new()
        .registry(std::sync::Arc::new(registry), Default::default())
        .build(&db, "/x/spec.yaml".into(), text.to_string());
    package_without_images(&db, wf)
        .diagnostics
        .iter()
        .filter_map(|d| {
            let out = wtc::cli::render::render(d, "spec.yaml", text, false);
            let loc = out
                .lines()
                .find_map(|l| l.trim().strip_prefix("--> spec.yaml:"))?;
            let (line, col) = loc.split_once(':')?;
            Some((line.parse().ok()?, col.parse().ok()?))
        })
        .collect()
}

fn lines(text: &str) -> Vec<usize> {
    let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
    normalized.split('\n').map(|l| l.chars().count()).collect()
}

#[test]
fn locations_at_the_end_of_the_input_stay_on_their_line() {
    for (text, want) in [
        ("%YAML 1.2", (1, 9)),
        ("%YAML 1.2\n", (1, 9)),
        ("---", (1, 3)),
        ("---\n", (1, 3)),
        ("---\r\n", (1, 3)),
        ("%YAML 1.2  ", (1, 9)),
    ] {
        assert_eq!(locations(text), vec![want], "{text:?}");
    }
}

#[test]
fn cr_only_line_endings_count_as_lines() {
    let text = "id: x\rrequirements: []\rworkflow:\r  - id: a\r    task: nosuch\r";
    assert_eq!(locations(text), vec![(5, 11)]);
}

#[test]
fn an_invalid_rjsf_override_points_at_its_value() {
    let spec =
        std::fs::read_to_string(crate::support::repo().join("examples/chain/spec.yaml")).unwrap();
    let text = format!("{spec}rjsf-overrides:\n  properties:\n    base.type: 42\n");
    let line = text.lines().count();
    assert_eq!(locations(&text), vec![(line, 16)]);
}

#[test]
fn every_location_of_truncated_corpus_specs_is_on_its_line() {
    let Some(corpus) = crate::support::corpus_dir() else {
        eprintln!("skipped: WTC_CORPUS not set");
        return;
    };
    let mut specs: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path().join("spec.yaml");
            p.is_file().then_some(p)
        })
        .collect();
    specs.sort();
    for path in specs.iter().take(8) {
        let full = std::fs::read_to_string(path).unwrap();
        let step = (full.len() / 40).max(1);
        for cut in (1..full.len()).step_by(step) {
            let mut cut = cut;
            while !full.is_char_boundary(cut) {
                cut += 1;
            }
            for text in [&full[..cut], &full[..cut].replace('\n', "\r")] {
                let widths = lines(text);
                for (line, col) in locations(text) {
                    let width = widths.get(line - 1).copied();
                    assert!(
                        width.is_some_and(|w| col <= w + 1),
                        "{}: cut at {cut}: {line}:{col} is not on a line ({widths:?})",
                        path.display()
                    );
                }
            }
        }
    }
}
