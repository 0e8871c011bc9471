//! Random edits of spec texts (seeded, so a failure replays): shared by the tests that edit
//! corpus specs at random (`lsp_fuzz`, `reparse`).

/// xorshift64*: deterministic and dependency-free.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SNIPPETS: &[&str] = &[
    ":",
    "- ",
    "\n",
    "  ",
    "${{ workflow.",
    "}}",
    "task: ",
    "partial:\n      ",
    "[",
    "]",
    "{",
    "\"",
    "'",
    "é😀",
    "\r\n",
    "#",
    "id: ",
    "2024-01-01",
    "map:\n  argnames: ",
    "&a ",
    "*a",
];

/// One random edit of `text`: a deletion, an insertion of YAML-ish text, or a duplicated line.
pub fn edit(text: &str, rng: &mut Rng) -> String {
    let mut at = rng.below(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    match rng.below(3) {
        0 => {
            let mut end = (at + 1 + rng.below(40)).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            format!("{}{}", &text[..at], &text[end..])
        }
        1 => format!(
            "{}{}{}",
            &text[..at],
            SNIPPETS[rng.below(SNIPPETS.len())],
            &text[at..]
        ),
        _ => {
            let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
            format!("{}{}", &text[..end], &text[start..end])
        }
    }
}
