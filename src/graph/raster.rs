//! `graph.png`: the drawing rasterised with tiny-skia.
//!
//! The shapes (tables, edges, arrowheads) are the SVG of [`super::render::svg`] without its
//! `<text>` elements, rendered by resvg. The labels are drawn from a glyph cache instead of
//! through resvg's text engine, which shapes every `<text>` element on its own and made
//! two thirds of the PNG's cost on large graphs: each distinct glyph of the embedded
//! DejaVu Sans is rasterised once per quarter-pixel horizontal offset (tiny-skia, anti-
//! aliased) and then composited wherever it occurs. Baselines are snapped to whole pixels.
//! Same font, positions and metrics as the SVG; no kerning (as in the layout's metrics).
//!
//! Everything is deterministic: the cache is only looked up, never iterated, and the PNG is
//! encoded with fixed settings and no metadata.

use super::TaskGraph;
use super::font;
use super::layout::{Drawing, FONT_SIZE};
use super::render::{self, PNG_MAX_SIDE, png_scale};
use rayon::prelude::*;
use resvg::tiny_skia::{self, FillRule, Mask, PathBuilder, Transform};
use resvg::usvg;
use skrifa::instance::{LocationRef, Size};
use skrifa::outline::{DrawSettings, OutlinePen};
use skrifa::{FontRef, GlyphId, MetadataProvider};
use std::collections::HashMap;

/// Horizontal bands rasterised in parallel.
const BANDS: u32 = 4;

/// Horizontal sub-pixel positions per pixel.
const SUBPIXELS: f32 = 4.0;

/// Why the drawing could not be rasterised. It holds messages (not the libraries' errors)
/// because it is part of a salsa query's value (`artifacts::graph::graph_png`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum RasterError {
    /// usvg rejected the shapes' SVG.
    #[error("{0}")]
    Svg(String),
    /// A band of zero pixels.
    #[error("empty image")]
    EmptyImage,
    /// An embedded font could not be read.
    #[error("{0}")]
    Font(String),
    /// The PNG encoder failed.
    #[error("{0}")]
    Encode(String),
}

/// Rasterise the drawing to PNG bytes (8-bit RGB).
pub fn png(g: &TaskGraph, d: &Drawing) -> Result<Vec<u8>, RasterError> {
    let shapes = render::svg_document(g, d, false);
    let options = usvg::Options {
        fontdb: font::database(),
        font_family: font::FAMILY.to_string(),
        ..Default::default()
    };
    let tree =
        usvg::Tree::from_str(&shapes, &options).map_err(|e| RasterError::Svg(e.to_string()))?;
    let scale = png_scale(d.width, d.height);
    let (pw, ph) = (
        ((d.width * scale).ceil() as u32).clamp(1, PNG_MAX_SIDE),
        ((d.height * scale).ceil() as u32).clamp(1, PNG_MAX_SIDE),
    );
    // Rasterise horizontal bands in parallel; each band is its own pixmap with the scene
    // shifted up by the band's top, so every pixel is computed as in one pass.
    let labels: Vec<render::Label> = render::labels(d).collect();
    let band_height = ph.div_ceil(BANDS).max(1);
    let row_bytes = pw as usize * 3;
    let mut rgb = vec![0u8; row_bytes * ph as usize];
    rgb.par_chunks_mut(row_bytes * band_height as usize)
        .enumerate()
        .try_for_each(|(i, out)| -> Result<(), RasterError> {
            let top = i as u32 * band_height;
            let height = (out.len() / row_bytes) as u32;
            let mut pixmap = tiny_skia::Pixmap::new(pw, height).ok_or(RasterError::EmptyImage)?;
            pixmap.fill(tiny_skia::Color::WHITE);
            resvg::render(
                &tree,
                Transform::from_scale(scale as f32, scale as f32)
                    .post_translate(0.0, -(top as f32)),
                &mut pixmap.as_mut(),
            );
            let mut text = TextPainter::new((FONT_SIZE * scale) as f32)?;
            let (band_top, band_bottom) = (f64::from(top), f64::from(top + height));
            // Glyphs reach well under two font sizes above or below their baseline.
            let reach = FONT_SIZE * scale * 2.0;
            for label in &labels {
                let y = label.y * scale;
                if y + reach >= band_top && y - reach <= band_bottom {
                    text.draw(&mut pixmap, label, scale, top as i32);
                }
            }
            // Opaque (white background): premultiplied RGBA is plain RGBA, and the alpha
            // channel carries nothing, so the image is written as RGB (a quarter less to
            // filter and compress).
            for (dst, src) in out.chunks_exact_mut(3).zip(pixmap.data().chunks_exact(4)) {
                dst.copy_from_slice(&src[..3]);
            }
            Ok(())
        })?;
    // The `Up` filter with fdeflate's fastest mode suits the large flat areas of a
    // diagram: much faster than adaptive filtering, at a similar size.
    let mut bytes = Vec::with_capacity(rgb.len() / 16);
    let mut encoder = png::Encoder::new(&mut bytes, pw, ph);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fastest);
    let encode = |e: png::EncodingError| RasterError::Encode(e.to_string());
    let mut writer = encoder.write_header().map_err(encode)?;
    writer.write_image_data(&rgb).map_err(encode)?;
    writer.finish().map_err(encode)?;
    Ok(bytes)
}

/// A rasterised glyph: coverage bytes and their offset from the pen position.
struct GlyphMask {
    left: i32,
    top: i32,
    width: usize,
    alpha: Vec<u8>,
}

/// Draws black labels from cached glyph masks.
struct TextPainter<'a> {
    size: f32,
    fonts: [FontRef<'a>; 2],
    cache: HashMap<(bool, GlyphId, u8), Option<GlyphMask>>,
}

impl<'a> TextPainter<'a> {
    fn new(size: f32) -> Result<Self, RasterError> {
        let parse =
            |data: &'a [u8]| FontRef::new(data).map_err(|e| RasterError::Font(e.to_string()));
        Ok(Self {
            size,
            fonts: [parse(font::regular())?, parse(font::oblique())?],
            cache: HashMap::new(),
        })
    }

    /// Draw one label, centred on `label.x`, baseline at `label.y` (CSS px).
    /// `top`: the pixmap's first row in the whole image.
    fn draw(
        &mut self,
        pixmap: &mut tiny_skia::Pixmap,
        label: &render::Label,
        scale: f64,
        top: i32,
    ) {
        let font = &self.fonts[usize::from(label.italic)];
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::new(self.size), LocationRef::default());
        let width = font::text_width(&label.text, FONT_SIZE as f32, label.italic) * scale as f32;
        let mut x = (label.x * scale) as f32 - width / 2.0;
        let y = (label.y * scale).round() as i32 - top;
        for c in label.text.chars() {
            let Some(gid) = charmap.map(c) else {
                x += self.size * 0.6;
                continue;
            };
            let pixel = x.floor();
            let sub = ((x - pixel) * SUBPIXELS).floor().min(SUBPIXELS - 1.0) as u8;
            let key = (label.italic, gid, sub);
            if !self.cache.contains_key(&key) {
                let mask = rasterise(font, gid, self.size, f32::from(sub) / SUBPIXELS);
                self.cache.insert(key, mask);
            }
            if let Some(Some(mask)) = self.cache.get(&key) {
                blit(pixmap, mask, pixel as i32, y);
            }
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
fn blit(pixmap: &mut tiny_skia::Pixmap, mask: &GlyphMask, x: i32, y: i32) {
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
