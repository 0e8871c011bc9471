//! Running a compiled package's generated `tests/` suite without pixi (see
//! `tests/it/generated_tests.rs` for why and how).

use camino::Utf8Path;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::process::{Command, Output};

/// The deselection of the pixi-only mode (see `tests/it/generated_tests.rs`).
pub const DESELECT: &str = "not cli-sequential-mock-io";

/// `PATH` with `bin` (where the pixi shim is) first.
pub fn path_with(bin: &Utf8Path) -> OsString {
    std::env::join_paths(std::iter::once(bin.as_std_path().to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap()
}

/// Run the package's suite for one case from its release directory (the pixi-only mode
/// deselected), with `PATH` = `path`, extra environment variables and pytest arguments.
pub fn pytest_case(
    python: &Utf8Path,
    release_dir: &Utf8Path,
    case: &str,
    path: &OsString,
    env: &[(&str, &str)],
    extra: &[&str],
) -> Output {
    let mut args = vec!["-m", "pytest", "tests/", "--case", case, "-k", DESELECT];
    args.extend(["-v", "-rs", "-p", "no:cacheprovider"]);
    args.extend(extra);
    Command::new(python)
        .args(&args)
        .env("PATH", path)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .envs(env.iter().copied())
        .current_dir(release_dir)
        .output()
        .unwrap()
}

/// Single-quote `s` for sh.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A `pixi` stand-in that handles exactly `pixi run -e default <release> <args...>`.
pub fn write_pixi_shim(bin: &Utf8Path, release: &str, release_dir: &Utf8Path, python: &Utf8Path) {
    let package = release.replace('-', "_");
    let script = format!(
        r#"#!/bin/sh
# Stand-in for pixi, written by wtc's tests/it/generated_tests.rs: runs what the workflow's
# pixi task `{release}` runs (python -m {package}.cli), in the release directory.
if [ "$#" -ge 4 ] && [ "$1" = run ] && [ "$2" = -e ] && [ "$3" = default ] && [ "$4" = {release_q} ]; then
  shift 4
  cd {dir} || exit 1
  exec {python} -m {package}.cli "$@"
fi
echo "pixi shim (wtc tests/it/generated_tests.rs): unsupported command: pixi $*" >&2
exit 127
"#,
        release_q = sh_quote(release),
        dir = sh_quote(release_dir.as_str()),
        python = sh_quote(python.as_str()),
    );
    std::fs::create_dir_all(bin).unwrap();
    let path = bin.join("pixi");
    std::fs::write(&path, script).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// Outcome of each test of a pytest run, from its `-v` report lines.
pub fn outcomes(stdout: &str) -> BTreeMap<String, String> {
    stdout
        .lines()
        .filter_map(|l| {
            let (id, rest) = l.split_once(' ')?;
            let outcome = rest.split_whitespace().next()?;
            (id.starts_with("tests/")
                && ["PASSED", "FAILED", "ERROR", "SKIPPED", "XFAIL", "XPASS"].contains(&outcome))
            .then(|| (id.to_string(), outcome.to_string()))
        })
        .collect()
}
