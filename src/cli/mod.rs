//! The `wtc` command line: argument definitions and dispatch.
//!
//! The work lives in the submodules: `driver` (opening specs, registries, parallel
//! compiles, diagnostics), `compile` (`compile` / `check`, single and batch output),
//! `watch` (`wtc watch`), `discover` (registry sources), `lock` (`wtc lock`), `cache`
//! (`wtc cache`), `schema` (`wtc schema`), `specs` (spec paths and directory walks), `templates` (`--template-dir`,
//! `wtc templates`), `explain` (`wtc explain`, the footer naming it), `term` (error/warning
//! lines).
//!
//! Exit codes: 0 success, 1 compile errors (diagnostics on stderr), 2 usage errors.

mod cache;
mod compile;
mod discover;
mod driver;
pub mod explain;
pub mod fuzz;
pub mod graphviz;
pub mod huge_pages;
mod lock;
pub mod overrides;
pub mod reads;
pub mod release;
pub mod render;
pub mod run;
pub mod scaffold;
mod schema;
mod specs;
mod stamps;
pub mod templates;
mod term;
mod validate;
mod watch;

use camino::Utf8PathBuf;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "wtc",
    version,
    about = "Compile wt workflow specs (spec.yaml) into Python workflow packages",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compile specs into workflow packages (written beside each spec.yaml).
    Compile(CompileArgs),
    /// Validate specs and report diagnostics without writing anything.
    Check(CheckCommandArgs),
    /// Compile specs, then recompile on every change to them (or to the env-overrides
    /// file, the template directory, lock files, registry files); only files whose bytes
    /// changed are rewritten.
    Watch(WatchArgs),
    /// Compile a spec, then run its workflow once in the discovery environment (or
    /// `--python-env`), without Docker or pixi: params from `--params FILE` or `--case ID`
    /// (validated first), output streamed, result.json under `<spec dir>/.wtc/runs/`.
    Run(Box<run::RunArgs>),
    /// Write the lock file (`wtc.lock` beside the spec) from task discovery or a given
    /// registry document, so later compiles need no network.
    Lock(LockArgs),
    /// Inspect and share the discovery cache: list entries, push them to the shared cache
    /// (--cache-url), prune old local ones.
    Cache(cache::CacheArgs),
    /// Print the bundled default dependencies (the format of an --env-overrides file).
    Defaults,
    /// List the embedded package templates, or write them into a directory (`--dump`) as
    /// a starting point for `--template-dir`.
    Templates(TemplatesArgs),
    /// Start a new workflow project (`scaffold init`) or list the project providers.
    Scaffold(scaffold::ScaffoldArgs),
    /// Print the JSON Schema (Draft-07) of spec.yaml for editors with a YAML plugin: the
    /// grammar, the registry's task names and each task's `partial` arguments.
    Schema(schema::SchemaArgs),
    /// Explain a diagnostic code (the `unknown-key` of `error[unknown-key]`), or list the
    /// codes.
    Explain(ExplainArgs),
    /// Run the language server (LSP over stdio) for spec.yaml files.
    Lsp(LspArgs),
}

/// `wtc lsp [--registry FILE [--solved FILE] | --python-env PREFIX] [--cache-dir DIR]
/// [--env-overrides FILE]`; the same options are accepted as `initializationOptions`
/// (`registry`, `solved`, `pythonEnv`, `cacheDir`, `envOverrides`), which take precedence.
#[derive(Debug, Args)]
pub struct LspArgs {
    #[command(flatten)]
    pub given: RegistryArgs,
    /// An env-overrides file, as `compile --env-overrides` takes it.
    #[arg(long, value_name = "FILE")]
    pub env_overrides: Option<Utf8PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The code to explain, e.g. `unknown-key` (without it: the list of codes).
    #[arg(value_name = "CODE")]
    pub code: Option<String>,
    /// List every code with its summary.
    #[arg(long, conflicts_with = "code")]
    pub list: bool,
}

#[derive(Debug, Args)]
pub struct SpecArgs {
    /// Spec files, or directories (every spec.yaml below them, as with --all).
    #[arg(value_name = "SPEC")]
    pub specs: Vec<Utf8PathBuf>,
    /// A spec file (repeatable; same as a positional SPEC).
    #[arg(long = "spec", value_name = "FILE")]
    pub spec_flags: Vec<Utf8PathBuf>,
    /// Every spec.yaml below DIR, sorted (repeatable). Hidden directories, `target` and
    /// generated release directories are skipped.
    #[arg(long = "all", value_name = "DIR")]
    pub all: Vec<Utf8PathBuf>,
}

/// A registry given instead of discovered, and the discovery cache: the flags `wtc lsp`
/// shares with every command that compiles ([`DiscoveryArgs`]).
#[derive(Debug, Args)]
pub struct RegistryArgs {
    /// A `wt-registry --format json` document describing the known tasks (skips discovery).
    #[arg(long, value_name = "FILE", conflicts_with = "python_env")]
    pub registry: Option<Utf8PathBuf>,
    /// A JSON list of `{name, version, channel}` records of the solved environment.
    #[arg(long, value_name = "FILE", requires = "registry")]
    pub solved: Option<Utf8PathBuf>,
    /// Run `wt-registry` of an existing environment (a pixi env or venv with the task
    /// packages) instead of solving and installing one.
    #[arg(long, value_name = "PREFIX")]
    pub python_env: Option<Utf8PathBuf>,
    /// Discovery cache directory [default: $WTC_CACHE_DIR, else $XDG_CACHE_HOME/wtc].
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<Utf8PathBuf>,
}

