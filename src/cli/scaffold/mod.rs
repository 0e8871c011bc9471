//! `wtc scaffold init` and `wtc scaffold providers`.
//!
//! The command line is parsed in two steps: [`prepare`] looks at the raw arguments for
//! `scaffold init` and its `--provider` / `--provider-path` flags and loads the provider,
//! whose questions [`Prepared::augment`] then adds to `scaffold init` as flags (so they are
//! checked by the parser and listed by `--help`).

mod prompts;

use super::render;
use super::term::{fail, warn};
use crate::scaffold::batch::{self, Given};
use crate::scaffold::interactive::{self, ExtraChecks, PromptError, Prompter, Validator};
use crate::scaffold::provider::{self, Origin, Provider, ProviderError, SearchPath};
use crate::scaffold::questions::{Answer, Answers, Kind, Question};
use crate::scaffold::render::year_of;
use crate::scaffold::write::{WriteError, write_project};
use crate::scaffold::{manifest::BUILTIN, project_name};
use camino::{Utf8Path, Utf8PathBuf};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Arg, ArgAction, ArgMatches, Args, Subcommand};
use std::ffi::OsString;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, Args)]
pub struct ScaffoldArgs {
    #[command(subcommand)]
    pub command: ScaffoldCommand,
}

#[derive(Debug, Subcommand)]
pub enum ScaffoldCommand {
    /// Create a new workflow project in <OUTPUT_DIR>/<workflow_id>/ from a provider's
    /// questions and templates (asked at the terminal, or given as flags with
    /// --no-interactive).
    Init(InitArgs),
    /// List the providers: the built-in one and those on the provider search path.
    Providers(SearchArgs),
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// A directory of provider directories, searched before
    /// $XDG_DATA_HOME/wtc/providers (repeatable; searched in order).
    #[arg(long = "provider-path", value_name = "DIR")]
    pub provider_path: Vec<Utf8PathBuf>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Answers given as flags are not asked again in interactive mode. \
    A list question (such as --requirements) takes one JSON object per flag."
)]
pub struct InitArgs {
    /// The provider: `builtin` (the default), the name of a provider directory on the
    /// search path, or a path to one. Without it, an interactive run offers the providers
    /// found on the search path.
    #[arg(long, value_name = "NAME")]
    pub provider: Option<String>,
    #[command(flatten)]
    pub search: SearchArgs,
    /// Take every answer from flags instead of asking; missing required answers are an
    /// error.
    #[arg(long)]
    pub no_interactive: bool,
    /// Where the project directory is created [default: the current directory].
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<Utf8PathBuf>,
    /// Write into an existing project directory: rendered files replace the files of the
    /// same name, other files stay.
    #[arg(long)]
    pub clobber: bool,
}

/// The provider of a `scaffold init` command line, loaded before the full parse.
pub struct Prepared {
    pub provider: Provider,
    pub search: SearchPath,
}

/// The provider search path: `--provider-path` directories, then the data directory's.
fn search_path(flags: &[Utf8PathBuf]) -> SearchPath {
    let data = dirs::data_dir().and_then(|d| Utf8PathBuf::from_path_buf(d).ok());
    SearchPath::new(flags, data)
}

