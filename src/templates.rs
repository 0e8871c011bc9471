//! The minijinja environment with the templates embedded in the binary.

use crate::artifacts::HEADER;
use minijinja::{Environment, Value};
use std::sync::LazyLock;

/// Embedded templates: (name, source).
const TEMPLATES: &[(&str, &str)] = &[
    (
        "package/cli.py.j2",
        include_str!("../templates/package/cli.py.j2"),
    ),
    (
        "package/dispatch.py.j2",
        include_str!("../templates/package/dispatch.py.j2"),
    ),
    (
        "package/metadata.py.j2",
        include_str!("../templates/package/metadata.py.j2"),
    ),
    (
        "package/response.py.j2",
        include_str!("../templates/package/response.py.j2"),
    ),
];

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
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
    env.add_filter("pystr", |s: String| crate::pyfmt::py_str(&s));
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
