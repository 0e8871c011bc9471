//! Progress reporting for discovery: an indicatif spinner (with rattler's download and
//! link bars) on a terminal, plain lines otherwise, or nothing.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::time::Duration;

/// How discovery shows its progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProgressMode {
    /// A spinner plus download/install bars (stderr is a terminal).
    Terminal,
    /// One plain line per phase on stderr (`--no-progress`, or not a terminal).
    Plain,
    /// Nothing (`--quiet`, tests).
    Silent,
}

impl ProgressMode {
    /// Terminal when stderr is a terminal and progress is not disabled, else plain.
    pub fn detect(no_progress: bool, quiet: bool) -> Self {
        use std::io::IsTerminal;
        if quiet {
            Self::Silent
        } else if !no_progress && std::io::stderr().is_terminal() {
            Self::Terminal
        } else {
            Self::Plain
        }
    }
}

/// The phases of a discovery, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Solve,
    Install,
    Pypi,
    Discover,
}

impl Phase {
    fn message(self) -> &'static str {
        match self {
            Phase::Solve => "Solving dependencies...",
            Phase::Install => "Downloading and installing packages...",
            Phase::Pypi => "Installing PyPI dependencies...",
            Phase::Discover => "Discovering tasks...",
        }
    }
}

/// A live progress display for one discovery.
pub struct Progress {
    mode: ProgressMode,
    multi: Option<MultiProgress>,
    spinner: Option<ProgressBar>,
    label: String,
}

impl Progress {
    /// `label` names what is being discovered (e.g. the spec path).
    pub fn new(mode: ProgressMode, label: impl Into<String>) -> Self {
        let (multi, spinner) = if mode == ProgressMode::Terminal {
            let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
            let spinner = multi.add(ProgressBar::new_spinner());
            spinner.set_style(
                ProgressStyle::with_template("{spinner:.green} {prefix} {msg} [{elapsed}]")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            spinner.enable_steady_tick(Duration::from_millis(100));
            (Some(multi), Some(spinner))
        } else {
            (None, None)
        };
        let label = label.into();
        if let Some(s) = &spinner {
            s.set_prefix(label.clone());
        }
        Self {
            mode,
            multi,
            spinner,
            label,
        }
    }

    /// Enter a phase.
    pub fn phase(&self, phase: Phase) {
        match self.mode {
            ProgressMode::Terminal => {
                if let Some(s) = &self.spinner {
                    s.set_message(phase.message());
                }
            }
            ProgressMode::Plain => eprintln!("wtc: {}: {}", self.label, phase.message()),
            ProgressMode::Silent => {}
        }
    }

    /// Print a line without tearing the bars.
    pub fn println(&self, line: &str) {
        match (&self.multi, self.mode) {
            (Some(m), _) => {
                let _ = m.println(line);
            }
            (None, ProgressMode::Silent) => {}
            (None, _) => eprintln!("{line}"),
        }
    }

    /// The multi-progress that rattler's installer bars attach to (terminal mode only).
    pub fn multi(&self) -> Option<MultiProgress> {
        self.multi.clone()
    }

    /// Remove the display.
    pub fn finish(&self) {
        if let Some(s) = &self.spinner {
            s.finish_and_clear();
        }
        if let Some(m) = &self.multi {
            let _ = m.clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
