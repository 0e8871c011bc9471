//! `graph.dot`, `graph.svg` and `graph.png` of the examples and of large corpus specs.
//!
//! The DOT text itself is checked against the reference in `tests/it/corpus.rs` and
//! snapshotted in `tests/it/snapshots.rs`; here it is the oracle: the SVG must have one
//! labelled node per DOT node and one edge per DOT edge, the PNG must decode to a sensibly
//! sized, non-blank picture, both must be byte-for-byte reproducible, and the built-in
//! layout must keep nodes apart and edges out of the tables.

use crate::support::*;
use camino::Utf8PathBuf;
use resvg::usvg::roxmltree;
use std::collections::BTreeMap;
use wtc::artifacts::graph::graph_drawing;
use wtc::db::Database;
use wtc::graph::layout::Drawing;
use wtc::graph::render::{PNG_MAX_PIXELS, PNG_MAX_SIDE, png_scale};

/// Nodes `(id, ports)` and edges `(source, target, arg)` read back from `graph.dot`.
struct Dot {
    nodes: Vec<(String, Vec<String>)>,
    edges: Vec<(String, String, String)>,
}

fn parse_dot(dot: &str) -> Dot {
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    for line in dot.lines() {
        if let Some((id, label)) = line.split_once(" [shape=none, label=") {
            let ports = label
                .split("port='")
                .skip(2) // the header port is the id itself
                .map(|p| p.split('\'').next().unwrap().to_string())
                .filter(|p| p != "return")
                .collect();
            nodes.push((id.trim_matches('"').to_string(), ports));
        } else if let Some((ends, _)) = line.split_once(" [dir=forward") {
            let (from, to) = ends.split_once(" -- ").unwrap();
            let (source, _) = from.split_once(':').unwrap();
            let (target, arg) = to.split_once(':').unwrap();
            edges.push((
                source.trim_matches('"').to_string(),
                target.trim_matches('"').to_string(),
                arg.trim_matches('"').to_string(),
            ));
        }
    }
    Dot { nodes, edges }
}

/// The SVG has exactly one labelled table per task and one edge per dependency.
fn check_svg(name: &str, svg: &str, dot: &Dot) -> (f64, f64) {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{name}: {e}"));
    let root = doc.root_element();
    let size = |attr| root.attribute(attr).unwrap().parse::<f64>().unwrap();
    let (width, height) = (size("width"), size("height"));
    assert!(width > 0.0 && height > 0.0, "{name}");
    let class = |n: &roxmltree::Node, c| n.attribute("class") == Some(c);

    let mut nodes = BTreeMap::new();
    for g in doc
        .descendants()
        .filter(|n| n.has_tag_name("g") && class(n, "node"))
    {
        let title = g
            .children()
            .find(|c| c.has_tag_name("title"))
            .and_then(|t| t.text())
            .unwrap_or_else(|| panic!("{name}: node without a title"));
        let labels: Vec<&str> = g
            .children()
            .filter(|c| c.has_tag_name("text"))
            .filter_map(|t| t.text())
            .collect();
        assert!(
            nodes.insert(title.to_string(), labels).is_none(),
            "{name}: node {title} twice"
        );
    }
    assert_eq!(nodes.len(), dot.nodes.len(), "{name}: one node per task");
    for (id, ports) in &dot.nodes {
        let labels = nodes
            .get(id)
            .unwrap_or_else(|| panic!("{name}: no node for task {id}"));
        let mut want = vec![id.as_str()];
        want.extend(ports.iter().map(String::as_str));
        want.push("return");
        assert_eq!(labels, &want, "{name}: labels of {id}");
    }

    let mut got: Vec<(String, String, String)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("path") && class(n, "edge"))
        .map(|p| {
            let a = |k| p.attribute(k).unwrap().to_string();
            assert!(p.attribute("d").is_some_and(|d| d.starts_with('M')));
            (a("data-source"), a("data-target"), a("data-arg"))
        })
        .collect();
    let mut want = dot.edges.clone();
    got.sort();
    want.sort();
    assert_eq!(got, want, "{name}: one edge per dependency");
    (width, height)
}

/// The PNG decodes, has the expected (capped) size and shows a drawing.
fn check_png(name: &str, png: &[u8], svg_size: (f64, f64)) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder
        .read_info()
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let scale = png_scale(svg_size.0, svg_size.1);
    assert_eq!(
        (info.width, info.height),
        (
            (svg_size.0 * scale).ceil() as u32,
            (svg_size.1 * scale).ceil() as u32
        ),
        "{name}: PNG size"
    );
    assert!(info.width <= PNG_MAX_SIDE && info.height <= PNG_MAX_SIDE);
    assert!(f64::from(info.width) * f64::from(info.height) <= PNG_MAX_PIXELS * 1.001);
    let channels = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(channels).collect();
    let dark = pixels
        .iter()
        .filter(|p| p[..3].iter().all(|&c| c < 90))
        .count();
    let grey = pixels
        .iter()
        .filter(|p| p[..3].iter().all(|&c| (184..=200).contains(&c)))
        .count();
    let non_white = pixels.iter().filter(|p| p[..3] != [255, 255, 255]).count();
    let total = pixels.len();
    assert!(
        dark * 200 > total,
        "{name}: too little ink ({dark} of {total})"
    );
    assert!(
        grey * 100 > total,
        "{name}: no header rows ({grey} of {total})"
    );
    assert!(
        non_white * 2 < total,
        "{name}: mostly ink ({non_white} of {total})"
    );
}