#[derive(Debug, Args)]
pub struct DiscoveryArgs {
    #[command(flatten)]
    pub given: RegistryArgs,
    /// Discover again, ignoring the lock file and the caches (both caches are refreshed:
    /// the shared entry is overwritten).
    #[arg(long, conflicts_with_all = ["registry", "python_env"])]
    pub refresh_discovery: bool,
    /// Fail instead of discovering when neither the lock file nor a cache has the
    /// discovery key.
    #[arg(long, conflicts_with_all = ["registry", "python_env", "refresh_discovery"])]
    pub no_discover: bool,
    #[command(flatten)]
    pub shared: SharedCacheArgs,
    /// Show discovery progress as plain lines instead of a spinner.
    #[arg(long)]
    pub no_progress: bool,
}

/// Where the shared discovery cache is (shared by the registry-source flags and
/// `wtc cache`).
#[derive(Debug, Args)]
pub struct SharedCacheArgs {
    /// Shared discovery cache behind the local one: `file://DIR`, `s3://BUCKET[/PREFIX]`,
    /// `gs://BUCKET[/PREFIX]`, `az://CONTAINER[/PREFIX]`; credentials and endpoints from
    /// the usual AWS_*, GOOGLE_*, AZURE_* environment variables.
    #[arg(long, value_name = "URL", env = "WTC_CACHE_URL")]
    pub cache_url: Option<String>,
    /// Namespace (path prefix) of the shared cache's entries, so experiments never mix
    /// with CI results (CI sets `ci`).
    #[arg(
        long,
        value_name = "NAME",
        env = "WTC_CACHE_NAMESPACE",
        default_value = crate::discovery::shared::DEFAULT_NAMESPACE,
        value_parser = parse_namespace
    )]
    pub cache_namespace: String,
    /// Read the shared cache but never write to it (untrusted jobs, e.g. pull requests).
    #[arg(long, env = "WTC_CACHE_READ_ONLY")]
    pub cache_read_only: bool,
}

impl SharedCacheArgs {
    /// The shared cache's configuration, when a URL is given.
    pub fn config(&self) -> Option<crate::discovery::shared::SharedConfig> {
        let url = self.cache_url.as_ref().filter(|u| !u.is_empty())?;
        Some(crate::discovery::shared::SharedConfig {
            url: url.clone(),
            namespace: self.cache_namespace.clone(),
            read_only: self.cache_read_only,
        })
    }
}

fn parse_namespace(s: &str) -> Result<String, String> {
    crate::discovery::shared::check_namespace(s)
        .map(|()| s.to_string())
        .map_err(|e| e.to_string())
}

#[derive(Debug, Default, Args)]
pub struct DependencyArgs {
    /// Use the `wt-task-VARIANT` / `wt-runner-VARIANT` conda packages instead of the default
    /// `wt-task` / `wt-runner` (e.g. `gcp`; empty: none).
    #[arg(long, value_name = "VARIANT", default_value = "")]
    pub variant: String,
    /// A TOML file of per-feature dependencies that take precedence over the defaults and
    /// the spec's requirements in pixi.toml (see `wtc defaults` for the format).
    #[arg(long, value_name = "PATH")]
    pub env_overrides: Option<Utf8PathBuf>,
    /// A directory of templates replacing the embedded ones of the same relative name
    /// (e.g. `DIR/packaging/Dockerfile.j2`; see `wtc templates`).
    #[arg(long, value_name = "DIR")]
    pub template_dir: Option<Utf8PathBuf>,
}

