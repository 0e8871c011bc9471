//! Incremental re-parse (`front::pieces`, `syntax::yaml::outline`): the front end parses
//! and lowers each top-level `workflow:` item on its own, memoized by its text. Its result
//! must be the whole-text lowering, diagnostics and spans included: checked on every corpus
//! spec as it is and after random edits (seeded, so a failure replays), each applied to the
//! same database as an editor would, and compared with a fresh whole-text lowering.

use crate::support::random_edit::{Rng, edit};
use crate::support::*;
use salsa::Setter;
use wtc::db::Database;
use wtc::front::{lowered, lowered_whole};
use wtc::syntax::yaml::{outline, parse};

/// The corpus specs (sorted), or `None` (skipped) without `WTC_CORPUS`.
fn corpus_specs() -> Option<Vec<(String, String)>> {
    let Some(corpus) = corpus_dir() else {
        eprintln!("skipped: WTC_CORPUS not set");
        return None;
    };
    let mut specs: Vec<(String, String)> = std::fs::read_dir(corpus.as_std_path())
        .unwrap()
        .filter_map(|e| {
            let path = e.ok()?.path().join("spec.yaml");
            let text = std::fs::read_to_string(&path).ok()?;
            Some((path.display().to_string(), text))
        })
        .collect();
    specs.sort();
    Some(specs)
}

/// Every corpus spec parses piece by piece to the whole-text tree (all of them have the
/// plain shape the outline understands).
#[test]
fn corpus_specs_parse_in_pieces_like_whole() {
    let Some(specs) = corpus_specs() else { return };
    for (path, text) in &specs {
        let pieces = outline::parse_pieces(text).unwrap_or_else(|| panic!("{path}: refused"));
        assert_eq!(Ok(pieces), parse(text), "{path}");
    }
}

/// Random edits of every corpus spec, applied one after the other to one database: the
/// incremental lowering equals the whole-text one after each. Most edited texts that still
/// parse keep the plain shape, so the pieces are really used.
#[test]
fn random_edits_lower_like_a_whole_parse() {
    let Some(specs) = corpus_specs() else { return };
    let mut rng = Rng(0x0DD5_EED1);
    let (mut edits, mut in_pieces) = (0, 0);
    for (path, original) in &specs {
        let db = &mut Database::default();
        let wf = example_builder().build(db, path.into(), original.clone());
        let mut text = original.clone();
        for step in 0..12 {
            // Restart from the original now and then, so edits do not pile up into noise.
            text = if step % 4 == 0 {
                original.clone()
            } else {
                edit(&text, &mut rng)
            };
            wf.spec(db).set_text(db).to(text.clone());
            let incremental = lowered(db, wf).as_ref().clone();
            let whole = lowered_whole(&text, wf.options(db).wt_conda_channel(db));
            assert_eq!(incremental, whole, "{path}, edit {step}:\n{text}");
            if parse(&text).is_ok() {
                edits += 1;
                in_pieces += usize::from(outline::parse_pieces(&text).is_some());
            }
        }
    }
    let said = format!("{in_pieces} of {edits} texts that parse were lowered in pieces");
    eprintln!("{said}");
    assert!(in_pieces * 3 > edits * 2, "{said}");
}
