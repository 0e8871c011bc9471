//! User templates (`--template-dir DIR`): files of DIR with the relative name of an
//! embedded template (`package/cli.py.j2`, `packaging/Dockerfile.j2`, ...) replace it.
//!
//! The directory is a salsa input ([`TemplateDir`], read by the CLI). Each artifact asks
//! [`user_source`] for its one template name: that query re-runs whenever the directory
//! changes, but backdates unless its own file changed, so editing one template re-renders
//! only the files that use it. A user template is rendered in an environment of its own
//! (the embedded templates' rules and filters); its problems (syntax, undefined variables,
//! failing filters) are diagnostics pointing into the file, never panics. A file that
//! replaces no embedded template is a warning ([`unknown_files`]).

use crate::db::{Db, TemplateDir, Workflow};
use crate::diagnostics::{Code, Diagnostic, closest};
use crate::syntax::span::Span;
use minijinja::Value;
use std::sync::Arc;

/// The name of an embedded template, as a query key.
#[salsa::interned(debug)]
pub struct TemplateName<'db> {
    #[returns(copy)]
    pub name: &'static str,
}

/// The user's source of template `name`, if the directory has that file. Re-runs on any
/// change to the directory; backdates when this file's text stayed the same.
#[salsa::tracked(returns(ref))]
pub fn user_source<'db>(
    db: &'db dyn Db,
    dir: TemplateDir,
    name: TemplateName<'db>,
) -> Option<Arc<str>> {
    dir.files(db)
        .get(name.name(db))
        .map(|s| Arc::from(s.as_str()))
}

/// The user's source of template `name` for `wf` (`None`: use the embedded one).
pub fn source_for(db: &dyn Db, wf: Workflow, name: &'static str) -> Option<Arc<str>> {
    let dir = (*wf.options(db).template_dir(db))?;
    user_source(db, dir, TemplateName::new(db, name)).clone()
}

/// Warnings for the files of the directory that replace no embedded template.
#[salsa::tracked(returns(ref))]
pub fn unknown_files(db: &dyn Db, dir: TemplateDir) -> Arc<Vec<Diagnostic>> {
    let known: Vec<&str> = super::names().collect();
    let unknown = dir
        .files(db)
        .keys()
        .filter(|name| !known.contains(&name.as_str()))
        .map(|name| {
            let help = closest(name, known.iter().copied())
                .or_else(|| closest_by_file_name(name, &known))
                .map(|c| format!("did you mean `{c}`?"));
            Diagnostic::warning(
                Code::UnknownTemplate,
                format!("`{name}` in the template directory replaces no embedded template; it is ignored"),
            )
            .with_help_opt(help)
            .with_note("`wtc templates` lists the template names")
            .in_template_dir()
        })
        .collect();
    Arc::new(unknown)
}

/// A known template whose file name is the one of `name` (a file in the wrong folder).
fn closest_by_file_name<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    let base = |n: &str| n.rsplit('/').next().unwrap_or(n).to_string();
    let wanted = base(name);
    known.iter().copied().find(|k| base(k) == wanted)
}

/// Render the user's `source` of template `name` with `ctx`, in an environment of its own
/// with the rules and filters of the embedded templates.
pub fn render(name: &'static str, source: &str, ctx: Value) -> super::Rendered {
    let mut env = super::package_environment();
    env.add_template(name, source)
        .and_then(|()| env.get_template(name)?.render(&ctx))
        .map(Arc::from)
        .map_err(|e| vec![diagnostic(name, source, &e, &ctx)])
}

/// The diagnostic of a user template `name` (text `source`) that failed with `e`.
fn diagnostic(name: &'static str, source: &str, e: &minijinja::Error, ctx: &Value) -> Diagnostic {
    use minijinja::ErrorKind;
    let detail = e.detail().map_or_else(String::new, |d| format!(": {d}"));
    let mut d = Diagnostic::error(
        Code::Template,
        format!("template `{name}` failed: {}{detail}", e.kind()),
    )
    .in_template(name);
    // The location is only meaningful when the error happened in this template (not in
    // one it tried to include).
    if e.name().is_none_or(|n| n == name) {
        let span = e
            .range()
            .filter(|r| r.start <= r.end && r.end <= source.len())
            .map(|r| Span {
                start: r.start,
                end: r.end,
            })
            .or_else(|| e.line().and_then(|line| line_span(source, line)));
        // An undefined value is reported where it is used (a filter, an operator): point
        // at its name on that line when it is there.
        let span = match (span, undefined_name(e)) {
            (Some(s), Some(undefined)) => Some(name_on_line(source, s, undefined).unwrap_or(s)),
            (span, _) => span,
        };
        if let Some(span) = span {
            d = d.at(span, e.kind().to_string());
        }
    }
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        d = d.with_note(format!("caused by: {c}"));
        cause = c.source();
    }
    match e.kind() {
        ErrorKind::UndefinedError | ErrorKind::UnknownMethod => {
            let keys = variables(ctx);
            let help = undefined_name(e).and_then(|undefined| {
                crate::diagnostics::did_you_mean(undefined, keys.iter().map(String::as_str))
            });
            let list: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
            d.with_note(format!("this template's variables: {}", list.join(", ")))
                .with_help_opt(help)
        }
        ErrorKind::TemplateNotFound => d.with_note(
            "a user template is rendered on its own: it cannot include, import or extend other templates",
        ),
        ErrorKind::SyntaxError => d.with_help(
            "`wtc templates --dump DIR` writes the embedded templates, a working starting point",
        ),
        _ => d,
    }
}

