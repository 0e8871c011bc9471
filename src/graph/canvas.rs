//! The pixels of one band of `graph.png` and the few shapes a diagram needs, drawn
//! anti-aliased straight into them: axis-aligned rectangles (table fills, borders, row
//! separators) as exact area coverage, strokes of polylines (the edges, flattened) and
//! small triangles (arrowheads) through a coverage buffer, glyph masks.
//!
//! The band is 8-bit RGB on white. It remembers which tiles of [`TILE`] pixels of each row
//! were drawn into ("dirty"): everything else is white, so the next band only whitens the
//! dirty tiles again, a white fill only touches dirty tiles, and the PNG filter compares
//! only dirty tiles with the row above ([`super::png_file`]). Every computation is in image
//! coordinates, so a pixel's value does not depend on the band it is drawn in.

/// Pixels per dirty tile.
pub const TILE: usize = 16;

/// An 8-bit RGB colour.
pub type Rgb = [u8; 3];

pub const WHITE: Rgb = [255, 255, 255];

/// A rectangle in image pixels: `(left, top, right, bottom)`.
pub type Rect = (f32, f32, f32, f32);

/// One band of the image: rows `top..top + rows` of an image `width` pixels wide.
pub struct Canvas {
    width: usize,
    rows: usize,
    top: i32,
    /// RGB, row after row.
    data: Vec<u8>,
    /// Dirty tiles: `words` `u64`s per row.
    dirty: Vec<u64>,
    words: usize,
    /// Coverage of the shape being drawn (0–255), one byte per pixel, and each row's
    /// covered columns `[lo, hi)`.
    cover: Vec<u8>,
    spans: Vec<(usize, usize)>,
}

impl Canvas {
    /// A white band of `width` × `rows` pixels.
    pub fn new(width: usize, rows: usize) -> Self {
        let words = width.div_ceil(TILE).div_ceil(64);
        Self {
            width,
            rows,
            top: 0,
            data: vec![255; width * rows * 3],
            dirty: vec![0; words * rows],
            words,
            cover: vec![0; width * rows],
            spans: vec![(usize::MAX, 0); rows],
        }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn width(&self) -> usize {
        self.width
    }

    /// Start the band at image row `top` with `rows` rows (at most the capacity): whiten
    /// what the previous band drew.
    pub fn reset(&mut self, top: u32, rows: usize) {
        for r in 0..self.rows {
            let words = &mut self.dirty[r * self.words..(r + 1) * self.words];
            for (w, bits) in words.iter_mut().enumerate() {
                let mut b = *bits;
                while b != 0 {
                    let t = w * 64 + b.trailing_zeros() as usize;
                    b &= b - 1;
                    let (lo, hi) = (t * TILE, ((t + 1) * TILE).min(self.width));
                    let row = r * self.width;
                    self.data[(row + lo) * 3..(row + hi) * 3].fill(255);
                }
                *bits = 0;
            }
        }
        self.rows = rows.min(self.spans.len());
        self.top = top as i32;
    }

    /// The RGB bytes of the band's rows.
    pub fn data(&self) -> &[u8] {
        &self.data[..self.rows * self.width * 3]
    }

    /// The dirty tiles of each row (`words` bits per row).
    pub fn dirty(&self) -> Dirty<'_> {
        Dirty {
            bits: &self.dirty[..self.rows * self.words],
            words: self.words,
        }
    }

    /// Mark the tiles of columns `[lo, hi)` of band row `r` dirty.
    fn mark(&mut self, r: usize, lo: usize, hi: usize) {
        if lo >= hi {
            return;
        }
        let words = &mut self.dirty[r * self.words..(r + 1) * self.words];
        for t in lo / TILE..=(hi - 1) / TILE {
            words[t / 64] |= 1 << (t % 64);
        }
    }

    /// Band rows and, for each, the part of pixel row `y` covered by `[y0, y1)`.
    fn rows_of(&self, y0: f32, y1: f32) -> impl Iterator<Item = (usize, f32)> + use<> {
        let top = self.top;
        let lo = (y0.floor() as i32).max(top);
        let hi = (y1.ceil() as i32).min(top + self.rows as i32);
        (lo..hi).map(move |y| {
            let yf = y as f32;
            ((y - top) as usize, y1.min(yf + 1.0) - y0.max(yf))
        })
    }

