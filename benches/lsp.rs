//! `wtc lsp` on the largest corpus spec (`ew-mnc-overall-report`, 419 task instances):
//! diagnostics after a one-character edit in one task, completion of a `task:` name, hover
//! of a task name — the handlers the server runs, on the session it keeps — and the main
//! loop's own share of an edit (what runs before the workers take over). Then the peak
//! RSS of one session holding every corpus spec (printed).
//!
//! Needs `WTC_CORPUS` (skips, saying so, without it). `cargo bench --bench lsp` for figures.

use criterion::{Criterion, criterion_group, criterion_main};
use lsp_types::{
    CompletionParams, HoverParams, PartialResultParams, Position, TextDocumentContentChangeEvent,
    TextDocumentIdentifier, TextDocumentPositionParams, Url, WorkDoneProgressParams,
};
use std::path::{Path, PathBuf};
use wtc::lsp::handlers::{completion, diagnostics, hover};
use wtc::lsp::registry::Config;
use wtc::lsp::session::Session;

/// A session with `spec` open against its fixture registry (loaded and attached).
fn session_with(specs: &[PathBuf]) -> (Session, Vec<Url>) {
    let (tx, _rx) = crossbeam_channel::unbounded();
    let mut session = Session::new(Config::default(), tx);
    let mut uris = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let uri = Url::from_file_path(format!("/bench/{i}/spec.yaml")).unwrap();
        session.open(uri.clone(), std::fs::read_to_string(spec).unwrap(), 1);
        let registry = spec.parent().unwrap().join("fixture/registry.json");
        let text = std::fs::read_to_string(registry).unwrap();
        // The fixture stands for discovery's answer to the spec's key.
        let payload = wtc::discovery::Discovered {
            registry: std::sync::Arc::new(wtc::registry::Registry::from_json(&text).unwrap()),
            document: serde_json::Value::Null,
            solved: Default::default(),
        };
        session.preload(&uri, payload);
        uris.push(uri);
    }
    (session, uris)
}

fn position(text: &str, needle: &str, plus: usize) -> Position {
    let at = text.find(needle).unwrap() + plus;
    let line = text[..at].matches('\n').count() as u32;
    let col = text[..at]
        .rsplit('\n')
        .next()
        .unwrap()
        .encode_utf16()
        .count() as u32;
    Position::new(line, col)
}

fn peak_rss_mib() -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    usage.ru_maxrss as f64 / 1024.0
}

fn bench(c: &mut Criterion) {
    let Some(corpus) = std::env::var_os("WTC_CORPUS")
        .map(PathBuf::from)
        .filter(|p| p.is_dir())
    else {
        eprintln!("skipped: WTC_CORPUS not set");
        return;
    };
    let big = corpus.join("ew-mnc-overall-report/spec.yaml");
    let (mut session, uris) = session_with(std::slice::from_ref(&big));
    let uri = uris[0].clone();
    let text = std::fs::read_to_string(&big).unwrap();
    let doc = TextDocumentIdentifier::new(uri.clone());
    // One character of one task's `partial` value, toggled.
    let edit_at = position(&text, "filter: clean", 8);
    let mut version = 1;
    let mut toggle = ['d', 'c'].into_iter().cycle();
    let mut edit = |session: &mut Session| {
        version += 1;
        let range =
            lsp_types::Range::new(edit_at, Position::new(edit_at.line, edit_at.character + 1));
        session.change(
            &uri,
            version,
            vec![TextDocumentContentChangeEvent {
                range: Some(range),
                range_length: None,
                text: toggle.next().unwrap().to_string(),
            }],
        );
    };
    c.bench_function(
        "lsp/diagnostics after a one-character edit (419 tasks)",
        |b| {
            b.iter(|| {
                edit(&mut session);
                diagnostics::for_uri(session.view(), &uri)
            })
        },
    );
    // What the main loop itself does for a keystroke (the rest runs on the workers): apply
    // the change, re-parse for the last good model, re-attach the registry.
    c.bench_function(
        "lsp/main loop's share of a one-character edit (419 tasks)",
        |b| {
            b.iter(|| {
                edit(&mut session);
                session.attach(&uri)
            })
        },
    );
    let task_at = position(&text, "    task: ", 12);
    c.bench_function("lsp/completion of a task name (419 tasks)", |b| {
        b.iter(|| {
            completion::completion(
                session.view(),
                CompletionParams {
                    text_document_position: TextDocumentPositionParams::new(doc.clone(), task_at),
                    work_done_progress_params: WorkDoneProgressParams::default(),
                    partial_result_params: PartialResultParams::default(),
                    context: None,
                },
            )
            .unwrap()
        })
    });
    c.bench_function("lsp/hover of a task name (419 tasks)", |b| {
        b.iter(|| {
            hover::hover(
                session.view(),
                HoverParams {
                    text_document_position_params: TextDocumentPositionParams::new(
                        doc.clone(),
                        task_at,
                    ),
                    work_done_progress_params: WorkDoneProgressParams::default(),
                },
            )
            .unwrap()
        })
    });
    // Memory: every corpus spec open in one session, diagnostics computed for each.
    let mut all: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .filter_map(|e| Some(e.ok()?.path().join("spec.yaml")))
        .filter(|p| {
            p.is_file()
                && p.parent()
                    .is_some_and(|d| Path::new(d).join("fixture/registry.json").is_file())
        })
        .collect();
    all.sort();
    let before = peak_rss_mib();
    let (workspace, uris) = session_with(&all);
    for u in &uris {
        std::hint::black_box(diagnostics::for_uri(workspace.view(), u));
    }
    eprintln!(
        "lsp: workspace of {} corpus specs, diagnostics computed: peak RSS {:.1} MiB (before opening them: {:.1} MiB)",
        uris.len(),
        peak_rss_mib(),
        before
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
