//! The spec parsed and lowered piece by piece (`syntax::yaml::outline`): each top-level
//! `workflow:` item is an interned [`Piece`] of text, parsed and lowered on its own by
//! [`item_lowered`] (memoized by its text, so an edit re-parses only the items it touched),
//! and the rest of the document (the skeleton) by [`skeleton_tree`]. [`lowered_in_pieces`]
//! places the items at their offsets and lowers the skeleton around them; the result is
//! equal to lowering the whole-text parse, diagnostics and spans included (the items are
//! lowered with a marker default `skipif`, replaced by the document's once it is known).
//! When the text is not of the plain shape the outline understands, it answers `None` and
//! the caller parses the whole text.

use crate::db::Db;
use crate::diagnostics::{Diagnostic, Label};
use crate::spec::lower::{Lowered, lower_item, lower_with};
use crate::spec::model::{
    MapBlock, SkipIf, Spanned, TaskGroup, TaskInstance, Value, WorkflowEntry,
};
use crate::syntax::span::Span;
use crate::syntax::yaml::Node;
use crate::syntax::yaml::outline::{self, Outline};
use std::sync::Arc;

/// A piece of a spec's text: one top-level `workflow:` item, or the skeleton.
#[salsa::interned(debug)]
pub struct Piece<'db> {
    #[returns(ref)]
    pub text: String,
}

/// One `workflow:` item lowered on its own; spans relative to the start of its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoweredItem {
    /// The item's node (the last one's end is the end of the `workflow` sequence).
    pub span: Span,
    pub entry: Option<WorkflowEntry>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parse and lower one item (`None`: not of plain shape, see `syntax::yaml::outline`).
#[salsa::tracked(returns(ref))]
pub fn item_lowered<'db>(db: &'db dyn Db, piece: Piece<'db>) -> Option<Arc<LoweredItem>> {
    let node = outline::parse_item(piece.text(db))?;
    let (entry, diagnostics) = lower_item(&node, Some(&marker()));
    Some(Arc::new(LoweredItem {
        span: node.span,
        entry,
        diagnostics,
    }))
}

/// Parse the skeleton (`None`: not of plain shape).
#[salsa::tracked(returns(ref))]
pub fn skeleton_tree<'db>(db: &'db dyn Db, piece: Piece<'db>) -> Option<Arc<Node>> {
    outline::parse_skeleton(piece.text(db)).map(Arc::new)
}

/// The lowering of `text`, from memoized pieces; `None` when the text must be parsed whole.
pub fn lowered_in_pieces(db: &dyn Db, text: &str, wt_conda_channel: &str) -> Option<Lowered> {
    let outline = outline::outline(text)?;
    let skeleton = skeleton_tree(db, Piece::new(db, outline.skeleton(text))).clone()?;
    if !outline::fits(&skeleton, &outline) {
        return None;
    }
    let mut items = Vec::with_capacity(outline.starts.len());
    for i in 0..outline.starts.len() {
        let span = outline.item(i);
        let piece = Piece::new(db, &text[span.start..span.end]);
        items.push((span.start, piece, item_lowered(db, piece).clone()?));
    }
    let (last_at, _, last) = items.last()?;
    let root = skeleton_root(&skeleton, &outline, last_at + last.span.end);
    Some(lower_with(
        &root,
        wt_conda_channel,
        &mut |_, default_skipif, diagnostics| {
            let mut entries = Vec::with_capacity(items.len());
            for (at, piece, _) in &items {
                if let Some(placed) = item_placed(db, *piece, *at, default_skipif.cloned()) {
                    diagnostics.extend(placed.diagnostics.iter().cloned());
                    entries.extend(placed.entry.clone());
                }
            }
            entries
        },
    ))
}

/// One item at its offset in the whole text, with the document's default `skipif`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlacedItem {
    pub entry: Option<WorkflowEntry>,
    pub diagnostics: Vec<Diagnostic>,
}

