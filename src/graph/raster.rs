//! `graph.png`: the drawing rasterised.
//!
//! The image is cut into horizontal bands of [`BAND_ROWS`] rows, rendered in parallel;
//! each band draws only the shapes and glyphs that reach into it (an edge is stroked
//! once per band it crosses, not once per band of the image), then filters and deflates
//! its own rows ([`super::png_file`]), so no whole-image buffer exists and the encoding is
//! parallel too. The shapes are those of [`super::render::svg`] (same geometry, colours,
//! stroke widths and arrowheads: SVG marker semantics, `markerUnits="strokeWidth"`), drawn
//! anti-aliased by [`super::canvas`]: tables as rectangles of exact area coverage, edges
//! flattened once into polylines and stroked, so a band touches only the pixels with ink
//! and the white background costs nothing.
//!
//! The labels are drawn from a glyph cache: each distinct glyph of the embedded DejaVu
//! Sans is rasterised once per quarter-pixel horizontal offset (tiny-skia, anti-aliased)
//! and then composited wherever it occurs. Baselines are snapped to whole pixels. Same
//! font, positions and metrics as the SVG; no kerning (as in the layout's metrics).
//!
//! Everything is deterministic: the cache is only looked up, never iterated, a pixel is
//! computed in image coordinates whatever band draws it, bands are joined in order, and
//! the PNG has fixed settings and no metadata.

use super::TaskGraph;
use super::canvas::{Canvas, Rect, Rgb};
use super::font;
use super::layout::{Drawing, EdgePath, FONT_SIZE, NodeBox, ROW_HEIGHT};
use super::png_file::{self, Part};
use super::render::{self, EDGE_COLOURS, HEADER_FILL, PNG_MAX_SIDE, png_scale};
use resvg::tiny_skia::{FillRule, Mask, PathBuilder, Transform};
use skrifa::instance::{LocationRef, Size};
use skrifa::outline::{DrawSettings, OutlinePen};
use skrifa::{FontRef, GlyphId, MetadataProvider};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};

/// Rows per band (with the row above it, which the `Up` filter needs).
const BAND_ROWS: u32 = 128;

/// Horizontal sub-pixel positions per pixel.
const SUBPIXELS: f32 = 4.0;

/// Edge stroke width, CSS px (the SVG's `stroke-width="1.2"`).
const EDGE_WIDTH: f32 = 1.2;

/// The arrowhead's size: `markerWidth` 7 of a 10-unit `viewBox`, times the stroke width.
const ARROW_SCALE: f32 = 0.7 * EDGE_WIDTH;

/// How far a flattened curve may stray from the true one, image px.
const FLATNESS: f32 = 0.05;

/// Labels are drawn only when their font is at least this high, image px. A graph of
/// tens of thousands of tasks is scaled down to the PNG's size cap until its text is a
/// sub-pixel smudge (0.5 px at 400k tasks); placing and compositing millions of invisible
/// glyphs was a large share of its image's time and memory. Corpus graphs are drawn at 7 px
/// and more, far above this.
const MIN_LABEL_PX: f64 = 3.0;

const BLACK: Rgb = [0, 0, 0];

/// Why the drawing could not be rasterised. It holds messages (not the libraries' errors)
/// because it is part of a salsa query's value (`artifacts::graph::graph_png`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum RasterError {
    /// An embedded font could not be read.
    #[error("{0}")]
    Font(String),
}

/// Rasterise the drawing to PNG bytes (8-bit RGB).
pub fn png(_g: &TaskGraph, d: &Drawing) -> Result<Vec<u8>, RasterError> {
    let scale = png_scale(d.width, d.height);
    let (pw, ph) = (
        ((d.width * scale).ceil() as u32).clamp(1, PNG_MAX_SIDE),
        ((d.height * scale).ceil() as u32).clamp(1, PNG_MAX_SIDE),
    );
    let scene = Scene::new(d, scale)?;
    let bands = bands(&scene, pw as usize, ph);
    // Each band's first row is filtered against the last row of the band above.
    let firsts: Vec<Part> = (0..bands.len())
        .map(|i| {
            let above = i.checked_sub(1).map(|j| bands[j].last());
            png_file::filter_and_deflate(&bands[i].first, pw as usize, above, None)
        })
        .collect();
    let mut parts = Vec::with_capacity(bands.len() * 2);
    for (first, band) in firsts.into_iter().zip(bands) {
        parts.push(first);
        parts.extend(band.rest);
    }
    Ok(png_file::png(pw, ph, &parts))
}

