//! `graph.png`: the drawing rasterised with tiny-skia.
//!
//! The image is cut into horizontal bands of [`BAND_ROWS`] rows, rendered in parallel;
//! each band draws only the shapes and glyphs that reach into it (an edge is stroked
//! once per band it crosses, not once per band of the image), then filters and deflates
//! its own rows ([`super::png_file`]), so no whole-image buffer exists and the encoding is
//! parallel too. The shapes are those of [`super::render::svg`] (same geometry, colours,
//! stroke widths and arrowheads: SVG marker semantics, `markerUnits="strokeWidth"`), drawn
//! straight from the [`Drawing`] instead of through an SVG document and resvg.
//!
//! The labels are drawn from a glyph cache: each distinct glyph of the embedded DejaVu
//! Sans is rasterised once per quarter-pixel horizontal offset (tiny-skia, anti-aliased)
//! and then composited wherever it occurs. Baselines are snapped to whole pixels. Same
//! font, positions and metrics as the SVG; no kerning (as in the layout's metrics).
//!
//! Everything is deterministic: the cache is only looked up, never iterated, bands are
//! joined in order, and the PNG has fixed settings and no metadata.

use super::TaskGraph;
use super::font;
use super::layout::{Drawing, EdgePath, FONT_SIZE, NodeBox, ROW_HEIGHT};
use super::png_file::{self, Part};
use super::render::{self, EDGE_COLOURS, HEADER_FILL, PNG_MAX_SIDE, png_scale};
use rayon::prelude::*;
use resvg::tiny_skia::{
    Color, FillRule, Mask, Paint, PathBuilder, Pixmap, Rect, Stroke, Transform,
};
use skrifa::instance::{LocationRef, Size};
use skrifa::outline::{DrawSettings, OutlinePen};
use skrifa::{FontRef, GlyphId, MetadataProvider};
use std::collections::HashMap;

/// Rows per band (with the row above it, which the `Up` filter needs).
const BAND_ROWS: u32 = 128;

/// Horizontal sub-pixel positions per pixel.
const SUBPIXELS: f32 = 4.0;

/// Edge stroke width, CSS px (the SVG's `stroke-width="1.2"`).
const EDGE_WIDTH: f32 = 1.2;

/// The arrowhead's size: `markerWidth` 7 of a 10-unit `viewBox`, times the stroke width.
const ARROW_SCALE: f32 = 0.7 * EDGE_WIDTH;

/// Why the drawing could not be rasterised. It holds messages (not the libraries' errors)
/// because it is part of a salsa query's value (`artifacts::graph::graph_png`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum RasterError {
    /// A band of zero pixels.
    #[error("empty image")]
    EmptyImage,
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
    // One pixmap per worker, reused from band to band.
    let bands = (0..ph.div_ceil(BAND_ROWS))
        .into_par_iter()
        .map_init(
            || Pixmap::new(pw, BAND_ROWS.min(ph)),
            |pixmap, i| {
                let top = i * BAND_ROWS;
                let bottom = (top + BAND_ROWS).min(ph);
                if pixmap.as_ref().is_none_or(|p| p.height() != bottom - top) {
                    *pixmap = Pixmap::new(pw, bottom - top);
                }
                let pixmap = pixmap.as_mut().ok_or(RasterError::EmptyImage)?;
                Ok(scene.band(pixmap, top))
            },
        )
        .collect::<Result<Vec<Band>, RasterError>>()?;
    // Each band's first row is filtered against the last row of the band above, as it
    // was rendered there (rendering it twice could differ in a bit, and the `Up` filter
    // would carry that down the column).
    let firsts: Vec<Part> = (0..bands.len())
        .map(|i| {
            let above = i.checked_sub(1).map(|j| bands[j].last());
            png_file::filter_and_deflate(&bands[i].first, pw as usize, above)
        })
        .collect();
    let mut parts = Vec::with_capacity(bands.len() * 2);
    for (first, band) in firsts.into_iter().zip(bands) {
        parts.push(first);
        parts.extend(band.rest);
    }
    Ok(png_file::png(pw, ph, &parts))
}

/// One band: its first row (RGBA), the others filtered and deflated, and its last row.
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

/// What every band draws from: the drawing, its scale, and the labels' glyphs placed.
struct Scene<'a> {
    d: &'a Drawing,
    scale: f32,
    /// Each edge's vertical extent in image px (with its stroke and arrowhead).
    edge_rows: Vec<(f32, f32)>,
    glyphs: Glyphs,
}

impl<'a> Scene<'a> {
    fn new(d: &'a Drawing, scale: f64) -> Result<Self, RasterError> {
        let s = scale as f32;
        let reach = 10.0 * ARROW_SCALE + EDGE_WIDTH;
        let edge_rows = d
            .edges
            .iter()
            .map(|e| {
                let ys = e.segments.iter().flatten().map(|p| p.1 as f32);
                let (lo, hi) = ys.fold((e.start.1 as f32, e.start.1 as f32), |(lo, hi), y| {
                    (lo.min(y), hi.max(y))
                });
                ((lo - reach) * s, (hi + reach) * s)
            })
            .collect();
        Ok(Self {
            d,
            scale: s,
            edge_rows,
            glyphs: Glyphs::new(d, scale)?,
        })
    }

