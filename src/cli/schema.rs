//! `wtc schema`: print the JSON Schema of `spec.yaml` for editors with only a YAML plugin
//! (`editor_schema`). The registry comes from where `compile` takes it: a spec's lock file
//! → cache → discovery (through the driver), `--registry` / `--python-env`, or none with
//! `--grammar-only`.

use super::discover::{Registered, Source, source};
use super::driver::Driver;
use super::reads::Reads;
use super::term::{fail, styled_stderr};
use super::{DiscoveryArgs, render};
use crate::editor_schema::{grammar_schema, render as render_schema, spec_schema};
use crate::registry::Registry;
use camino::{Utf8Path, Utf8PathBuf};
use clap::Args;
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// A spec whose task registry (its lock file → the cache → discovery, as `compile`
    /// does) gives the task names and arguments.
    #[arg(value_name = "SPEC", conflicts_with_all = ["registry", "python_env"])]
    pub spec: Option<Utf8PathBuf>,
    #[command(flatten)]
    pub discovery: DiscoveryArgs,
    /// Use only the spec's lock file for the task registry; fail if it is missing or stale.
    #[arg(long, conflicts_with_all = ["registry", "python_env", "refresh_discovery"])]
    pub locked: bool,
    /// The grammar alone: any task name, any arguments (needs no registry).
    #[arg(long, conflicts_with_all = ["spec", "registry", "python_env", "locked", "refresh_discovery", "no_discover"])]
    pub grammar_only: bool,
    /// Write the schema to FILE (replaced atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<Utf8PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

pub(super) fn run(args: &SchemaArgs) -> ExitCode {
    let channel = std::env::var("WT_CONDA_CHANNEL").unwrap_or_default();
    let schema = if args.grammar_only {
        grammar_schema(&channel)
    } else {
        match registry(args) {
            Ok(r) => spec_schema(&r, &channel),
            Err(code) => return code,
        }
    };
    let text = render_schema(&schema);
    match &args.output {
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(format!("cannot write the schema: {e}")),
            }
        }
        Some(path) => match write_file(path, &text) {
            Ok(()) => {
                if !args.quiet {
                    eprintln!("wtc: wrote {path}");
                }
                ExitCode::SUCCESS
            }
            Err(e) => fail(format!("cannot write {path}: {e}")),
        },
    }
}

/// The registry named on the command line, or the one of the spec (reported failures
/// give the exit code).
fn registry(args: &SchemaArgs) -> Result<Arc<Registry>, ExitCode> {
    let reads = Reads::default();
    let source = source(&args.discovery, args.locked, args.quiet, &reads).map_err(fail)?;
    if let Source::Fixed(d) = &source {
        return Ok(d.registry.clone());
    }
    let Some(spec) = &args.spec else {
        eprintln!(
            "error: no registry source given\n\nUsage: wtc schema <SPEC> | --registry <FILE> | --python-env <PREFIX> | --grammar-only"
        );
        return Err(ExitCode::from(2));
    };
    let mut driver = Driver::open(source, reads, args.quiet);
    let mut unit = driver.load(spec).map_err(fail)?;
    driver.attach(vec![&mut unit]);
    match unit.attachment.registered {
        Registered::Yes => Ok(unit.wf.registry(&driver.db).registry(&driver.db).clone()),
        // Reported by the driver.
        Registered::DiscoveryFailed => Err(ExitCode::from(1)),
        Registered::LoweringErrors => {
            let db = &driver.db;
            let text = unit.wf.spec(db).text(db);
            let lowering = &crate::front::lowered(db, unit.wf).diagnostics;
            for d in lowering.iter().filter(|d| d.is_error()) {
                driver.footer.shown(d);
                eprintln!(
                    "{}",
                    render::render(d, unit.shown.as_str(), text, styled_stderr())
                );
            }
            driver.footer.print();
            Err(fail(format!(
                "cannot obtain the task registry of `{}`: fix the errors above, or give --registry FILE",
                unit.shown
            )))
        }
    }
}

/// Write `text` to `path` (its directory created) through a temporary sibling, so readers
/// never see half a file.
fn write_file(path: &Utf8Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_str().is_empty() => p,
        _ => Utf8Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