    /// Columns covered by `[x0, x1)`, clamped to the image.
    fn columns(&self, x0: f32, x1: f32) -> (usize, usize) {
        let lo = (x0.floor().max(0.0) as usize).min(self.width);
        let hi = (x1.ceil().max(0.0) as usize).min(self.width);
        (lo, hi)
    }

    /// Fill a rectangle with `colour`, each pixel at the area it covers.
    pub fn fill_rect(&mut self, (x0, y0, x1, y1): Rect, colour: Rgb) {
        if x1 <= x0 || y1 <= y0 {
            return;
        }
        let (lo, hi) = self.columns(x0, x1);
        // The columns fully inside, where a fully covered row is a plain fill.
        let (inner_lo, inner_hi) = (
            (x0.ceil().max(0.0) as usize).min(hi),
            (x1.floor().max(0.0) as usize).min(hi),
        );
        for (r, dy) in self.rows_of(y0, y1) {
            let row = r * self.width;
            let full = alpha(dy) == 255 && inner_lo < inner_hi;
            let (a, b) = if full { (inner_lo, inner_hi) } else { (hi, hi) };
            fill_pixels(&mut self.data[(row + a) * 3..(row + b) * 3], colour);
            for x in (lo..a).chain(b.max(lo)..hi) {
                let xf = x as f32;
                let dx = x1.min(xf + 1.0) - x0.max(xf);
                blend(&mut self.data[(row + x) * 3..], colour, alpha(dx * dy));
            }
            self.mark(r, lo, hi);
        }
    }

    /// Fill a rectangle with white: only dirty tiles can change (the rest is white).
    pub fn fill_white(&mut self, (x0, y0, x1, y1): Rect) {
        if x1 <= x0 || y1 <= y0 {
            return;
        }
        let (lo, hi) = self.columns(x0, x1);
        if lo >= hi {
            return;
        }
        for (r, dy) in self.rows_of(y0, y1) {
            let row = r * self.width;
            for t in lo / TILE..=(hi - 1) / TILE {
                if self.dirty[r * self.words + t / 64] & (1 << (t % 64)) == 0 {
                    continue;
                }
                for x in (t * TILE).max(lo)..((t + 1) * TILE).min(hi) {
                    let xf = x as f32;
                    let dx = x1.min(xf + 1.0) - x0.max(xf);
                    blend(&mut self.data[(row + x) * 3..], WHITE, alpha(dx * dy));
                }
            }
        }
    }

    /// Add a stroke of `width` px along `points` to the coverage buffer (round joins and
    /// caps; where segments overlap, the larger coverage counts).
    pub fn stroke(&mut self, points: &[(f32, f32)], width: f32) {
        let half = width / 2.0;
        for pair in points.windows(2) {
            self.segment(pair[0], pair[1], half);
        }
    }

