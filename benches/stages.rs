//! The compile pipeline's stages, each on its own, for the largest corpus spec (or an
//! example when `WTC_CORPUS` is unset): YAML parsing, lowering, resolution, the DAG modules,
//! the schema documents and the README fingerprint. Each stage is measured on a fresh
//! database with its inputs already computed, so the figures add up to a cold compile.

use camino::Utf8PathBuf;
use criterion::{Criterion, criterion_group, criterion_main};
use std::sync::Arc;
use wtc::artifacts::{dag, params_json, readme_md, rjsf_json};
use wtc::db::{Database, Workflow, WorkflowBuilder};
use wtc::registry::Registry;

fn input() -> (String, String, Arc<Registry>) {
    let root = Utf8PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let (dir, name) = match std::env::var("WTC_CORPUS") {
        Ok(c) if Utf8PathBuf::from(&c).is_dir() => (
            Utf8PathBuf::from(c).join("ew-mnc-overall-report"),
            "ew-mnc-overall-report",
        ),
        _ => (root.join("examples/map-reduce"), "map-reduce"),
    };
    let registry = match std::fs::read_to_string(dir.join("fixture/registry.json")) {
        Ok(r) => r,
        Err(_) => std::fs::read_to_string(root.join("examples/registry.json")).unwrap(),
    };
    (
        name.to_string(),
        std::fs::read_to_string(dir.join("spec.yaml")).unwrap(),
        Arc::new(Registry::from_json(&registry).unwrap()),
    )
}

fn workflow(db: &Database, text: &str, registry: &Arc<Registry>) -> Workflow {
    WorkflowBuilder::new()
        .registry(registry.clone(), Arc::new(vec![]))
        .build(db, "spec.yaml".into(), text.to_string())
}

/// Measure `stage` on a fresh database where `before` has already run.
fn stage(
    c: &mut Criterion,
    name: &str,
    (text, registry): (&str, &Arc<Registry>),
    before: impl Fn(&Database, Workflow),
    stage: impl Fn(&Database, Workflow),
) {
    c.bench_function(name, |b| {
        b.iter_batched(
            || {
                let db = Database::default();
                let wf = workflow(&db, text, registry);
                before(&db, wf);
                (db, wf)
            },
            |(db, wf)| {
                stage(&db, wf);
                db
            },
            criterion::BatchSize::PerIteration,
        )
    });
}

fn bench(c: &mut Criterion) {
    let (name, text, registry) = input();
    let inp = (text.as_str(), &registry);
    c.bench_function(&format!("stage yaml parse {name}"), |b| {
        b.iter(|| wtc::syntax::yaml::parse(&text).unwrap())
    });
    stage(
        c,
        &format!("stage lower {name}"),
        inp,
        |_, _| {},
        |db, wf| {
            wtc::front::lowered(db, wf);
        },
    );
    stage(
        c,
        &format!("stage resolve {name}"),
        inp,
        |db, wf| {
            wtc::front::lowered(db, wf);
        },
        |db, wf| {
            wtc::front::resolution(db, wf);
        },
    );
    let resolved = |db: &Database, wf: Workflow| {
        wtc::front::resolution(db, wf);
    };
    stage(c, &format!("stage dags {name}"), inp, resolved, |db, wf| {
        dag::run_sequential_py(db, wf);
        dag::run_sequential_mock_io_py(db, wf);
    });
    stage(
        c,
        &format!("stage params+rjsf {name}"),
        inp,
        resolved,
        |db, wf| {
            let _ = params_json::params_json(db, wf);
            let _ = rjsf_json::rjsf_json(db, wf);
        },
    );
    stage(
        c,
        &format!("stage spec_sha256 {name}"),
        inp,
        resolved,
        |db, wf| {
            let _ = readme_md::spec_sha256(db, wf);
        },
    );
    stage(
        c,
        &format!("stage package without images, fingerprint last {name}"),
        inp,
        resolved,
        |db, wf| {
            let _ = wtc::artifacts::package_without_images(db, wf);
        },
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
