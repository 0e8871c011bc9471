//! `wtc compile` and `wtc check`: one spec or a batch, compiled in parallel in one process.
//!
//! One spec prints `Compiled workflow to: DIR` (`Up to date: DIR` when the package on disk
//! already equals it; `check`: `SPEC: ok`). A batch (several specs, or any directory /
//! `--all`) prints one summary line per spec in order, then a count. A failing spec never
//! stops the others; the exit code is 1 if any failed. `compile --check` writes nothing: it
//! compares each package with its release directory and exits 1 if one is out of date.

use super::discover::Registered;
use super::driver::{Built, Driver, SpecReadError, Unit, plural};
use super::reads::Reads;
use super::specs::expand;
use super::stamps::Stamps;
use super::term::{fail, millis, no_spec};
use super::{CheckArgs, OutputArgs, ReleaseArgs, release};
use crate::artifacts::Package;
use crate::diagnostics::Diagnostic;
use crate::output::stamp::Stamp;
use crate::output::{
    Comparison, OutputError, WriteReport, compare_package, rewrite_package, unified_diff,
    write_package,
};
use camino::Utf8Path;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What [`run`] does with each compiled package.
#[derive(Clone, Copy)]
enum Action<'a> {
    /// `wtc check`: diagnostics only.
    Validate,
    /// `compile --check`: compare it with the release directory on disk.
    Compare,
    /// `compile`: write it.
    Write(&'a ReleaseArgs),
}