    /// One segment: each pixel covered by the box-filtered distance to it.
    fn segment(&mut self, p: (f32, f32), q: (f32, f32), half: f32) {
        let (dx, dy) = (q.0 - p.0, q.1 - p.1);
        let len2 = dx * dx + dy * dy;
        let reach = half + 0.5;
        let (xmin, xmax) = (p.0.min(q.0) - reach, p.0.max(q.0) + reach);
        let (ymin, ymax) = (p.1.min(q.1) - reach, p.1.max(q.1) + reach);
        let len = len2.sqrt();
        let (ux, uy) = if len > 0.0 {
            (dx / len, dy / len)
        } else {
            (0.0, 0.0)
        };
        for (r, _) in self.rows_of(ymin, ymax) {
            let cy = (r as i32 + self.top) as f32 + 0.5;
            // Only the pixels whose centre is within `reach` of the segment are covered
            // (`columns` rounds outwards, by up to a pixel: a margin against rounding).
            let Some((a, b)) = capsule_span(p, (ux, uy), len, reach, cy) else {
                continue;
            };
            let (lo, hi) = self.columns(a.max(xmin), b.min(xmax));
            let row = &mut self.cover[r * self.width..][lo..hi];
            // Branch-free, so the loop vectorises: a pixel outside the stroke gets
            // coverage 0, which leaves its cell as it was. Its tile may be marked dirty
            // (`columns` rounds outwards); a dirty white tile encodes the same.
            let cover = |t: f32, wx: f32, wy: f32| {
                let (ex, ey) = (wx - t * dx, wy - t * dy);
                let d = (ex * ex + ey * ey).sqrt();
                (d + 0.5).min(half) - (d - 0.5).max(-half)
            };
            let wy = cy - p.1;
            if len2 > 0.0 {
                for (x, cell) in (lo..).zip(row.iter_mut()) {
                    let wx = x as f32 + 0.5 - p.0;
                    let t = ((wx * dx + wy * dy) / len2).clamp(0.0, 1.0);
                    *cell = (*cell).max(alpha(cover(t, wx, wy)));
                }
            } else {
                for (x, cell) in (lo..).zip(row.iter_mut()) {
                    let wx = x as f32 + 0.5 - p.0;
                    *cell = (*cell).max(alpha(cover(0.0, wx, wy)));
                }
            }
            self.cover_span(r, (lo, hi));
        }
    }

    /// Add a filled triangle to the coverage buffer (each pixel covered by its centre's
    /// distance inside the nearest side, box-filtered).
    pub fn triangle(&mut self, v: [(f32, f32); 3]) {
        // Inward unit normals and offsets of the three sides, for either winding.
        let area = (v[1].0 - v[0].0) * (v[2].1 - v[0].1) - (v[1].1 - v[0].1) * (v[2].0 - v[0].0);
        if area == 0.0 {
            return;
        }
        let sign = area.signum();
        let sides: [(f32, f32, f32); 3] = std::array::from_fn(|i| {
            let (a, b) = (v[i], v[(i + 1) % 3]);
            let (nx, ny) = (-(b.1 - a.1) * sign, (b.0 - a.0) * sign);
            let n = (nx * nx + ny * ny).sqrt();
            (nx / n, ny / n, -(nx * a.0 + ny * a.1) / n)
        });
        let xs = v.map(|p| p.0);
        let ys = v.map(|p| p.1);
        let (x0, x1) = (
            xs.iter().copied().fold(f32::MAX, f32::min),
            xs.iter().copied().fold(f32::MIN, f32::max),
        );
        let (y0, y1) = (
            ys.iter().copied().fold(f32::MAX, f32::min),
            ys.iter().copied().fold(f32::MIN, f32::max),
        );
        let (lo, hi) = self.columns(x0 - 1.0, x1 + 1.0);
        for (r, _) in self.rows_of(y0 - 1.0, y1 + 1.0) {
            let cy = (r as i32 + self.top) as f32 + 0.5;
            let mut covered = (usize::MAX, 0);
            for x in lo..hi {
                let cx = x as f32 + 0.5;
                let inside = sides
                    .iter()
                    .map(|&(nx, ny, c)| nx * cx + ny * cy + c)
                    .fold(f32::MAX, f32::min);
                let c = (inside + 0.5).clamp(0.0, 1.0);
                if c > 0.0 {
                    let cell = &mut self.cover[r * self.width + x];
                    *cell = (*cell).max(alpha(c));
                    covered = (covered.0.min(x), x + 1);
                }
            }
            self.cover_span(r, covered);
        }
    }

    fn cover_span(&mut self, r: usize, (lo, hi): (usize, usize)) {
        if lo < hi {
            let span = &mut self.spans[r];
            *span = (span.0.min(lo), span.1.max(hi));
        }
    }

    /// Paint the coverage buffer in `colour` and clear it.
    pub fn flush(&mut self, colour: Rgb) {
        for r in 0..self.rows {
            let (lo, hi) = std::mem::replace(&mut self.spans[r], (usize::MAX, 0));
            if lo >= hi {
                continue;
            }
            let row = r * self.width;
            for x in lo..hi {
                let a = std::mem::take(&mut self.cover[row + x]);
                if a != 0 {
                    blend(&mut self.data[(row + x) * 3..], colour, a);
                }
            }
            self.mark(r, lo, hi);
        }
    }