/// Draw every band, on as many threads as the machine has cores, each with one canvas
/// it reuses; bands are taken in turn from a shared counter and returned in image order.
///
/// Plain scoped threads, not rayon: this runs inside a salsa query, and a rayon worker
/// waiting for its pieces would steal other jobs of the pool — another spec's compile in a
/// `--all` batch, which attaches a different database handle to a thread in the middle of
/// this query (salsa panics on that).
fn bands(scene: &Scene, width: usize, height: u32) -> Vec<Band> {
    let count = height.div_ceil(BAND_ROWS);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(count as usize)
        .max(1);
    let next = AtomicU32::new(0);
    let work = || {
        let mut canvas = Canvas::new(width, BAND_ROWS.min(height) as usize);
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= count {
                return done;
            }
            let top = i * BAND_ROWS;
            canvas.reset(top, ((top + BAND_ROWS).min(height) - top) as usize);
            done.push((i, scene.band(&mut canvas, top)));
        }
    };
    let mut drawn: Vec<(u32, Band)> = std::thread::scope(|s| {
        let helpers: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        let mut drawn = work();
        for h in helpers {
            match h.join() {
                Ok(more) => drawn.extend(more),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        drawn
    });
    drawn.sort_unstable_by_key(|(i, _)| *i);
    drawn.into_iter().map(|(_, band)| band).collect()
}

/// One band: its first row (RGB), the others filtered and deflated, and its last row.
struct Band {
    first: Vec<u8>,
    rest: Option<Part>,
    last: Option<Vec<u8>>,
}

impl Band {
    fn last(&self) -> &[u8] {
        self.last.as_deref().unwrap_or(&self.first)
    }
}

/// An edge in image px: its stroke flattened, its arrowhead, its colour, its rows.
struct EdgeShape {
    points: Vec<(f32, f32)>,
    head: [(f32, f32); 3],
    colour: Rgb,
    rows: (f32, f32),
}

/// What every band draws from: the drawing, its scale, the edges flattened and the
/// labels' glyphs placed.
struct Scene<'a> {
    d: &'a Drawing,
    scale: f32,
    edges: Vec<EdgeShape>,
    glyphs: Glyphs,
}

impl<'a> Scene<'a> {
    fn new(d: &'a Drawing, scale: f64) -> Result<Self, RasterError> {
        let s = scale as f32;
        Ok(Self {
            d,
            scale: s,
            edges: d.edges.iter().map(|e| edge_shape(e, s)).collect(),
            glyphs: Glyphs::new(d, scale)?,
        })
    }

    /// Draw the band whose first row is image row `top`, then encode it: its first row
    /// as RGB, the others filtered and deflated.
    fn band(&self, canvas: &mut Canvas, top: u32) -> Band {
        let (lo, hi) = (top as f32, (top as usize + canvas.rows()) as f32);
        for e in &self.edges {
            if e.rows.1 >= lo && e.rows.0 <= hi {
                canvas.stroke(&e.points, EDGE_WIDTH * self.scale);
                canvas.triangle(e.head);
                canvas.flush(e.colour);
            }
        }
        for n in &self.d.nodes {
            let (a, b) = (n.y as f32 - 1.0, (n.y + n.height()) as f32 + 1.0);
            if b * self.scale >= lo && a * self.scale <= hi {
                draw_node(canvas, n, self.scale);
            }
        }
        self.glyphs.draw(canvas, top as i32);
        let row = canvas.width() * 3;
        let (first, rest) = canvas.data().split_at(row);
        Band {
            first: first.to_vec(),
            rest: (!rest.is_empty()).then(|| {
                png_file::filter_and_deflate(
                    rest,
                    canvas.width(),
                    Some(first),
                    Some(canvas.dirty()),
                )
            }),
            last: (!rest.is_empty()).then(|| rest[rest.len() - row..].to_vec()),
        }
    }
}