/// For `wtc scaffold init ...` (and `wtc help scaffold init`): load the provider the raw
/// arguments name. `Ok(None)` for every other command; `Err` when the provider cannot be
/// loaded (reported already).
pub fn prepare(argv: &[OsString]) -> Result<Option<Prepared>, ExitCode> {
    let args: Vec<String> = argv
        .iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let positionals: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .take_while(|a| *a != "--")
        .filter(|a| !a.starts_with('-'))
        .take(3)
        .collect();
    if !matches!(
        positionals.as_slice(),
        ["scaffold", "init", ..] | ["help", "scaffold", "init"]
    ) {
        return Ok(None);
    }
    let mut selector = None;
    let mut paths = Vec::new();
    let mut it = args.iter().take_while(|a| *a != "--");
    while let Some(a) = it.next() {
        let value = |flag: &str| -> Option<String> {
            if a == flag {
                it.clone().next().cloned()
            } else {
                a.strip_prefix(flag)
                    .and_then(|rest| rest.strip_prefix('='))
                    .map(str::to_string)
            }
        };
        if let Some(v) = value("--provider") {
            selector = Some(v);
        } else if let Some(v) = value("--provider-path") {
            paths.push(Utf8PathBuf::from(v));
        }
    }
    let search = search_path(&paths);
    match provider::load(&search, selector.as_deref().unwrap_or(BUILTIN)) {
        Ok(provider) => Ok(Some(Prepared { provider, search })),
        Err(e) => Err(provider_error(&e)),
    }
}

/// Report a provider that cannot be loaded (a manifest's problems with snippets).
fn provider_error(e: &ProviderError) -> ExitCode {
    if let ProviderError::Manifest {
        path,
        text,
        diagnostics,
    } = e
    {
        let styled = std::io::stderr().is_terminal();
        for d in diagnostics {
            eprintln!("{}", render::render(d, path.as_str(), text, styled));
        }
    }
    fail(e)
}

impl Prepared {
    /// Add the provider's questions to `scaffold init` as flags.
    pub fn augment(&self, cmd: clap::Command) -> clap::Command {
        let heading = format!("Questions of provider `{}`", self.provider.name);
        let args: Vec<Arg> = self
            .provider
            .questions
            .iter()
            .map(|q| question_arg(q).help_heading(heading.clone()))
            .collect();
        cmd.mut_subcommand("scaffold", |s| s.mut_subcommand("init", |i| i.args(args)))
    }
}

/// The flag of a question: its value is checked (and coerced) by the question itself.
fn question_arg(q: &Question) -> Arg {
    let mut help = q.help.clone().unwrap_or_else(|| q.prompt.clone());
    if q.required {
        help.push_str(" [required]");
    }
    if let Some(d) = q.default.as_ref().filter(|d| d.as_str() != Some("")) {
        help.push_str(&format!(
            " [default: {}]",
            crate::scaffold::questions::display(d)
        ));
    }
    if let Some(w) = &q.when {
        help.push_str(&format!(" [asked when: {}]", w.expr));
    }
    let arg = Arg::new(q.dest.clone())
        .long(q.dest.replace('_', "-"))
        .help(help);
    let question = Arc::new(q.clone());
    match &q.kind {
        Kind::List { .. } => arg
            .action(ArgAction::Append)
            .value_name("JSON")
            .value_parser(move |s: &str| batch::parse_item(&question, s)),
        Kind::Choice { choices } => arg
            .value_name("CHOICE")
            .value_parser(PossibleValuesParser::new(choices.clone()).map(Answer::from)),
        Kind::Bool => arg
            .value_name("BOOL")
            .num_args(0..=1)
            .default_missing_value("true")
            .value_parser(move |s: &str| question.parse_text(s).map(|a| a.unwrap_or_default())),
        Kind::Int { .. } => arg
            .value_name("N")
            .value_parser(move |s: &str| question.parse_text(s).map(|a| a.unwrap_or_default())),
        Kind::String { .. } => arg
            .value_name("TEXT")
            .value_parser(move |s: &str| question.parse_text(s).map(|a| a.unwrap_or_default())),
    }
}

/// The answers given as flags (an empty text is no answer).
fn given(questions: &[Question], m: &ArgMatches) -> Given {
    let mut given = Given::new();
    for q in questions {
        let value = match q.kind {
            Kind::List { .. } => m
                .get_many::<Answer>(&q.dest)
                .map(|items| Answer::Array(items.cloned().collect())),
            _ => m
                .get_one::<Answer>(&q.dest)
                .filter(|a| !a.is_null())
                .cloned(),
        };
        if let Some(v) = value {
            given.insert(q.dest.clone(), v);
        }
    }
    given
}

