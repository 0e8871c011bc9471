//! Layout of the task graph for the built-in renderer, into a [`Drawing`] in CSS pixels.
//!
//! The reference's DOT asks Graphviz for `rankdir=LR`. Real workflows are deep (25+ ranks)
//! and a left-to-right picture of them is a very long strip, so the built-in renderer
//! places ranks top to bottom, which keeps large graphs closer to square (see
//! `ARCHITECTURE.md`). Nodes keep the reference's table: task id on grey, one row per
//! argument port, an italic `return` row; node sizes come from the embedded font's metrics
//! ([`super::font`]). Ranks, order and x positions come from [`super::layered`].
//!
//! Edges never cross a table: an edge drops from the bottom of the source's `return` row
//! to the bottom of its rank's band, runs straight down through every band it crosses
//! (along its source's trunk, between the nodes of that rank), bends only in the gaps
//! between bands, and reaches its target along a lane beside the target, entering the
//! argument row from the side. The lanes of one node are nested (the top row's lane
//! innermost), so they do not cross each other.

use super::font::text_width;
use super::layered::{self, Placement};
use super::{TaskGraph, work};

/// Font size of every label, px.
pub const FONT_SIZE: f64 = 12.0;
/// Height of one table row, px.
pub const ROW_HEIGHT: f64 = 20.0;
/// Horizontal padding inside a cell, px.
const CELL_PADDING: f64 = 8.0;
const MIN_NODE_WIDTH: f64 = 64.0;
/// Distance of a node's innermost lane from its side, and between nested lanes, px.
const LANE_OFFSET: f64 = 10.0;
const LANE_STEP: f64 = 4.0;
/// At most this many nested lanes per node (more share the outermost).
const MAX_LANES: usize = 8;
/// Free space beyond the outermost lane, px.
const CLEARANCE: f64 = 8.0;
/// Clearance on each side of a trunk (vertical line of a long edge), px.
const TRUNK_MARGIN: f64 = 4.0;
/// Vertical gap between ranks, where edges bend, px.
const RANK_GAP: f64 = 44.0;
/// Radius of the bend into an argument row, px.
const CORNER: f64 = 6.0;
/// Margin around the whole drawing, px.
const MARGIN: f64 = 16.0;

/// A laid-out graph, in CSS pixels with the origin at the top left.
#[derive(Clone, Debug, PartialEq)]
pub struct Drawing {
    pub width: f64,
    pub height: f64,
    /// One per task, in flat workflow order.
    pub nodes: Vec<NodeBox>,
    /// One per dependency, in the graph's edge order.
    pub edges: Vec<EdgePath>,
}

/// One task's table: header row (id), one row per argument, `return` row.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeBox {
    pub id: String,
    pub args: Vec<String>,
    /// Top-left corner.
    pub x: f64,
    pub y: f64,
    pub width: f64,
}

impl NodeBox {
    pub fn height(&self) -> f64 {
        ROW_HEIGHT * (self.args.len() + 2) as f64
    }

    /// Vertical middle of argument row `arg`.
    pub fn arg_row_middle(&self, arg: usize) -> f64 {
        self.y + ROW_HEIGHT * (arg as f64 + 1.5)
    }
}

/// One dependency edge: a cubic Bézier spline from `start` through each segment's end.
#[derive(Clone, Debug, PartialEq)]
pub struct EdgePath {
    pub source: usize,
    pub target: usize,
    pub arg: usize,
    pub start: (f64, f64),
    /// `(control 1, control 2, end)` per segment.
    pub segments: Vec<[(f64, f64); 3]>,
}

/// Width of a task's table.
fn node_width(id: &str, args: &[String]) -> f64 {
    let size = FONT_SIZE as f32;
    let widest = args
        .iter()
        .map(|a| text_width(a, size, false))
        .chain([
            text_width(id, size, false),
            text_width("return", size, true),
        ])
        .fold(0.0f32, f32::max);
    (f64::from(widest) + 2.0 * CELL_PADDING)
        .max(MIN_NODE_WIDTH)
        .ceil()
}

/// How many distinct argument rows of each task have incoming edges (its lanes).
fn lane_counts(g: &TaskGraph) -> Vec<usize> {
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); g.graph.node_count()];
    for (_, target, arg) in g.edges() {
        if !rows[target].contains(&arg) {
            rows[target].push(arg);
        }
    }
    rows.iter().map(Vec::len).collect()
}

