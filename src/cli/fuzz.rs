//! The entry points of the fuzz targets (`fuzz/fuzz_targets/*.rs`, see `fuzz/README.md`),
//! shared with the test that replays their saved corpora (`tests/it/fuzz_corpora.rs`), so
//! CI keeps every found input alive without an instrumented build.
//!
//! Each takes arbitrary bytes, runs one front end of wtc (`params`: `wtc run`'s params check) on them the way the CLI does, and
//! checks what must hold for every input: no panic, every diagnostic span inside the text
//! on character boundaries, and every diagnostic renderable.

use crate::artifacts::front_end_diagnostics;
use crate::db::{Database, OverridesFile, WorkflowBuilder};
use crate::diagnostics::Diagnostic;
use crate::registry::Registry;
use serde_json::Value;
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

/// The examples' `params.json` values (chain, map-reduce, groups): the schemas `wtc run`
/// params are checked against.
static PARAMS_SCHEMAS: LazyLock<Vec<Value>> = LazyLock::new(|| {
    let specs = [
        include_str!("../../examples/chain/spec.yaml"),
        include_str!("../../examples/map-reduce/spec.yaml"),
        include_str!("../../examples/groups/spec.yaml"),
    ];
    specs
        .iter()
        .map(|text| {
            let db = Database::default();
            let wf = WorkflowBuilder::new()
                .registry(REGISTRY.clone(), Arc::default())
                .build(&db, "/fuzz/spec.yaml".into(), text.to_string());
            let schema = crate::artifacts::params_json::params_value(&db, wf)
                .as_ref()
                .expect("the examples compile");
            (**schema).clone()
        })
        .collect()
});

/// `wtc run`'s params check: the first byte picks an example's `params.json`, the rest is
/// the params text (a params file, then the same text as a `test-cases.yaml` whose first
/// case is taken). A valid result must satisfy the schema.
pub fn params(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let schema = &PARAMS_SCHEMAS[usize::from(pick) % PARAMS_SCHEMAS.len()];
    use super::run::{cases, params};
    let root = match params::parse(text) {
        Ok(root) => root,
        Err(d) => return check(&[*d], text, "params.yaml"),
    };
    let mut nodes = vec![Some(&root)];
    let first = root
        .as_map()
        .and_then(|m| m.first())
        .and_then(|(k, _)| k.as_str());
    if let Some(id) = first
        && let Ok(node) = cases::case_params(&root, id, "test-cases.yaml")
    {
        nodes.push(node);
    }
    for node in nodes {
        match params::check(node, schema) {
            Ok(value) => assert!(
                jsonschema::is_valid(schema, &value),
                "accepted params the schema rejects: {value}"
            ),
            Err(diagnostics) => check(&diagnostics, text, "params.yaml"),
        }
    }
}
