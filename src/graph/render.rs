//! [`Drawing`] → `graph.svg` (our own SVG writer), the labels and colours both images use,
//! and the PNG size rules (the raster itself is [`super::raster`]).
//!
//! The SVG is deterministic: coordinates are rounded in the drawing and it is written in a
//! fixed order; text is set in DejaVu Sans, the font the PNG embeds.

use super::TaskGraph;
use super::font::FAMILY;
use super::layout::{Drawing, EdgePath, FONT_SIZE, NodeBox, ROW_HEIGHT};
use std::fmt::Write;

/// Pixels per CSS pixel of the PNG when the graph is small enough (crisp on high-density
/// screens).
pub const PNG_SCALE: f64 = 1.5;
/// Upper bound of the PNG's width and height, px; larger graphs are scaled down.
pub const PNG_MAX_SIDE: u32 = 8192;
/// Upper bound of the PNG's area, px (4000 × 4000): bounds memory and rendering time.
pub const PNG_MAX_PIXELS: f64 = 16.0e6;

/// Header row background (Graphviz's `grey`).
pub(super) const HEADER_FILL: &str = "#c0c0c0";
/// Edge colours, by source task (so the edges of one task are easy to follow).
pub(super) const EDGE_COLOURS: [&str; 8] = [
    "#1f5f99", "#b35900", "#2e7d32", "#a12b2b", "#6a3d9a", "#00796b", "#8d6e00", "#5d4037",
];

/// The SVG document of a laid-out graph. Each task is a `<g class="node">` with a
/// `<title>` of its id; each dependency a `<path class="edge">` with `data-source`,
/// `data-target` and `data-arg` attributes.
pub fn svg(g: &TaskGraph, d: &Drawing) -> String {
    let mut out = String::with_capacity(1024 + d.nodes.len() * 900 + d.edges.len() * 300);
    let _ = writeln!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" font-family=\"{FAMILY}\" font-size=\"{FONT_SIZE}\">",
        w = d.width,
        h = d.height,
    );
    let _ = writeln!(out, "<title>{}</title>", escape(&g.name));
    out.push_str("<defs>\n");
    for (i, colour) in EDGE_COLOURS.iter().enumerate() {
        let _ = writeln!(
            out,
            "<marker id=\"arrow{i}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" \
             markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">\
             <path d=\"M0,0L10,5L0,10z\" fill=\"{colour}\"/></marker>"
        );
    }
    out.push_str("</defs>\n");
    out.push_str("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    out.push_str("<g class=\"edges\" fill=\"none\" stroke-width=\"1.2\">\n");
    for e in &d.edges {
        edge(&mut out, d, e);
    }
    out.push_str("</g>\n<g class=\"nodes\">\n");
    for n in &d.nodes {
        node(&mut out, n);
    }
    out.push_str("</g>\n</svg>\n");
    out
}

fn edge(out: &mut String, d: &Drawing, e: &EdgePath) {
    let colour = e.source % EDGE_COLOURS.len();
    let (s, t) = (&d.nodes[e.source], &d.nodes[e.target]);
    let _ = write!(
        out,
        "<path class=\"edge\" data-source=\"{}\" data-target=\"{}\" data-arg=\"{}\" \
         stroke=\"{}\" marker-end=\"url(#arrow{colour})\" d=\"M{} {}",
        escape(&s.id),
        escape(&t.id),
        escape(&t.args[e.arg]),
        EDGE_COLOURS[colour],
        e.start.0,
        e.start.1,
    );
    let mut at = e.start;
    for &[c1, c2, p] in &e.segments {
        if c1 == at && c2 == p {
            let _ = write!(out, "L{} {}", p.0, p.1);
        } else {
            let _ = write!(out, "C{} {} {} {} {} {}", c1.0, c1.1, c2.0, c2.1, p.0, p.1);
        }
        at = p;
    }
    out.push_str("\"/>\n");
}

fn node(out: &mut String, n: &NodeBox) {
    let (x, y, w, h) = (n.x, n.y, n.width, n.height());
    let _ = writeln!(
        out,
        "<g class=\"node\" id=\"task-{id}\"><title>{id}</title>\n\
         <rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"#ffffff\" stroke=\"#000000\"/>\n\
         <rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{ROW_HEIGHT}\" fill=\"{HEADER_FILL}\" stroke=\"#000000\"/>",
        id = escape(&n.id),
    );
    // Row separators between arguments and before `return`.
    for row in 2..n.args.len() + 2 {
        let ry = y + ROW_HEIGHT * row as f64;
        let _ = writeln!(
            out,
            "<path d=\"M{x} {ry}h{w}\" stroke=\"#000000\" stroke-width=\"0.6\"/>"
        );
    }
    for label in node_labels(n) {
        let style = if label.italic {
            " font-style=\"italic\""
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\"{style}>{}</text>",
            label.x,
            label.y,
            escape(&label.text)
        );
    }
    out.push_str("</g>\n");
}

/// One line of text, centred on `x` with its baseline at `y` (CSS px).
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub text: String,
    pub x: f64,
    pub y: f64,
    pub italic: bool,
}

/// A table's labels: the id, each argument, an italic `return`.
pub fn node_labels(n: &NodeBox) -> Vec<Label> {
    let cx = n.x + n.width / 2.0;
    let baseline = |row: usize| n.y + ROW_HEIGHT * row as f64 + ROW_HEIGHT / 2.0 + FONT_SIZE * 0.36;
    let label = |row: usize, text: &str, italic: bool| Label {
        text: text.to_string(),
        x: cx,
        y: baseline(row),
        italic,
    };
    let mut out = vec![label(0, &n.id, false)];
    out.extend(
        n.args
            .iter()
            .enumerate()
            .map(|(i, a)| label(i + 1, a, false)),
    );
    out.push(label(n.args.len() + 1, "return", true));
    out
}

/// Every label of the drawing.
pub fn labels(d: &Drawing) -> impl Iterator<Item = Label> + '_ {
    d.nodes.iter().flat_map(node_labels)
}

/// XML text/attribute escaping.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The scale from CSS pixels to PNG pixels for a drawing of `width` × `height`.
pub fn png_scale(width: f64, height: f64) -> f64 {
    let side = f64::from(PNG_MAX_SIDE);
    PNG_SCALE
        .min(side / width.max(1.0))
        .min(side / height.max(1.0))
        .min((PNG_MAX_PIXELS / (width * height).max(1.0)).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_caps_side_and_area() {
        assert_eq!(png_scale(100.0, 100.0), PNG_SCALE);
        assert!(png_scale(20000.0, 100.0) * 20000.0 <= f64::from(PNG_MAX_SIDE));
        let s = png_scale(9000.0, 9000.0);
        assert!(9000.0 * 9000.0 * s * s <= PNG_MAX_PIXELS * 1.0001);
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("a<b&\"c'>"), "a&lt;b&amp;&quot;c&apos;&gt;");
    }
}
