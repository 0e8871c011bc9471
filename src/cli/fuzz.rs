//! The entry points of the fuzz targets (`fuzz/fuzz_targets/*.rs`, see `fuzz/README.md`),
//! shared with the test that replays their saved corpora (`tests/it/fuzz_corpora.rs`), so
//! CI keeps every found input alive without an instrumented build.
//!
//! Each takes arbitrary bytes, runs one front end of wtc on them the way the CLI does, and
//! checks what must hold for every input: no panic, every diagnostic span inside the text
//! on character boundaries, and every diagnostic renderable.

use crate::artifacts::package_without_images;
use crate::db::{Database, OverridesFile, WorkflowBuilder};
use crate::diagnostics::Diagnostic;
use crate::registry::Registry;
use std::sync::{Arc, LazyLock};

/// The examples' registry (`examples/registry.json`): the tasks specs are resolved against.
static REGISTRY: LazyLock<Arc<Registry>> = LazyLock::new(|| {
    let doc = include_str!("../../examples/registry.json");
    Arc::new(Registry::from_json(doc).expect("the examples' registry is valid"))
});

/// A spec that uses the examples' tasks, for the env-overrides target.
const SPEC: &str = "id: fuzz\nrequirements:\n  - name: wtc-example-tasks\n    version: \">=0.1\"\n    channel: https://repo.prefix.dev/wtc-examples/\nworkflow:\n  - id: base\n    task: add\n    partial:\n      a: 1\n      b: 2\n";

/// Every span of `diagnostics` lies inside `text` on character boundaries, and each one
/// renders with its snippet.
fn check(diagnostics: &[Diagnostic], text: &str, name: &str) {
    for d in diagnostics {
        let spans = d.primary.iter().chain(&d.secondary).map(|l| l.span);
        for span in spans {
            assert!(
                span.start <= span.end
                    && span.end <= text.len()
                    && text.is_char_boundary(span.start)
                    && text.is_char_boundary(span.end),
                "{}: span {span:?} is not inside the text ({} bytes)",
                d.code,
                text.len()
            );
        }
        let rendered = super::render::render(d, name, text, false);
        assert!(rendered.contains(d.code.as_str()));
    }
}

/// A spec (with the examples' registry): parse, lower, resolve, every artifact but the
/// images.
pub fn spec(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let db = Database::default();
    let wf = WorkflowBuilder::new()
        .registry(REGISTRY.clone(), Arc::default())
        .build(&db, "/fuzz/spec.yaml".into(), text.to_string());
    let compiled = package_without_images(&db, wf);
    let in_spec: Vec<Diagnostic> = compiled
        .diagnostics
        .iter()
        .filter(|d| d.source == crate::diagnostics::Source::Spec)
        .cloned()
        .collect();
    check(&in_spec, text, "spec.yaml");
}

/// An `--env-overrides` file: the loader, then the dependency layers of a spec using it
/// (`pixi.toml` included).
pub fn env_overrides(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let db = Database::default();
    let file = OverridesFile::new(&db, "/fuzz/overrides.toml".into(), text.to_string());
    let loaded = crate::dependencies::overrides::resolved(&db, file);
    check(&loaded.diagnostics, text, "overrides.toml");
    let wf = WorkflowBuilder::new()
        .registry(REGISTRY.clone(), Arc::default())
        .env_overrides(Some(file))
        .build(&db, "/fuzz/spec.yaml".into(), SPEC.to_string());
    let compiled = package_without_images(&db, wf);
    let in_file: Vec<Diagnostic> = compiled
        .diagnostics
        .iter()
        .filter(|d| d.source == crate::diagnostics::Source::Overrides)
        .cloned()
        .collect();
    check(&in_file, text, "overrides.toml");
}

/// A scaffold provider's `provider.toml`.
pub fn provider_manifest(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (_, diagnostics) = crate::scaffold::manifest::parse(text);
    check(&diagnostics, text, "provider.toml");
}
