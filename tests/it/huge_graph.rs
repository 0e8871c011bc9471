//! The graph images of a spec of thousands of tasks (`scripts/synthetic-spec.py`): the
//! PNG is scaled down to its size cap, drawn without labels once they would be under
//! 3 px (tables and edges only), and byte-for-byte reproducible like every other graph.

use crate::support::*;
use crate::synthetic_spec::generate;
use wtc::graph::layout::FONT_SIZE;
use wtc::graph::render::{PNG_MAX_PIXELS, PNG_MAX_SIDE};

/// `graph.svg` and `graph.png` of `spec`, compiled in a fresh workspace.
fn images(spec: &str) -> (String, Vec<u8>) {
    let ws = Workspace::with_examples(&[]);
    ws.write("big/spec.yaml", spec);
    ws.wtc([
        "compile",
        "big/spec.yaml",
        "--registry",
        "registry.json",
        "-q",
    ])
    .output()
    .ok();
    let dir = "big/wt-synthetic-scale-workflow";
    let png = std::fs::read(ws.root.join(dir).join("graph.png")).unwrap();
    (ws.read(&format!("{dir}/graph.svg")), png)
}

#[test]
fn thousands_of_tasks_fit_the_cap_without_labels_and_reproducibly() {
    let Some(python) = venv_python() else {
        eprintln!("skipped: no venv Python (run scripts/setup-venv.sh)");
        return;
    };
    let spec = generate(&python, "0.3");
    let tasks = spec.matches("- id: t").count();
    assert!(tasks > 2000, "{tasks} tasks");
    let (svg, png) = images(&spec);
    assert_eq!(svg.matches("<g class=\"node\"").count(), tasks);
    assert!(png == images(&spec).1, "graph.png is not reproducible");

    let mut reader = png::Decoder::new(std::io::Cursor::new(&png))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert!(info.width <= PNG_MAX_SIDE && info.height <= PNG_MAX_SIDE);
    assert!(f64::from(info.width) * f64::from(info.height) <= PNG_MAX_PIXELS * 1.001);
    let svg_width: f64 = svg
        .split("width=\"")
        .nth(1)
        .and_then(|w| w.split('"').next())
        .and_then(|w| w.parse().ok())
        .unwrap();
    let scale = f64::from(info.width) / svg_width;
    assert!(FONT_SIZE * scale < 3.0, "labels would be readable: {scale}");
    // The tables are drawn all the same: a grey header each (their outlines, a fraction
    // of a pixel wide, are only light grey at this scale).
    let grey = buf[..info.buffer_size()]
        .chunks(info.color_type.samples())
        .filter(|p| p[..3].iter().all(|&c| (184..=200).contains(&c)))
        .count();
    assert!(grey > 10 * tasks, "{grey} grey pixels for {tasks} tasks");
}