    /// The rows of `pixmap` from image row `top` down: the first one as RGBA, the others
    /// filtered and deflated.
    fn band(&self, pixmap: &mut Pixmap, top: u32) -> Band {
        pixmap.fill(Color::WHITE);
        let (lo, hi) = (top as f32, (top + pixmap.height()) as f32);
        let ts = Transform::from_scale(self.scale, self.scale).post_translate(0.0, -lo);
        for (e, &(a, b)) in self.d.edges.iter().zip(&self.edge_rows) {
            if b >= lo && a <= hi {
                draw_edge(pixmap, e, ts);
            }
        }
        for n in &self.d.nodes {
            let (a, b) = (n.y as f32 - 1.0, (n.y + n.height()) as f32 + 1.0);
            if b * self.scale >= lo && a * self.scale <= hi {
                draw_node(pixmap, n, ts);
            }
        }
        self.glyphs.draw(pixmap, top as i32);
        // Opaque (white background): premultiplied RGBA is plain RGBA; the PNG is RGB.
        let row = pixmap.width() as usize * 4;
        let (first, rest) = pixmap.data().split_at(row);
        Band {
            first: first.to_vec(),
            rest: (!rest.is_empty())
                .then(|| png_file::filter_and_deflate(rest, pixmap.width() as usize, Some(first))),
            last: (!rest.is_empty()).then(|| rest[rest.len() - row..].to_vec()),
        }
    }
}

fn paint(colour: &str) -> Paint<'static> {
    let hex = |i: usize| u8::from_str_radix(&colour[i..i + 2], 16).unwrap_or(0);
    let mut paint = Paint::default();
    paint.set_color_rgba8(hex(1), hex(3), hex(5), 255);
    paint.anti_alias = true;
    paint
}

fn stroke(width: f32) -> Stroke {
    Stroke {
        width,
        ..Stroke::default()
    }
}

/// One edge: its stroke, then its arrowhead (SVG `marker-end`, `orient="auto"`).
fn draw_edge(pixmap: &mut Pixmap, e: &EdgePath, ts: Transform) {
    let colour = EDGE_COLOURS[e.source % EDGE_COLOURS.len()];
    let pt = |p: (f64, f64)| (p.0 as f32, p.1 as f32);
    let mut pb = PathBuilder::new();
    let (mut at, mut from) = (pt(e.start), pt(e.start));
    pb.move_to(at.0, at.1);
    for &[c1, c2, p] in &e.segments {
        let (c1, c2, p) = (pt(c1), pt(c2), pt(p));
        // As the SVG writes it: a straight segment is a line.
        if c1 == at && c2 == p {
            pb.line_to(p.0, p.1);
            from = at;
        } else {
            pb.cubic_to(c1.0, c1.1, c2.0, c2.1, p.0, p.1);
            from = if c2 == p { c1 } else { c2 };
        }
        at = p;
    }
    let Some(path) = pb.finish() else { return };
    let paint = paint(colour);
    pixmap.stroke_path(&path, &paint, &stroke(EDGE_WIDTH), ts, None);
    let angle = (at.1 - from.1).atan2(at.0 - from.0).to_degrees();
    let mut head = PathBuilder::new();
    head.move_to(0.0, 0.0);
    head.line_to(10.0, 5.0);
    head.line_to(0.0, 10.0);
    head.close();
    if let Some(head) = head.finish() {
        let marker = ts
            .pre_translate(at.0, at.1)
            .pre_rotate(angle)
            .pre_scale(ARROW_SCALE, ARROW_SCALE)
            .pre_translate(-10.0, -5.0);
        pixmap.fill_path(&head, &paint, FillRule::Winding, marker, None);
    }
}

/// One task's table: the box, the header row, the row separators.
fn draw_node(pixmap: &mut Pixmap, n: &NodeBox, ts: Transform) {
    let (x, y, w) = (n.x as f32, n.y as f32, n.width as f32);
    let black = paint("#000000");
    let rect = |h: f32| Rect::from_xywh(x, y, w, h).map(PathBuilder::from_rect);
    for (h, fill) in [
        (n.height() as f32, "#ffffff"),
        (ROW_HEIGHT as f32, HEADER_FILL),
    ] {
        if let Some(r) = rect(h) {
            pixmap.fill_path(&r, &paint(fill), FillRule::Winding, ts, None);
            pixmap.stroke_path(&r, &black, &stroke(1.0), ts, None);
        }
    }
    for row in 2..n.args.len() + 2 {
        let ry = y + ROW_HEIGHT as f32 * row as f32;
        let mut pb = PathBuilder::new();
        pb.move_to(x, ry);
        pb.line_to(x + w, ry);
        if let Some(line) = pb.finish() {
            pixmap.stroke_path(&line, &black, &stroke(0.6), ts, None);
        }
    }
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
        for label in render::labels(d) {
            text.place(&label, scale, &mut placed);
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

    /// Draw the glyphs reaching into `pixmap`, whose first row is image row `top`.
    fn draw(&self, pixmap: &mut Pixmap, top: i32) {
        let bottom = top + pixmap.height() as i32;
        let start = self.placed.partition_point(|p| p.2 + self.down < top);
        for &(m, x, y) in &self.placed[start..] {
            if y - self.up >= bottom {
                break;
            }
            blit(pixmap, &self.masks[m], x, y - top);
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

/// Composite black at the mask's coverage onto an opaque pixmap, pen at (`x`, `y`).
fn blit(pixmap: &mut Pixmap, mask: &GlyphMask, x: i32, y: i32) {
    let (pw, ph) = (pixmap.width() as i32, pixmap.height() as i32);
    let data = pixmap.data_mut();
    for (row, line) in mask.alpha.chunks_exact(mask.width).enumerate() {
        let py = y + mask.top + row as i32;
        if py < 0 || py >= ph {
            continue;
        }
        for (col, &a) in line.iter().enumerate() {
            let px = x + mask.left + col as i32;
            if a == 0 || px < 0 || px >= pw {
                continue;
            }
            let i = (py as usize * pw as usize + px as usize) * 4;
            let keep = 255 - u16::from(a);
            for c in &mut data[i..i + 3] {
                *c = ((u16::from(*c) * keep + 127) / 255) as u8;
            }
        }
    }
}
