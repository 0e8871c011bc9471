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
use wtc::db::{Database, Host, Options, RegistryInput, SpecFile, Workflow};
use wtc::graph::{layout, raster, render};
use wtc::registry::Registry;

struct Input {
    name: String,
    spec: Utf8PathBuf,
    text: String,
    registry: Arc<Registry>,
    prefix: String,
}

fn inputs() -> Vec<Input> {
    let root = Utf8PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    if let Some(corpus) = std::env::var("WTC_CORPUS")
        .ok()
        .map(Utf8PathBuf::from)
        .filter(|p| p.is_dir())
    {
        for name in ["ew-mnc-overall-report", "ops-dashboard"] {
            let dir = corpus.join(name);
            let registry = std::fs::read_to_string(dir.join("fixture/registry.json")).unwrap();
            out.push(Input {
                name: name.to_string(),
                spec: dir.join("spec.yaml"),
                text: std::fs::read_to_string(dir.join("spec.yaml")).unwrap(),
                registry: Arc::new(Registry::from_json(&registry).unwrap()),
                prefix: "ecoscope-workflows".into(),
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
        });
    }
    out
}

fn setup(db: &Database, input: &Input) -> Workflow {
    let registry = RegistryInput::new(db, input.registry.clone(), Arc::new(vec![]));
    let options = Options::new(db, input.prefix.clone(), "WT_RESULTS".into(), String::new());
    let file = SpecFile::new(db, input.spec.clone(), input.text.clone());
    let host = Host::new(db, "linux-64".into(), Arc::default());
    Workflow::new(db, file, registry, options, host)
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
        // Warm: one database; alternate between two versions of the text that differ in a
        // comment and in one task's name (a user-facing title), so every iteration recompiles.
        let mut db = Database::default();
        let wf = setup(&db, &input);
        let edited = input
            .text
            .replacen("\nworkflow:", "\n# edited\nworkflow:", 1);
        let texts = [input.text.clone(), edited];
        let mut i = 0;
        c.bench_function(&format!("warm recompile {}", input.name), |b| {
            b.iter(|| {
                i += 1;
                wf.spec(&db).set_text(&mut db).to(texts[i % 2].clone());
                assert!(package(&db, wf).package.is_some());
            })
        });
    }
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
