//! A layered (Sugiyama-style) placement of a DAG, top to bottom, in linear-ish time.
//!
//! 1. **Ranks**: longest path from the sources, then nodes slide towards the side with more
//!    edges (sources sink to just above their first consumer), which shortens edges the way
//!    Graphviz's network simplex tends to; empty ranks are dropped.
//! 2. **Trunks**: all the long edges of one source share one chain of virtual nodes (one per
//!    rank crossed), so a task used by 50 others adds one vertical line, not 50.
//! 3. **Order** within ranks: barycentre sweeps down and up, keeping the order with the
//!    fewest crossings (counted in `O(E log V)` with a Fenwick tree).
//! 4. **x**: alternating passes pull every node towards the mean of its neighbours; each
//!    rank is then solved exactly for "closest to those targets without overlapping" by
//!    isotonic regression (pool adjacent violators).
//!
//! Everything iterates in index order with fixed pass counts: the same input always gives
//! bit-identical output.

use super::work;
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};

/// Ordering sweeps (alternately down and up).
const ORDER_SWEEPS: usize = 24;
/// Coordinate passes (down, up, both, ...).
const X_PASSES: usize = 24;
/// Weight of a virtual node when placing: keeps long edges straight.
const VIRTUAL_WEIGHT: f64 = 4.0;

/// What to place: node sizes, horizontal clearance each side, and edges `source → target`.
#[derive(Clone, Debug, Default)]
pub struct Input {
    pub widths: Vec<f64>,
    pub heights: Vec<f64>,
    /// Space to keep free on each side of a node.
    pub margins: Vec<f64>,
    pub edges: Vec<(usize, usize)>,
    /// Clearance on each side of a virtual node (a vertical line).
    pub virtual_margin: f64,
    /// Vertical space between ranks.
    pub rank_gap: f64,
}

/// Where everything went.
#[derive(Clone, Debug, PartialEq)]
pub struct Placement {
    /// Rank of each node.
    pub rank: Vec<usize>,
    /// Horizontal centre of each node (the leftmost clearance starts at 0).
    pub x: Vec<f64>,
    /// Top and bottom of each rank's band (nodes are top-aligned in their band).
    pub bands: Vec<(f64, f64)>,
    /// Per edge, the x of the virtual node at each rank strictly between its ends (empty for
    /// edges between adjacent ranks, and for edges that do not go down, which only a cyclic
    /// input has).
    pub waypoints: Vec<Vec<f64>>,
}

/// Place the graph.
pub fn place(input: &Input) -> Placement {
    let n = input.widths.len();
    if n == 0 {
        return Placement {
            rank: Vec::new(),
            x: Vec::new(),
            bands: Vec::new(),
            waypoints: vec![Vec::new(); input.edges.len()],
        };
    }
    let order = topological_order(n, &input.edges);
    let mut position = vec![0; n];
    for (i, &v) in order.iter().enumerate() {
        position[v] = i;
    }
    let forward: Vec<bool> = input
        .edges
        .iter()
        .map(|&(s, t)| position[s] < position[t])
        .collect();
    let rank = ranks(n, &input.edges, &forward, &order);
    let mut layers = Layers::build(input, &rank, &forward);
    layers.order();
    let x = layers.x_coordinates(input);
    let bands = bands(input, &rank, layers.ranks.len());
    let waypoints = layers
        .edge_virtuals
        .iter()
        .map(|vs| vs.iter().map(|&v| x[v]).collect())
        .collect();
    Placement {
        rank,
        x: x[..n].to_vec(),
        bands,
        waypoints,
    }
}

/// Kahn's algorithm, smallest index first; nodes on a cycle (never in a valid workflow)
/// follow in index order.
fn topological_order(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    work::add(n + edges.len());
    let mut indegree = vec![0usize; n];
    let mut succs = vec![Vec::new(); n];
    for &(s, t) in edges {
        if s != t {
            indegree[t] += 1;
            succs[s].push(t);
        }
    }
    let mut ready: BinaryHeap<Reverse<usize>> =
        (0..n).filter(|&v| indegree[v] == 0).map(Reverse).collect();
    let mut order = Vec::with_capacity(n);
    let mut placed = vec![false; n];
    while let Some(Reverse(v)) = ready.pop() {
        order.push(v);
        placed[v] = true;
        for &t in &succs[v] {
            indegree[t] -= 1;
            if indegree[t] == 0 {
                ready.push(Reverse(t));
            }
        }
    }
    order.extend((0..n).filter(|&v| !placed[v]));
    order
}

