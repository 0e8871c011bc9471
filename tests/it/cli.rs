//! The `wtc` binary: exit codes, output directory handling, diagnostics on stderr.

use crate::support::{Run, Workspace, text};
use camino::{Utf8Path, Utf8PathBuf};

#[test]
fn compile_check_clobber_and_errors() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let root = &ws.root;
    let out = ws
        .wtc([
            "compile",
            "--spec",
            "chain/spec.yaml",
            "--registry",
            "registry.json",
        ])
        .output();
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    let dir = root.join("chain/wt-greeting-chain-workflow");
    assert_eq!(out.stdout.trim(), format!("Compiled workflow to: {dir}"));
    let dag = dir.join("wt_greeting_chain_workflow/dags/run_sequential.py");
    assert!(dag.is_file());

    // Existing output without --clobber: exit 1, nothing touched.
    let before = std::fs::metadata(&dag).unwrap().modified().unwrap();
    let out = ws
        .wtc(["compile", "chain/spec.yaml", "--registry", "registry.json"])
        .output();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("already exists"), "{}", out.stderr);
    assert!(out.stderr.contains("--clobber"));

    // --clobber with identical output rewrites nothing.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let out = ws
        .wtc([
            "compile",
            "chain/spec.yaml",
            "--registry",
            "registry.json",
            "--clobber",
        ])
        .output();
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    assert_eq!(std::fs::metadata(&dag).unwrap().modified().unwrap(), before);

    // An invalid edit fails with a located diagnostic and keeps the previous package.
    let spec = root.join("chain/spec.yaml");
    let good = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(&spec, good.replace("task: shout", "task: shuot")).unwrap();
    let out = ws
        .wtc([
            "compile",
            "chain/spec.yaml",
            "--registry",
            "registry.json",
            "--clobber",
        ])
        .output();
    assert_eq!(out.status.code(), Some(1));
    let err = &out.stderr;
    assert!(
        err.contains("error[unknown-task]: task `shuot` is not a known task"),
        "{err}"
    );
    assert!(err.contains("chain/spec.yaml:25:11"), "{err}");
    assert!(err.contains("did you mean `shout`?"), "{err}");
    assert!(dag.is_file(), "previous package kept");

    // `check` validates without writing.
    let out = ws
        .wtc(["check", "chain/spec.yaml", "--registry", "registry.json"])
        .output();
    assert_eq!(out.status.code(), Some(1));
    std::fs::write(&spec, &good).unwrap();
    let out = ws
        .wtc(["check", "chain/spec.yaml", "--registry", "registry.json"])
        .output();
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
}

/// Stdout lines with the timings (` in 12 ms`) taken off.
fn summary(out: &Run) -> Vec<String> {
    out.stdout
        .lines()
        .map(|l| match l.rsplit_once(" in ") {
            Some((line, took)) if took.ends_with(" ms") => line.to_string(),
            _ => l.to_string(),
        })
        .collect()
}

#[test]
fn several_specs_in_one_call() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let root = &ws.root;
    ws.copy_example("groups", "groups");
    let out = ws
        .wtc([
            "compile",
            "chain/spec.yaml",
            "--spec",
            "groups/spec.yaml",
            "--registry",
            "registry.json",
        ])
        .output();
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    assert_eq!(
        summary(&out),
        [
            "  compiled groups/spec.yaml → wt-grouped-words-workflow (25 files, 25 written)",
            "  compiled chain/spec.yaml → wt-greeting-chain-workflow (25 files, 25 written)",
            "Compiled 2 specs",
        ]
    );
    assert!(
        root.join("groups/wt-grouped-words-workflow/wt_grouped_words_workflow/rjsf.json")
            .is_file()
    );
}

