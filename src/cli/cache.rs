//! `wtc cache`: list the local and shared discovery cache entries, push entries (the
//! local cache's, or those of committed `wtc.lock` files) to the shared cache, prune old
//! local entries.

use super::SharedCacheArgs;
use super::discover::open_shared;
use super::term::{fail, warn};
use crate::discovery::cache::{self, Described, EntryError};
use crate::discovery::lock;
use crate::discovery::plan::key::DiscoveryKey;
use crate::discovery::progress::ProgressMode;
use crate::discovery::shared::{Put, SharedCache, SharedError};
use crate::files::ReadError;
use camino::Utf8PathBuf;
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

#[derive(Debug, Args)]
pub struct CacheArgs {
    #[command(subcommand)]
    pub command: CacheCommand,
}

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// List the discovery cache entries (local, and shared with --cache-url): key, size,
    /// age and the requirements they were made for.
    List(ListArgs),
    /// Upload entries to the shared cache, never overwriting one: the local cache's, or
    /// those held by the given `wtc.lock` files (how a team seeds the shared cache from
    /// its committed lock files).
    Push(PushArgs),
    /// Remove local cache entries older than a duration (with their kept environments, and
    /// the up-to-date stamps of release directories not compiled since).
    Prune(PruneArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Discovery cache directory [default: $WTC_CACHE_DIR, else $XDG_CACHE_HOME/wtc].
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<Utf8PathBuf>,
    #[command(flatten)]
    pub shared: SharedCacheArgs,
}