/// Tables do not overlap, and no edge passes through a table (sampled along each curve).
fn check_geometry(name: &str, d: &Drawing) {
    let inside = |n: &wtc::graph::layout::NodeBox, (x, y): (f64, f64)| {
        x > n.x + 0.5 && x < n.x + n.width - 0.5 && y > n.y + 0.5 && y < n.y + n.height() - 0.5
    };
    for (i, a) in d.nodes.iter().enumerate() {
        assert!(a.x >= 0.0 && a.y >= 0.0, "{name}: {} off the canvas", a.id);
        assert!(a.x + a.width <= d.width && a.y + a.height() <= d.height);
        for b in &d.nodes[i + 1..] {
            let apart = a.x + a.width <= b.x
                || b.x + b.width <= a.x
                || a.y + a.height() <= b.y
                || b.y + b.height() <= a.y;
            assert!(apart, "{name}: {} overlaps {}", a.id, b.id);
        }
    }
    for e in &d.edges {
        let mut at = e.start;
        for &[c1, c2, p] in &e.segments {
            for k in 0..=16 {
                let t = f64::from(k) / 16.0;
                let u = 1.0 - t;
                let point = (
                    u * u * u * at.0
                        + 3.0 * u * u * t * c1.0
                        + 3.0 * u * t * t * c2.0
                        + t * t * t * p.0,
                    u * u * u * at.1
                        + 3.0 * u * u * t * c1.1
                        + 3.0 * u * t * t * c2.1
                        + t * t * t * p.1,
                );
                if let Some(n) = d.nodes.iter().find(|n| inside(n, point)) {
                    panic!(
                        "{name}: edge {} → {} crosses {} at {point:?}",
                        d.nodes[e.source].id, d.nodes[e.target].id, n.id
                    );
                }
            }
            at = p;
        }
    }
}

/// Compile in a fresh database and return `(dot, svg, png, drawing)`.
fn render(
    spec: &Utf8PathBuf,
    registry: &str,
    args: &CompileArgs,
) -> (String, String, Vec<u8>, Drawing) {
    let db = Database::default();
    let text = std::fs::read_to_string(spec).unwrap();
    let (wf, compiled) = compile(&db, spec, &text, registry, vec![], args);
    assert!(
        compiled.package.is_some(),
        "{}",
        rendered_diagnostics(&compiled, "spec.yaml", &text)
    );
    let pkg = compiled.package.as_ref().unwrap();
    let names: Vec<&str> = pkg.files.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(&names[..3], ["graph.dot", "graph.svg", "graph.png"]);
    (
        file(&compiled, "graph.dot").to_string(),
        file(&compiled, "graph.svg").to_string(),
        bytes(&compiled, "graph.png").to_vec(),
        graph_drawing(&db, wf).as_ref().clone(),
    )
}

fn check_spec(name: &str, spec: &Utf8PathBuf, registry: &str, args: &CompileArgs) {
    let (dot, svg, png, drawing) = render(spec, registry, args);
    let parsed = parse_dot(&dot);
    let size = check_svg(name, &svg, &parsed);
    check_png(name, &png, size);
    check_geometry(name, &drawing);
    // Same input, fresh database: the same bytes.
    let (dot2, svg2, png2, _) = render(spec, registry, args);
    assert!(
        dot == dot2 && svg == svg2,
        "{name}: DOT/SVG not deterministic"
    );
    assert!(png == png2, "{name}: PNG not deterministic");
}

#[test]
fn example_graphs() {
    let registry = std::fs::read_to_string(repo().join("examples/registry.json")).unwrap();
    for example in EXAMPLES {
        let spec = repo().join("examples").join(example).join("spec.yaml");
        check_spec(example, &spec, &registry, &CompileArgs::default());
    }
}

/// The largest corpus specs: 157 tasks (ops-dashboard) and 419 (ew-mnc-overall-report).
#[test]
fn large_corpus_graphs() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("skipped: set WTC_CORPUS to render the large corpus graphs");
        return;
    };
    for name in ["ops-dashboard", "ew-mnc-overall-report"] {
        let dir = corpus.join(name);
        let registry = std::fs::read_to_string(dir.join("fixture/registry.json")).unwrap();
        let args = CompileArgs::parse(
            &std::fs::read_to_string(dir.join("compile-args")).unwrap_or_default(),
        );
        check_spec(name, &dir.join("spec.yaml"), &registry, &args);
    }
}
