//! The task graph of a workflow and its three renderings: `graph.dot`, `graph.svg`, `graph.png`.
//!
//! ```text
//! Spec ── TaskGraph::from_spec ─┬─ dot::to_dot ──────────────────────────────── graph.dot
//!         (petgraph DiGraph)     └─ layout::layout ── Drawing ── render::svg ─── graph.svg
//!                                   (layered, top to bottom)   │
//!                                                     raster::png ─────────────── graph.png
//!                                                     (canvas + glyph cache)
//! ```
//!
//! Every step is a pure function of its input (the salsa queries are in
//! [`crate::artifacts::graph`]); the optional Graphviz engine is a subprocess and lives in
//! [`crate::cli`]. The DOT text reproduces the reference's (wt-compiler 0.10.3, pydot)
//! byte for byte; the built-in renderer lays the same nodes and ports out top to bottom.

mod canvas;
pub mod dot;
pub mod font;
pub mod layered;
pub mod layout;
mod png_file;
pub mod raster;
pub mod render;

/// How much work the layout did, for the complexity tests: [`work::add`] counts inner-loop
/// iterations (per node, edge or virtual node visited) in unit tests and is a no-op
/// otherwise. The tests assert that it grows linearly with the graph, which no timing can.
pub(crate) mod work {
    #[cfg(test)]
    thread_local! {
        static COUNT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    /// Count `n` iterations.
    #[inline]
    pub(crate) fn add(n: usize) {
        #[cfg(test)]
        COUNT.with(|c| c.set(c.get() + n));
        #[cfg(not(test))]
        let _ = n;
    }

    /// The iterations counted on this thread since the last call.
    #[cfg(test)]
    pub(crate) fn take() -> usize {
        COUNT.with(|c| c.replace(0))
    }
}

use crate::spec::model::{Spec, TaskInstance};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use std::collections::HashMap;

/// One task instance: a node of the graph.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Task {
    /// The task instance id (also the name of the header port).
    pub id: String,
    /// The argument ports, in `all_dependencies_dict` order: every `partial` key, then the
    /// `map`/`mapvalues` argnames. Arguments without task references are ports too.
    pub args: Vec<String>,
}

/// One task's argument ports with the task ids each one references (see [`Task::args`]).
pub type TaskArgs = Vec<(String, Vec<String>)>;

/// The [`TaskArgs`] of a task instance.
#[must_use]
pub fn task_args(t: &TaskInstance) -> TaskArgs {
    t.arg_dependencies()
        .into_iter()
        .map(|(arg, deps)| {
            (
                arg.to_string(),
                deps.into_iter().map(str::to_string).collect(),
            )
        })
        .collect()
}

/// An edge `dep:return → task:arg`: the task's argument `arg` uses `dep`'s return value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Dependency {
    /// Index of the argument port in the target's [`Task::args`].
    pub arg: usize,
}

/// The task graph: nodes in flat workflow order, edges in the reference's order (per task,
/// per argument, per referenced task id; repeated references repeat the edge).
#[derive(Clone, Debug, Default)]
pub struct TaskGraph {
    /// The graph's name: the spec id.
    pub name: String,
    pub graph: DiGraph<Task, Dependency>,
}

impl TaskGraph {
    /// Build the graph of a (resolved, error-free) spec. References to unknown task ids,
    /// which resolution reports as errors, are left out.
    pub fn from_spec(spec: &Spec) -> Self {
        let tasks: Vec<(&str, TaskArgs)> = spec
            .flat_tasks()
            .map(|t| (t.id.value.as_str(), task_args(t)))
            .collect();
        Self::from_tasks(
            &spec.id.value,
            tasks.iter().map(|(id, a)| (*id, a.as_slice())),
        )
    }

    /// Build the graph named `name` of the tasks `(id, its` [`task_args`]`)`, in flat order.
    pub fn from_tasks<'a>(
        name: &str,
        tasks: impl Iterator<Item = (&'a str, &'a [(String, Vec<String>)])> + Clone,
    ) -> Self {
        let mut graph = DiGraph::new();
        let mut index: HashMap<&str, NodeIndex> = HashMap::new();
        for (id, args) in tasks.clone() {
            let n = graph.add_node(Task {
                id: id.to_string(),
                args: args.iter().map(|(arg, _)| arg.clone()).collect(),
            });
            index.entry(id).or_insert(n);
        }
        for (target, (_, args)) in tasks.enumerate() {
            let target = NodeIndex::new(target);
            for (arg, (_, deps)) in args.iter().enumerate() {
                for dep in deps {
                    if let Some(&source) = index.get(dep.as_str()) {
                        graph.add_edge(source, target, Dependency { arg });
                    }
                }
            }
        }
        Self {
            name: name.to_string(),
            graph,
        }
    }

    /// The tasks in flat workflow order.
    pub fn tasks(&self) -> impl Iterator<Item = &Task> {
        self.graph.node_weights()
    }

    /// The edges as `(source task, target task, argument index)`, in insertion order.
    pub fn edges(&self) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
        self.graph
            .edge_references()
            .map(|e| (e.source().index(), e.target().index(), e.weight().arg))
    }
}

/// Graphs are equal when their names, tasks and edges (in order) are: what salsa needs to
/// backdate the graph when an edit does not touch it.
impl PartialEq for TaskGraph {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.tasks().eq(other.tasks()) && self.edges().eq(other.edges())
    }
}

impl Eq for TaskGraph {}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(text: &str) -> Spec {
        let root = crate::syntax::yaml::parse(text).unwrap();
        let lowered = crate::spec::lower::lower(&root, "");
        assert!(lowered.diagnostics.is_empty(), "{:?}", lowered.diagnostics);
        lowered.spec
    }

    #[test]
    fn nodes_ports_and_edges_follow_the_reference_order() {
        let g = TaskGraph::from_spec(&spec(
            "id: g\nrequirements: []\nworkflow:\n\
             - {id: a, task: t}\n\
             - {id: b, task: t, partial: {x: 1, y: '${{ workflow.a.return }}'}}\n\
             - {id: c, task: t, partial: {z: ['${{ workflow.a.return }}', '${{ workflow.b.return }}'], p: 1},\n   \
                map: {argnames: [p, q], argvalues: '${{ workflow.b.return }}'}}\n",
        ));
        assert_eq!(g.name, "g");
        let tasks: Vec<_> = g.tasks().map(|t| (t.id.as_str(), t.args.clone())).collect();
        assert_eq!(
            tasks,
            [
                ("a", vec![]),
                ("b", vec!["x".to_string(), "y".into()]),
                ("c", vec!["z".to_string(), "p".into(), "q".into()]),
            ]
        );
        assert_eq!(
            g.edges().collect::<Vec<_>>(),
            [(0, 1, 1), (0, 2, 0), (1, 2, 0), (1, 2, 1), (1, 2, 2)]
        );
        assert_eq!(g, g.clone());
    }
}