#[derive(Debug, Args)]
pub struct PushArgs {
    /// Lock files whose entries to upload (default: every local cache entry).
    #[arg(value_name = "LOCKFILE")]
    pub lock_files: Vec<Utf8PathBuf>,
    /// Discovery cache directory [default: $WTC_CACHE_DIR, else $XDG_CACHE_HOME/wtc].
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<Utf8PathBuf>,
    #[command(flatten)]
    pub shared: SharedCacheArgs,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Remove entries written longer ago than this (`30d`, `12h`, `2w`, `1h 30m`).
    #[arg(long, value_name = "DURATION", value_parser = parse_age)]
    pub older_than: Duration,
    /// Discovery cache directory [default: $WTC_CACHE_DIR, else $XDG_CACHE_HOME/wtc].
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<Utf8PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// A duration as a jiff span (`30d`, `12h`, `2 weeks`); days are 24 hours.
fn parse_age(s: &str) -> Result<Duration, String> {
    let span: jiff::Span = s
        .parse()
        .map_err(|e| format!("not a duration like `30d` or `12h`: {e}"))?;
    let d = span
        .to_duration(jiff::SpanRelativeTo::days_are_24_hours())
        .map_err(|e| format!("not a duration like `30d` or `12h`: {e}"))?;
    Duration::try_from(d).map_err(|_| "the duration must not be negative".to_string())
}

pub(super) fn run(args: &CacheArgs) -> ExitCode {
    match &args.command {
        CacheCommand::List(a) => list(a),
        CacheCommand::Push(a) => push(a),
        CacheCommand::Prune(a) => prune(a),
    }
}

/// The local cache root of `--cache-dir` / `$WTC_CACHE_DIR` / the user cache directory.
pub(super) fn cache_root(dir: &Option<Utf8PathBuf>) -> Option<PathBuf> {
    crate::discovery::Settings::new(dir.clone().map(Into::into), ProgressMode::Silent).cache_root
}

/// The shared cache of `--cache-url`, required.
fn require_shared(args: &SharedCacheArgs, command: &str) -> Result<SharedCache, ExitCode> {
    let Some(config) = args.config() else {
        eprintln!("error: wtc cache {command} needs --cache-url URL (or WTC_CACHE_URL)");
        return Err(ExitCode::from(2));
    };
    SharedCache::open(&config).map_err(fail)
}

/// Why a listed entry is unusable (after "unusable: ").
#[derive(Debug, thiserror::Error)]
enum Unusable {
    #[error("{}", .0.reason())]
    Read(#[from] ReadError),
    #[error(transparent)]
    Entry(#[from] EntryError),
    /// Listed, but no longer in the shared cache.
    #[error("gone")]
    Gone,
    #[error(transparent)]
    Shared(#[from] SharedError),
}

/// Read a local entry and check it.
fn read_local(
    path: &std::path::Path,
    key: &DiscoveryKey,
) -> Result<(Vec<u8>, Described), Unusable> {
    let bytes = crate::files::read_bytes(path)?;
    let described = cache::describe(&bytes, key)?;
    Ok((bytes, described))
}

fn list(args: &ListArgs) -> ExitCode {
    let now = SystemTime::now();
    let mut failed = false;
    if let Some(root) = cache_root(&args.cache_dir) {
        match cache::entries(&root) {
            Ok(entries) => {
                println!(
                    "local cache {}: {}",
                    root.join("discovery").display(),
                    count(entries.len())
                );
                for e in entries {
                    let described = read_local(&e.path, &e.key).map(|(_, d)| d);
                    let age = now.duration_since(e.modified).unwrap_or_default();
                    println!("{}", line(&e.key, e.size, age, &described));
                }
            }
            Err(e) => {
                failed = true;
                let _ = fail(format!("cannot list {}: {e}", root.display()));
            }
        }
    }
    if args.shared.config().is_some() {
        let Some(shared) = open_shared(&args.shared) else {
            return ExitCode::from(1);
        };
        match shared.list() {
            Ok(entries) => {
                println!(
                    "shared cache {}: {}",
                    shared.dir_url(),
                    count(entries.len())
                );
                let now_secs = now
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs() as i64);
                for e in entries {
                    let described = match shared.get_bytes(&e.key) {
                        Ok(Some(b)) => cache::describe(&b, &e.key).map_err(Unusable::from),
                        Ok(None) => Err(Unusable::Gone),
                        Err(err) => Err(err.into()),
                    };
                    let age =
                        Duration::from_secs(now_secs.saturating_sub(e.modified).max(0) as u64);
                    println!("{}", line(&e.key, e.size, age, &described));
                }
            }
            Err(e) => {
                failed = true;
                let _ = fail(e);
            }
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn count(n: usize) -> String {
    if n == 1 {
        "1 entry".into()
    } else {
        format!("{n} entries")
    }
}

/// `  <key>  <size>  <age>  <requirements>`
fn line(
    key: &DiscoveryKey,
    size: u64,
    age: Duration,
    described: &Result<Described, Unusable>,
) -> String {
    let what = match described {
        Ok(d) if d.requirements.is_empty() => "(requirements not recorded)".to_string(),
        Ok(d) => d.requirements.join(", "),
        Err(reason) => format!("(unusable: {reason})"),
    };
    format!(
        "  {key}  {:>9}  {:>4}  {what}",
        size_text(size),
        age_text(age)
    )
}

fn size_text(bytes: u64) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else if bytes < 1024 * 1024 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    }
}

fn age_text(age: Duration) -> String {
    let s = age.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86400),
    }
}

fn push(args: &PushArgs) -> ExitCode {
    if args.shared.cache_read_only {
        eprintln!("error: wtc cache push writes: it cannot be --cache-read-only");
        return ExitCode::from(2);
    }
    let shared = match require_shared(&args.shared, "push") {
        Ok(s) => s,
        Err(code) => return code,
    };
    // (key, bytes, where they came from)
    let mut entries: Vec<(DiscoveryKey, Vec<u8>, String)> = Vec::new();
    let mut failed = false;
    if args.lock_files.is_empty() {
        let Some(root) = cache_root(&args.cache_dir) else {
            return fail("no local cache directory (set --cache-dir)");
        };
        let listed = match cache::entries(&root) {
            Ok(l) => l,
            Err(e) => return fail(format!("cannot list {}: {e}", root.display())),
        };
        for e in listed {
            let checked = read_local(&e.path, &e.key).map(|(b, _)| b);
            match checked {
                Ok(bytes) => entries.push((e.key, bytes, e.path.display().to_string())),
                Err(reason) => warn(format!("skipped {}: {reason}", e.path.display())),
            }
        }
    } else {
        for path in &args.lock_files {
            match lock::read_entry(path.as_std_path()) {
                Ok((key, inputs, d)) => {
                    let bytes = cache::entry_bytes(&key, &inputs, &d);
                    entries.push((key, bytes, path.to_string()));
                }
                Err(reason) => {
                    failed = true;
                    let _ = fail(format!("{path}: {reason}"));
                }
            }
        }
    }
    for (key, bytes, from) in entries {
        match shared.put(&key, &bytes, false) {
            Ok(Put::Written) if !args.quiet => {
                println!("pushed {from} -> {}", shared.url_of(&key))
            }
            Ok(Put::AlreadyPresent) if !args.quiet => {
                println!("already present: {} ({from})", shared.url_of(&key))
            }
            Ok(_) => {}
            Err(e) => {
                failed = true;
                let _ = fail(e);
                break;
            }
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn prune(args: &PruneArgs) -> ExitCode {
    let Some(root) = cache_root(&args.cache_dir) else {
        return fail("no local cache directory (set --cache-dir)");
    };
    let listed = match cache::entries(&root) {
        Ok(l) => l,
        Err(e) => return fail(format!("cannot list {}: {e}", root.display())),
    };
    let now = SystemTime::now();
    let (mut removed, mut bytes, mut failed) = (0usize, 0u64, false);
    for e in &listed {
        if now.duration_since(e.modified).unwrap_or_default() <= args.older_than {
            continue;
        }
        match std::fs::remove_file(&e.path) {
            Ok(()) => {
                removed += 1;
                bytes += e.size;
                // The entry's kept environment goes with it.
                if let Err(err) = crate::discovery::env::remove(&root, &e.key) {
                    failed = true;
                    let _ = fail(format!(
                        "cannot remove the environment of {}: {err}",
                        e.key.short()
                    ));
                }
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => {
                failed = true;
                let _ = fail(format!("cannot remove {}: {err}", e.path.display()));
            }
        }
    }
    // Environments without an entry (their discovery failed late) age out the same way.
    let mut orphans = 0;
    for (key, modified) in crate::discovery::env::orphans(&root) {
        if now.duration_since(modified).unwrap_or_default() <= args.older_than {
            continue;
        }
        match crate::discovery::env::remove(&root, &key) {
            Ok(_) => orphans += 1,
            Err(err) => {
                failed = true;
                let _ = fail(format!(
                    "cannot remove the environment of {}: {err}",
                    key.short()
                ));
            }
        }
    }
    let stamps = crate::output::stamp::prune(&root, args.older_than, now);
    if !args.quiet {
        println!(
            "removed {removed} of {} ({}) from {}",
            count(listed.len()),
            size_text(bytes),
            root.join("discovery").display()
        );
        if stamps > 0 {
            println!(
                "removed {stamps} up-to-date stamp{} from {}",
                if stamps == 1 { "" } else { "s" },
                root.join("stamps").display()
            );
        }
        if orphans > 0 {
            println!(
                "removed {orphans} environment{} without an entry from {}",
                if orphans == 1 { "" } else { "s" },
                crate::discovery::env::envs_dir(&root).display()
            );
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