#[test]
fn batch_compiles_a_directory_and_survives_a_failing_spec() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let root = &ws.root;
    ws.copy_example("groups", "examples/groups");
    ws.copy_example("map-reduce", "examples/nested/map-reduce");
    ws.copy_example("chain", "examples/bad");
    let bad = root.join("examples/bad/spec.yaml");
    let good = std::fs::read_to_string(&bad).unwrap();
    std::fs::write(&bad, good.replace("task: shout", "task: shuot")).unwrap();
    // Never walked: hidden directories, `target`, generated release directories.
    for skipped in [".hidden", "target", "examples/groups/wt-old-workflow"] {
        std::fs::create_dir_all(root.join(skipped)).unwrap();
        std::fs::write(root.join(skipped).join("spec.yaml"), "not: [a spec").unwrap();
    }
    std::fs::write(root.join("examples/groups/wt-old-workflow/pixi.toml"), "").unwrap();
    std::fs::write(
        root.join("examples/groups/wt-old-workflow/VERSION.yaml"),
        "",
    )
    .unwrap();
    std::fs::remove_file(root.join("examples/groups/wt-old-workflow/spec.yaml")).unwrap();
    std::fs::create_dir_all(root.join("examples/groups/wt-old-workflow/sub")).unwrap();
    std::fs::write(
        root.join("examples/groups/wt-old-workflow/sub/spec.yaml"),
        "not: [a spec",
    )
    .unwrap();
    let args = ["compile", "--all", ".", "--registry", "registry.json"];

    let out = ws.wtc(args).output();
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    assert_eq!(
        summary(&out),
        [
            "  compiled chain/spec.yaml → wt-greeting-chain-workflow (25 files, 25 written)",
            "  failed   examples/bad/spec.yaml: 1 error",
            "  compiled examples/groups/spec.yaml → wt-grouped-words-workflow (25 files, 25 written)",
            "  compiled examples/nested/map-reduce/spec.yaml → wt-parity-report-workflow (25 files, 25 written)",
            "Compiled 4 specs (1 failed)",
        ]
    );
    let err = &out.stderr;
    assert!(err.contains("examples/bad/spec.yaml:25:11"), "{err}");
    assert!(
        err.contains("could not compile `examples/bad/spec.yaml`"),
        "{err}"
    );
    assert!(
        !root
            .join("examples/bad/wt-greeting-chain-workflow")
            .exists()
    );
    let dag = root.join("examples/nested/map-reduce/wt-parity-report-workflow/wt_parity_report_workflow/dags/run_sequential.py");
    assert!(dag.is_file());
    let before = std::fs::metadata(&dag).unwrap().modified().unwrap();

    // Existing packages without --clobber: each one fails, none is touched.
    let out = ws.wtc(args).output();
    assert_eq!(out.status.code(), Some(1));
    let lines = summary(&out);
    assert_eq!(
        lines[0],
        "  failed   chain/spec.yaml: `wt-greeting-chain-workflow` already exists (--clobber replaces it)"
    );
    assert_eq!(lines[4], "Compiled 4 specs (4 failed)");
    assert_eq!(out.stderr.matches("help: use --clobber").count(), 3);

    // With --clobber: replaced, nothing rewritten; the bad spec still fails.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let out = ws.wtc([&args[..], &["--clobber"]].concat()).output();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        summary(&out)[3],
        "  up to date examples/nested/map-reduce/spec.yaml → wt-parity-report-workflow (25 files)"
    );
    assert_eq!(std::fs::metadata(&dag).unwrap().modified().unwrap(), before);

    // Fixed: every spec compiles, exit 0; -q prints nothing.
    std::fs::write(&bad, &good).unwrap();
    let out = ws.wtc([&args[..], &["--clobber"]].concat()).output();
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    assert_eq!(
        summary(&out).last().unwrap(),
        "Compiled 4 specs (3 up to date)"
    );
    let out = ws.wtc([&args[..], &["--clobber", "-q"]].concat()).output();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, "");

    // `check` takes directories too (positional here).
    let out = ws
        .wtc(["check", "examples", "--registry", "registry.json"])
        .output();
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    assert_eq!(
        summary(&out),
        [
            "  checked  examples/bad/spec.yaml",
            "  checked  examples/groups/spec.yaml",
            "  checked  examples/nested/map-reduce/spec.yaml",
            "Checked 3 specs",
        ]
    );
    // An empty directory is an error.
    std::fs::create_dir_all(root.join("empty")).unwrap();
    let out = ws
        .wtc(["compile", "--all", "empty", "--registry", "registry.json"])
        .output();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("no spec.yaml found"), "{}", out.stderr);
}