fn rgb(colour: &str) -> Rgb {
    let hex = |i: usize| u8::from_str_radix(&colour[i..i + 2], 16).unwrap_or(0);
    [hex(1), hex(3), hex(5)]
}

/// An edge in image px: the path flattened (a straight segment is a line, as the SVG
/// writes it), and the arrowhead (SVG `marker-end`, `orient="auto"`) at its end.
fn edge_shape(e: &EdgePath, s: f32) -> EdgeShape {
    let pt = |p: (f64, f64)| (p.0 as f32 * s, p.1 as f32 * s);
    let mut points = vec![pt(e.start)];
    let (mut at, mut from) = (e.start, e.start);
    for &[c1, c2, p] in &e.segments {
        if c1 == at && c2 == p {
            points.push(pt(p));
            from = at;
        } else {
            flatten(&mut points, [pt(at), pt(c1), pt(c2), pt(p)]);
            from = if c2 == p { c1 } else { c2 };
        }
        at = p;
    }
    // The arrowhead: tip at the end, its base `10·ARROW_SCALE` back along the direction
    // of arrival, `5·ARROW_SCALE` to each side.
    let (tip, back) = (pt(at), pt(from));
    let (dx, dy) = (tip.0 - back.0, tip.1 - back.1);
    let len = (dx * dx + dy * dy).sqrt();
    let (ux, uy) = if len > 0.0 {
        (dx / len, dy / len)
    } else {
        (1.0, 0.0)
    };
    let k = ARROW_SCALE * s;
    let base = (tip.0 - 10.0 * k * ux, tip.1 - 10.0 * k * uy);
    let head = [
        (base.0 + 5.0 * k * uy, base.1 - 5.0 * k * ux),
        tip,
        (base.0 - 5.0 * k * uy, base.1 + 5.0 * k * ux),
    ];
    let reach = 10.0 * k + EDGE_WIDTH * s;
    let ys = points.iter().map(|p| p.1);
    let rows = ys.fold((f32::MAX, f32::MIN), |(lo, hi), y| (lo.min(y), hi.max(y)));
    EdgeShape {
        points,
        head,
        colour: rgb(EDGE_COLOURS[e.source % EDGE_COLOURS.len()]),
        rows: (rows.0 - reach, rows.1 + reach),
    }
}

