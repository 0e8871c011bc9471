//! `wtc explain CODE`: the long explanation of a diagnostic code (like `rustc --explain`);
//! `wtc explain --list` (or no code): every code with its summary. Also the [`Footer`]
//! that points at `wtc explain` once after a run's diagnostics.

use super::ExplainArgs;
use crate::diagnostics::{Code, Diagnostic, closest};
use std::process::ExitCode;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

/// Run `wtc explain`.
pub(super) fn run(args: &ExplainArgs) -> ExitCode {
    let Some(name) = args.code.as_deref().filter(|_| !args.list) else {
        print!("{}", list());
        return ExitCode::SUCCESS;
    };
    match Code::from_name(name) {
        Some(code) => {
            print!("{}", explanation(code));
            ExitCode::SUCCESS
        }
        None => {
            let mut msg = format!("error: unknown diagnostic code `{name}`\n");
            if let Some(c) = closest(name, Code::ALL.iter().map(|c| c.as_str())) {
                msg.push_str(&format!("  help: did you mean `{c}`?\n"));
            }
            eprint!("{msg}\n{}", list());
            ExitCode::from(2)
        }
    }
}

/// The text `wtc explain CODE` prints: the code and its summary as a title, the severities
/// it is reported with, then the explanation.
pub fn explanation(code: Code) -> String {
    let title = format!("{code}: {}", code.summary());
    format!(
        "{title}\n{}\n\nReported as: {}.\n\n{}",
        "=".repeat(title.chars().count()),
        code.severity_names(),
        code.explanation()
    )
}

/// Every code with its summary, aligned.
pub fn list() -> String {
    let width = Code::ALL
        .iter()
        .map(|c| c.as_str().len())
        .max()
        .unwrap_or(0);
    let mut out = String::from("Diagnostic codes (`wtc explain CODE` explains one):\n");
    for c in Code::ALL {
        out.push_str(&format!("  {:width$}  {}\n", c.as_str(), c.summary()));
    }
    out
}

/// Remembers the first code shown in a run and prints, once per process, the line that
/// points at `wtc explain` for it.
#[derive(Debug, Default)]
pub(super) struct Footer {
    first: OnceLock<Code>,
    printed: AtomicBool,
}

impl Footer {
    /// `d` was shown.
    pub fn shown(&self, d: &Diagnostic) {
        let _ = self.first.set(d.code);
    }

    /// Print the line if a diagnostic was shown and the line was not printed yet.
    pub fn print(&self) {
        if let Some(code) = self.first.get()
            && !self.printed.swap(true, Ordering::Relaxed)
        {
            eprintln!("{}", footer_line(*code));
        }
    }
}

/// The footer line naming `code`.
pub fn footer_line(code: Code) -> String {
    format!("For more information about a code, try `wtc explain {code}`.")
}