#[test]
fn deny_warnings_turns_warnings_into_errors() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let root = &ws.root;
    let spec = root.join("chain/spec.yaml");
    let text_ = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(&spec, text_.replace("      b: 10", "      bb: 10")).unwrap();
    let out = ws
        .wtc(["check", "chain/spec.yaml", "--registry", "registry.json"])
        .output();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.contains("warning[unknown-argument]"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("did you mean `b`?"));
    let out = ws
        .wtc([
            "check",
            "chain/spec.yaml",
            "--registry",
            "registry.json",
            "--deny-warnings",
        ])
        .output();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("error[unknown-argument]"));
}

#[test]
fn usage_and_input_errors() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let root = &ws.root;
    assert_eq!(
        ws.wtc(["compile", "--bogus"]).output().status.code(),
        Some(2)
    );
    assert_eq!(
        ws.wtc(["compile", "--registry", "registry.json"])
            .output()
            .status
            .code(),
        Some(2)
    );
    assert_eq!(ws.wtc::<_, &str>([]).output().status.code(), Some(2));
    let out = ws
        .wtc(["compile", "nope.yaml", "--registry", "registry.json"])
        .output();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("spec file not found"));
    // Without --registry, discovery runs; with --locked and no lock file it cannot.
    let out = ws.wtc(["compile", "chain/spec.yaml", "--locked"]).output();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("wtc lock"), "{}", out.stderr);
    std::fs::write(root.join("bad.json"), "{\"entries\": 3}").unwrap();
    let out = ws
        .wtc(["compile", "chain/spec.yaml", "--registry", "bad.json"])
        .output();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("bad.json"), "{}", out.stderr);
    assert_eq!(ws.wtc(["--version"]).output().status.code(), Some(0));
}

