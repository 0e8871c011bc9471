//! `wtc lsp`: a Language Server (LSP 3.17) for `spec.yaml` over stdio, on `lsp-server` +
//! `lsp-types`. One salsa database holds every open spec (the editor's text wins over the
//! disk); registries come from `--registry`/`--python-env` or, per discovery key, from
//! the lock file → cache → discovery in the background.
//!
//! Modules: `server` (the main loop), `background` (the worker threads that run requests
//! and diagnostics on snapshots), `jobs` (what runs, cancellation, one answer per
//! request), `session` (database, documents, snapshots), `registry`
//! (registry sources, background loads), `positions` (UTF-16 line index), `context`
//! (the cursor's place from indentation, for half-typed YAML), `find` (model elements at
//! an offset), `handlers::*` (one module per feature).

pub mod background;
mod context;
pub mod explain;
mod find;
pub mod handlers;
pub mod jobs;
pub mod positions;
pub mod registry;
pub mod server;
pub mod session;

use lsp_server::Connection;
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionOptions,
    DiagnosticOptions, DiagnosticServerCapabilities, HoverProviderCapability, InitializeParams,
    OneOf, RenameOptions, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, WorkDoneProgressOptions,
};
pub use registry::Config;

/// Why the server stopped abnormally.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("LSP protocol error: {0}")]
    Protocol(#[from] lsp_server::ProtocolError),
    #[error("invalid initialize request: {0}")]
    Initialize(#[from] serde_json::Error),
    #[error("stdio: {0}")]
    Io(#[from] std::io::Error),
}

/// What the server can do.
#[must_use]
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(
            TextDocumentSyncKind::INCREMENTAL,
        )),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".into(), ":".into(), " ".into(), "[".into()]),
            ..CompletionOptions::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        folding_range_provider: Some(lsp_types::FoldingRangeProviderCapability::Simple(true)),
        diagnostic_provider: Some(DiagnosticServerCapabilities::Options(DiagnosticOptions {
            identifier: Some("wtc".into()),
            inter_file_dependencies: false,
            workspace_diagnostics: false,
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        ..ServerCapabilities::default()
    }
}

/// Serve one client on `conn` (stdio or in memory): initialize (the registry options of
/// `flags`, overridden by `initializationOptions`), then the main loop.
pub fn serve(conn: &Connection, flags: Config) -> Result<(), ServeError> {
    serve_with(conn, flags, None)
}

/// [`serve`] with a test seam: `hook` sees every background job (see
/// [`background::Hook`]; `wtc lsp` never sets one).
pub fn serve_with(
    conn: &Connection,
    flags: Config,
    hook: Option<std::sync::Arc<dyn background::Hook>>,
) -> Result<(), ServeError> {
    let (id, params) = conn.initialize_start()?;
    let init: InitializeParams = serde_json::from_value(params)?;
    let options = match init.initialization_options.clone() {
        Some(v) if !v.is_null() => serde_json::from_value::<Config>(v)?,
        _ => Config::default(),
    };
    let result = lsp_types::InitializeResult {
        capabilities: capabilities(),
        server_info: Some(ServerInfo {
            name: "wtc".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    conn.initialize_finish(id, serde_json::to_value(result)?)?;
    server::Server::new(conn, flags.merged(options), &init.capabilities, hook).run()?;
    Ok(())
}

/// `wtc lsp`: serve over stdio until `exit`.
pub fn run_stdio(flags: Config) -> Result<(), ServeError> {
    let (conn, io) = Connection::stdio();
    serve(&conn, flags)?;
    drop(conn);
    io.join()?;
    Ok(())
}