/// Run `compile` (with its `release` flags) or `check` (`None`).
pub(super) fn run(
    check: &CheckArgs,
    output: &OutputArgs,
    release: Option<&ReleaseArgs>,
) -> ExitCode {
    let start = Instant::now();
    let action = match release {
        None => Action::Validate,
        Some(r) if r.check => Action::Compare,
        Some(r) => Action::Write(r),
    };
    let command = if release.is_some() {
        "compile"
    } else {
        "check"
    };
    if check.specs.is_empty() {
        return no_spec(command);
    }
    let inputs = check.specs.inputs();
    let reads = Reads::default();
    let specs = match expand(&inputs, &reads) {
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
    let images = !matches!(action, Action::Validate);
    let mut driver = match Driver::new(check, output, images, reads) {
        Ok(d) => d,
        Err(code) => return code,
    };
    driver.parse_whole();
    // What is compared or forced is rendered, never taken from the package on disk.
    driver.reuse_png = matches!(action, Action::Write(r) if !r.force);
    let mut loaded: Vec<Result<Unit, SpecReadError>> =
        specs.iter().map(|s| driver.load(s)).collect();
    for e in loaded.iter().filter_map(|l| l.as_ref().err()) {
        let _ = fail(e);
    }
    driver.attach(loaded.iter_mut().flatten().collect());
    let stamps = match action {
        Action::Write(r) => Stamps::new(check, r, &driver.mode),
        _ => None,
    };
    let fresh = fresh_stamps(&driver, stamps.as_ref(), &loaded);
    let stale = loaded.iter().zip(&fresh).filter(|(_, f)| f.is_none());
    let units: Vec<&Unit> = stale.filter_map(|(l, _)| l.as_ref().ok()).collect();

    let mut summary = Summary::new(batch, check.quiet, &action);
    let mut reported = Vec::new();
    // Every spec in order; a compiled one is settled (written) as soon as it and those
    // before it are built, while the others still compile.
    let mut entries = specs.iter().zip(&loaded).zip(fresh);
    let mut until_stale = |summary: &mut Summary| {
        for ((spec, unit), fresh) in entries.by_ref() {
            match (unit, fresh) {
                (Err(e), _) => summary.failed(spec, &e.to_string()),
                (Ok(unit), Some((stamp, elapsed))) => {
                    summary.up_to_date(unit, &stamp.release_name, stamp.files.len(), elapsed)
                }
                (Ok(unit), None) => return Some((spec, unit)),
            }
        }
        None
    };
    driver.compile_each(&units, |built| {
        let Some((spec, unit)) = until_stale(&mut summary) else {
            return;
        };
        let clean = built.compiled.diagnostics.is_empty();
        let delivered = settle(
            &driver,
            unit,
            spec,
            built,
            &action,
            &mut summary,
            &mut reported,
        );
        if let (Some(stamps), Some(name)) = (&stamps, delivered) {
            stamps.record(&driver, unit, &name, clean);
        }
    });
    // What follows the last compiled spec: failed loads and up-to-date ones.
    let _ = until_stale(&mut summary);
    driver.footer.print();
    // The process exits next: freeing the database (every memo of a large spec, millions
    // of allocations) would only delay that.
    std::mem::forget(driver.db);
    summary.finish(start.elapsed())
}

/// Report one spec's compile (its diagnostics), then hand its package to [`deliver`].
/// Returns the release name of a package written.
fn settle(
    driver: &Driver,
    unit: &Unit,
    spec: &Utf8Path,
    built: Built,
    action: &Action,
    summary: &mut Summary,
    reported: &mut Vec<Diagnostic>,
) -> Option<String> {
    let Built {
        compiled,
        package,
        elapsed,
    } = built;
    let errors = driver.report(unit, &compiled, reported);
    if errors > 0 {
        summary.failed(spec, &format!("{errors} error{}", plural(errors)));
        return None;
    }
    if matches!(action, Action::Validate) && unit.registered() {
        // `check` builds no package: no error is all it asks.
        summary.checked(unit, elapsed);
        return None;
    }
    let Some(package) = package else {
        // Discovery failed (reported).
        let why = match unit.attachment.registered {
            Registered::DiscoveryFailed => "task discovery failed",
            _ => "no package",
        };
        summary.failed(spec, why);
        return None;
    };
    deliver(driver, unit, package, elapsed, action, spec, summary)
}

/// Per loaded spec, the stamp that says its release directory is what these inputs
/// compile to (with the time it took to tell): those are not compiled again.
fn fresh_stamps(
    driver: &Driver,
    stamps: Option<&Stamps>,
    loaded: &[Result<Unit, SpecReadError>],
) -> Vec<Option<(Stamp, Duration)>> {
    loaded
        .iter()
        .map(|l| {
            let (s, u) = (stamps?, l.as_ref().ok()?);
            let looked = Instant::now();
            s.fresh(driver, u).map(|stamp| (stamp, looked.elapsed()))
        })
        .collect()
}

/// What `action` does with one compiled package: nothing more (`check`), compare it with
/// the package on disk (`--check`), or write it; the result goes into `summary`. Returns
/// the release name of a package written.
fn deliver(
    driver: &Driver,
    unit: &Unit,
    package: Arc<Package>,
    elapsed: Duration,
    action: &Action,
    spec: &Utf8Path,
    summary: &mut Summary,
) -> Option<String> {
    match action {
        Action::Validate => {
            summary.checked(unit, elapsed);
            None
        }
        Action::Compare => {
            let compared = Instant::now();
            match compare_package(unit.parent(), &package) {
                Ok(c) => summary.compared(unit, &package, &c, elapsed + compared.elapsed()),
                Err(e) => {
                    let _ = fail(&e);
                    summary.failed(spec, &e.to_string());
                }
            }
            None
        }
        Action::Write(release) => {
            let written = Instant::now();
            match write(driver, unit, package, release) {
                Ok((report, pkg)) => {
                    summary.compiled(unit, &pkg, &report, elapsed + written.elapsed());
                    Some(pkg.release_name.clone())
                }
                Err(why) => {
                    summary.failed(spec, &why);
                    None
                }
            }
        }
    }
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
    let written = match release.force {
        true => rewrite_package(parent, &package),
        false => write_package(parent, &package, release.clobber),
    };
    let report = written.map_err(|e| match e {
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
    if let Some(line) = &report.recovery {
        eprintln!("wtc: {line}");
    }
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
    /// Packages already equal to the release directory on disk.
    up_to_date: usize,
    /// `compile --check`: packages that differ from it.
    out_of_date: usize,
    failed: usize,
}

impl Summary {
    fn new(batch: bool, quiet: bool, action: &Action) -> Self {
        Self {
            batch,
            quiet,
            verb: match action {
                Action::Write(_) => "Compiled",
                _ => "Checked",
            },
            total: 0,
            up_to_date: 0,
            out_of_date: 0,
            failed: 0,
        }
    }

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
        if report.is_up_to_date() {
            let files = package.files.len();
            return self.up_to_date(unit, &package.release_name, files, elapsed);
        }
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

    /// A release directory already up to date (found by comparing, or by its stamp).
    fn up_to_date(&mut self, unit: &Unit, release_name: &str, files: usize, elapsed: Duration) {
        self.total += 1;
        self.up_to_date += 1;
        if self.quiet {
        } else if self.batch {
            println!(
                "  up to date {} → {release_name} ({files} files) in {}",
                unit.shown,
                millis(elapsed)
            );
        } else {
            println!("Up to date: {}", unit.parent().join(release_name));
        }
    }

    /// `compile --check`: `Up to date` / `up to date` line, or the out-of-date report.
    fn compared(&mut self, unit: &Unit, package: &Package, c: &Comparison, elapsed: Duration) {
        self.total += 1;
        if !c.is_up_to_date() {
            self.out_of_date += 1;
            print_out_of_date(unit, package, c, self.batch, self.quiet);
            return;
        }
        self.up_to_date += 1;
        if self.quiet {
        } else if self.batch {
            println!(
                "  up to date {} → {} in {}",
                unit.shown,
                package.release_name,
                millis(elapsed)
            );
        } else {
            println!("Up to date: {}", c.dir);
        }
    }

    fn finish(self, elapsed: Duration) -> ExitCode {
        if self.batch && !self.quiet {
            let counts: Vec<String> = [
                (self.up_to_date, "up to date"),
                (self.out_of_date, "out of date"),
                (self.failed, "failed"),
            ]
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}"))
            .collect();
            let counts = match counts.is_empty() {
                true => String::new(),
                false => format!(" ({})", counts.join(", ")),
            };
            println!(
                "{} {} spec{}{counts} in {}",
                self.verb,
                self.total,
                plural(self.total),
                millis(elapsed)
            );
        }
        if self.failed > 0 || self.out_of_date > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    }
}

/// The report of a package that differs from its release directory: a header naming it,
/// a line per differing / missing / extra file, then a unified diff per differing text
/// file (`-` on disk, `+` what the compile writes), coloured on a terminal. `quiet`: only
/// a `KIND PATH` line per file.
fn print_out_of_date(unit: &Unit, package: &Package, c: &Comparison, batch: bool, quiet: bool) {
    let shown_dir = unit
        .shown
        .parent()
        .unwrap_or(Utf8Path::new(""))
        .join(&package.release_name);
    let mut out = anstream::stdout().lock();
    let new = |rel: &str| package.file(rel).map_or(&[][..], |b| &b[..]);
    fn text(bytes: &[u8]) -> Option<&str> {
        std::str::from_utf8(bytes)
            .ok()
            .filter(|t| !t.contains('\0'))
    }
    let mut files: Vec<(&str, &str, &str)> = Vec::new();
    for (rel, old) in &c.differs {
        let binary = match (text(old), text(new(rel))) {
            (Some(_), Some(_)) => "",
            _ => " (binary)",
        };
        files.push(("\x1b[33mdiffers\x1b[0m", rel, binary));
    }
    files.extend(
        c.missing
            .iter()
            .map(|r| ("\x1b[31mmissing\x1b[0m", r.as_str(), "")),
    );
    files.extend(
        c.extra
            .iter()
            .map(|r| ("\x1b[36mextra\x1b[0m  ", r.as_str(), "")),
    );
    if quiet {
        if !c.exists {
            let _ = writeln!(out, "\x1b[31mmissing\x1b[0m {shown_dir}/");
        }
        for (kind, rel, note) in files {
            let _ = writeln!(out, "{kind} {shown_dir}/{rel}{note}");
        }
        return;
    }
    let (header, indent) = match batch {
        true => (
            format!("  out of date {} → {}", unit.shown, package.release_name),
            "    ",
        ),
        false => (format!("Out of date: {}", c.dir), "  "),
    };
    if !c.exists {
        let _ = writeln!(out, "{header}: the release directory is missing");
        return;
    }
    let _ = writeln!(out, "{header}");
    for (kind, rel, note) in files {
        let _ = writeln!(out, "{indent}{kind} {rel}{note}");
    }
    for (rel, old) in &c.differs {
        let (Some(old), Some(new)) = (text(old), text(new(rel))) else {
            continue;
        };
        let diff = unified_diff(
            old,
            new,
            &format!("{shown_dir}/{rel} (on disk)"),
            &format!("{shown_dir}/{rel} (compiled)"),
        );
        for line in diff.lines() {
            let style = match line.as_bytes().first() {
                _ if line.starts_with("---") || line.starts_with("+++") => "\x1b[1m",
                Some(b'@') => "\x1b[36m",
                Some(b'-') => "\x1b[31m",
                Some(b'+') => "\x1b[32m",
                _ => "",
            };
            let reset = if style.is_empty() { "" } else { "\x1b[0m" };
            let _ = writeln!(out, "{style}{line}{reset}");
        }
    }
}
