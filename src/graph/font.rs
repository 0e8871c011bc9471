//! The embedded font of the built-in renderer and text measurement.
//!
//! DejaVu Sans (Book and Oblique, from the `dejavu` crate; licence in `NOTICE.md` and
//! `licenses/DejaVu-fonts.txt`) is compiled into the binary: the rasteriser never looks at
//! system fonts, so the PNG is the same on every machine, and text cannot silently
//! disappear for want of a font.

use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

/// The family name written into the SVG.
pub const FAMILY: &str = "DejaVu Sans";

/// DejaVu Sans Book.
pub fn regular() -> &'static [u8] {
    dejavu::sans::regular()
}

/// DejaVu Sans Oblique (the italic `return` rows).
pub fn oblique() -> &'static [u8] {
    dejavu::sans::oblique()
}

/// Width in px of `text` set in DejaVu Sans at `size` px (advance widths, no kerning).
pub fn text_width(text: &str, size: f32, italic: bool) -> f32 {
    let data = if italic { oblique() } else { regular() };
    let Ok(font) = FontRef::new(data) else {
        return text.chars().count() as f32 * size * 0.6;
    };
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
    text.chars()
        .map(|c| {
            charmap
                .map(c)
                .and_then(|g| metrics.advance_width(g))
                .unwrap_or(size * 0.6)
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_with_the_embedded_font() {
        let w = text_width("workflow_details", 12.0, false);
        assert!((80.0..120.0).contains(&w), "{w}");
        assert!(text_width("iiii", 12.0, false) < text_width("WWWW", 12.0, false));
        assert_eq!(text_width("", 12.0, true), 0.0);
    }
}