#[derive(Debug, Args)]
pub struct TemplatesArgs {
    /// Write the embedded templates into DIR (created if needed) instead of listing them.
    #[arg(long, value_name = "DIR")]
    pub dump: Option<Utf8PathBuf>,
    /// With --dump: overwrite existing files.
    #[arg(long, requires = "dump")]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Where the task registry and the dependencies come from, and whether warnings fail: the
/// flags every command that compiles shares (`check`, `compile`, `watch`, `run`).
#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub discovery: DiscoveryArgs,
    #[command(flatten)]
    pub dependencies: DependencyArgs,
    /// Use only the lock file for the task registry; fail if it is missing or stale.
    #[arg(long, conflicts_with_all = ["registry", "python_env", "refresh_discovery"])]
    pub locked: bool,
    /// Treat warnings as errors.
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub specs: SpecArgs,
    #[command(flatten)]
    pub build: BuildArgs,
    /// Print nothing but diagnostics.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `wtc check`: `compile`'s output flags are accepted (they change the names checked, e.g.
/// the package name), so a script passes the same flags to every command.
#[derive(Debug, Args)]
pub struct CheckCommandArgs {
    #[command(flatten)]
    pub check: CheckArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct CompileArgs {
    #[command(flatten)]
    pub check: CheckArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub release: ReleaseArgs,
}

/// What the generated package looks like (shared by `compile`, `watch` and `check`).
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Prefix of the release and package names.
    #[arg(long, value_name = "PREFIX", default_value = "wt", value_parser = validate::name_prefix)]
    pub pkg_name_prefix: String,
    /// Environment variable the generated CLI reads the results URL from.
    #[arg(long, value_name = "ENV_VAR", default_value = "WT_RESULTS", value_parser = validate::env_var_name)]
    pub results_env_var: String,
    /// What renders graph.svg and graph.png from the task graph: the built-in engine, or
    /// Graphviz's `dot` when it is on PATH (the built-in engine otherwise).
    #[arg(long, value_enum, value_name = "ENGINE", default_value_t = GraphEngine::Builtin)]
    pub graph_engine: GraphEngine,
}

/// How `compile` treats an existing release directory, and pixi afterwards.
#[derive(Debug, Args)]
pub struct ReleaseArgs {
    /// Replace an existing output directory (atomically).
    #[arg(long)]
    pub clobber: bool,
    /// Carry the previous package's pixi.lock over, bump VERSION.yaml (major when the
    /// user-facing params changed, else minor), then run `pixi update --no-install`.
    #[arg(long, requires = "clobber", conflicts_with = "install")]
    pub update: bool,
    /// After writing, run `pixi install -a` in the package (also when it was up to date).
    #[arg(long)]
    pub install: bool,
    /// With --clobber: rewrite every file through the atomic swap even when the package on
    /// disk is already up to date.
    #[arg(long, requires = "clobber")]
    pub force: bool,
    /// Write nothing: exit 0 when every package on disk is exactly what this compile would
    /// write (`pixi.lock` and `.pixi/` aside), else list the files that differ, are missing
    /// or are extra, with a unified diff of text files (-q: the list only), and exit 1.
    #[arg(long, conflicts_with_all = ["clobber", "update", "install", "force"])]
    pub check: bool,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub check: CheckArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Accepted for symmetry with `compile`: watch always takes over the release
    /// directories of its specs (updating them in place).
    #[arg(long, hide = true)]
    pub clobber: bool,
    /// After every successful recompile, run the workflow (as `wtc run --case ID`) and
    /// print its summary; an edit during a run cancels it and starts over (one spec).
    #[arg(long, value_name = "ID", conflicts_with = "run_params")]
    pub run_case: Option<String>,
    /// The same with the params of FILE (as `wtc run --params FILE`).
    #[arg(long, value_name = "FILE")]
    pub run_params: Option<Utf8PathBuf>,
    /// Runs use the real IO tasks (default: `--mock-io`).
    #[arg(long)]
    pub no_mock_io: bool,
}

#[derive(Debug, Args)]
pub struct LockArgs {
    #[command(flatten)]
    pub specs: SpecArgs,
    #[command(flatten)]
    pub discovery: DiscoveryArgs,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Renderer of `graph.svg` and `graph.png`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphEngine {
    /// Pure Rust: layered layout, SVG, rasterised with tiny-skia (deterministic).
    Builtin,
    /// The Graphviz `dot` binary (layout of the reference's graph.dot, `rankdir=LR`).
    Graphviz,
}

fn lsp(args: LspArgs) -> ExitCode {
    let config = crate::lsp::Config {
        registry: args.given.registry.map(|p| specs::absolute(&p).into()),
        solved: args.given.solved.map(|p| specs::absolute(&p).into()),
        python_env: args.given.python_env.map(Into::into),
        cache_dir: args.given.cache_dir.map(Into::into),
        env_overrides: args.env_overrides.map(|p| specs::absolute(&p).into()),
    };
    match crate::lsp::run_stdio(config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => term::fail(format!("lsp: {e}")),
    }
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // `scaffold init` has a flag per question of its provider: load the provider first.
    let prepared = match scaffold::prepare(&argv) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let mut command = Cli::command();
    if let Some(p) = &prepared {
        command = p.augment(command);
    }
    let parsed = command
        .try_get_matches_from(&argv)
        .and_then(|m| Ok((Cli::from_arg_matches(&m)?, m)));
    let (cli, matches) = match parsed {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Scaffold(s) => match &s.command {
            scaffold::ScaffoldCommand::Init(args) => scaffold::init(args, prepared, &matches),
            scaffold::ScaffoldCommand::Providers(args) => scaffold::providers(args),
        },
        Command::Compile(args) => compile::run(&args.check, &args.output, Some(&args.release)),
        Command::Check(args) => compile::run(&args.check, &args.output, None),
        Command::Watch(args) => watch::run(&args),
        Command::Run(args) => run::run(*args),
        Command::Lock(args) => lock::run(&args),
        Command::Templates(args) => templates::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Schema(args) => schema::run(&args),
        Command::Cache(args) => cache::run(&args),
        Command::Lsp(args) => lsp(args),
        Command::Defaults => {
            print!("{}", crate::dependencies::defaults::DEFAULTS_TOML);
            ExitCode::SUCCESS
        }
    }
}