/// Append a cubic Bézier from `c[0]` as line segments, as many as Wang's formula needs
/// for [`FLATNESS`].
fn flatten(out: &mut Vec<(f32, f32)>, c: [(f32, f32); 4]) {
    let second = |a: (f32, f32), b: (f32, f32), d: (f32, f32)| {
        let (x, y) = (a.0 - 2.0 * b.0 + d.0, a.1 - 2.0 * b.1 + d.1);
        (x * x + y * y).sqrt()
    };
    let m = second(c[0], c[1], c[2]).max(second(c[1], c[2], c[3]));
    let n = (0.75 * m / FLATNESS).sqrt().ceil().clamp(1.0, 200.0) as usize;
    for i in 1..=n {
        let t = i as f32 / n as f32;
        let u = 1.0 - t;
        let (a, b, cc, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
        out.push((
            a * c[0].0 + b * c[1].0 + cc * c[2].0 + d * c[3].0,
            a * c[0].1 + b * c[1].1 + cc * c[2].1 + d * c[3].1,
        ));
    }
}

/// One task's table: the box, the header row, the row separators (the SVG's order).
fn draw_node(canvas: &mut Canvas, n: &NodeBox, s: f32) {
    let (x, y, w) = (n.x as f32 * s, n.y as f32 * s, n.width as f32 * s);
    let rect = |h: f32| (x, y, x + w, y + h * s);
    let outline = rect(n.height() as f32);
    canvas.fill_white(outline);
    stroke_rect(canvas, outline, s);
    let header = rect(ROW_HEIGHT as f32);
    canvas.fill_rect(header, rgb(HEADER_FILL));
    stroke_rect(canvas, header, s);
    for row in 2..n.args.len() + 2 {
        let ry = (n.y as f32 + ROW_HEIGHT as f32 * row as f32) * s;
        canvas.fill_rect((x, ry - 0.3 * s, x + w, ry + 0.3 * s), BLACK);
    }
}

/// A black outline of `width` px centred on the rectangle's sides (mitred corners), as
/// four rectangles that do not overlap.
fn stroke_rect(canvas: &mut Canvas, (x0, y0, x1, y1): Rect, width: f32) {
    let h = width / 2.0;
    let (ox0, oy0, ox1, oy1) = (x0 - h, y0 - h, x1 + h, y1 + h);
    let (ix0, iy0, ix1, iy1) = (x0 + h, y0 + h, x1 - h, y1 - h);
    canvas.fill_rect((ox0, oy0, ox1, iy0), BLACK);
    canvas.fill_rect((ox0, iy1, ox1, oy1), BLACK);
    canvas.fill_rect((ox0, iy0, ix0, iy1), BLACK);
    canvas.fill_rect((ix1, iy0, ox1, iy1), BLACK);
}

/// Every glyph of every label, placed in image pixels, with the masks they use.
struct Glyphs {
    masks: Vec<GlyphMask>,
    /// (mask, pen x, baseline y), sorted by baseline.
    placed: Vec<(usize, i32, i32)>,
    /// How far a mask reaches above (`up`) and below (`down`) its baseline, px.
    up: i32,
    down: i32,
}

impl Glyphs {
    fn new(d: &Drawing, scale: f64) -> Result<Self, RasterError> {
        let mut text = TextPainter::new((FONT_SIZE * scale) as f32)?;
        let mut placed = Vec::new();
        if FONT_SIZE * scale >= MIN_LABEL_PX {
            for label in render::labels(d) {
                text.place(&label, scale, &mut placed);
            }
        }
        placed.sort_by_key(|p| (p.2, p.1, p.0));
        let mut masks = Vec::new();
        let mut index = vec![usize::MAX; text.order.len()];
        for (i, key) in text.order.iter().enumerate() {
            if let Some(Some(mask)) = text.cache.remove(key) {
                index[i] = masks.len();
                masks.push(mask);
            }
        }
        let placed: Vec<(usize, i32, i32)> = placed
            .into_iter()
            .filter(|p| index[p.0] != usize::MAX)
            .map(|(m, x, y)| (index[m], x, y))
            .collect();
        let up = masks.iter().map(|m| -m.top).max().unwrap_or(0);
        let down = masks
            .iter()
            .map(|m| m.top + (m.alpha.len() / m.width.max(1)) as i32)
            .max()
            .unwrap_or(0);
        Ok(Self {
            masks,
            placed,
            up,
            down,
        })
    }

    /// Draw the glyphs reaching into the band whose first row is image row `top`.
    fn draw(&self, canvas: &mut Canvas, top: i32) {
        let bottom = top + canvas.rows() as i32;
        let start = self.placed.partition_point(|p| p.2 + self.down < top);
        for &(m, x, y) in &self.placed[start..] {
            if y - self.up >= bottom {
                break;
            }
            let mask = &self.masks[m];
            canvas.glyph(&mask.alpha, mask.width, x + mask.left, y + mask.top);
        }
    }
}

/// A rasterised glyph: coverage bytes and their offset from the pen position.
struct GlyphMask {
    left: i32,
    top: i32,
    width: usize,
    alpha: Vec<u8>,
}

/// Places labels' glyphs, rasterising each distinct glyph mask once.
struct TextPainter<'a> {
    size: f32,
    fonts: [FontRef<'a>; 2],
    cache: HashMap<(bool, GlyphId, u8), Option<GlyphMask>>,
    /// The cache's keys in first-use order (mask numbers).
    order: Vec<(bool, GlyphId, u8)>,
    numbers: HashMap<(bool, GlyphId, u8), usize>,
}

impl<'a> TextPainter<'a> {
    fn new(size: f32) -> Result<Self, RasterError> {
        let parse =
            |data: &'a [u8]| FontRef::new(data).map_err(|e| RasterError::Font(e.to_string()));
        Ok(Self {
            size,
            fonts: [parse(font::regular())?, parse(font::oblique())?],
            cache: HashMap::new(),
            order: Vec::new(),
            numbers: HashMap::new(),
        })
    }

    /// Place one label, centred on `label.x`, baseline at `label.y` (CSS px): push
    /// (mask number, pen x, baseline y) in image px for each glyph.
    fn place(&mut self, label: &render::Label, scale: f64, out: &mut Vec<(usize, i32, i32)>) {
        let font = &self.fonts[usize::from(label.italic)];
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::new(self.size), LocationRef::default());
        let width = font::text_width(&label.text, FONT_SIZE as f32, label.italic) * scale as f32;
        let mut x = (label.x * scale) as f32 - width / 2.0;
        let y = (label.y * scale).round() as i32;
        for c in label.text.chars() {
            let Some(gid) = charmap.map(c) else {
                x += self.size * 0.6;
                continue;
            };
            let pixel = x.floor();
            let sub = ((x - pixel) * SUBPIXELS).floor().min(SUBPIXELS - 1.0) as u8;
            let key = (label.italic, gid, sub);
            let number = match self.numbers.get(&key) {
                Some(&n) => n,
                None => {
                    let mask = rasterise(font, gid, self.size, f32::from(sub) / SUBPIXELS);
                    self.cache.insert(key, mask);
                    self.numbers.insert(key, self.order.len());
                    self.order.push(key);
                    self.order.len() - 1
                }
            };
            out.push((number, pixel as i32, y));
            x += metrics.advance_width(gid).unwrap_or(self.size * 0.6);
        }
    }
}

