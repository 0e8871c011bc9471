//! The minijinja environment with the templates embedded in the binary, and rendering
//! for a workflow: the user's template when `--template-dir` overrides it ([`user`]),
//! else the embedded one.

pub mod user;

use crate::artifacts::HEADER;
use crate::db::{Db, Workflow};
use crate::diagnostics::Diagnostic;
use minijinja::{Environment, Value};
use std::sync::{Arc, LazyLock, OnceLock};

/// `(name, source)` of a template under `templates/`, embedded at build time.
macro_rules! embed {
    ($name:literal) => {
        ($name, include_str!(concat!("../../templates/", $name)))
    };
}

/// Embedded templates: (name, source). A `--template-dir` file replaces the template of
/// the same relative name.
pub const TEMPLATES: &[(&str, &str)] = &[
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
pub fn strict_environment<'s>() -> Environment<'s> {
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

/// [`strict_environment`] with the filters the package templates use: `pystr` (a Python
/// string literal), `tomlstr` (a TOML basic string), `tomlkey` (a TOML key).
pub fn package_environment<'s>() -> Environment<'s> {
    let mut env = strict_environment();
    env.add_filter("pystr", |s: String| crate::pyfmt::py_str(&s));
    env.add_filter("tomlstr", |s: String| crate::tomlw::basic_string(&s));
    env.add_filter("tomlkey", |s: String| toml_key(&s));
    env
}

/// The names of the embedded templates (`package/cli.py.j2`, ...), in a fixed order.
pub fn names() -> impl Iterator<Item = &'static str> {
    TEMPLATES.iter().map(|(name, _)| *name)
}

/// The embedded source of template `name`.
pub fn embedded(name: &str) -> Option<&'static str> {
    TEMPLATES.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = package_environment();
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .unwrap_or_else(|e| panic!("embedded template {name} is invalid: {e}"));
    }
    env
});

/// The context every template gets: `ctx` plus `header`.
fn with_header(ctx: Value) -> Value {
    minijinja::context! { header => HEADER, ..ctx }
}

/// Render an embedded template. The context always has `header`. Embedded templates are
/// part of wtc (a failure is a bug, checked by the tests), hence the panic.
pub fn render(name: &str, ctx: Value) -> String {
    ENV.get_template(name)
        .and_then(|t| t.render(with_header(ctx)))
        .unwrap_or_else(|e| panic!("embedded template {name} failed to render: {e:#}"))
}

/// A generated file's text, or the diagnostics of the user template that failed to render.
pub type Rendered = Result<Arc<str>, Vec<Diagnostic>>;

/// Render template `name` for `wf`: the `--template-dir` file of that name when there is
/// one (a user template: its problems are diagnostics), else the embedded template (the
/// shared static environment, as fast as [`render`]).
pub fn render_for(db: &dyn Db, wf: Workflow, name: &'static str, ctx: Value) -> Rendered {
    match user::source_for(db, wf, name) {
        Some(source) => user::render(name, &source, with_header(ctx)),
        None => Ok(Arc::from(render(name, ctx))),
    }
}

/// The embedded templates without variables, each rendered once (by [`constant`]).
static CONSTANTS: [OnceLock<Arc<str>>; TEMPLATES.len()] =
    [const { OnceLock::new() }; TEMPLATES.len()];

/// The text of embedded template `name`, which has no variables (rendered once).
pub fn constant(name: &str) -> Arc<str> {
    let i = TEMPLATES
        .iter()
        .position(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no embedded template {name}"));
    CONSTANTS[i]
        .get_or_init(|| Arc::from(render(name, minijinja::context! {})))
        .clone()
}

/// A template without variables for `wf`: the user's when overridden, else the embedded
/// one ([`constant`]).
pub fn constant_for(db: &dyn Db, wf: Workflow, name: &'static str) -> Rendered {
    match user::source_for(db, wf, name) {
        Some(source) => user::render(name, &source, with_header(minijinja::context! {})),
        None => Ok(constant(name)),
    }
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