/// [`item_lowered`] moved to offset `at`, the marker replaced by `default_skipif`;
/// memoized, so an edit copies only the items it touched or moved, and every other task
/// instance of the new revision is the very `Arc` of the previous one (equality checks
/// downstream stop at the pointer).
#[salsa::tracked(returns(ref))]
pub fn item_placed<'db>(
    db: &'db dyn Db,
    piece: Piece<'db>,
    at: usize,
    default_skipif: Option<SkipIf>,
) -> Option<Arc<PlacedItem>> {
    let item = item_lowered(db, piece).as_ref()?;
    Some(Arc::new(PlacedItem {
        entry: item
            .entry
            .as_ref()
            .map(|e| entry_at(e, at, default_skipif.as_ref())),
        diagnostics: item
            .diagnostics
            .iter()
            .map(|d| diagnostic_at(d, at))
            .collect(),
    }))
}

/// The skeleton with its spans in the whole text and an empty `workflow` sequence where the
/// items are (the items are lowered apart).
fn skeleton_root(skeleton: &Node, outline: &Outline, seq_end: usize) -> Node {
    outline::splice(skeleton.clone(), outline, seq_end, Vec::new())
}

/// The default `skipif` items are lowered with: no real one has a span past every text.
fn marker() -> SkipIf {
    SkipIf {
        conditions: vec![Spanned::new(String::new(), Span::empty(usize::MAX))],
        unpack_depth: 0,
    }
}

fn is_marker(s: &SkipIf) -> bool {
    matches!(s.conditions.as_slice(), [c] if c.span.start == usize::MAX)
}

fn span_at(span: Span, at: usize) -> Span {
    Span::new(span.start + at, span.end + at)
}

fn spanned_at<T: Clone>(s: &Spanned<T>, at: usize) -> Spanned<T> {
    Spanned::new(s.value.clone(), span_at(s.span, at))
}

fn diagnostic_at(d: &Diagnostic, at: usize) -> Diagnostic {
    let label = |l: &Label| Label {
        span: span_at(l.span, at),
        message: l.message.clone(),
    };
    Diagnostic {
        primary: d.primary.as_ref().map(label),
        secondary: d.secondary.iter().map(label).collect(),
        ..d.clone()
    }
}

/// An item's entry moved to offset `at`, the marker replaced by the default `skipif`.
fn entry_at(entry: &WorkflowEntry, at: usize, default_skipif: Option<&SkipIf>) -> WorkflowEntry {
    let task = |t: &Arc<TaskInstance>| Arc::new(task_at(t, at, default_skipif));
    match entry {
        WorkflowEntry::Task(t) => WorkflowEntry::Task(task(t)),
        WorkflowEntry::Group(g) => WorkflowEntry::Group(TaskGroup {
            title: spanned_at(&g.title, at),
            description: g.description.clone(),
            tasks: g.tasks.iter().map(task).collect(),
        }),
    }
}

fn task_at(t: &TaskInstance, at: usize, default_skipif: Option<&SkipIf>) -> TaskInstance {
    let block = |b: &MapBlock| MapBlock {
        argnames: b.argnames.iter().map(|n| spanned_at(n, at)).collect(),
        argvalues: b.argvalues.iter().map(|v| spanned_at(v, at)).collect(),
        single_argvalue: b.single_argvalue,
    };
    let skipif = match &t.skipif {
        Some(s) if is_marker(s) => default_skipif.cloned(),
        Some(s) => Some(SkipIf {
            conditions: s.conditions.iter().map(|c| spanned_at(c, at)).collect(),
            unpack_depth: s.unpack_depth,
        }),
        None => None,
    };
    TaskInstance {
        id: spanned_at(&t.id, at),
        name: t.name.clone(),
        task: spanned_at(&t.task, at),
        partial: t
            .partial
            .iter()
            .map(|(k, v)| (spanned_at(k, at), value_at(v, at)))
            .collect(),
        map: t.map.as_ref().map(block),
        mapvalues: t.mapvalues.as_ref().map(block),
        skipif,
        span: span_at(t.span, at),
    }
}

fn value_at(v: &Value, at: usize) -> Value {
    match v {
        Value::Ref(r) => Value::Ref(spanned_at(r, at)),
        Value::List(items) => Value::List(items.iter().map(|v| value_at(v, at)).collect()),
        Value::Dict(items) => Value::Dict(
            items
                .iter()
                .map(|(k, v)| (k.clone(), value_at(v, at)))
                .collect(),
        ),
        other => other.clone(),
    }
}
