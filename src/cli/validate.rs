//! Checks of the command-line values that end up inside generated files, with the rules of
//! what they become there. A value that breaks its rule is a usage error (exit 2) naming
//! the rule, never a broken or injectable file.

/// `--results-env-var`: it becomes an environment variable name (in the Dockerfile's `CMD`
/// line and the generated CLI), so POSIX's rule: an ASCII letter or `_`, then ASCII
/// letters, digits and `_`.
pub fn env_var_name(s: &str) -> Result<String, String> {
    let mut chars = s.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(s.to_string())
    } else {
        Err("an environment variable name is an ASCII letter or `_`, then ASCII letters, digits and `_` (e.g. WT_RESULTS)".into())
    }
}

/// `--pkg-name-prefix`: it starts the release directory and distribution name
/// (`<prefix>-<id>-workflow`) and the Python package name (the same with `-` → `_`), so
/// an ASCII letter, then ASCII letters, digits, `-` and `_`.
pub fn name_prefix(s: &str) -> Result<String, String> {
    let mut chars = s.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    if first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        Ok(s.to_string())
    } else {
        Err("the prefix starts a directory, distribution and Python package name: an ASCII letter, then ASCII letters, digits, `-` and `_` (e.g. wt)".into())
    }
}

/// `$PIXI_VERSION` (written into the Dockerfile's pixi install line): empty (latest), or a
/// version made of ASCII letters, digits, `.`, `+` and `-`, starting with a letter or digit.
pub fn pixi_version(s: &str) -> Result<(), String> {
    let mut chars = s.chars();
    match chars.next() {
        None => Ok(()),
        Some(c)
            if c.is_ascii_alphanumeric()
                && chars.all(|c| c.is_ascii_alphanumeric() || ".+-".contains(c)) =>
        {
            Ok(())
        }
        Some(_) => Err(format!(
            "PIXI_VERSION `{}` is not a pixi version: ASCII letters, digits, `.`, `+` and `-` (e.g. 0.41.4), or unset for the latest",
            s.escape_debug()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_var_names() {
        assert!(env_var_name("WT_RESULTS").is_ok());
        assert!(env_var_name("_x1").is_ok());
        for bad in [
            "",
            "1X",
            "A-B",
            "X\"); import os; os.system(\"id\"); (\"",
            "X\nRUN echo",
            "É",
        ] {
            assert!(env_var_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn prefixes() {
        assert!(name_prefix("wt").is_ok());
        assert!(name_prefix("acme-co_2").is_ok());
        for bad in ["", ".", "a/b", "-x", "_x", "a.b", "a b", "ü"] {
            assert!(name_prefix(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn pixi_versions() {
        assert!(pixi_version("").is_ok());
        assert!(pixi_version("0.41.4").is_ok());
        assert!(pixi_version("v0.41.4").is_ok());
        assert!(pixi_version("1; rm -rf /").is_err());
        assert!(pixi_version("1\nRUN x").is_err());
    }
}