/// The coverage mask of one glyph at `size` px, shifted right by `dx` px.
fn rasterise(font: &FontRef, gid: GlyphId, size: f32, dx: f32) -> Option<GlyphMask> {
    let glyph = font.outline_glyphs().get(gid)?;
    let mut pen = Pen {
        path: PathBuilder::new(),
        dx,
    };
    glyph
        .draw(
            DrawSettings::unhinted(Size::new(size), LocationRef::default()),
            &mut pen,
        )
        .ok()?;
    let path = pen.path.finish()?;
    let b = path.bounds();
    let (left, top) = (b.left().floor() as i32 - 1, b.top().floor() as i32 - 1);
    let (right, bottom) = (b.right().ceil() as i32 + 1, b.bottom().ceil() as i32 + 1);
    let (w, h) = ((right - left) as u32, (bottom - top) as u32);
    let mut mask = Mask::new(w, h)?;
    mask.fill_path(
        &path,
        FillRule::Winding,
        true,
        Transform::from_translate(-left as f32, -top as f32),
    );
    Some(GlyphMask {
        left,
        top,
        width: w as usize,
        alpha: mask.data().to_vec(),
    })
}

/// Outline → tiny-skia path, y flipped (fonts point up, pixels down).
struct Pen {
    path: PathBuilder,
    dx: f32,
}

impl OutlinePen for Pen {
    fn move_to(&mut self, x: f32, y: f32) {
        self.path.move_to(x + self.dx, -y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.path.line_to(x + self.dx, -y);
    }
    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        self.path.quad_to(cx0 + self.dx, -cy0, x + self.dx, -y);
    }
    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        self.path
            .cubic_to(cx0 + self.dx, -cy0, cx1 + self.dx, -cy1, x + self.dx, -y);
    }
    fn close(&mut self) {
        self.path.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Task, layout};

    #[test]
    fn labels_too_small_to_read_are_not_drawn() {
        let mut g = TaskGraph::default();
        g.graph.add_node(Task {
            id: "task".into(),
            args: vec!["df".into()],
        });
        let d = layout::layout(&g);
        let glyphs = |scale: f64| Glyphs::new(&d, scale).unwrap().placed.len();
        // "task", "df", "return".
        assert_eq!(glyphs(MIN_LABEL_PX / FONT_SIZE), 12);
        assert_eq!(glyphs(0.99 * MIN_LABEL_PX / FONT_SIZE), 0);
    }
}
