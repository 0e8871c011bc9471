//! The minijinja environment with the templates embedded in the binary.

use crate::artifacts::HEADER;
use minijinja::{Environment, Value};
use std::sync::LazyLock;

/// `(name, source)` of a template under `templates/`, embedded at build time.
macro_rules! embed {
    ($name:literal) => {
        ($name, include_str!(concat!("../templates/", $name)))
    };
}

/// Embedded templates: (name, source).
const TEMPLATES: &[(&str, &str)] = &[
    embed!("package/cli.py.j2"),
    embed!("package/dispatch.py.j2"),
    embed!("package/metadata.py.j2"),
    embed!("package/response.py.j2"),
    embed!("packaging/Dockerfile.j2"),
    embed!("packaging/dockerignore.j2"),
    embed!("packaging/pyproject.toml.j2"),
    embed!("packaging/hatch_build.py.j2"),
    embed!("tests/conftest.py.j2"),
    embed!("tests/test_metadata.py.j2"),
    embed!("tests/test_results.py.j2"),
];

/// A minijinja environment with wtc's template rules: block tags take their own line break
/// and indentation (`trim_blocks`, `lstrip_blocks`), a template's final line break is
/// kept, and undefined variables are errors.
pub fn strict_environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .expect("default delimiters are valid"),
    );
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env
}

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = strict_environment();
    env.add_filter("pystr", |s: String| crate::pyfmt::py_str(&s));
    env.add_filter("tomlstr", |s: String| crate::tomlw::basic_string(&s));
    env.add_filter("tomlkey", |s: String| toml_key(&s));
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .unwrap_or_else(|e| panic!("embedded template {name} is invalid: {e}"));
    }
    env
});

/// Render an embedded template. The context always has `header`.
pub fn render(name: &str, ctx: Value) -> String {
    let ctx = minijinja::context! { header => HEADER, ..ctx };
    ENV.get_template(name)
        .and_then(|t| t.render(ctx))
        .unwrap_or_else(|e| panic!("embedded template {name} failed to render: {e:#}"))
}

/// A TOML key: bare when it only has `A-Za-z0-9_-`, else a basic string.
pub fn toml_key(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        s.to_string()
    } else {
        crate::tomlw::basic_string(s)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn toml_keys() {
        assert_eq!(super::toml_key("wt-x_1"), "wt-x_1");
        assert_eq!(super::toml_key("a.b"), "\"a.b\"");
    }
}
