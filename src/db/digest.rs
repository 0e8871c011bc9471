//! The digest of everything a workflow's package is computed from: the spec (path and
//! text), the registry and solved records, the options (with the env-overrides file and
//! the template directory) and the host. Two workflows with the same digest compile to
//! the same package with the same diagnostics, for one build of the compiler; `compile`
//! keys its up-to-date stamp on it (`output::stamp`).
//!
//! It reads salsa inputs only (no query), so it costs a pass over the input values: the
//! registry's schemas are streamed into the hash as JSON, nothing is kept.

use super::{Db, Workflow};
use crate::registry::KnownTask;
use sha2::{Digest as _, Sha256};
use std::hash::{Hash, Hasher};

/// SHA-256 of the inputs of `wf`, with `extra` (what the caller adds: the compiler's
/// identity, the graph engine) hashed first; 64 lowercase hex digits.
pub fn input_digest(db: &dyn Db, wf: Workflow, extra: &[&str]) -> String {
    let mut h = Feed(Sha256::new());
    "wtc input digest v1".hash(&mut h);
    extra.hash(&mut h);
    let spec = wf.spec(db);
    spec.path(db).as_str().hash(&mut h);
    spec.text(db).hash(&mut h);

    let registry = wf.registry(db);
    let by_name = &registry.registry(db).by_name;
    by_name.len().hash(&mut h);
    for (name, modules) in by_name {
        name.hash(&mut h);
        modules.len().hash(&mut h);
        for (module, task) in modules {
            module.hash(&mut h);
            known_task(&mut h, task);
        }
    }
    registry.solved(db).hash(&mut h);

    let options = wf.options(db);
    options.pkg_name_prefix(db).hash(&mut h);
    options.results_env_var(db).hash(&mut h);
    options.wt_conda_channel(db).hash(&mut h);
    options.variant(db).hash(&mut h);
    options.pixi_version(db).hash(&mut h);
    options.whole_parse(db).hash(&mut h);
    match options.env_overrides(db) {
        None => 0u8.hash(&mut h),
        Some(o) => {
            1u8.hash(&mut h);
            o.path(db).as_str().hash(&mut h);
            o.text(db).hash(&mut h);
            o.fs(db).hash(&mut h);
        }
    }
    match options.template_dir(db) {
        None => 0u8.hash(&mut h),
        Some(t) => {
            1u8.hash(&mut h);
            t.path(db).as_str().hash(&mut h);
            t.files(db).hash(&mut h);
        }
    }
    let host = wf.host(db);
    host.platform(db).hash(&mut h);
    host.local_channels(db).hash(&mut h);
    crate::hex::lower(&h.0.finalize())
}

/// Every field of a registry entry; the schema as its JSON text (streamed).
fn known_task(h: &mut Feed, t: &KnownTask) {
    t.importable_reference.hash(h);
    t.anchor.hash(h);
    t.function_name.hash(h);
    t.is_io.hash(h);
    t.tags.hash(h);
    t.registry_ref.hash(h);
    t.description.hash(h);
    // serde_json writes into `Feed` without failing (its `write` never does).
    let _ = serde_json::to_writer(&mut *h, &t.json_schema.0);
    // The schema's end, so the next field cannot be read as part of it.
    h.write_u8(0xff);
}

/// A SHA-256 fed through `Hash` (which frames strings and sequences, so fields cannot run
/// into each other) and through `io::Write` (for serializers). Stable across processes:
/// `Hash` of std types writes their bytes, lengths as `usize`, and the digest is only
/// compared with digests made by the same build of the compiler.
struct Feed(Sha256);

impl Hasher for Feed {
    fn finish(&self) -> u64 {
        0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

impl std::io::Write for Feed {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{Database, SolvedRecord, WorkflowBuilder};
    use crate::registry::Registry;
    use salsa::Setter as _;

    #[test]
    fn every_input_changes_the_digest() {
        let mut db = Database::default();
        let wf = WorkflowBuilder::new().build(&db, "/a/spec.yaml".into(), "id: x\n".into());
        let digest = |db: &Database| input_digest(db, wf, &["x"]);
        let first = digest(&db);
        assert_eq!(first.len(), 64);
        assert_eq!(first, digest(&db), "deterministic");
        assert_ne!(first, input_digest(&db, wf, &["y"]), "the caller's part");

        let mut seen = vec![first];
        let mut changed = |db: &Database, what: &str| {
            let d = digest(db);
            assert!(!seen.contains(&d), "{what} did not change the digest");
            seen.push(d);
        };
        wf.spec(&db).set_text(&mut db).to("id: y\n".into());
        changed(&db, "spec text");
        wf.spec(&db).set_path(&mut db).to("/b/spec.yaml".into());
        changed(&db, "spec path");
        wf.options(&db).set_variant(&mut db).to("gcp".into());
        changed(&db, "variant");
        wf.options(&db)
            .set_pkg_name_prefix(&mut db)
            .to("acme".into());
        changed(&db, "prefix");
        wf.options(&db)
            .set_pixi_version(&mut db)
            .to("0.40.0".into());
        changed(&db, "pixi version");
        wf.host(&db).set_platform(&mut db).to("osx-arm64".into());
        changed(&db, "platform");
        let solved = vec![SolvedRecord {
            name: "python".into(),
            version: "3.11".into(),
            channel: "conda-forge".into(),
        }];
        wf.registry(&db).set_solved(&mut db).to(solved.into());
        changed(&db, "solved records");

        let text = include_str!("../../examples/registry.json");
        let registry = Registry::from_json(text).expect("example registry");
        wf.registry(&db).set_registry(&mut db).to(registry.into());
        changed(&db, "registry");
        // One schema default changed deep inside the registry.
        let original: serde_json::Value = serde_json::from_str(text).unwrap();
        let mut value = original.clone();
        assert!(bump_first_default(&mut value), "the example has a default");
        let registry = Registry::from_json(&value.to_string()).unwrap();
        wf.registry(&db).set_registry(&mut db).to(registry.into());
        changed(&db, "a schema default");
    }

    /// Change the first `"default"` string or number found (depth first).
    fn bump_first_default(v: &mut serde_json::Value) -> bool {
        match v {
            serde_json::Value::Object(map) => {
                if let Some(d) = map.get_mut("default")
                    && (d.is_string() || d.is_number())
                {
                    *d = serde_json::Value::String("changed".into());
                    return true;
                }
                map.values_mut().any(bump_first_default)
            }
            serde_json::Value::Array(items) => items.iter_mut().any(bump_first_default),
            _ => false,
        }
    }
}
