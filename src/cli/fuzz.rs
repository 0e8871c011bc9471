//! The entry points of the fuzz targets (`fuzz/fuzz_targets/*.rs`, see `fuzz/README.md`),
//! shared with the test that replays their saved corpora (`tests/it/fuzz_corpora.rs`), so
//! CI keeps every found input alive without an instrumented build.
//!
//! Each takes arbitrary bytes, runs one front end of wtc on them the way the CLI does, and
//! checks what must hold for every input: no panic, every diagnostic span inside the text
//! on character boundaries, and every diagnostic renderable.

use crate::artifacts::front_end_diagnostics;
use crate::db::{Database, OverridesFile, WorkflowBuilder};
use crate::diagnostics::Diagnostic;
use crate::registry::Registry;
use std::sync::{Arc, LazyLock};

/// The examples' registry (`examples/registry.json`): the tasks specs are resolved against.
static REGISTRY: LazyLock<Arc<Registry>> = LazyLock::new(|| {
    let doc = include_str!("../../examples/registry.json");
    Arc::new(Registry::from_json(doc).expect("the examples' registry is valid"))
});

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

/// A spec's front end with the examples' registry: parse, lower, resolve (every
/// diagnostic `wtc check` reports before the artifacts).
pub fn spec(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let db = Database::default();
    let wf = WorkflowBuilder::new()
        .registry(REGISTRY.clone(), Arc::default())
        .build(&db, "/fuzz/spec.yaml".into(), text.to_string());
    let diagnostics = front_end_diagnostics(&db, wf);
    check(diagnostics, text, "spec.yaml");
}

/// An `--env-overrides` file: the loader (syntax, every rule, paths, the path-source
/// guard).
pub fn env_overrides(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let db = Database::default();
    let file = OverridesFile::new(&db, "/fuzz/overrides.toml".into(), text.to_string());
    let loaded = crate::dependencies::overrides::resolved(&db, file);
    check(&loaded.diagnostics, text, "overrides.toml");
}

/// A scaffold provider's `provider.toml`.
pub fn provider_manifest(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (_, diagnostics) = crate::scaffold::manifest::parse(text);
    check(&diagnostics, text, "provider.toml");
}