#[test]
fn defaults_prints_the_bundled_dependencies() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let root = &ws.root;
    let out = ws.wtc(["defaults"]).output();
    assert_eq!(out.status.code(), Some(0));
    let printed = out.stdout;
    assert_eq!(printed, wtc::dependencies::defaults::DEFAULTS_TOML);
    // It is itself a valid env-overrides file.
    std::fs::write(root.join("defaults.toml"), &printed).unwrap();
    let out = ws
        .wtc([
            "check",
            "chain/spec.yaml",
            "--registry",
            "registry.json",
            "--env-overrides",
            "defaults.toml",
            "--deny-warnings",
        ])
        .output();
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    expect_test::expect![[r#"
        # Layer A: the dependencies wtc injects into every compiled pixi.toml, per pixi feature.
        #
        # Same format as an --env-overrides file (and read by the same loader). A spec.yaml
        # requirement of the same name suppresses an entry; an --env-overrides entry of the same
        # name displaces it. `wt-task` and `wt-runner` become `wt-task-<V>` / `wt-runner-<V>`
        # with `--variant V`. Versions and channels are those of wt-compiler 0.10.3.

        [feature.default.dependencies]
        click = ">=8.0.0,<9.0.0"
        obstore = ">=0.6.0,<0.7.0"
        pydantic = ">=2.0.0,<3.0.0"
        "ruamel.yaml" = ">=0.18.0,<0.19.0"
        opentelemetry-api = ">=1.20.0,<2.0.0"
        wt-task = { version = ">=0.1.3,<1.0.0", channel = "ecoscope-workflows" }

        [feature.runner.dependencies]
        wt-runner = { version = ">=0.3.1,<1.0.0", channel = "ecoscope-workflows" }

        [feature.test.dependencies]
        pandas = "*"
        pyarrow = "*"
        pytest = "*"
        pytest-asyncio = "*"
        pytest-check = "*"
        pillow = "*"
        scikit-image = "*"
        syrupy = "*"
        playwright = { version = ">=1.52.0", channel = "microsoft" }
    "#]]
    .assert_eq(&printed);
}

#[test]
fn env_overrides_and_variant_flags() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let root = &ws.root;
    ws.copy_example("groups", "groups");
    std::fs::create_dir_all(root.join("cfg")).unwrap();
    std::fs::write(
        root.join("cfg/overrides.toml"),
        "[feature.runner.pypi-dependencies]\nwt-runner = { path = \"../wt-runner\", editible = true }\n",
    )
    .unwrap();
    let out = ws
        .wtc([
            "compile",
            "chain/spec.yaml",
            "groups/spec.yaml",
            "--registry",
            "registry.json",
            "--variant",
            "gcp",
            "--env-overrides",
            "cfg/overrides.toml",
        ])
        .output();
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    // The warning about the override file is shown once, with a snippet of that file.
    let canonical = root.canonicalize_utf8().unwrap();
    let stderr = out.stderr;
    assert_eq!(
        stderr.matches("warning[unknown-key]").count(),
        1,
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(" --> {canonical}/cfg/overrides.toml:2:38")),
        "{stderr}"
    );
    let pixi =
        std::fs::read_to_string(root.join("chain/wt-greeting-chain-workflow/pixi.toml")).unwrap();
    assert!(pixi.contains("[dependencies.wt-task-gcp]"), "{pixi}");
    assert!(
        pixi.contains(&format!(
            "[feature.runner.pypi-dependencies.wt-runner]\npath = \"{canonical}/wt-runner\"\n"
        )),
        "{pixi}"
    );

    // Errors in the override file fail every compile, and are reported once.
    std::fs::write(
        root.join("cfg/overrides.toml"),
        "[feature.tests.dependencies]\npytest = \"*\"\n",
    )
    .unwrap();
    let out = ws
        .wtc([
            "check",
            "chain/spec.yaml",
            "groups/spec.yaml",
            "--registry",
            "registry.json",
            "--env-overrides",
            "cfg/overrides.toml",
        ])
        .output();
    assert_eq!(out.status.code(), Some(1));
    let stderr = out.stderr;
    assert_eq!(
        stderr.matches("error[unknown-feature]").count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("help: did you mean `test`?"), "{stderr}");

    let out = ws
        .wtc([
            "check",
            "chain/spec.yaml",
            "--registry",
            "registry.json",
            "--env-overrides",
            "nope.toml",
        ])
        .output();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.contains(&format!(
            "env-overrides file not found: {canonical}/nope.toml"
        )),
        "{}",
        out.stderr
    );
}

