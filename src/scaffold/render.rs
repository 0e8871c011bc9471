//! Rendering a provider's templates into an in-memory file set.
//!
//! Every template path ending in `.jinja2` is rendered (in path order) to the same path
//! without the suffix; other files are only there to be included (`{% include %}`,
//! `{% import %}`). The context is the answers plus `year`. Undefined variables are
//! errors; block tags take their own line break and indentation (`trim_blocks`,
//! `lstrip_blocks`); a template's final line break is kept. A template that renders to
//! nothing but whitespace produces no file, which is how a template makes its file
//! conditional (and how a provider drops a file of its base: an empty override).
//! Nothing is written here: an error in any template means no files at all.

use super::provider::Provider;
use super::questions::Answers;
use minijinja::{Environment, Value};

/// The suffix of templates that produce files.
pub const SUFFIX: &str = ".jinja2";

/// A rendered file: its path relative to the project directory and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedFile {
    pub path: String,
    pub text: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RenderError {
    #[error("provider `{0}` has no templates (no `*.jinja2` file below its templates/)")]
    NoTemplates(String),
    #[error("template `{template}` (provider `{provider}`){}: {message}", line.map_or(String::new(), |l| format!(", line {l}")))]
    Template {
        template: String,
        provider: String,
        line: Option<usize>,
        message: String,
    },
}

/// The environment the provider's templates are rendered in.
fn environment(provider: &Provider) -> Result<Environment<'static>, RenderError> {
    let mut env = crate::templates::strict_environment();
    env.add_filter("yamlstr", yaml_str);
    for (path, t) in &provider.templates {
        env.add_template_owned(path.clone(), t.text.clone())
            .map_err(|e| template_error(provider, path, &e))?;
    }
    Ok(env)
}

/// A YAML double-quoted scalar for `s` (JSON string syntax, which YAML accepts).
pub fn yaml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn template_error(provider: &Provider, path: &str, e: &minijinja::Error) -> RenderError {
    // The innermost error: an error in an included template is the source of the
    // includer's.
    let mut e = e;
    while let Some(inner) =
        std::error::Error::source(e).and_then(|s| s.downcast_ref::<minijinja::Error>())
    {
        e = inner;
    }
    let template = e.name().unwrap_or(path).to_string();
    let owner = provider
        .templates
        .get(&template)
        .map_or(provider.name.clone(), |t| t.provider.clone());
    let mut message = e
        .detail()
        .map_or_else(|| e.kind().to_string(), str::to_string);
    if e.name().is_some_and(|n| n != path) {
        message.push_str(&format!(" (rendering `{path}`)"));
    }
    RenderError::Template {
        template,
        provider: owner,
        line: e.line(),
        message,
    }
}

/// Render every `*.jinja2` template of `provider` with `answers` and `year`.
pub fn render(
    provider: &Provider,
    answers: &Answers,
    year: i32,
) -> Result<Vec<RenderedFile>, RenderError> {
    let env = environment(provider)?;
    let mut ctx = answers.clone();
    ctx.insert("year".into(), serde_json::Value::from(year));
    let ctx = Value::from(minijinja::value::Serde(&ctx));
    let mut files = Vec::new();
    for path in provider.templates.keys() {
        let Some(out) = path.strip_suffix(SUFFIX) else {
            continue;
        };
        let text = env
            .get_template(path)
            .and_then(|t| t.render(&ctx))
            .map_err(|e| template_error(provider, path, &e))?;
        if text.trim().is_empty() {
            continue;
        }
        files.push(RenderedFile {
            path: out.to_string(),
            text,
        });
    }
    if !provider.templates.keys().any(|p| p.ends_with(SUFFIX)) {
        return Err(RenderError::NoTemplates(provider.name.clone()));
    }
    Ok(files)
}

/// The calendar year (UTC) of a Unix time in seconds.
pub fn year_of(unix_seconds: i64) -> i32 {
    // Days since 1970-01-01 → civil date (H. Hinnant's algorithm); only the year is kept.
    let days = unix_seconds.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    i32::try_from(year).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scaffold::provider::{Origin, Template};
    use std::collections::BTreeMap;

    fn provider(files: &[(&str, &str)]) -> Provider {
        Provider {
            name: "t".into(),
            description: String::new(),
            origin: Origin::Builtin,
            bases: vec![],
            questions: vec![],
            templates: files
                .iter()
                .map(|(p, t)| {
                    (
                        p.to_string(),
                        Template {
                            text: t.to_string(),
                            provider: "t".into(),
                        },
                    )
                })
                .collect::<BTreeMap<_, _>>(),
        }
    }

    fn answers(pairs: &[(&str, &str)]) -> Answers {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::from(*v)))
            .collect()
    }

    #[test]
    fn renders_jinja2_files_with_trimmed_blocks() {
        let p = provider(&[
            (
                "a.txt.jinja2",
                "{% if x %}\n  {{ x }} {{ year }}\n{% endif %}\nend\n",
            ),
            ("inc.txt", "included {{ x|yamlstr }}"),
            ("dir/.b.jinja2", "{% include 'inc.txt' %}\n"),
            ("empty.jinja2", "{% if false %}never{% endif %}\n"),
        ]);
        let files = render(&p, &answers(&[("x", "q\"")]), 2031).unwrap();
        assert_eq!(
            files,
            [
                RenderedFile {
                    path: "a.txt".into(),
                    text: "  q\" 2031\nend\n".into()
                },
                RenderedFile {
                    path: "dir/.b".into(),
                    text: "included \"q\\\"\"".into()
                },
            ]
        );
    }

    #[test]
    fn errors_name_the_template_and_line() {
        let p = provider(&[("a.jinja2", "ok\n{{ nope }}\n")]);
        assert_eq!(
            render(&p, &Answers::new(), 2000).unwrap_err().to_string(),
            "template `a.jinja2` (provider `t`), line 2: `nope` is undefined"
        );
        let p = provider(&[
            ("a.jinja2", "{% include 'b.txt' %}"),
            ("b.txt", "\n{{ x.y }}"),
        ]);
        assert_eq!(
            render(&p, &answers(&[("x", "s")]), 2000)
                .unwrap_err()
                .to_string(),
            "template `b.txt` (provider `t`), line 2: `x.y` is undefined (rendering `a.jinja2`)"
        );
        let p = provider(&[("a.jinja2", "{% if %}")]);
        assert!(matches!(
            render(&p, &Answers::new(), 2000),
            Err(RenderError::Template { .. })
        ));
        let p = provider(&[("a.txt", "x")]);
        assert_eq!(
            render(&p, &Answers::new(), 2000),
            Err(RenderError::NoTemplates("t".into()))
        );
    }

    #[test]
    fn years() {
        assert_eq!(year_of(0), 1970);
        assert_eq!(year_of(951_782_400), 2000); // 2000-02-29
        assert_eq!(year_of(1_735_689_599), 2024); // 2024-12-31T23:59:59
        assert_eq!(year_of(1_735_689_600), 2025);
        assert_eq!(year_of(-1), 1969);
    }
}