/// Lay the graph out.
pub fn layout(g: &TaskGraph) -> Drawing {
    let lanes = lane_counts(g);
    let input = layered::Input {
        widths: g.tasks().map(|t| node_width(&t.id, &t.args)).collect(),
        heights: g
            .tasks()
            .map(|t| ROW_HEIGHT * (t.args.len() + 2) as f64)
            .collect(),
        margins: lanes
            .iter()
            .map(|&k| LANE_OFFSET + LANE_STEP * (k.clamp(1, MAX_LANES) - 1) as f64 + CLEARANCE)
            .collect(),
        edges: g.edges().map(|(s, t, _)| (s, t)).collect(),
        virtual_margin: TRUNK_MARGIN,
        rank_gap: RANK_GAP,
    };
    let placement = layered::place(&input);
    let nodes: Vec<NodeBox> = g
        .tasks()
        .enumerate()
        .map(|(v, t)| NodeBox {
            id: t.id.clone(),
            args: t.args.clone(),
            x: round(MARGIN + placement.x[v] - input.widths[v] / 2.0),
            y: round(MARGIN + placement.bands[placement.rank[v]].0),
            width: input.widths[v],
        })
        .collect();
    let edges = route_all(g, &nodes, &placement);
    let width = input
        .widths
        .iter()
        .zip(&input.margins)
        .zip(&placement.x)
        .map(|((w, m), x)| x + w / 2.0 + m)
        .chain(
            placement
                .waypoints
                .iter()
                .flatten()
                .map(|x| x + TRUNK_MARGIN),
        )
        .fold(0.0f64, f64::max);
    let height = placement.bands.last().map_or(0.0, |b| b.1);
    Drawing {
        width: (width + 2.0 * MARGIN).ceil(),
        height: (height + 2.0 * MARGIN).ceil(),
        nodes,
        edges,
    }
}