/// Longest-path ranks, balanced, then compacted to `0..k`.
fn ranks(n: usize, edges: &[(usize, usize)], forward: &[bool], order: &[usize]) -> Vec<usize> {
    let mut preds = vec![Vec::new(); n];
    let mut succs = vec![Vec::new(); n];
    for (&(s, t), _) in edges.iter().zip(forward).filter(|(_, f)| **f) {
        preds[t].push(s);
        succs[s].push(t);
    }
    work::add(n + edges.len());
    let mut rank = vec![0usize; n];
    for &v in order {
        rank[v] = preds[v].iter().map(|&p| rank[p] + 1).max().unwrap_or(0);
    }
    // Moving a node down one rank lengthens its in-edges and shortens its out-edges by one
    // each: move nodes with more out- than in-edges down, and the reverse up.
    for _ in 0..8 {
        work::add(2 * (n + edges.len()));
        let mut changed = false;
        for &v in order.iter().rev() {
            if preds[v].len() < succs[v].len() {
                let lowest = succs[v].iter().map(|&t| rank[t]).min().unwrap_or(0);
                if lowest > rank[v] + 1 {
                    rank[v] = lowest - 1;
                    changed = true;
                }
            }
        }
        for &v in order {
            if preds[v].len() > succs[v].len() {
                let highest = preds[v].iter().map(|&p| rank[p] + 1).max().unwrap_or(0);
                if highest < rank[v] {
                    rank[v] = highest;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    work::add(2 * n);
    let used: BTreeSet<usize> = rank.iter().copied().collect();
    let compact: Vec<usize> = {
        let mut map = vec![0; used.iter().next_back().map_or(0, |m| m + 1)];
        for (i, &r) in used.iter().enumerate() {
            map[r] = i;
        }
        map
    };
    rank.iter().map(|&r| compact[r]).collect()
}

/// Top and bottom of each rank's band.
fn bands(input: &Input, rank: &[usize], ranks: usize) -> Vec<(f64, f64)> {
    let mut heights = vec![0.0f64; ranks];
    for (v, &r) in rank.iter().enumerate() {
        heights[r] = heights[r].max(input.heights[v]);
    }
    let mut top = 0.0;
    heights
        .iter()
        .map(|&h| {
            let band = (top, top + h);
            top += h + input.rank_gap;
            band
        })
        .collect()
}

/// The layered graph: real nodes `0..n`, then virtual nodes; edges only between adjacent
/// ranks.
struct Layers {
    /// Nodes of each rank, left to right.
    ranks: Vec<Vec<usize>>,
    rank: Vec<usize>,
    is_virtual: Vec<bool>,
    preds: Vec<Vec<usize>>,
    succs: Vec<Vec<usize>>,
    /// Per input edge, its virtual nodes top to bottom.
    edge_virtuals: Vec<Vec<usize>>,
}

impl Layers {
    fn build(input: &Input, rank: &[usize], forward: &[bool]) -> Self {
        let n = rank.len();
        let mut layer_rank = rank.to_vec();
        let mut trunks: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut links = BTreeSet::new();
        let mut edge_virtuals = Vec::with_capacity(input.edges.len());
        for (&(s, t), &fwd) in input.edges.iter().zip(forward) {
            if !fwd || rank[t] <= rank[s] {
                edge_virtuals.push(Vec::new());
                continue;
            }
            let span = rank[t] - rank[s];
            while trunks[s].len() < span - 1 {
                let above = trunks[s].last().copied().unwrap_or(s);
                let v = layer_rank.len();
                layer_rank.push(rank[s] + trunks[s].len() + 1);
                trunks[s].push(v);
                links.insert((above, v));
            }
            let via = &trunks[s][..span - 1];
            work::add(span);
            links.insert((via.last().copied().unwrap_or(s), t));
            edge_virtuals.push(via.to_vec());
        }
        let total = layer_rank.len();
        work::add(total + links.len());
        let mut preds = vec![Vec::new(); total];
        let mut succs = vec![Vec::new(); total];
        for &(a, b) in &links {
            succs[a].push(b);
            preds[b].push(a);
        }
        let mut ranks = vec![Vec::new(); layer_rank.iter().max().map_or(0, |m| m + 1)];
        for (v, &r) in layer_rank.iter().enumerate() {
            ranks[r].push(v);
        }
        Self {
            ranks,
            rank: layer_rank,
            is_virtual: (0..total).map(|v| v >= n).collect(),
            preds,
            succs,
            edge_virtuals,
        }
    }

    /// Position of every node in its rank, normalised to (0, 1).
    fn relative_positions(&self) -> Vec<f64> {
        let mut pos = vec![0.0; self.rank.len()];
        for layer in &self.ranks {
            set_relative_positions(&mut pos, layer);
        }
        pos
    }

    /// Crossing minimisation by barycentre sweeps; keeps the best order seen.
    fn order(&mut self) {
        // Start from a down sweep so every rank follows the one above.
        let mut best = self.ranks.clone();
        let mut best_crossings = usize::MAX;
        // Kept up to date rank by rank: recomputing every rank's positions before each
        // rank's sort would cost O(ranks × nodes) per sweep.
        let mut pos = self.relative_positions();
        for sweep in 0..ORDER_SWEEPS {
            let down = sweep % 2 == 0;
            let count = self.ranks.len();
            let rows: Vec<usize> = if down {
                (1..count).collect()
            } else {
                (0..count.saturating_sub(1)).rev().collect()
            };
            for r in rows {
                let neighbours = if down { &self.preds } else { &self.succs };
                let mut keyed: Vec<(f64, usize)> = self.ranks[r]
                    .iter()
                    .map(|&v| {
                        let ns = &neighbours[v];
                        work::add(1 + ns.len());
                        let key = if ns.is_empty() {
                            pos[v]
                        } else {
                            ns.iter().map(|&u| pos[u]).sum::<f64>() / ns.len() as f64
                        };
                        (key, v)
                    })
                    .collect();
                keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
                self.ranks[r] = keyed.into_iter().map(|(_, v)| v).collect();
                set_relative_positions(&mut pos, &self.ranks[r]);
            }
            let crossings = self.crossings();
            if crossings < best_crossings {
                work::add(self.rank.len());
                best_crossings = crossings;
                best = self.ranks.clone();
            }
            if crossings == 0 {
                break;
            }
        }
        self.ranks = best;
    }

    /// Total number of edge crossings between adjacent ranks.
    fn crossings(&self) -> usize {
        work::add(self.rank.len());
        let mut index = vec![0usize; self.rank.len()];
        for layer in &self.ranks {
            for (i, &v) in layer.iter().enumerate() {
                index[v] = i;
            }
        }
        let mut total = 0;
        for r in 0..self.ranks.len().saturating_sub(1) {
            let mut pairs: Vec<(usize, usize)> = self.ranks[r]
                .iter()
                .flat_map(|&u| self.succs[u].iter().map(move |&v| (u, v)))
                .map(|(u, v)| (index[u], index[v]))
                .collect();
            pairs.sort_unstable();
            work::add(pairs.len() + self.ranks[r + 1].len());
            // Count pairs (i < j) with v_i > v_j: for each edge, the earlier edges ending
            // to its right.
            let mut tree = Fenwick::new(self.ranks[r + 1].len());
            for (seen, &(_, v)) in pairs.iter().enumerate() {
                total += seen - tree.prefix_sum(v + 1);
                tree.add(v);
            }
        }
        total
    }

    /// Horizontal centres of all nodes (real and virtual).
    fn x_coordinates(&self, input: &Input) -> Vec<f64> {
        let total = self.rank.len();
        work::add(total);
        let width = |v: usize| {
            if self.is_virtual[v] {
                0.0
            } else {
                input.widths[v]
            }
        };
        let margin = |v: usize| {
            if self.is_virtual[v] {
                input.virtual_margin
            } else {
                input.margins[v]
            }
        };
        let weight = |v: usize| {
            if self.is_virtual[v] {
                VIRTUAL_WEIGHT
            } else {
                1.0
            }
        };
        let seps: Vec<Vec<f64>> = self
            .ranks
            .iter()
            .map(|layer| {
                layer
                    .windows(2)
                    .map(|w| (width(w[0]) + width(w[1])) / 2.0 + margin(w[0]) + margin(w[1]))
                    .collect()
            })
            .collect();
        let mut x = vec![0.0; total];
        for (layer, sep) in self.ranks.iter().zip(&seps) {
            let mut at = 0.0;
            for (i, &v) in layer.iter().enumerate() {
                if i > 0 {
                    at += sep[i - 1];
                }
                x[v] = at;
            }
        }
        let count = self.ranks.len();
        for pass in 0..X_PASSES {
            let (rows, use_preds, use_succs): (Vec<usize>, bool, bool) = match pass % 3 {
                0 => ((1..count).collect(), true, false),
                1 => ((0..count.saturating_sub(1)).rev().collect(), false, true),
                _ => ((0..count).collect(), true, true),
            };
            for r in rows {
                let layer = &self.ranks[r];
                let desired: Vec<f64> = layer
                    .iter()
                    .map(|&v| {
                        work::add(1 + self.preds[v].len() + self.succs[v].len());
                        let mut sum = 0.0;
                        let mut k = 0usize;
                        for &u in use_preds
                            .then_some(&self.preds[v])
                            .into_iter()
                            .chain(use_succs.then_some(&self.succs[v]))
                            .flatten()
                        {
                            sum += x[u];
                            k += 1;
                        }
                        if k == 0 { x[v] } else { sum / k as f64 }
                    })
                    .collect();
                let weights: Vec<f64> = layer.iter().map(|&v| weight(v)).collect();
                let placed = closest_non_overlapping(&desired, &seps[r], &weights);
                for (&v, p) in layer.iter().zip(placed) {
                    x[v] = p;
                }
            }
        }
        // Start at zero: the leftmost clearance of any node.
        let left = (0..total)
            .map(|v| x[v] - width(v) / 2.0 - margin(v))
            .fold(f64::INFINITY, f64::min);
        x.iter().map(|&v| v - left).collect()
    }
}

/// The position of each node of `layer` in it, normalised to (0, 1).
fn set_relative_positions(pos: &mut [f64], layer: &[usize]) {
    work::add(layer.len());
    let len = layer.len() as f64;
    for (i, &v) in layer.iter().enumerate() {
        pos[v] = (i as f64 + 0.5) / len;
    }
}

/// The positions `x` minimising `Σ wᵢ (xᵢ − desiredᵢ)²` subject to
/// `xᵢ₊₁ − xᵢ ≥ sepᵢ`: with `yᵢ = xᵢ − Σⱼ<ᵢ sepⱼ` this is isotonic regression, solved
/// exactly by pooling adjacent violators.
pub fn closest_non_overlapping(desired: &[f64], sep: &[f64], weight: &[f64]) -> Vec<f64> {
    let n = desired.len();
    work::add(n);
    let mut offset = vec![0.0; n];
    for i in 1..n {
        offset[i] = offset[i - 1] + sep[i - 1];
    }
    // Blocks of pooled values: (first index, total weight, weighted sum).
    let mut blocks: Vec<(usize, f64, f64)> = Vec::with_capacity(n);
    for i in 0..n {
        blocks.push((i, weight[i], weight[i] * (desired[i] - offset[i])));
        while blocks.len() >= 2 {
            let (b, a) = (blocks[blocks.len() - 1], blocks[blocks.len() - 2]);
            if a.2 / a.1 > b.2 / b.1 {
                blocks.pop();
                let last = blocks.len() - 1;
                blocks[last] = (a.0, a.1 + b.1, a.2 + b.2);
            } else {
                break;
            }
        }
    }
    let mut out = vec![0.0; n];
    for (k, &(start, w, s)) in blocks.iter().enumerate() {
        let end = blocks.get(k + 1).map_or(n, |b| b.0);
        for i in start..end {
            out[i] = s / w + offset[i];
        }
    }
    out
}

/// A Fenwick (binary indexed) tree counting inserted positions.
struct Fenwick(Vec<usize>);

impl Fenwick {
    fn new(n: usize) -> Self {
        Self(vec![0; n + 1])
    }
    fn add(&mut self, i: usize) {
        let mut i = i + 1;
        while i < self.0.len() {
            self.0[i] += 1;
            i += i & i.wrapping_neg();
        }
    }
    /// How many inserted positions are `< i`.
    fn prefix_sum(&self, i: usize) -> usize {
        let (mut i, mut sum) = (i, 0);
        while i > 0 {
            sum += self.0[i];
            i -= i & i.wrapping_neg();
        }
        sum
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(n: usize, edges: &[(usize, usize)]) -> Input {
        Input {
            widths: vec![100.0; n],
            heights: vec![40.0; n],
            margins: vec![10.0; n],
            edges: edges.to_vec(),
            virtual_margin: 4.0,
            rank_gap: 30.0,
        }
    }

    #[test]
    fn isotonic_placement_keeps_order_and_separation() {
        let x = closest_non_overlapping(&[0.0, 0.0, 0.0], &[10.0, 10.0], &[1.0, 1.0, 1.0]);
        assert_eq!(x, [-10.0, 0.0, 10.0]);
        let x = closest_non_overlapping(&[0.0, 100.0], &[10.0], &[1.0, 1.0]);
        assert_eq!(x, [0.0, 100.0]);
        let x = closest_non_overlapping(&[5.0, 0.0], &[10.0], &[3.0, 1.0]);
        assert_eq!(x, [1.25, 11.25]);
    }

    #[test]
    fn ranks_sink_sources_next_to_their_consumers() {
        // 0 → 1 → 2 → 3, and 4 (a source) feeds only 3.
        let p = place(&input(5, &[(0, 1), (1, 2), (2, 3), (4, 3)]));
        assert_eq!(p.rank, [0, 1, 2, 3, 2]);
        assert!(p.waypoints.iter().all(Vec::is_empty));
        for (&(s, t), _) in [(0, 1), (1, 2), (2, 3), (4, 3)].iter().zip(0..) {
            assert!(p.rank[t] > p.rank[s]);
        }
    }

    #[test]
    fn long_edges_of_one_source_share_a_trunk() {
        // 0 feeds 1, 2, 3 at ranks 1, 2, 3 (1 → 2 → 3).
        let p = place(&input(4, &[(0, 1), (1, 2), (2, 3), (0, 2), (0, 3)]));
        assert_eq!(p.rank, [0, 1, 2, 3]);
        assert_eq!(p.waypoints[3].len(), 1);
        assert_eq!(p.waypoints[4].len(), 2);
        assert_eq!(p.waypoints[3][0], p.waypoints[4][0], "shared trunk");
    }

    #[test]
    fn no_overlap_within_a_rank_and_crossings_removed() {
        // Two sources, each with two children, given crossed.
        let p = place(&input(6, &[(0, 3), (1, 2), (0, 5), (1, 4)]));
        let mut by_rank: Vec<Vec<(f64, usize)>> = vec![Vec::new(); 2];
        for v in 0..6 {
            by_rank[p.rank[v]].push((p.x[v], v));
        }
        for row in &mut by_rank {
            row.sort_by(|a, b| a.0.total_cmp(&b.0));
            for w in row.windows(2) {
                assert!(w[1].0 - w[0].0 >= 120.0 - 1e-9, "{row:?}");
            }
        }
        // Children of the same parent end up side by side.
        let order: Vec<usize> = by_rank[1].iter().map(|p| p.1).collect();
        let parent = |c: usize| if c == 3 || c == 5 { 0 } else { 1 };
        assert_eq!(parent(order[0]), parent(order[1]), "{order:?}");
        assert_eq!(p.bands, [(0.0, 40.0), (70.0, 110.0)]);
    }

    /// Shapes of graphs with `n` nodes: a chain (one node per rank), a wide random DAG
    /// like `scripts/synthetic-spec.py`'s (each node uses one of the 50 before it), a star
    /// (one rank of `n - 1` consumers), a fan-in (`n - 1` sources, one sink).
    fn shapes(n: usize) -> [(&'static str, Vec<(usize, usize)>); 4] {
        let synthetic = (1..n).map(|i| (i - 1 - ((i * 2_654_435_761) >> 11) % i.min(50), i));
        [
            ("chain", (1..n).map(|i| (i - 1, i)).collect()),
            ("synthetic", synthetic.collect()),
            ("star", (1..n).map(|i| (0, i)).collect()),
            ("fan-in", (1..n).map(|i| (i - 1, n - 1)).collect()),
        ]
    }

    /// The layout's work per node, edge and virtual node placed.
    fn work_per_element(n: usize, edges: &[(usize, usize)]) -> f64 {
        work::take();
        let p = place(&input(n, edges));
        let size = n + edges.len() + p.waypoints.iter().map(Vec::len).sum::<usize>();
        work::take() as f64 / size as f64
    }

    #[test]
    fn work_grows_linearly_with_the_graph() {
        // Each pass visits every node and edge a bounded number of times, so the work per
        // element is bounded by the pass counts, whatever the size; an O(ranks × nodes)
        // step (a chain of 4000 has 4000 ranks) would be thousands of times larger.
        let bound = 4.0 * (ORDER_SWEEPS + X_PASSES + 8) as f64;
        for n in [1000, 4000] {
            for (shape, edges) in shapes(n) {
                let w = work_per_element(n, &edges);
                assert!(
                    w <= bound,
                    "{shape} of {n}: {w:.1} per element (bound {bound})"
                );
                eprintln!("{shape} {n}: {w:.1}");
            }
        }
    }

    #[test]
    fn deterministic_and_total() {
        let edges: Vec<(usize, usize)> = (0..60)
            .flat_map(|i| [(i, i + 1), (i / 3, i + 2)])
            .filter(|&(s, t)| s < t)
            .collect();
        let a = place(&input(62, &edges));
        assert_eq!(a, place(&input(62, &edges)));
        assert!(a.x.iter().all(|x| x.is_finite() && *x >= 0.0));
        // A cycle (never produced by a valid spec) still places every node.
        let c = place(&input(3, &[(0, 1), (1, 2), (2, 0)]));
        assert_eq!(c.x.len(), 3);
        assert_eq!(place(&input(0, &[])).x.len(), 0);
    }
}