/// The name of the undefined value of `e` (its detail reads `` `name` is undefined ``).
fn undefined_name(e: &minijinja::Error) -> Option<&str> {
    if e.kind() != minijinja::ErrorKind::UndefinedError {
        return None;
    }
    let (_, rest) = e.detail()?.split_once('`')?;
    let (name, _) = rest.split_once('`')?;
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    (!name.is_empty() && name.chars().all(ident)).then_some(name)
}

/// The last whole-word occurrence of `name` on the line of `at`, before `at` ends.
fn name_on_line(source: &str, at: Span, name: &str) -> Option<Span> {
    let line_start = source[..at.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[at.start..]
        .find('\n')
        .map_or(source.len(), |i| at.start + i);
    let line = &source[line_start..line_end.max(at.end).min(source.len())];
    let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    line.match_indices(name)
        .filter(|(i, _)| {
            !ident(line[..*i].chars().next_back()) && !ident(line[i + name.len()..].chars().next())
        })
        .map(|(i, _)| Span {
            start: line_start + i,
            end: line_start + i + name.len(),
        })
        .filter(|s| s.start < at.end.max(at.start + 1))
        .last()
}

/// The span of line `line` (1-based) of `source`, without its line break.
fn line_span(source: &str, line: usize) -> Option<Span> {
    let mut start = 0;
    for (i, text) in source.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let len = text.trim_end_matches(['\n', '\r']).len();
            return Some(Span {
                start,
                end: start + len,
            });
        }
        start += text.len();
    }
    None
}

/// The variables a template can use, sorted.
fn variables(ctx: &Value) -> Vec<String> {
    let mut keys: Vec<String> = ctx
        .try_iter()
        .map(|it| it.map(|k| k.to_string()).collect())
        .unwrap_or_default();
    keys.sort();
    keys.dedup();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Value {
        minijinja::context! { header => "# h", release_name => "wt-x-workflow" }
    }

    #[test]
    fn renders_with_the_embedded_rules_and_filters() {
        let out = render(
            "package/cli.py.j2",
            "{% if true %}\n{{ release_name | pystr }}\n{% endif %}\n",
            ctx(),
        )
        .unwrap();
        assert_eq!(&*out, "\"wt-x-workflow\"\n");
    }

    #[test]
    fn syntax_errors_point_into_the_file() {
        let source = "line one\n{% if %}\n";
        let d = &render("package/cli.py.j2", source, ctx()).unwrap_err()[0];
        assert!(d.message.contains("syntax error"), "{d:?}");
        assert_eq!(
            d.source,
            crate::diagnostics::Source::Template("package/cli.py.j2")
        );
        let span = d.primary.as_ref().unwrap().span;
        assert!(span.start >= 9 && span.end <= source.len(), "{span:?}");
    }

    #[test]
    fn undefined_variables_are_errors_listing_the_variables() {
        let source = "ok\n{{ release_nme | pystr }}\n";
        let d = &render("package/cli.py.j2", source, ctx()).unwrap_err()[0];
        assert!(d.message.contains("undefined"), "{d:?}");
        let span = d.primary.as_ref().unwrap().span;
        assert_eq!(&source[span.start..span.end], "release_nme");
        assert_eq!(d.help.as_deref(), Some("did you mean `release_name`?"));
        assert!(
            d.notes
                .iter()
                .any(|n| n.contains("`header`, `release_name`")),
            "{d:?}"
        );
    }

    #[test]
    fn lines() {
        assert_eq!(line_span("a\nbc\n", 2), Some(Span { start: 2, end: 4 }));
        assert_eq!(line_span("a\n", 3), None);
    }
}