/// `SOURCE_DATE_EPOCH` (reproducible builds) if set, else now.
fn current_year() -> i32 {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        });
    year_of(seconds)
}

const CLOBBER_HELP: &str = "use --clobber to write into it (rendered files replace the files of the same name; other files stay)";

/// `wtc scaffold init`.
pub fn init(args: &InitArgs, prepared: Option<Prepared>, matches: &ArgMatches) -> ExitCode {
    // Long on purpose: the `scaffold init` command from top to bottom (answers, output
    // directory, render, write, report), each step an early exit with its own message.
    let Some(Prepared {
        mut provider,
        search,
    }) = prepared
    else {
        return fail("internal error: the provider was not loaded");
    };
    let init_matches = matches
        .subcommand_matches("scaffold")
        .and_then(|m| m.subcommand_matches("init"))
        .unwrap_or(matches);
    let given = given(&provider.questions, init_matches);
    let cwd = match std::env::current_dir().map(Utf8PathBuf::from_path_buf) {
        Ok(Ok(d)) => d,
        _ => return fail("the current directory is not accessible or not UTF-8"),
    };
    let out = args
        .output_dir
        .as_ref()
        .map_or_else(|| cwd.clone(), |d| cwd.join(d));

    // A project directory named on the command line is checked before any question.
    if let Some(id) = given.get("workflow_id").and_then(|v| v.as_str())
        && !args.clobber
        && out.join(id).exists()
    {
        return fail(format!(
            "{}\n  help: {CLOBBER_HELP}",
            WriteError::Exists(out.join(id))
        ));
    }
    let answers = if args.no_interactive {
        batch_answers(&provider, &given)
    } else {
        interactive_answers(args, &mut provider, &search, &given, &out)
    };
    let answers = match answers {
        Ok(a) => a,
        Err(code) => return code,
    };

    let name = match project_name(&answers) {
        Ok(n) => n,
        Err(e) => return fail(e),
    };
    let dir = out.join(&name);
    if dir.exists() && !args.clobber {
        return fail(format!(
            "{}\n  help: {CLOBBER_HELP}",
            WriteError::Exists(dir)
        ));
    }
    let files = match crate::scaffold::render::render(&provider, &answers, current_year()) {
        Ok(f) => f,
        Err(e) => return fail(format!("{e}\n  note: nothing was written")),
    };
    match write_project(&dir, &files, args.clobber) {
        Ok(report) => {
            for link in &report.replaced_links {
                warn(format!(
                    "`{link}` was a symbolic link; replaced it with a directory (wtc never writes through links; the link's target is untouched)"
                ));
            }
            println!("Initialized workflow project at: {}", report.dir);
            ExitCode::SUCCESS
        }
        Err(e @ WriteError::Exists(_)) => fail(format!("{e}\n  help: {CLOBBER_HELP}")),
        Err(e) => fail(e),
    }
}

/// The answers from the flags alone (`--no-interactive`); a problem is reported.
fn batch_answers(provider: &Provider, given: &Given) -> Result<Answers, ExitCode> {
    match batch::answer(&provider.questions, given) {
        Ok(outcome) => {
            for (flag, cond) in &outcome.ignored {
                warn(format!(
                    "{flag} is ignored: the question is asked only when {cond}"
                ));
            }
            Ok(outcome.answers)
        }
        Err(e @ batch::BatchError::Missing(_)) => Err(fail(format!(
            "{e}\n  help: give every required answer as a flag (see `wtc scaffold init --help`)"
        ))),
        Err(e) => Err(fail(e)),
    }
}