/// Two decimals are plenty for pixels and keep the SVG text short and stable.
fn round(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Route every edge (see the module docs).
fn route_all(g: &TaskGraph, nodes: &[NodeBox], p: &Placement) -> Vec<EdgePath> {
    let edges: Vec<(usize, usize, usize)> = g.edges().collect();
    // Where each edge comes from just above its target: its last trunk point or its source.
    let approach: Vec<f64> = edges
        .iter()
        .zip(&p.waypoints)
        .map(|(&(s, _, _), w)| {
            w.last()
                .map_or(nodes[s].x + nodes[s].width / 2.0, |x| MARGIN + x)
        })
        .collect();
    let left_side: Vec<bool> = edges
        .iter()
        .zip(&approach)
        .map(|(&(_, t, _), &ax)| ax <= nodes[t].x + nodes[t].width / 2.0)
        .collect();
    let rows = lane_rows(nodes.len(), &edges, &left_side);
    edges
        .iter()
        .enumerate()
        .map(|(i, &(s, t, arg))| {
            // Nested lanes: per side of the target, the topmost row's lane is innermost.
            let side = &rows[t][usize::from(left_side[i])];
            work::add(1);
            let lane = side.binary_search(&arg).unwrap_or(0).min(MAX_LANES - 1);
            route(nodes, p, (s, t, arg), &p.waypoints[i], left_side[i], lane)
        })
        .collect()
}

/// Per target task and side (`[right, left]`), the argument rows its edges enter from
/// that side, sorted and distinct: an edge's lane is its row's place in that list. One
/// pass over the edges (not one per edge: a huge graph has hundreds of thousands).
fn lane_rows(
    tasks: usize,
    edges: &[(usize, usize, usize)],
    left_side: &[bool],
) -> Vec<[Vec<usize>; 2]> {
    let mut rows: Vec<[Vec<usize>; 2]> = vec![[Vec::new(), Vec::new()]; tasks];
    work::add(tasks + edges.len());
    for (&(_, t, arg), &left) in edges.iter().zip(left_side) {
        rows[t][usize::from(left)].push(arg);
    }
    for side in rows.iter_mut().flatten() {
        side.sort_unstable();
        side.dedup();
    }
    rows
}

/// The path of one edge.
fn route(
    nodes: &[NodeBox],
    p: &Placement,
    (source, target, arg): (usize, usize, usize),
    trunk: &[f64],
    left: bool,
    lane: usize,
) -> EdgePath {
    let (s, t) = (&nodes[source], &nodes[target]);
    let band = |r: usize| (MARGIN + p.bands[r].0, MARGIN + p.bands[r].1);
    let start = (round(s.x + s.width / 2.0), s.y + s.height());
    let mut path = Path {
        at: start,
        segments: Vec::new(),
    };
    // Down to the bottom of the source's band.
    let rank_s = p.rank[source];
    path.line_to((start.0, band(rank_s).1));
    // Along the trunk: bend in each gap, straight through each band.
    for (k, &x) in trunk.iter().enumerate() {
        let (top, bottom) = band(rank_s + 1 + k);
        let x = round(MARGIN + x);
        path.bend_to((x, top));
        path.line_to((x, bottom));
    }
    // Into the lane beside the target, down to the row, and in from the side.
    let (side, outward) = if left {
        (t.x, -1.0)
    } else {
        (t.x + t.width, 1.0)
    };
    let lane_x = round(side + outward * (LANE_OFFSET + LANE_STEP * lane as f64));
    let row = t.arg_row_middle(arg);
    if path.at.1 < t.y {
        path.bend_to((lane_x, t.y));
    }
    path.line_to((lane_x, row - CORNER));
    let corner = (lane_x, row);
    path.segments.push([corner, corner, (side, row)]);
    EdgePath {
        source,
        target,
        arg,
        start,
        segments: path.segments,
    }
}

/// A path under construction.
struct Path {
    at: (f64, f64),
    segments: Vec<[(f64, f64); 3]>,
}

impl Path {
    /// A straight segment (a cubic with its control points at its ends).
    fn line_to(&mut self, to: (f64, f64)) {
        if to != self.at {
            self.segments.push([self.at, to, to]);
            self.at = to;
        }
    }

    /// A cubic down to `to`, leaving and arriving vertically (in the gap between bands).
    fn bend_to(&mut self, to: (f64, f64)) {
        let k = round(((to.1 - self.at.1) / 2.0).max(4.0));
        self.segments
            .push([(self.at.0, self.at.1 + k), (to.0, to.1 - k), to]);
        self.at = to;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Dependency, Task};
    use petgraph::graph::NodeIndex;

    fn chain(n: usize) -> TaskGraph {
        let mut g = TaskGraph {
            name: "g".into(),
            ..Default::default()
        };
        let nodes: Vec<_> = (0..n)
            .map(|i| {
                g.graph.add_node(Task {
                    id: format!("task_{i}"),
                    args: vec!["df".into(), "other".into()],
                })
            })
            .collect();
        for w in nodes.windows(2) {
            g.graph.add_edge(w[0], w[1], Dependency { arg: 0 });
        }
        // One long edge, threaded through waypoints.
        if n > 2 {
            g.graph
                .add_edge(nodes[0], nodes[n - 1], Dependency { arg: 1 });
        }
        g
    }

    #[test]
    fn ranks_run_top_to_bottom_without_overlap() {
        let d = layout(&chain(4));
        assert_eq!(d.nodes.len(), 4);
        assert_eq!(d.edges.len(), 4);
        for w in d.nodes.windows(2) {
            assert!(w[1].y >= w[0].y + w[0].height(), "{:?}", d.nodes);
        }
        for e in &d.edges {
            let t = &d.nodes[e.target];
            let end = e.segments.last().unwrap()[2];
            assert!(end.0 == t.x || end.0 == t.x + t.width);
            assert_eq!(end.1, t.arg_row_middle(e.arg));
        }
        // The long edge passes through the two intermediate ranks.
        assert!(d.edges[3].segments.len() >= 4, "{:?}", d.edges[3]);
        assert!(d.width > 0.0 && d.height > d.nodes[3].y);
    }

    /// A star: task 0 feeds argument `i % 2` of every other task.
    fn star(n: usize) -> TaskGraph {
        let mut g = chain(1);
        for i in 1..n {
            let t = g.graph.add_node(Task {
                id: format!("task_{i}"),
                args: vec!["df".into(), "other".into()],
            });
            g.graph
                .add_edge(NodeIndex::new(0), t, Dependency { arg: i % 2 });
        }
        g
    }

    #[test]
    fn routing_work_grows_linearly() {
        // The lanes of all edges come from one pass over the edges; picking each edge's
        // lane by scanning every edge was O(E²) (a star of 4000 would be 4000 per edge).
        for n in [1000, 4000] {
            for (shape, g) in [("chain", chain(n)), ("star", star(n))] {
                work::take();
                let d = layout(&g);
                let size = d.nodes.len() + d.edges.len();
                let w = work::take() as f64 / size as f64;
                assert!(w <= 150.0, "{shape} of {n}: {w:.1} per element");
            }
        }
    }

    #[test]
    fn empty_and_single_graphs() {
        let d = layout(&TaskGraph::default());
        assert!(d.nodes.is_empty() && d.width > 0.0);
        let d = layout(&chain(1));
        assert_eq!(d.nodes.len(), 1);
    }
}
