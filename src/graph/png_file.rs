//! The PNG file of [`super::raster`]: 8-bit RGB, every row `Up`-filtered, the image data
//! one zlib stream made of independently deflated parts (one per band of rows, so the
//! bands are filtered and compressed in parallel, like pigz does), joined by sync flushes.
//!
//! The deflate encoder is specialised for diagrams after the `Up` filter, where almost
//! every byte is zero (a row repeats the one above it) and the rest comes in runs (the
//! first row of a horizontal line differs from white by the same byte all along): a run
//! of one byte value becomes one literal and copies of distance 1; other bytes are
//! literals. Fixed Huffman codes, so no table is written or built. Tiles the renderer did
//! not draw into in a row nor in the row above are white in both, so their bytes are
//! known zeros without being compared ([`super::canvas`]). The Adler-32 of a run is
//! computed at once. Deterministic: the bytes depend only on the pixels.

use super::canvas::{Dirty, TILE};

/// One band's part of the zlib stream: its filtered rows deflated as non-final blocks
/// ending in a sync flush (byte-aligned), with the Adler-32 and length of the raw rows.
pub struct Part {
    bytes: Vec<u8>,
    adler: u32,
    len: u64,
}

/// `Up`-filter RGB rows of `width` pixels (`above`: the row before the first, `None` for
/// the image's first row) and deflate them into a [`Part`]. `dirty`, when known, tells
/// which tiles of `above` (its row 0) and of each row (its rows 1..) were drawn into:
/// the others are white in both rows, so zeros after the filter.
pub fn filter_and_deflate(
    rows: &[u8],
    width: usize,
    above: Option<&[u8]>,
    dirty: Option<Dirty>,
) -> Part {
    let row = width * 3;
    let mut out = Deflater::new(rows.len() / 32 + 16);
    let mut prev = above;
    for (r, cur) in rows.chunks_exact(row).enumerate() {
        out.byte(2);
        match (prev, dirty) {
            (Some(p), Some(d)) => filter_tiles(&mut out, cur, p, d.row(r + 1), d.row(r)),
            (Some(p), None) => filter(&mut out, cur, p),
            (None, _) => out.bytes(cur),
        }
        prev = Some(cur);
    }
    out.finish(rows.len() + rows.len() / row)
}

/// One row against the row above, skipping the tiles that are clean in both.
fn filter_tiles(out: &mut Deflater, cur: &[u8], prev: &[u8], a: &[u64], b: &[u64]) {
    let tiles = (cur.len() / 3).div_ceil(TILE);
    let bytes = |t: usize| (t * TILE * 3).min(cur.len());
    let mut t = 0;
    while t < tiles {
        let word = (a[t / 64] | b[t / 64]) >> (t % 64);
        let clean = if word == 0 {
            (t / 64 + 1) * 64 - t
        } else {
            word.trailing_zeros() as usize
        };
        if clean > 0 {
            let next = (t + clean).min(tiles);
            out.zeros(bytes(next) - bytes(t));
            t = next;
            continue;
        }
        let (lo, hi) = (bytes(t), bytes(t + 1));
        filter(out, &cur[lo..hi], &prev[lo..hi]);
        t += 1;
    }
}

/// Bytes minus the bytes above, eight at a time where they are equal.
fn filter(out: &mut Deflater, cur: &[u8], prev: &[u8]) {
    let mut c = cur.chunks_exact(8);
    let mut p = prev.chunks_exact(8);
    for (c, p) in c.by_ref().zip(p.by_ref()) {
        if c == p {
            out.zeros(8);
        } else {
            for (&c, &p) in c.iter().zip(p) {
                out.byte(c.wrapping_sub(p));
            }
        }
    }
    for (&c, &p) in c.remainder().iter().zip(p.remainder()) {
        out.byte(c.wrapping_sub(p));
    }
}

