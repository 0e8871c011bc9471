//! wtc: an incremental, query-based compiler for wt workflow specs.
//!
//! See `ARCHITECTURE.md` for the query graph and module map.

pub mod artifacts;
pub mod cli;
pub mod db;
pub mod diagnostics;
pub mod output;
pub mod pyfmt;
pub mod pyjson;
pub mod registry;
pub mod resolve;
pub mod schema;
pub mod spec;
pub mod syntax;
pub mod templates;
