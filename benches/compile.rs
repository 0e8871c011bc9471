//! Compile benchmarks: a large corpus spec cold (fresh database) and warm (after an edit),
//! and the graph renderer's stages on its own (layout, SVG, PNG).
//!
//! Uses `WTC_CORPUS` (the largest corpus specs); falls back to the examples when unset.
//! `cargo bench` for figures; `cargo test --benches` runs each benchmark once (quick mode).

use camino::Utf8PathBuf;
use criterion::{Criterion, criterion_group, criterion_main};
use salsa::Setter;
use std::sync::Arc;
use wtc::artifacts::graph::task_graph;
use wtc::artifacts::{package, package_without_images};
use wtc::db::{Database, Workflow, WorkflowBuilder};
use wtc::graph::{layout, raster, render};
use wtc::registry::Registry;

struct Input {
    name: String,
    spec: Utf8PathBuf,
    text: String,
    registry: Arc<Registry>,
    prefix: String,
    /// A one-task edit: a `partial` value of one task, `(from, to)`.
    edit: (&'static str, &'static str),
}

fn inputs() -> Vec<Input> {
    let root = Utf8PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    if let Some(corpus) = std::env::var("WTC_CORPUS")
        .ok()
        .map(Utf8PathBuf::from)
        .filter(|p| p.is_dir())
    {
        for (name, edit) in [
            ("ew-mnc-overall-report", ("filter: clean", "filter: dirty")),
            (
                "ops-dashboard",
                (
                    "time_format: '%d %b %Y %H:%M:%S'",
                    "time_format: '%d %b %Y'",
                ),
            ),
        ] {
            let dir = corpus.join(name);
            let registry = std::fs::read_to_string(dir.join("fixture/registry.json")).unwrap();
            out.push(Input {
                name: name.to_string(),
                spec: dir.join("spec.yaml"),
                text: std::fs::read_to_string(dir.join("spec.yaml")).unwrap(),
                registry: Arc::new(Registry::from_json(&registry).unwrap()),
                prefix: "ecoscope-workflows".into(),
                edit,
            });
        }
    } else {
        eprintln!("note: WTC_CORPUS not set; benchmarking the examples");
        let registry = std::fs::read_to_string(root.join("examples/registry.json")).unwrap();
        let spec = root.join("examples/map-reduce/spec.yaml");
        out.push(Input {
            name: "map-reduce".into(),
            text: std::fs::read_to_string(&spec).unwrap(),
            spec,
            registry: Arc::new(Registry::from_json(&registry).unwrap()),
            prefix: "wt".into(),
            edit: ("factor: 3", "factor: 4"),
        });
    }
    out
}

fn setup(db: &Database, input: &Input) -> Workflow {
    WorkflowBuilder::new()
        .prefix(input.prefix.clone())
        .registry(input.registry.clone(), Arc::new(vec![]))
        .build(db, input.spec.clone(), input.text.clone())
}

fn bench(c: &mut Criterion) {
    for input in inputs() {
        c.bench_function(&format!("cold compile {}", input.name), |b| {
            b.iter(|| {
                let db = Database::default();
                let wf = setup(&db, &input);
                assert!(package(&db, wf).package.is_some());
            })
        });
        c.bench_function(
            &format!("cold compile without images {}", input.name),
            |b| {
                b.iter(|| {
                    let db = Database::default();
                    let wf = setup(&db, &input);
                    assert!(package_without_images(&db, wf).package.is_some());
                })
            },
        );
        graph(c, &input);
        // Warm: one database; alternate between two versions of the text that differ in
        // one task's `partial` value, so every iteration recompiles after a one-task edit.
        let mut db = Database::default();
        let wf = setup(&db, &input);
        let edited = input.text.replacen(input.edit.0, input.edit.1, 1);
        assert_ne!(edited, input.text, "the one-task edit applies");
        let texts = [input.text.clone(), edited];
        let mut i = 0;
        assert!(package(&db, wf).package.is_some());
        c.bench_function(&format!("incremental one-task edit {}", input.name), |b| {
            b.iter(|| {
                i += 1;
                wf.spec(&db).set_text(&mut db).to(texts[i % 2].clone());
                assert!(package(&db, wf).package.is_some());
            })
        });
    }
    all_corpus(c);
}

/// Every corpus spec that compiles, each with its own fixture and compile args, in one
/// database (fresh per iteration): the whole package, images included.
fn all_corpus(c: &mut Criterion) {
    let Some(corpus) = std::env::var("WTC_CORPUS")
        .ok()
        .map(Utf8PathBuf::from)
        .filter(|p| p.is_dir())
    else {
        return;
    };
    let mut specs = Vec::new();
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let dir = Utf8PathBuf::from_path_buf(entry.unwrap().path()).unwrap();
        if !dir.join("spec.yaml").is_file() || dir.join("expected-0.10.3/error.txt").exists() {
            continue;
        }
        let args = std::fs::read_to_string(dir.join("compile-args")).unwrap_or_default();
        let flag = |name: &str| {
            args.split_whitespace()
                .find_map(|a| a.strip_prefix(name))
                .map(str::to_string)
        };
        let registry = std::fs::read_to_string(dir.join("fixture/registry.json")).unwrap();
        specs.push((
            dir.join("spec.yaml"),
            std::fs::read_to_string(dir.join("spec.yaml")).unwrap(),
            Arc::new(Registry::from_json(&registry).unwrap()),
            flag("--pkg-name-prefix=").unwrap_or_else(|| "wt".into()),
            flag("--results-env-var=").unwrap_or_else(|| "WT_RESULTS".into()),
            flag("--variant=").unwrap_or_default(),
        ));
    }
    let mut group = c.benchmark_group("all corpus specs in one process");
    group.sample_size(10);
    for images in [false, true] {
        let name = if images {
            "with images"
        } else {
            "without images"
        };
        group.bench_function(name, |b| {
            b.iter(|| {
                let db = Database::default();
                let wfs: Vec<Workflow> = specs
                    .iter()
                    .map(|(path, text, registry, prefix, env, variant)| {
                        WorkflowBuilder::new()
                            .prefix(prefix.clone())
                            .results_env_var(env.clone())
                            .variant(variant.clone())
                            .registry(registry.clone(), Arc::new(vec![]))
                            .build(&db, path.clone(), text.clone())
                    })
                    .collect();
                use rayon::prelude::*;
                wfs.par_iter().for_each_with(db.clone(), |db, wf| {
                    let compiled = if images {
                        package(db, *wf)
                    } else {
                        package_without_images(db, *wf)
                    };
                    assert!(compiled.package.is_some());
                });
            })
        });
    }
    group.finish();
}

/// The graph renderer's stages for one spec: layout, SVG text, PNG (rasterise + encode).
fn graph(c: &mut Criterion, input: &Input) {
    let db = Database::default();
    let wf = setup(&db, input);
    let g = task_graph(&db, wf).clone();
    let drawing = layout::layout(&g);
    c.bench_function(&format!("graph layout {}", input.name), |b| {
        b.iter(|| layout::layout(&g))
    });
    c.bench_function(&format!("graph svg {}", input.name), |b| {
        b.iter(|| render::svg(&g, &drawing))
    });
    let mut group = c.benchmark_group("graph png");
    group.sample_size(10);
    group.bench_function(&input.name, |b| {
        b.iter(|| raster::png(&g, &drawing).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