/// The PNG file: signature, `IHDR`, the parts as one zlib stream in `IDAT` chunks, `IEND`.
pub fn png(width: u32, height: u32, parts: &[Part]) -> Vec<u8> {
    let mut zlib = Vec::with_capacity(parts.iter().map(|p| p.bytes.len()).sum::<usize>() + 8);
    // CMF/FLG: deflate, 32 KiB window, no dictionary, "fastest" level.
    zlib.extend_from_slice(&[0x78, 0x01]);
    let mut adler = 1u32;
    for part in parts {
        zlib.extend_from_slice(&part.bytes);
        adler = adler32_combine(adler, part.adler, part.len);
    }
    // A final empty block with fixed codes: BFINAL=1, BTYPE=01, end-of-block.
    zlib.extend_from_slice(&[0x03, 0x00]);
    zlib.extend_from_slice(&adler.to_be_bytes());

    let mut out = Vec::with_capacity(zlib.len() + 64);
    out.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    // Bit depth 8, colour type 2 (RGB), deflate, adaptive filtering, no interlace.
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    for data in zlib.chunks(1 << 20) {
        chunk(&mut out, b"IDAT", data);
    }
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

/// The Adler-32 of two byte strings joined, from theirs (zlib's `adler32_combine`).
fn adler32_combine(a1: u32, a2: u32, len2: u64) -> u32 {
    const BASE: u64 = 65521;
    let rem = len2 % BASE;
    let mut sum1 = u64::from(a1 & 0xffff);
    let mut sum2 = (rem * sum1) % BASE;
    sum1 += u64::from(a2 & 0xffff) + BASE - 1;
    sum2 += u64::from(a1 >> 16) + u64::from(a2 >> 16) + BASE - rem;
    for _ in 0..2 {
        if sum1 >= BASE {
            sum1 -= BASE;
        }
    }
    if sum2 >= BASE << 1 {
        sum2 -= BASE << 1;
    }
    if sum2 >= BASE {
        sum2 -= BASE;
    }
    (sum1 | (sum2 << 16)) as u32
}

/// Deflates bytes as one fixed-code block (BFINAL=0) ended by a sync flush, keeping
/// their Adler-32; repeated bytes are counted and written as runs.
struct Deflater {
    w: BitWriter,
    /// The pending run: `run` times the byte `value`.
    value: u8,
    run: usize,
    /// Adler-32's two sums, reduced modulo 65521 only before a run and at the end (a
    /// part is far too short for them to overflow).
    a: u64,
    b: u64,
}

const ADLER_BASE: u64 = 65521;

impl Deflater {
    fn new(capacity: usize) -> Self {
        let mut w = BitWriter::with_capacity(capacity);
        w.bits(0b010, 3);
        Self {
            w,
            value: 0,
            run: 0,
            a: 1,
            b: 0,
        }
    }

    #[inline]
    fn zeros(&mut self, n: usize) {
        if self.value != 0 {
            self.flush_run();
            self.value = 0;
        }
        self.run += n;
    }

    #[inline]
    fn byte(&mut self, v: u8) {
        if v != self.value {
            self.flush_run();
            self.value = v;
        }
        self.run += 1;
    }

    fn bytes(&mut self, v: &[u8]) {
        for &b in v {
            self.byte(b);
        }
    }

    /// Write the pending run. Short runs are literals; a long one is one literal and
    /// copies, and Adler's sums grow by `n·v` and `n·a + v·n(n+1)/2` for its `n` copies.
    #[inline]
    fn flush_run(&mut self) {
        let (v, n) = (self.value, std::mem::take(&mut self.run));
        match n {
            0 => {}
            1 => self.literal(v),
            _ => self.flush_long_run(v, n),
        }
    }

    #[inline]
    fn literal(&mut self, v: u8) {
        self.w.literal(v);
        self.a += u64::from(v);
        self.b += self.a;
    }

    fn flush_long_run(&mut self, v: u8, n: usize) {
        let literals = if n < 4 { n } else { 1 };
        for _ in 0..literals {
            self.literal(v);
        }
        if n < 4 {
            return;
        }
        let m = (n - 1) as u64;
        let (a, b) = (self.a % ADLER_BASE, self.b % ADLER_BASE);
        self.a = (a + m * u64::from(v)) % ADLER_BASE;
        self.b =
            (b + m % ADLER_BASE * a + u64::from(v) * (m * (m + 1) / 2 % ADLER_BASE)) % ADLER_BASE;
        self.w.repeat(v, n - 1);
    }

    /// End of block (symbol 256: seven zero bits), then an empty stored block: the sync
    /// flush that ends the part on a byte boundary. `len`: how many bytes were given.
    fn finish(mut self, len: usize) -> Part {
        self.flush_run();
        self.w.bits(0, 7);
        self.w.bits(0, 3);
        let mut bytes = self.w.finish();
        bytes.extend_from_slice(&[0x00, 0x00, 0xff, 0xff]);
        let (a, b) = (self.a % ADLER_BASE, self.b % ADLER_BASE);
        Part {
            bytes,
            adler: ((b << 16) | a) as u32,
            len: len as u64,
        }
    }
}

/// Deflate's bit order: least significant bit first; Huffman codes most significant first.
struct BitWriter {
    out: Vec<u8>,
    buffer: u64,
    nbits: u32,
}

impl BitWriter {
    fn with_capacity(n: usize) -> Self {
        Self {
            out: Vec::with_capacity(n),
            buffer: 0,
            nbits: 0,
        }
    }

    /// Append the `n` (≤ 32) low bits of `value`.
    #[inline]
    fn bits(&mut self, value: u32, n: u32) {
        self.buffer |= u64::from(value) << self.nbits;
        self.nbits += n;
        if self.nbits >= 32 {
            self.out
                .extend_from_slice(&(self.buffer as u32).to_le_bytes());
            self.buffer >>= 32;
            self.nbits -= 32;
        }
    }

    /// A Huffman code of `len` bits, most significant bit first.
    fn code(&mut self, code: u32, len: u32) {
        self.bits(code.reverse_bits() >> (32 - len), len);
    }

    /// A literal byte with the fixed literal/length code.
    #[inline]
    fn literal(&mut self, b: u8) {
        let (code, len) = LITERALS[usize::from(b)];
        self.bits(u32::from(code), u32::from(len));
    }

    /// `n` more bytes equal to the one just written: copies of distance 1 (literals for
    /// the last one or two).
    fn repeat(&mut self, v: u8, n: usize) {
        let mut rest = n;
        while rest >= 3 {
            let len = rest.min(258);
            self.copy(len as u32);
            rest -= len;
        }
        for _ in 0..rest {
            self.literal(v);
        }
    }

    /// A copy of `len` (3..=258) bytes from distance 1.
    fn copy(&mut self, len: u32) {
        let (symbol, extra, base) = length_symbol(len);
        if symbol < 280 {
            self.code(symbol - 256, 7);
        } else {
            self.code(0xc0 + symbol - 280, 8);
        }
        if extra > 0 {
            self.bits(len - base, extra);
        }
        // Distance code 0 (distance 1), five bits, no extra bits.
        self.bits(0, 5);
    }

    /// The bytes, the last one padded with zero bits.
    fn finish(mut self) -> Vec<u8> {
        while self.nbits > 0 {
            self.out.push(self.buffer as u8);
            self.buffer >>= 8;
            self.nbits = self.nbits.saturating_sub(8);
        }
        self.out
    }
}

/// The fixed literal codes (bit-reversed, as written) and their lengths.
const LITERALS: [(u16, u8); 256] = {
    let mut table = [(0u16, 0u8); 256];
    let mut b = 0;
    while b < 256 {
        let (code, len) = if b < 144 {
            (0x30 + b as u32, 8)
        } else {
            (0x190 + b as u32 - 144, 9)
        };
        table[b] = ((code.reverse_bits() >> (32 - len)) as u16, len as u8);
        b += 1;
    }
    table
};

/// The length symbol of a copy of `len` (3..=258) bytes: (symbol, extra bits, base length).
fn length_symbol(len: u32) -> (u32, u32, u32) {
    if len == 258 {
        return (285, 0, 258);
    }
    if len <= 10 {
        return (257 + len - 3, 0, len);
    }
    // Lengths 11..=257 come in groups of four symbols per number of extra bits.
    let mut base = 11;
    let mut symbol = 265;
    for extra in 1..=5 {
        let span = 1 << extra;
        if len < base + 4 * span {
            let i = (len - base) / span;
            return (symbol + i, extra, base + i * span);
        }
        base += 4 * span;
        symbol += 4;
    }
    (285, 0, 258)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_symbols_follow_rfc_1951() {
        assert_eq!(length_symbol(3), (257, 0, 3));
        assert_eq!(length_symbol(10), (264, 0, 10));
        assert_eq!(length_symbol(11), (265, 1, 11));
        assert_eq!(length_symbol(12), (265, 1, 11));
        assert_eq!(length_symbol(19), (269, 2, 19));
        assert_eq!(length_symbol(35), (273, 3, 35));
        assert_eq!(length_symbol(67), (277, 4, 67));
        assert_eq!(length_symbol(131), (281, 5, 131));
        assert_eq!(length_symbol(257), (284, 5, 227));
        assert_eq!(length_symbol(258), (285, 0, 258));
    }

    #[test]
    fn adler_of_parts_is_the_adler_of_the_whole() {
        let data: Vec<u8> = (0..100_000u32)
            .map(|i| {
                if i % 1000 < 700 {
                    0
                } else {
                    (i * 7 % 251) as u8
                }
            })
            .collect();
        let (a, b) = data.split_at(70_001);
        let adler = |d: &[u8]| {
            let mut h = simd_adler32::Adler32::new();
            h.write(d);
            h.finish()
        };
        let joined = adler32_combine(
            adler32_combine(1, adler(a), a.len() as u64),
            adler(b),
            b.len() as u64,
        );
        assert_eq!(joined, adler(&data));
        let mut d = Deflater::new(0);
        d.bytes(&data);
        assert_eq!(d.finish(data.len()).adler, adler(&data));
    }

    fn decode(file: Vec<u8>) -> (u32, u32, Vec<u8>) {
        let mut reader = png::Decoder::new(std::io::Cursor::new(file))
            .read_info()
            .unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!(info.color_type, png::ColorType::Rgb);
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf)
    }

    /// A picture with flat areas, runs, gradients and every byte value, encoded in three
    /// parts, decodes (with the `png` crate) to the same pixels.
    #[test]
    fn parts_decode_to_the_image() {
        let (w, h) = (301usize, 97usize);
        let rgb: Vec<u8> = (0..w * h * 3)
            .map(|i| {
                let (x, y) = ((i / 3) % w, (i / 3) / w);
                if x < 150 && y % 10 != 3 {
                    255
                } else if y % 10 == 3 {
                    (y * 7) as u8
                } else {
                    (x * 3 + y * 5 + i % 3) as u8
                }
            })
            .collect();
        let row = w * 3;
        let bands = [0..40, 40..41, 41..h];
        let parts: Vec<Part> = bands
            .iter()
            .map(|r| {
                let above = (r.start > 0).then(|| &rgb[(r.start - 1) * row..r.start * row]);
                filter_and_deflate(&rgb[r.start * row..r.end * row], w, above, None)
            })
            .collect();
        assert_eq!(
            decode(png(w as u32, h as u32, &parts)),
            (w as u32, h as u32, rgb)
        );
    }

    /// A band drawn on a canvas, its clean tiles skipped, decodes to the canvas's pixels.
    #[test]
    fn clean_tiles_are_zeros() {
        use crate::graph::canvas::Canvas;
        let (w, h) = (203usize, 50usize);
        let mut c = Canvas::new(w, h);
        c.reset(0, h);
        c.fill_rect((20.3, 3.5, 150.0, 9.0), [192, 192, 192]);
        c.fill_rect((70.0, 20.0, 71.2, 45.0), [0, 0, 0]);
        c.stroke(&[(5.0, 5.0), (190.0, 48.0)], 1.7);
        c.flush([31, 95, 153]);
        let row = w * 3;
        let (first, rest) = c.data().split_at(row);
        let parts = [
            filter_and_deflate(first, w, None, None),
            filter_and_deflate(rest, w, Some(first), Some(c.dirty())),
        ];
        assert_eq!(
            decode(png(w as u32, h as u32, &parts)),
            (w as u32, h as u32, c.data().to_vec())
        );
    }
}
