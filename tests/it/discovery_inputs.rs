//! Discovery inputs (conda match specs, channels, platform, uv arguments) equal the
//! reference's for the golden vectors (`discovery.json`) and every corpus spec
//! (`run.json` `discovery_inputs`).

use crate::support::*;
use serde_json::Value;
use std::sync::Arc;
use wtc::db::Database;
use wtc::discovery::plan::discovery_inputs;
use wtc::discovery::plan::inputs::{
    DefaultFeature, DiscoveryInputs, discovery_inputs as compute_inputs,
};
use wtc::front::spec_requirements;

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn displayed_specs(inputs: &DiscoveryInputs) -> Vec<String> {
    inputs.conda.iter().map(|c| c.reference_display()).collect()
}

/// The inputs of a spec through the database (Layer A default minus spec names), on a
/// host where no local `file://` channel exists.
fn inputs_of(db: &Database, path: &camino::Utf8Path) -> Arc<DiscoveryInputs> {
    let text = std::fs::read_to_string(path).unwrap();
    let (wf, _) = compile(
        db,
        path,
        &text,
        r#"{"entries":{}}"#,
        vec![],
        &CompileArgs::default(),
    );
    discovery_inputs(db, wf).clone()
}

#[test]
fn golden_vectors() {
    let Some(golden) = golden_dir() else {
        eprintln!("skipped: set WTC_GOLDEN to run the golden discovery-input test");
        return;
    };
    let db = Database::default();
    for vector in ["v1", "v2"] {
        let spec = golden.join(vector).join("input/spec.yaml");
        let want: Value = serde_json::from_str(
            &std::fs::read_to_string(golden.join(vector).join("expected/discovery.json")).unwrap(),
        )
        .unwrap();
        let inputs = if vector == "v1" {
            inputs_of(&db, &spec)
        } else {
            // v2 has an env-overrides file, which the merged default feature folds in.
            // Replay in a temporary copy of `input/`, which stands for `@VECTOR_DIR@`.
            let ws = Workspace::new();
            let root = &ws.root;
            ws.copy_dir(&golden.join(vector).join("input"), "");
            std::fs::create_dir_all(root.join("local-wt-task")).unwrap();
            let mut db = Database::default();
            let args = CompileArgs {
                env_overrides: Some(
                    wtc::cli::overrides::load_env_overrides(
                        &mut db,
                        camino::Utf8Path::new("overrides/wt-compiler-env-overrides.toml"),
                        root,
                        &Default::default(),
                    )
                    .unwrap(),
                ),
                ..CompileArgs::default()
            };
            let spec = root.join("spec.yaml");
            let text = std::fs::read_to_string(&spec).unwrap();
            let (wf, _) = compile(&db, &spec, &text, r#"{"entries":{}}"#, vec![], &args);
            let inputs = discovery_inputs(&db, wf).clone();
            let argv: Vec<String> = inputs
                .uv_argv("<ENV>/bin/python")
                .into_iter()
                .map(|a| a.replace(root.as_str(), "@VECTOR_DIR@"))
                .collect();
            assert_eq!(
                argv,
                strings(&want["uv_argv_after_exe"]),
                "{vector} uv argv"
            );
            inputs
        };
        assert_eq!(
            displayed_specs(&inputs),
            strings(&want["solve_specs_as_printed_by_rattler"]),
            "{vector} specs"
        );
        assert_eq!(
            inputs.channels,
            strings(&want["solve_channels_base_urls"]),
            "{vector} channels"
        );
        assert_eq!(
            inputs.platform, want["solve_platform_on_linux_x86_64"],
            "{vector} platform"
        );
        if vector == "v1" {
            assert_eq!(
                inputs.uv_argv("<ENV>/bin/python"),
                strings(&want["uv_argv_after_exe"]),
                "{vector} uv argv"
            );
        }
    }
}

#[test]
fn every_corpus_spec() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("skipped: set WTC_CORPUS to run the corpus discovery-input test");
        return;
    };
    let db = Database::default();
    let mut checked = 0;
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let dir = camino::Utf8PathBuf::from_path_buf(entry.unwrap().path()).unwrap();
        let run = dir.join("expected-0.10.3/run.json");
        if !run.is_file() {
            continue;
        }
        let run: Value = serde_json::from_str(&std::fs::read_to_string(&run).unwrap()).unwrap();
        let want = &run["discovery_inputs"];
        let inputs = inputs_of(&db, &dir.join("spec.yaml"));
        let name = dir.file_name().unwrap();
        assert_eq!(
            displayed_specs(&inputs),
            strings(&want["conda_matchspecs"]),
            "{name} specs"
        );
        assert_eq!(
            inputs.channels,
            strings(&want["channels"]),
            "{name} channels"
        );
        assert_eq!(inputs.platform, want["platform"], "{name} platform");
        let uv = inputs.uv_argv("<env-python>");
        match want.get("uv_pip_install_args") {
            Some(args) => assert_eq!(uv[1..], strings(args)[..], "{name} uv args"),
            None => assert!(inputs.pypi.is_empty(), "{name} has no PyPI step"),
        }
        checked += 1;
    }
    assert_eq!(checked, 41, "corpus specs checked");
}

#[test]
fn local_channels_are_kept_only_when_present() {
    let text = "id: x\nrequirements:\n  - name: a\n    version: '1.0'\n    channel: file:///opt/chan/\nworkflow: []\n";
    let db = Database::default();
    let path = camino::Utf8Path::new("/nonexistent/spec.yaml");
    let (wf, _) = compile(
        &db,
        path,
        text,
        r#"{"entries":{}}"#,
        vec![],
        &CompileArgs::default(),
    );
    let reqs = spec_requirements(&db, wf);
    let default = DefaultFeature::default();
    let absent = compute_inputs(reqs, &default, "", "linux-64", &|_| false);
    assert!(!absent.channels.iter().any(|c| c.starts_with("file://")));
    let present = compute_inputs(reqs, &default, "", "linux-64", &|u| {
        u == "file:///opt/chan/"
    });
    assert_eq!(present.channels[0], "file:///opt/chan/");
    assert_eq!(present.conda[0].text(), "file:///opt/chan/::a ==1.0");
    assert_eq!(
        wtc::discovery::plan::inputs::local_channel_candidates(reqs, ""),
        [
            "file:///opt/chan/",
            "file:///tmp/ecoscope-workflows/release/artifacts/",
            "file:///tmp/ecoscope-workflows-custom/release/artifacts/",
            "file:///tmp/wt-conda-channel/",
        ]
    );
}
