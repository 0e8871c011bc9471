//! `graph.dot`, `graph.svg` and `graph.png` at the release-dir root (`artifacts.md` §10).
//!
//! The queries form a chain, each backdating when its value is unchanged, so an edit that
//! does not change the task graph (a title, a comment, a requirement) renders nothing:
//!
//! ```text
//! task_nodes ── task_graph ──┬── graph_dot
//!                            └── graph_drawing ──┬── graph_svg
//!                                                └── graph_png
//! ```
//!
//! All of them are pure; the Graphviz engine (`--graph-engine=graphviz`) runs `dot` from
//! the CLI instead of `graph_svg`/`graph_png`.

use crate::db::{Db, Workflow};
use crate::front::{TaskNode, spec_id, task_nodes};
use crate::graph::{TaskArgs, TaskGraph, dot, layout, raster, render, task_args};
use std::sync::Arc;

/// The task graph of the spec (tasks, argument ports, dependency edges), from the task
/// nodes (a package is only made when every task resolved, so they are all the tasks):
/// an edit that keeps every task's references does not re-run it.
#[salsa::tracked(returns(ref))]
pub fn task_graph(db: &dyn Db, wf: Workflow) -> Arc<TaskGraph> {
    let nodes = task_nodes(db, wf);
    let args: Vec<&TaskArgs> = nodes.iter().map(|n| task_graph_args(db, *n)).collect();
    Arc::new(TaskGraph::from_tasks(
        spec_id(db, wf),
        nodes
            .iter()
            .zip(args)
            .map(|(n, a)| (n.id(db).as_str(), a.as_slice())),
    ))
}

/// One task's argument ports and the task ids they reference, memoized per task.
#[salsa::tracked(returns(ref))]
pub fn task_graph_args<'db>(db: &'db dyn Db, node: TaskNode<'db>) -> TaskArgs {
    task_args(&node.task(db).instance)
}

/// `graph.dot`: the reference's DOT source.
#[salsa::tracked(returns(ref))]
pub fn graph_dot(db: &dyn Db, wf: Workflow) -> Arc<[u8]> {
    Arc::from(dot::to_dot(task_graph(db, wf)).into_bytes())
}

/// The built-in layout (top-to-bottom ranks).
#[salsa::tracked(returns(ref))]
pub fn graph_drawing(db: &dyn Db, wf: Workflow) -> Arc<layout::Drawing> {
    Arc::new(layout::layout(task_graph(db, wf)))
}

/// `graph.svg` from the built-in layout.
#[salsa::tracked(returns(ref))]
pub fn graph_svg(db: &dyn Db, wf: Workflow) -> Arc<[u8]> {
    Arc::from(render::svg(task_graph(db, wf), graph_drawing(db, wf)).into_bytes())
}

/// `graph.png`, rasterised from the same drawing as `graph.svg`.
#[salsa::tracked(returns(ref))]
pub fn graph_png(db: &dyn Db, wf: Workflow) -> Result<Arc<[u8]>, raster::RasterError> {
    raster::png(task_graph(db, wf), graph_drawing(db, wf)).map(Arc::from)
}
