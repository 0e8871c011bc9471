//! `wtc compile` and `wtc check`: one spec or a batch, compiled in parallel in one process.
//!
//! One spec prints `Compiled workflow to: DIR` (`check`: `SPEC: ok`). A batch (several
//! specs, or any directory / `--all`) prints one summary line per spec in order, then a
//! count. A failing spec never stops the others; the exit code is 1 if any failed.

use super::discover::Registered;
use super::driver::{Built, Driver, SpecReadError, Unit, plural};
use super::specs::expand;
use super::term::{fail, millis, no_spec};
use super::{CheckArgs, OutputArgs, ReleaseArgs, release};
use crate::artifacts::Package;
use crate::output::{OutputError, WriteReport, write_package};
use camino::Utf8Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Run `compile` (with `output` and `release` flags) or `check` (`None`).
pub(super) fn run(check: &CheckArgs, compile: Option<(&OutputArgs, &ReleaseArgs)>) -> ExitCode {
    let start = Instant::now();
    let command = if compile.is_some() {
        "compile"
    } else {
        "check"
    };
    if check.specs.is_empty() {
        return no_spec(command);
    }
    let inputs = check.specs.inputs();
    let specs = match expand(&inputs) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    if specs.is_empty() {
        return fail("no spec.yaml found in the given directories");
    }
    let batch = specs.len() > 1
        || inputs
            .iter()
            .any(|i| matches!(i, super::specs::Input::Tree(_)));
    let mut driver = match Driver::new(check, compile.map(|(o, _)| o)) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let mut loaded: Vec<Result<Unit, SpecReadError>> =
        specs.iter().map(|s| driver.load(s)).collect();
    for e in loaded.iter().filter_map(|l| l.as_ref().err()) {
        let _ = fail(e);
    }
    driver.attach(loaded.iter_mut().flatten().collect());
    let units: Vec<&Unit> = loaded.iter().flatten().collect();
    let mut built = driver.compile(&units).into_iter();

    let mut summary = Summary {
        batch,
        quiet: check.quiet,
        verb: if compile.is_some() {
            "Compiled"
        } else {
            "Checked"
        },
        total: 0,
        failed: 0,
    };
    let mut reported = Vec::new();
    for (spec, unit) in specs.iter().zip(&loaded) {
        let unit = match unit {
            Ok(u) => u,
            Err(e) => {
                summary.failed(spec, &e.to_string());
                continue;
            }
        };
        let Some(Built {
            compiled,
            package,
            elapsed,
        }) = built.next()
        else {
            break;
        };
        let errors = driver.report(unit, &compiled, &mut reported);
        if errors > 0 {
            summary.failed(spec, &format!("{errors} error{}", plural(errors)));
            continue;
        }
        let Some(package) = package else {
            // Discovery failed (reported).
            let why = match unit.attachment.registered {
                Registered::DiscoveryFailed => "task discovery failed",
                _ => "no package",
            };
            summary.failed(spec, why);
            continue;
        };
        match compile {
            None => summary.checked(unit, elapsed),
            Some((_, release)) => {
                let written = Instant::now();
                match write(&driver, unit, package, release) {
                    Ok((report, pkg)) => {
                        summary.compiled(unit, &pkg, &report, elapsed + written.elapsed())
                    }
                    Err(why) => summary.failed(spec, &why),
                }
            }
        }
    }
    summary.finish(start.elapsed())
}

/// Write one package (after `--update`'s preparation), then run pixi if asked. The error
/// (already reported) is the summary's reason.
fn write(
    driver: &Driver,
    unit: &Unit,
    package: Arc<Package>,
    release: &ReleaseArgs,
) -> Result<(WriteReport, Arc<Package>), String> {
    let parent = unit.parent();
    let mut package = package;
    if release.update {
        // Never an error here: a package exists only when params.json was built.
        let params_sha256 = crate::artifacts::readme_md::params_sha256(&driver.db, unit.wf)
            .as_ref()
            .map_err(|_| "cannot compute the params hash".to_string())?
            .clone();
        let dir = parent.join(&package.release_name);
        match release::prepare_update(&dir, &package, &params_sha256) {
            Ok((updated, version)) => {
                package = Arc::new(updated);
                if !driver.quiet {
                    println!("Updated version: {version}");
                }
            }
            Err(e) => {
                let _ = fail(e);
                return Err("cannot update".into());
            }
        }
    }
    let report = write_package(parent, &package, release.clobber).map_err(|e| match e {
        OutputError::Exists(_) => {
            let _ = fail(format!(
                "{e}\n  help: use --clobber to overwrite the existing directory"
            ));
            format!(
                "`{}` already exists (--clobber replaces it)",
                package.release_name
            )
        }
        e => {
            let _ = fail(&e);
            e.to_string()
        }
    })?;
    let pixi = if release.install {
        Some(&["install", "-a"][..])
    } else if release.update {
        Some(&["update", "--no-install"][..])
    } else {
        None
    };
    if let Some(args) = pixi
        && let Err(e) = release::run_pixi(args, &report.dir)
    {
        let _ = fail(e);
        return Err("pixi failed (the package was written)".into());
    }
    Ok((report, package))
}

/// The stdout side of a run: a line per spec in a batch, the classic line otherwise.
struct Summary {
    batch: bool,
    quiet: bool,
    /// `Compiled` / `Checked`.
    verb: &'static str,
    total: usize,
    failed: usize,
}

impl Summary {
    fn failed(&mut self, spec: &Utf8Path, why: &str) {
        self.total += 1;
        self.failed += 1;
        if self.batch && !self.quiet {
            println!("  failed   {spec}: {why}");
        }
    }

    fn checked(&mut self, unit: &Unit, elapsed: Duration) {
        self.total += 1;
        if self.quiet {
        } else if self.batch {
            println!("  checked  {} in {}", unit.shown, millis(elapsed));
        } else {
            println!("{}: ok", unit.shown);
        }
    }

    fn compiled(
        &mut self,
        unit: &Unit,
        package: &Package,
        report: &WriteReport,
        elapsed: Duration,
    ) {
        self.total += 1;
        if self.quiet {
        } else if self.batch {
            let removed = match report.removed.len() {
                0 => String::new(),
                n => format!(", {n} removed"),
            };
            println!(
                "  compiled {} → {} ({} files, {} written{removed}) in {}",
                unit.shown,
                package.release_name,
                package.files.len(),
                report.written.len(),
                millis(elapsed)
            );
        } else {
            println!("Compiled workflow to: {}", report.dir);
        }
    }

    fn finish(self, elapsed: Duration) -> ExitCode {
        if self.batch && !self.quiet {
            let failed = match self.failed {
                0 => String::new(),
                n => format!(" ({n} failed)"),
            };
            println!(
                "{} {} spec{}{failed} in {}",
                self.verb,
                self.total,
                plural(self.total),
                millis(elapsed)
            );
        }
        if self.failed > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    }
}