    /// Composite black through a glyph's coverage mask (`width` bytes per row), its top
    /// left corner at image pixel (`x`, `y`).
    pub fn glyph(&mut self, mask: &[u8], width: usize, x: i32, y: i32) {
        for (i, line) in mask.chunks_exact(width).enumerate() {
            let r = y + i as i32 - self.top;
            if r < 0 || r >= self.rows as i32 {
                continue;
            }
            let r = r as usize;
            let (mut lo, mut hi) = (usize::MAX, 0);
            for (j, &a) in line.iter().enumerate() {
                let px = x + j as i32;
                if a == 0 || px < 0 || px >= self.width as i32 {
                    continue;
                }
                let px = px as usize;
                blend(&mut self.data[(r * self.width + px) * 3..], [0, 0, 0], a);
                (lo, hi) = (lo.min(px), px + 1);
            }
            self.mark(r, lo, hi);
        }
    }
}

/// The dirty tiles of a band's rows.
#[derive(Clone, Copy)]
pub struct Dirty<'a> {
    bits: &'a [u64],
    words: usize,
}

impl<'a> Dirty<'a> {
    /// The dirty-tile words of band row `r`.
    pub fn row(&self, r: usize) -> &'a [u64] {
        &self.bits[r * self.words..(r + 1) * self.words]
    }
}

/// Where the horizontal line `y = cy` crosses the capsule of the points within `reach` of
/// the segment from `p` along the unit vector `u` for `len`: the hull of its crossings
/// with the segment's band (the rectangle) and with the discs at both ends. `None` when it
/// misses. The capsule is convex, so the crossing is this one interval.
fn capsule_span(p: (f32, f32), u: (f32, f32), len: f32, reach: f32, cy: f32) -> Option<(f32, f32)> {
    let wy = cy - p.1;
    let mut span: Option<(f32, f32)> = None;
    let mut add = |a: f32, b: f32| {
        if a <= b {
            span = Some(span.map_or((a, b), |(lo, hi)| (lo.min(a), hi.max(b))));
        }
    };
    // Discs around both ends.
    for (ex, ey) in [(p.0, wy), (p.0 + u.0 * len, wy - u.1 * len)] {
        let h = reach * reach - ey * ey;
        if h >= 0.0 {
            let h = h.sqrt();
            add(ex - h, ex + h);
        }
    }
    // The rectangle: |n·w| ≤ reach across (n = (-uy, ux)) and 0 ≤ u·w ≤ len along, for
    // w = (x - p.x, wy); each an interval of x, or all or nothing when its x factor is 0.
    let across = interval(-u.1, u.0 * wy, -reach, reach);
    let along = interval(u.0, u.1 * wy, 0.0, len);
    if let (true, Some((a0, a1)), Some((b0, b1))) = (len > 0.0, across, along) {
        add(p.0 + a0.max(b0), p.0 + a1.min(b1));
    }
    span
}

/// The `x` with `lo ≤ k·x + c ≤ hi`: an interval, or unbounded (`k` = 0 and `c` inside),
/// or `None`.
fn interval(k: f32, c: f32, lo: f32, hi: f32) -> Option<(f32, f32)> {
    if k == 0.0 {
        return (lo..=hi).contains(&c).then_some((f32::MIN, f32::MAX));
    }
    let (a, b) = ((lo - c) / k, (hi - c) / k);
    Some((a.min(b), a.max(b)))
}

/// Coverage in `[0, 1]` as a byte (through `i32`: the value is in `[0.5, 255.5]`, so the
/// same byte, and the conversion vectorises).
fn alpha(c: f32) -> u8 {
    (c.clamp(0.0, 1.0) * 255.0 + 0.5) as i32 as u8
}

