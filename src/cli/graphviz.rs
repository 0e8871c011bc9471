//! The optional Graphviz engine (`--graph-engine=graphviz`): `graph.svg` and `graph.png`
//! rendered by the `dot` binary from `graph.dot`. A subprocess, so it lives here at the
//! edge and never inside a query.

use camino::{Utf8Path, Utf8PathBuf};
use std::io::Write;
use std::process::{Command, Stdio};

/// The `dot` executable on `PATH`, if any.
pub fn find_dot() -> Option<Utf8PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .filter_map(|dir| Utf8PathBuf::from_path_buf(dir.join("dot")).ok())
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Utf8Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// Why `dot` did not render the graph.
#[derive(Debug, thiserror::Error)]
pub enum GraphvizError {
    #[error("cannot run `{dot}`: {source}")]
    Spawn {
        dot: Utf8PathBuf,
        source: std::io::Error,
    },
    #[error("no stdin")]
    NoStdin,
    #[error("`{dot}` failed: {source}")]
    Wait {
        dot: Utf8PathBuf,
        source: std::io::Error,
    },
    #[error("stdin writer panicked")]
    WriterPanicked,
    #[error("`{dot} -T{format}` exited with {status}: {stderr}")]
    Exit {
        dot: Utf8PathBuf,
        format: String,
        status: std::process::ExitStatus,
        stderr: String,
    },
    #[error("cannot write to `{dot}`: {source}")]
    Write {
        dot: Utf8PathBuf,
        source: std::io::Error,
    },
    #[error("`{dot} -T{format}` produced no output")]
    NoOutput { dot: Utf8PathBuf, format: String },
}

/// Run `dot -T<format>` on the DOT source; the rendered bytes or the reason it failed.
pub fn render(dot: &Utf8Path, source: &[u8], format: &str) -> Result<Vec<u8>, GraphvizError> {
    let mut child = Command::new(dot)
        .arg(format!("-T{format}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| GraphvizError::Spawn {
            dot: dot.to_owned(),
            source,
        })?;
    // Feed stdin from another thread so a large output cannot dead-lock the pipes.
    let mut stdin = child.stdin.take().ok_or(GraphvizError::NoStdin)?;
    let input = source.to_vec();
    let feeder = std::thread::spawn(move || stdin.write_all(&input));
    let out = child
        .wait_with_output()
        .map_err(|source| GraphvizError::Wait {
            dot: dot.to_owned(),
            source,
        })?;
    let fed = feeder.join().map_err(|_| GraphvizError::WriterPanicked)?;
    if !out.status.success() {
        return Err(GraphvizError::Exit {
            dot: dot.to_owned(),
            format: format.to_string(),
            status: out.status,
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    fed.map_err(|source| GraphvizError::Write {
        dot: dot.to_owned(),
        source,
    })?;
    if out.stdout.is_empty() {
        return Err(GraphvizError::NoOutput {
            dot: dot.to_owned(),
            format: format.to_string(),
        });
    }
    Ok(out.stdout)
}
