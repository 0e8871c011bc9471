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

/// Run `dot -T<format>` on the DOT source; the rendered bytes or the reason it failed.
pub fn render(dot: &Utf8Path, source: &[u8], format: &str) -> Result<Vec<u8>, String> {
    let mut child = Command::new(dot)
        .arg(format!("-T{format}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run `{dot}`: {e}"))?;
    // Feed stdin from another thread so a large output cannot dead-lock the pipes.
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let input = source.to_vec();
    let feeder = std::thread::spawn(move || stdin.write_all(&input));
    let out = child
        .wait_with_output()
        .map_err(|e| format!("`{dot}` failed: {e}"))?;
    let fed = feeder.join().map_err(|_| "stdin writer panicked")?;
    if !out.status.success() {
        return Err(format!(
            "`{dot} -T{format}` exited with {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    fed.map_err(|e| format!("cannot write to `{dot}`: {e}"))?;
    if out.stdout.is_empty() {
        return Err(format!("`{dot} -T{format}` produced no output"));
    }
    Ok(out.stdout)
}