#[test]
fn packaging_files_and_update_bumps() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let root = &ws.root;
    let args = ["compile", "chain/spec.yaml", "--registry", "registry.json"];
    let out = ws.wtc(args).output();
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    let dir = root.join("chain/wt-greeting-chain-workflow");
    for f in [
        "pixi.toml",
        "Dockerfile",
        ".dockerignore",
        "pyproject.toml",
        "hatch_build.py",
        "README.md",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    let version = || std::fs::read_to_string(dir.join("VERSION.yaml")).unwrap();
    assert_eq!(version(), "{MAJ: 0, MIN: 0, PATCH: 0}\n");

    // --update needs --clobber (usage error) and a lock file in the previous package.
    assert_eq!(
        ws.wtc([&args[..], &["--update"]].concat())
            .output()
            .status
            .code(),
        Some(2)
    );
    let out = ws
        .wtc([&args[..], &["--clobber", "--update"]].concat())
        .output();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("pixi.lock"), "{}", out.stderr);
    assert_eq!(version(), "{MAJ: 0, MIN: 0, PATCH: 0}\n", "nothing written");

    // With a lock file: same params → minor bump, lock carried over. pixi is not on PATH
    // here: the package is written, then the missing pixi is an error (exit 1).
    std::fs::write(dir.join("pixi.lock"), "version: 6\n").unwrap();
    let no_pixi = |extra: &[&str]| {
        ws.wtc(args)
            .args(extra)
            .env("PATH", "/nonexistent")
            .output()
    };
    let out = no_pixi(&["--clobber", "--update"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.contains("pixi is not installed"),
        "{}",
        out.stderr
    );
    assert_eq!(version(), "{MAJ: 0, MIN: 1, PATCH: 0}\n");
    assert_eq!(
        std::fs::read_to_string(dir.join("pixi.lock")).unwrap(),
        "version: 6\n"
    );

    // A new partial argument removes a user-facing param: major bump.
    let spec = root.join("chain/spec.yaml");
    let s = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(
        &spec,
        s.replace("      b: 10\n", "      b: 10\n      a: 1\n"),
    )
    .unwrap();
    let _ = no_pixi(&["--clobber", "--update"]);
    assert_eq!(version(), "{MAJ: 1, MIN: 0, PATCH: 0}\n");

    // Without --update, the version resets and the lock file is not kept.
    let out = ws.wtc([&args[..], &["--clobber"]].concat()).output();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(version(), "{MAJ: 0, MIN: 0, PATCH: 0}\n");
    assert!(!dir.join("pixi.lock").exists());

    // --install without pixi: written, then exit 1 with a clear message.
    let out = no_pixi(&["--clobber", "--install"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("pixi is not installed"));
}

#[test]
fn dockerfile_installs_the_pixi_version_of_the_environment() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let root = &ws.root;
    let out = ws
        .wtc(["compile", "chain/spec.yaml", "--registry", "registry.json"])
        .env("PIXI_VERSION", "v0.40.2")
        .output();
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    let dockerfile =
        std::fs::read_to_string(root.join("chain/wt-greeting-chain-workflow/Dockerfile")).unwrap();
    assert!(dockerfile.contains("PIXI_VERSION=v0.40.2 bash"));
}

