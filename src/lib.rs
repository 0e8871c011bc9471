//! wtc: an incremental, query-based compiler for wt workflow specs.
//!
//! See `ARCHITECTURE.md` for the query graph and module map.

pub mod artifacts;
pub mod cli;
pub mod db;
pub mod dependencies;
pub mod diagnostics;
pub mod discovery;
pub mod editor_schema;
pub mod files;
pub mod fingerprint;
pub mod front;
pub mod graph;
pub mod hex;
pub mod lsp;
pub mod output;
pub mod pydantic_gen;
pub mod pyfmt;
pub mod pyjson;
pub mod registry;
pub mod resolve;
pub mod scaffold;
pub mod schema;
pub mod spec;
pub mod syntax;
pub mod templates;
pub mod tomlw;

/// The corpus directory for tests (`WTC_CORPUS`), if set and present.
#[cfg(test)]
pub(crate) fn test_corpus_dir() -> Option<std::path::PathBuf> {
    let dir = std::path::PathBuf::from(std::env::var_os("WTC_CORPUS")?);
    dir.is_dir().then_some(dir)
}
