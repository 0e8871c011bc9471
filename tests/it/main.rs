//! The integration tests: one binary, one module per area (see ARCHITECTURE.md, "Tests"),
//! sharing the helpers of [`support`].

mod support;

mod artifact_hashes;
mod check_diagnostics;
mod ci;
mod cli;
mod compile_check;
mod corpus;
mod discovery;
mod discovery_cli;
mod discovery_inputs;
mod env_overrides;
mod execution;
mod explain;
mod fingerprint;
mod fuzz_corpora;
mod generated_tests;
mod golden;
mod graph;
mod hardening;
mod huge_graph;
mod incremental;
mod incremental_snapshots;
mod layers;
mod lsp;
mod lsp_cancel;
mod lsp_client;
mod lsp_fuzz;
mod no_panic;
mod pixi_toml;
mod pydantic_models;
mod reparse;
mod ruff;
mod run;
mod run_watch;
mod scaffold;
mod schema_cmd;
mod shared_cache;
mod snapshots;
mod stamps;
mod synthetic_spec;
mod templates;
mod tidy;
mod validation;
mod watch;