#[cfg(unix)]
#[test]
fn graph_engines() {
    use std::os::unix::fs::PermissionsExt;
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let root = &ws.root;
    let release = root.join("chain/wt-greeting-chain-workflow");
    let compile = |engine: &str, path: &Utf8Path| {
        ws.wtc([
            "compile",
            "chain/spec.yaml",
            "--registry",
            "registry.json",
            "--clobber",
            "--graph-engine",
            engine,
        ])
        .env("PATH", path)
        .output()
    };
    let read = |name: &str| std::fs::read(release.join(name)).unwrap();

    // Built-in (the default): a real PNG and an SVG beside the DOT source.
    let empty = root.join("empty-bin");
    std::fs::create_dir_all(&empty).unwrap();
    let out = compile("builtin", &empty);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    assert!(read("graph.png").starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(text(&read("graph.svg")).contains("<svg"));
    assert!(text(&read("graph.dot")).starts_with("graph greeting_chain {\nrankdir=LR;\n"));
    let builtin_png = read("graph.png");

    // Graphviz without `dot` on PATH: a warning, and the built-in images.
    let out = compile("graphviz", &empty);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    assert!(out.stderr.contains("`dot` not found"), "{}", out.stderr);
    assert_eq!(read("graph.png"), builtin_png);

    // Graphviz with a `dot` on PATH: its output, fed graph.dot on stdin.
    let bin = root.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let dot = bin.join("dot");
    std::fs::write(
        &dot,
        format!(
            "#!/bin/sh\ncat > \"{root}/dot-input-$1\"\ncase \"$1\" in\n  -Tsvg) printf '<svg>from dot</svg>' ;;\n  -Tpng) printf 'png from dot' ;;\n  *) exit 3 ;;\nesac\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&dot, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = Utf8PathBuf::from(format!("{bin}:/usr/bin:/bin"));
    let out = compile("graphviz", &path);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    assert_eq!(read("graph.svg"), b"<svg>from dot</svg>");
    assert_eq!(read("graph.png"), b"png from dot");
    assert_eq!(
        std::fs::read(root.join("dot-input--Tpng")).unwrap(),
        read("graph.dot")
    );

    // A failing `dot`: a warning, and the built-in images.
    std::fs::write(&dot, "#!/bin/sh\necho broken >&2\nexit 1\n").unwrap();
    let out = compile("graphviz", &path);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    assert!(out.stderr.contains("broken"), "{}", out.stderr);
    assert_eq!(read("graph.png"), builtin_png);

    // Unknown engines are usage errors.
    let out = ws
        .wtc(["compile", "--graph-engine", "nope", "chain/spec.yaml"])
        .output();
    assert_eq!(out.status.code(), Some(2));
}

/// A recompile over an existing package takes `graph.png` from it when `graph.svg` is
/// unchanged (rasterising is most of a one-shot compile), and renders it again otherwise.
#[test]
fn recompile_reuses_graph_png_while_the_graph_is_unchanged() {
    let ws = Workspace::with_examples(&[("map-reduce", "map-reduce")]);
    let root = &ws.root;
    let compile = || {
        let out = ws
            .wtc([
                "compile",
                "map-reduce/spec.yaml",
                "--registry",
                "registry.json",
                "--clobber",
            ])
            .output();
        assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    };
    compile();
    let dir = root.join("map-reduce/wt-parity-report-workflow");
    let rendered = std::fs::read(dir.join("graph.png")).unwrap();
    // A stand-in image: if the compile reuses the file, it survives byte for byte.
    let mut marked = rendered.clone();
    marked.extend_from_slice(b"reused");
    std::fs::write(dir.join("graph.png"), &marked).unwrap();

    // An edit that leaves the graph alone (a partial value): the image is reused.
    let spec = root.join("map-reduce/spec.yaml");
    let text_before = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(&spec, text_before.replace("factor: 3", "factor: 4")).unwrap();
    compile();
    assert_eq!(std::fs::read(dir.join("graph.png")).unwrap(), marked);

    // An edit that changes the graph (`sums` no longer fixes `label`: one port fewer):
    // rendered again.
    std::fs::write(
        &spec,
        text_before.replace("    partial:\n      label: total\n", ""),
    )
    .unwrap();
    compile();
    let png = std::fs::read(dir.join("graph.png")).unwrap();
    assert_ne!(png, marked);
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert_ne!(png, rendered, "the image shows the new graph");
}

/// Two specs with the same discovery inputs, locked at different times (different
/// registries in their lock files): a batch compile gives each spec its own lock file's
/// registry, exactly as compiling it alone does.
#[test]
fn batch_keeps_each_lock_files_registry() {
    let ws = Workspace::with_examples(&[("chain", "chain")]);
    let root = &ws.root;
    std::fs::create_dir_all(root.join("other")).unwrap();
    std::fs::copy(root.join("chain/spec.yaml"), root.join("other/spec.yaml")).unwrap();
    let doc = std::fs::read_to_string(root.join("registry.json")).unwrap();
    let changed = doc.replacen("\"Add two integers.\"", "\"Add two whole numbers.\"", 1);
    assert_ne!(changed, doc);
    std::fs::write(root.join("other-registry.json"), changed).unwrap();
    for (spec, registry) in [
        ("chain/spec.yaml", "registry.json"),
        ("other/spec.yaml", "other-registry.json"),
    ] {
        let out = ws
            .wtc(["lock", spec, "--registry", registry, "-q"])
            .output();
        assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    }
    let readme = |dir: &str| {
        std::fs::read_to_string(root.join(dir).join("wt-greeting-chain-workflow/README.md"))
            .unwrap()
    };
    let mut alone = Vec::new();
    for spec in ["chain/spec.yaml", "other/spec.yaml"] {
        let out = ws
            .wtc(["compile", spec, "--locked", "--clobber", "-q"])
            .output();
        assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
        alone.push(readme(spec.split('/').next().unwrap()));
    }
    assert_ne!(
        alone[0], alone[1],
        "the registries differ, so do the fingerprints"
    );
    let out = ws
        .wtc(["compile", "--all", ".", "--locked", "--clobber", "-q"])
        .output();
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    assert_eq!(readme("chain"), alone[0]);
    assert_eq!(readme("other"), alone[1]);
}
