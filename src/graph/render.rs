//! [`Drawing`] → `graph.svg` (our own SVG writer) → `graph.png` (resvg + tiny-skia).
//!
//! Both are pure and deterministic: coordinates are rounded in the drawing, the SVG is
//! written in a fixed order, text is set in the embedded DejaVu Sans (never a system font),
//! and the PNG is encoded with fixed settings (no timestamps or other metadata).

use super::TaskGraph;
use super::font::{self, FAMILY};
use super::layout::{Drawing, EdgePath, FONT_SIZE, NodeBox, ROW_HEIGHT};
use resvg::tiny_skia;
use resvg::usvg;
use std::fmt::Write;

/// Pixels per CSS pixel of the PNG when the graph is small enough (crisp on high-density
/// screens).
pub const PNG_SCALE: f64 = 1.5;
/// Upper bound of the PNG's width and height, px; larger graphs are scaled down.
pub const PNG_MAX_SIDE: u32 = 8192;
/// Upper bound of the PNG's area, px (4000 × 4000): bounds memory and rendering time.
pub const PNG_MAX_PIXELS: f64 = 16.0e6;

/// Header row background (Graphviz's `grey`).
const HEADER_FILL: &str = "#c0c0c0";
/// Edge colours, by source task (so the edges of one task are easy to follow).
const EDGE_COLOURS: [&str; 8] = [
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
    let cx = x + w / 2.0;
    let baseline = |row: usize| y + ROW_HEIGHT * row as f64 + ROW_HEIGHT / 2.0 + FONT_SIZE * 0.36;
    let _ = writeln!(
        out,
        "<text x=\"{cx}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
        baseline(0),
        escape(&n.id)
    );
    for (i, arg) in n.args.iter().enumerate() {
        let _ = writeln!(
            out,
            "<text x=\"{cx}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            baseline(i + 1),
            escape(arg)
        );
    }
    let _ = writeln!(
        out,
        "<text x=\"{cx}\" y=\"{}\" text-anchor=\"middle\" font-style=\"italic\">return</text>\n</g>",
        baseline(n.args.len() + 1),
    );
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

/// Rasterise an SVG written by [`svg`] to PNG bytes (8-bit RGBA, opaque).
pub fn png(svg: &str) -> Result<Vec<u8>, String> {
    let options = usvg::Options {
        fontdb: font::database(),
        font_family: FAMILY.to_string(),
        ..Default::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| e.to_string())?;
    let size = tree.size();
    let (w, h) = (f64::from(size.width()), f64::from(size.height()));
    let scale = png_scale(w, h);
    let (pw, ph) = (
        ((w * scale).ceil() as u32).clamp(1, PNG_MAX_SIDE),
        ((h * scale).ceil() as u32).clamp(1, PNG_MAX_SIDE),
    );
    let mut pixmap = tiny_skia::Pixmap::new(pw, ph).ok_or("empty image")?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale as f32, scale as f32),
        &mut pixmap.as_mut(),
    );
    // Opaque (white background), so premultiplied RGBA is plain RGBA.
    let mut bytes = Vec::with_capacity(pixmap.data().len() / 16);
    let mut encoder = png::Encoder::new(&mut bytes, pw, ph);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer
        .write_image_data(pixmap.data())
        .map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(bytes)
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