/// Every pixel of `px` (RGB) in `colour`: the first written, then the filled part copied
/// after itself, doubling (memcpy speed instead of three bytes at a time).
fn fill_pixels(px: &mut [u8], colour: Rgb) {
    if px.len() < 3 {
        return;
    }
    px[..3].copy_from_slice(&colour);
    let mut done = 3;
    while done < px.len() {
        let n = done.min(px.len() - done);
        px.copy_within(..n, done);
        done += n;
    }
}

/// `colour` over the pixel at the start of `px` with coverage `a`.
#[inline]
fn blend(px: &mut [u8], colour: Rgb, a: u8) {
    if a == 255 {
        px[..3].copy_from_slice(&colour);
        return;
    }
    let (a, keep) = (u32::from(a), 255 - u32::from(a));
    for (c, &v) in px[..3].iter_mut().zip(&colour) {
        let x = u32::from(*c) * keep + u32::from(v) * a + 128;
        *c = ((x + (x >> 8)) >> 8) as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_pixels_repeats_the_colour() {
        for n in [0, 1, 2, 3, 5, 8, 33] {
            let mut px = vec![9u8; n * 3];
            fill_pixels(&mut px, [1, 2, 3]);
            assert!(px.chunks_exact(3).all(|p| p == [1, 2, 3]), "{n}: {px:?}");
        }
    }

    fn pixel(c: &Canvas, x: usize, r: usize) -> Rgb {
        let i = (r * c.width + x) * 3;
        [c.data[i], c.data[i + 1], c.data[i + 2]]
    }

    #[test]
    fn blend_is_exact_at_the_ends() {
        let mut px = [10, 200, 255];
        blend(&mut px, [0, 0, 0], 0);
        assert_eq!(px, [10, 200, 255]);
        blend(&mut px, [1, 2, 3], 255);
        assert_eq!(px, [1, 2, 3]);
    }

    #[test]
    fn rectangles_cover_by_area_and_mark_tiles() {
        let mut c = Canvas::new(40, 8);
        c.reset(100, 8);
        c.fill_rect((2.0, 101.0, 20.5, 102.0), [0, 0, 0]);
        assert_eq!(pixel(&c, 2, 1), [0, 0, 0]);
        assert_eq!(pixel(&c, 20, 1), [127, 127, 127]);
        assert_eq!(pixel(&c, 21, 1), WHITE);
        assert_eq!(pixel(&c, 2, 0), WHITE);
        assert_eq!(c.dirty().row(1), &[0b11]);
        assert_eq!(c.dirty().row(0), &[0]);
        // White only reaches dirty tiles; reset whitens and cleans everything.
        c.fill_white((0.0, 100.0, 40.0, 108.0));
        assert_eq!(pixel(&c, 2, 1), WHITE);
        assert_eq!(c.dirty().row(1), &[0b11]);
        c.fill_rect((35.0, 107.0, 36.0, 108.0), [9, 9, 9]);
        c.reset(0, 8);
        assert!(c.data().iter().all(|&b| b == 255));
        assert!((0..8).all(|r| c.dirty().row(r) == [0]));
    }

    #[test]
    fn strokes_cover_once_where_segments_meet() {
        let mut c = Canvas::new(32, 32);
        c.reset(0, 32);
        // A vertical then horizontal stroke 2 px wide, centred on pixel boundaries.
        c.stroke(&[(10.0, 2.0), (10.0, 20.0), (28.0, 20.0)], 2.0);
        c.triangle([(2.0, 2.0), (6.0, 2.0), (2.0, 6.0)]);
        c.flush([0, 0, 0]);
        assert_eq!(pixel(&c, 9, 10), [0, 0, 0]);
        assert_eq!(pixel(&c, 10, 10), [0, 0, 0]);
        assert_eq!(pixel(&c, 12, 10), WHITE);
        assert_eq!(
            pixel(&c, 10, 20),
            [0, 0, 0],
            "the corner is not drawn twice"
        );
        assert_eq!(pixel(&c, 20, 19), [0, 0, 0]);
        assert_eq!(pixel(&c, 2, 2), [0, 0, 0]);
        assert_eq!(pixel(&c, 6, 6), WHITE);
        assert!(c.cover.iter().all(|&a| a == 0), "flush clears the coverage");
    }
}
