//! Every input of the fuzz targets' saved corpora (`fuzz/corpus/<target>/`, checked in and
//! minimized) replayed through the same library entry points the targets call
//! (`wtc::cli::fuzz`), so CI keeps every found input alive without an instrumented build.

use crate::support::repo;

fn replay(target: &str, entry: fn(&[u8])) -> usize {
    let dir = repo().join("fuzz/corpus").join(target);
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir}: {e}")) {
        let path = e.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| entry(&bytes));
        assert!(outcome.is_ok(), "{target}: {} fails", path.display());
        n += 1;
    }
    assert!(n > 0, "{target}: empty corpus");
    n
}

#[test]
fn spec_corpus() {
    replay("spec", wtc::cli::fuzz::spec);
}

#[test]
fn env_overrides_corpus() {
    replay("env_overrides", wtc::cli::fuzz::env_overrides);
}

#[test]
fn provider_manifest_corpus() {
    replay("provider_manifest", wtc::cli::fuzz::provider_manifest);
}

#[test]
fn params_corpus() {
    replay("params", wtc::cli::fuzz::params);
}