/// The answers from prompts on the terminal (the provider is chosen first when none was
/// named); answers given as flags are not asked again. A problem is reported.
fn interactive_answers(
    args: &InitArgs,
    provider: &mut Provider,
    search: &SearchPath,
    given: &Given,
    out: &Utf8Path,
) -> Result<Answers, ExitCode> {
    if !std::io::stdin().is_terminal() {
        eprintln!(
            "error: standard input is not a terminal, so the questions cannot be asked\n  help: give the answers as flags with --no-interactive (see `wtc scaffold init --help`)"
        );
        return Err(ExitCode::from(2));
    }
    let mut terminal = prompts::Terminal;
    if args.provider.is_none() {
        match choose_provider(search, &mut terminal) {
            Ok(Some(chosen)) => {
                let unknown: Vec<String> = given
                    .keys()
                    .filter(|d| !chosen.questions.iter().any(|q| &q.dest == *d))
                    .map(|d| format!("--{}", d.replace('_', "-")))
                    .collect();
                if !unknown.is_empty() {
                    return Err(fail(format!(
                        "provider `{}` has no question for {}",
                        chosen.name,
                        unknown.join(", ")
                    )));
                }
                *provider = chosen;
            }
            Ok(None) => {}
            Err(e) => return Err(prompt_failed(&e)),
        }
    }
    let free_dir: Validator = {
        let (out, clobber) = (out.to_owned(), args.clobber);
        Arc::new(move |id: &str| {
            let dir = out.join(id);
            if !clobber && dir.exists() {
                Err(format!(
                    "{dir} already exists; choose another id, or run again with --clobber"
                ))
            } else {
                Ok(())
            }
        })
    };
    let extra: ExtraChecks = vec![("workflow_id".into(), free_dir)];
    interactive::answer(&provider.questions, given, &extra, &mut terminal)
        .map_err(|e| prompt_failed(&e))
}

fn prompt_failed(e: &PromptError) -> ExitCode {
    match e {
        PromptError::Cancelled => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
        other => fail(other),
    }
}

/// In an interactive run without --provider: offer the valid providers of the search path
/// (when there are any besides the built-in one).
fn choose_provider(
    search: &SearchPath,
    prompter: &mut dyn Prompter,
) -> Result<Option<Provider>, PromptError> {
    let mut usable: Vec<Provider> = provider::list(search)
        .into_iter()
        .filter(|l| !l.shadowed)
        .filter_map(|l| l.provider.ok())
        .collect();
    if usable.len() < 2 {
        return Ok(None);
    }
    let options: Vec<String> = usable
        .iter()
        .map(|p| {
            if p.description.is_empty() {
                p.name.clone()
            } else {
                format!("{} — {}", p.name, p.description)
            }
        })
        .collect();
    let i = prompter.select(
        "Provider",
        Some("--provider NAME skips this question"),
        &options,
        0,
    )?;
    Ok(Some(usable.swap_remove(i)))
}

/// `wtc scaffold providers`.
pub fn providers(args: &SearchArgs) -> ExitCode {
    let search = search_path(&args.provider_path);
    for listed in provider::list(&search) {
        let origin = match &listed.origin {
            Origin::Builtin => "(built in)".to_string(),
            Origin::Dir(d) => d.to_string(),
        };
        match &listed.provider {
            _ if listed.shadowed => {
                println!(
                    "{}  {origin}  [shadowed by an earlier provider of this name]",
                    listed.name
                );
            }
            Ok(p) => {
                let extends = p
                    .bases
                    .first()
                    .map_or(String::new(), |b| format!("  (extends {b})"));
                println!("{}  {origin}{extends}", listed.name);
                if !p.description.is_empty() {
                    println!("    {}", p.description);
                }
            }
            Err(e) => {
                println!("{}  {origin}  [invalid]", listed.name);
                println!("    {}", e.summary());
            }
        }
    }
    let dirs: Vec<String> = search
        .dirs
        .iter()
        .map(|d| {
            if d.is_dir() {
                d.to_string()
            } else {
                format!("{d} (missing)")
            }
        })
        .collect();
    println!("\nSearch path: {}", dirs.join(", "));
    ExitCode::SUCCESS
}
