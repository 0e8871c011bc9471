//! Where a run's results go and what is said at its end: the results directory (`--results
//! DIR`, else a new `<spec dir>/.wtc/runs/<timestamp>/`), and the summary — the path of
//! `result.json`, the duration, and one line about the response (the result, or the task
//! error).

use camino::{Utf8Path, Utf8PathBuf};
use serde_json::Value;
use std::time::Duration;

/// The directory below a spec's directory that holds its runs (ignored by `--all` walks,
/// which skip hidden directories, and by the scaffolded `.gitignore`).
pub const RUNS_DIR: &str = ".wtc/runs";

/// How much of the result the summary line shows.
const MAX_SHOWN: usize = 160;

/// Create the results directory: `given`, or a new timestamped one under `spec_dir`.
pub fn results_dir(given: Option<&Utf8Path>, spec_dir: &Utf8Path) -> std::io::Result<Utf8PathBuf> {
    if let Some(dir) = given {
        std::fs::create_dir_all(dir)?;
        return Ok(super::super::specs::absolute(dir));
    }
    let runs = super::super::specs::absolute(&spec_dir.join(RUNS_DIR));
    std::fs::create_dir_all(&runs)?;
    let stamp = jiff::Timestamp::now()
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    for n in 0.. {
        let name = if n == 0 {
            stamp.clone()
        } else {
            format!("{stamp}-{n}")
        };
        let dir = runs.join(name);
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    unreachable!("an unbounded range ends only by returning")
}

/// The `file://` URL of a directory (with a trailing slash).
pub fn file_url(dir: &Utf8Path) -> String {
    url::Url::from_directory_path(dir.as_std_path())
        .map_or_else(|()| format!("file://{dir}"), |u| u.to_string())
}

/// The one-line summary of a `result.json` text: `success: <result>` or `task error:
/// <error>`.
pub fn response_line(text: &str) -> String {
    let Ok(doc) = serde_json::from_str::<Value>(text) else {
        return "result.json is not JSON".into();
    };
    match doc.get("error") {
        Some(e) if !e.is_null() => {
            let e = e.as_str().map_or_else(|| e.to_string(), str::to_string);
            format!(
                "task error: {}",
                shorten(e.lines().next().unwrap_or_default())
            )
        }
        _ => format!(
            "success: {}",
            shorten(&doc.get("result").unwrap_or(&Value::Null).to_string())
        ),
    }
}

fn shorten(s: &str) -> String {
    if s.chars().count() <= MAX_SHOWN {
        return s.to_string();
    }
    let cut: String = s.chars().take(MAX_SHOWN).collect();
    format!("{cut}…")
}

/// The response's task error and its traceback, if it reports one.
pub fn task_error(text: &str) -> Option<(String, Option<String>)> {
    let doc: Value = serde_json::from_str(text).ok()?;
    let error = doc.get("error").filter(|e| !e.is_null())?;
    let error = error
        .as_str()
        .map_or_else(|| error.to_string(), str::to_string);
    let trace = doc.get("trace").and_then(Value::as_str).map(str::to_string);
    Some((error, trace))
}

/// Print the summary after a run (a task error's traceback first) and return wtc's exit
/// code: the child's, or 1 when it exited 0 with a response reporting a task error.
pub fn report(results: &Utf8Path, took: Duration, code: u8, cancelled: bool) -> u8 {
    let result = results.join("result.json");
    let secs = took.as_secs_f64();
    if cancelled {
        eprintln!("wtc: run cancelled after {secs:.1} s");
        return code;
    }
    let Ok(text) = std::fs::read_to_string(&result) else {
        eprintln!("wtc: no result.json was written to {results} (exit code {code}, {secs:.1} s)");
        return code;
    };
    let mut code = code;
    if let Some((_, trace)) = task_error(&text) {
        if let Some(trace) = trace {
            eprintln!("{}", trace.trim_end());
        }
        if code == 0 {
            code = 1;
        }
    }
    eprintln!("wtc: result: {result}");
    eprintln!(
        "wtc: {} (exit code {code}, {secs:.1} s)",
        response_line(&text)
    );
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_lines() {
        assert_eq!(
            response_line(r#"{"result": {"a": 1}, "error": null, "trace": null}"#),
            r#"success: {"a":1}"#
        );
        assert_eq!(
            response_line(r#"{"result": null, "error": "ValueError: no\nmore", "trace": "t"}"#),
            "task error: ValueError: no"
        );
        assert_eq!(response_line("nope"), "result.json is not JSON");
        let long = format!(r#"{{"result": "{}"}}"#, "x".repeat(500));
        assert!(response_line(&long).ends_with('…'));
    }

    #[test]
    fn results_dirs_are_new_each_time() {
        let tmp = tempfile::tempdir().unwrap();
        let root = Utf8Path::from_path(tmp.path()).unwrap();
        let a = results_dir(None, root).unwrap();
        let b = results_dir(None, root).unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with(root.join(RUNS_DIR)));
        assert!(file_url(&a).starts_with("file:///"));
    }
}
