//! The PNG file of [`super::raster`]: 8-bit RGB, every row `Up`-filtered, the image data
//! one zlib stream made of independently deflated parts (one per band of rows, so the
//! bands are filtered and compressed in parallel, like pigz does), joined by sync flushes.
//!
//! The deflate encoder is specialised for diagrams after the `Up` filter, where almost
//! every byte is zero (a row repeats the one above it): runs of zeros become one literal
//! zero and copies of distance 1; other bytes are literals. Fixed Huffman codes, so no
//! table is written or built. It reads the renderer's RGBA rows directly (no RGB copy).
//! Deterministic: the bytes depend only on the pixels.

/// One band's part of the zlib stream: its filtered rows deflated as non-final blocks
/// ending in a sync flush (byte-aligned), with the Adler-32 and length of the raw rows.
pub struct Part {
    bytes: Vec<u8>,
    adler: u32,
    len: u64,
}

/// `Up`-filter opaque RGBA rows of `width` pixels (written as RGB; `above`: the RGBA row
/// before the first, `None` for the image's first row) and deflate them into a [`Part`].
/// Pixels equal to the one above are zeros after the filter, so the rows are compared
/// two pixels (one `u64`) at a time, and the Adler-32 of a run of zeros is computed at once.
pub fn filter_and_deflate(rgba_rows: &[u8], width: usize, above: Option<&[u8]>) -> Part {
    let row = width * 4;
    let mut out = Deflater::new(rgba_rows.len() / 64 + 16);
    let mut prev = above;
    for cur in rgba_rows.chunks_exact(row) {
        out.byte(2);
        match prev {
            Some(p) => filter_row(&mut out, cur, p),
            None => {
                for px in cur.chunks_exact(4) {
                    out.bytes(&px[..3]);
                }
            }
        }
        prev = Some(cur);
    }
    out.finish(rgba_rows.len() / 4 * 3 + rgba_rows.len() / row)
}

/// One row against the row above: the RGB differences, two pixels at a time.
fn filter_row(out: &mut Deflater, cur: &[u8], prev: &[u8]) {
    // Runs of 16 equal pixels are compared at once (most of a diagram), then pairs.
    let blocks = cur.len() / 64 * 64;
    let mut at = 0;
    while at < blocks {
        if cur[at..at + 64] == prev[at..at + 64] {
            out.zeros(48);
            at += 64;
            continue;
        }
        pairs(out, &cur[at..at + 64], &prev[at..at + 64]);
        at += 64;
    }
    pairs(out, &cur[blocks..], &prev[blocks..]);
}

/// Pixels two by two (one `u64`), then a last odd one.
fn pairs(out: &mut Deflater, cur: &[u8], prev: &[u8]) {
    for (c, p) in cur.chunks_exact(8).zip(prev.chunks_exact(8)) {
        if c == p {
            out.zeros(6);
            continue;
        }
        out.bytes(&[
            c[0].wrapping_sub(p[0]),
            c[1].wrapping_sub(p[1]),
            c[2].wrapping_sub(p[2]),
            c[4].wrapping_sub(p[4]),
            c[5].wrapping_sub(p[5]),
            c[6].wrapping_sub(p[6]),
        ]);
    }
    let (c, p) = (&cur[cur.len() / 8 * 8..], &prev[prev.len() / 8 * 8..]);
    for (c, p) in c.chunks_exact(4).zip(p.chunks_exact(4)) {
        out.bytes(&[
            c[0].wrapping_sub(p[0]),
            c[1].wrapping_sub(p[1]),
            c[2].wrapping_sub(p[2]),
        ]);
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
/// their Adler-32; zeros are counted and written as runs.
struct Deflater {
    w: BitWriter,
    zeros: usize,
    /// Adler-32's two sums, reduced modulo 65521 after every run or literal.
    a: u32,
    b: u32,
}

const ADLER_BASE: u32 = 65521;

impl Deflater {
    fn new(capacity: usize) -> Self {
        let mut w = BitWriter::with_capacity(capacity);
        w.bits(0b010, 3);
        Self {
            w,
            zeros: 0,
            a: 1,
            b: 0,
        }
    }

    fn zeros(&mut self, n: usize) {
        self.zeros += n;
    }

    fn byte(&mut self, v: u8) {
        if v == 0 {
            self.zeros += 1;
            return;
        }
        self.flush_zeros();
        self.w.literal(v);
        // Both sums stay below 65521: one subtraction reduces them.
        self.a += u32::from(v);
        if self.a >= ADLER_BASE {
            self.a -= ADLER_BASE;
        }
        self.b += self.a;
        if self.b >= ADLER_BASE {
            self.b -= ADLER_BASE;
        }
    }

    fn bytes(&mut self, v: &[u8]) {
        for &b in v {
            self.byte(b);
        }
    }

    /// The pending zeros: Adler's `a` is unchanged, `b` grows by `a` per zero.
    fn flush_zeros(&mut self) {
        if self.zeros == 0 {
            return;
        }
        let n = (self.zeros % ADLER_BASE as usize) as u64;
        self.b = ((u64::from(self.b) + n * u64::from(self.a)) % u64::from(ADLER_BASE)) as u32;
        self.w.zero_run(self.zeros);
        self.zeros = 0;
    }

    /// End of block (symbol 256: seven zero bits), then an empty stored block: the sync
    /// flush that ends the part on a byte boundary. `len`: how many bytes were given.
    fn finish(mut self, len: usize) -> Part {
        self.flush_zeros();
        self.w.bits(0, 7);
        self.w.bits(0, 3);
        let mut bytes = self.w.finish();
        bytes.extend_from_slice(&[0x00, 0x00, 0xff, 0xff]);
        Part {
            bytes,
            adler: (self.b << 16) | self.a,
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
    fn literal(&mut self, b: u8) {
        let (code, len) = LITERALS[usize::from(b)];
        self.bits(u32::from(code), u32::from(len));
    }

    /// `n` zero bytes: a literal zero, then copies of distance 1.
    fn zero_run(&mut self, n: usize) {
        if n == 0 {
            return;
        }
        self.literal(0);
        let mut rest = n - 1;
        while rest >= 3 {
            let len = rest.min(258);
            self.copy(len as u32);
            rest -= len;
        }
        for _ in 0..rest {
            self.literal(0);
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

    /// A picture with flat areas, gradients and every byte value, encoded in three parts,
    /// decodes (with the `png` crate) to the same pixels.
    #[test]
    fn parts_decode_to_the_image() {
        let (w, h) = (301usize, 97usize);
        let rgba: Vec<u8> = (0..w * h * 4)
            .map(|i| {
                let (x, y) = ((i / 4) % w, (i / 4) / w);
                if i % 4 == 3 || (x < 150 && y % 10 != 3) {
                    255
                } else {
                    (x * 3 + y * 5 + i % 4) as u8
                }
            })
            .collect();
        let row = w * 4;
        let bands = [0..40, 40..41, 41..h];
        let parts: Vec<Part> = bands
            .iter()
            .map(|r| {
                let above = (r.start > 0).then(|| &rgba[(r.start - 1) * row..r.start * row]);
                filter_and_deflate(&rgba[r.start * row..r.end * row], w, above)
            })
            .collect();
        let file = png(w as u32, h as u32, &parts);
        let mut reader = png::Decoder::new(std::io::Cursor::new(file))
            .read_info()
            .unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (w as u32, h as u32));
        assert_eq!(info.color_type, png::ColorType::Rgb);
        let rgb: Vec<u8> = rgba.chunks(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
        assert_eq!(&buf[..info.buffer_size()], &rgb[..]);
    }
}
