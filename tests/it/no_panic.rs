//! No input may panic: mutated specs go through the whole pipeline and produce either a
//! package or diagnostics.

use crate::support::*;
use camino::Utf8Path;
use wtc::db::Database;

/// Deterministic xorshift.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "\n",
    " ",
    "  ",
    "- ",
    ": ",
    "{",
    "}",
    "[",
    "]",
    ",",
    "\"",
    "'",
    "${{ workflow.",
    ".return }}",
    "${{ env.X }}",
    "id: ",
    "task: ",
    "partial:",
    "map:",
    "mapvalues:",
    "argnames: ",
    "argvalues: ",
    "skipif:",
    "conditions: ",
    "type: task-group",
    "2020-01-01",
    "null",
    "~",
    "&a ",
    "*a",
    "!!str ",
    "1e3",
    ".inf",
    "class",
    "sum",
    "é",
    "🧪",
];

#[test]
fn mutated_specs_never_panic() {
    let registry = std::fs::read_to_string(repo().join("examples/registry.json")).unwrap();
    let db = Database::default();
    let mut rng = Rng(0x9e3779b97f4a7c15);
    let mut seeds = Vec::new();
    for example in ["chain", "map-reduce", "groups"] {
        seeds.push(
            std::fs::read_to_string(repo().join("examples").join(example).join("spec.yaml"))
                .unwrap(),
        );
    }
    let mut outcomes = [0usize; 2];
    for i in 0..1500 {
        let mut text = seeds[i % seeds.len()].clone();
        for _ in 0..1 + rng.below(4) {
            let mut at = rng.below(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            match rng.below(3) {
                0 => text.insert_str(at, PIECES[rng.below(PIECES.len())]),
                1 => {
                    let mut end = (at + rng.below(12)).min(text.len());
                    while !text.is_char_boundary(end) {
                        end -= 1;
                    }
                    text.replace_range(at..end, "");
                }
                _ => {
                    let line_start = text[..at].rfind('\n').map_or(0, |p| p + 1);
                    text.insert_str(line_start, "  ");
                }
            }
        }
        let (_, compiled) = compile(
            &db,
            Utf8Path::new("spec.yaml"),
            &text,
            &registry,
            vec![],
            &CompileArgs::default(),
        );
        outcomes[usize::from(compiled.package.is_some())] += 1;
        // Rendering must not panic either (spans stay within the text).
        let _ = rendered_diagnostics(&compiled, "spec.yaml", &text);
    }
    eprintln!("{} rejected, {} compiled", outcomes[0], outcomes[1]);
    assert!(outcomes[0] > 0 && outcomes[1] > 0);
}
