//! Python source of a translated schema, already in `ruff format` style.

use super::helpers::Used;
use super::names::{derived_field_name, plain_field_name};
use super::translate::{ClassDef, ClassKind, Extra, FieldDef, Gap, Translation};
use super::ty::{Meta, Ty, json_expr};
use crate::pyfmt::{
    Arg, Expr, Import, format_ann_assign, format_class_header, format_expr, import_block, py_str,
};
use std::collections::HashSet;

/// The module: docstring (with `gaps` appended), imports, helpers, aliases, classes.
pub fn module(translation: &Translation, docstring: &str) -> String {
    let mut used = Used::default();
    let classes: Vec<String> = translation
        .classes
        .iter()
        .map(|class| class_source(class, translation, &mut used))
        .collect();
    let aliases: String = translation
        .aliases
        .iter()
        .map(|(name, ty)| format_expr(&ty.expr(&mut used), 0, &format!("{name} = "), ""))
        .collect();

    let mut imports = vec![Import::module("__future__", "annotations")];
    for (module, name) in used.imports() {
        imports.push(if module.is_empty() {
            Import::plain(name)
        } else {
            Import::module(module, name)
        });
    }

    let mut out = String::new();
    out.push_str(&docstring_source(docstring, &translation.gaps));
    out.push('\n');
    out.push_str(&import_block(&imports));
    for helper in used.helpers() {
        out.push_str("\n\n");
        out.push_str(helper.source());
        out.push('\n');
    }
    if !aliases.is_empty() {
        // isort: one blank line between the imports and a statement other than a
        // definition; ruff format: two after a function.
        out.push_str(if used.helpers().next().is_some() {
            "\n\n"
        } else {
            "\n"
        });
        out.push_str(&aliases);
    }
    for class in classes {
        out.push_str("\n\n");
        out.push_str(&class);
    }
    out
}

/// The module docstring: `text` (lines of at most 88 columns), then the gaps, wrapped.
fn docstring_source(text: &str, gaps: &[Gap]) -> String {
    let mut doc = text.trim_end().to_string();
    if !gaps.is_empty() {
        let mut keywords: Vec<&str> = Vec::new();
        for gap in gaps {
            if !keywords.contains(&gap.keyword.as_str()) {
                keywords.push(&gap.keyword);
            }
        }
        let items: Vec<String> = keywords
            .iter()
            .map(|keyword| {
                let places: Vec<String> = gaps
                    .iter()
                    .filter(|g| g.keyword == *keyword)
                    .map(|g| format!("``{}``", g.location))
                    .collect();
                format!("``{keyword}`` ({})", places.join(", "))
            })
            .collect();
        doc.push_str("\n\n");
        doc.push_str(&wrap(
            &format!(
                "Not enforced here (the models accept values the schema rejects): {}.",
                items.join("; ")
            ),
            88,
        ));
    }
    format!("\"\"\"{doc}\n\"\"\"\n")
}

/// Greedy word wrap at `width` columns (words are never split).
fn wrap(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines.join("\n")
}

fn class_source(class: &ClassDef, translation: &Translation, used: &mut Used) -> String {
    match &class.kind {
        ClassKind::Root(ty) => {
            used.name("RootModel");
            let mut out = format_class_header(&class.name, &["RootModel"], 0);
            out.push_str(&format_ann_assign("root", &ty.expr(used), None, 4));
            out
        }
        ClassKind::Model {
            extra,
            fields,
            checks,
        } => {
            used.name("BaseModel");
            used.name("ConfigDict");
            let mut out = format_class_header(&class.name, &["BaseModel"], 0);
            let mode = if matches!(extra, Extra::Forbid) {
                "forbid"
            } else {
                "allow"
            };
            let config = Expr::call(
                "ConfigDict",
                vec![Arg::Keyword("extra".into(), Expr::Atom(py_str(mode)))],
            );
            out.push_str(&format_expr(&config, 4, "model_config = ", ""));
            let mut body = String::new();
            if let Extra::Typed(ty) = extra {
                used.name("Field");
                let init = Expr::call(
                    "Field",
                    vec![Arg::Keyword("init".into(), Expr::atom("False"))],
                );
                let annotation = Ty::Dict(Box::new(ty.clone())).expr(used);
                body.push_str(&format_ann_assign(
                    "__pydantic_extra__",
                    &annotation,
                    Some(&init),
                    4,
                ));
            }
            // Property names usable as attributes keep them; the others are named after.
            let mut names = HashSet::new();
            let plain: Vec<Option<String>> = fields
                .iter()
                .map(|field| plain_field_name(&field.key, &translation.namer, &mut names))
                .collect();
            for (field, plain) in fields.iter().zip(plain) {
                let attribute = match plain {
                    Some(name) => (name, false),
                    None => (
                        derived_field_name(&field.key, &translation.namer, &mut names),
                        true,
                    ),
                };
                body.push_str(&field_source(field, attribute, used));
            }
            if !body.is_empty() {
                out.push('\n');
                out.push_str(&body);
            }
            if !checks.is_empty() {
                used.name("model_validator");
                used.name("Any");
                used.helper(super::helpers::Helper::Checks);
                out.push_str(
                    "\n    @model_validator(mode=\"before\")\n    @classmethod\n    \
                     def _json_schema_checks(cls, data: Any) -> Any:\n",
                );
                let mut args = vec![Arg::Positional(Expr::atom("data"))];
                args.extend(checks.iter().map(|c| Arg::Positional(c.expr(used))));
                out.push_str(&format_expr(&Expr::call("_checks", args), 8, "return ", ""));
            }
            out
        }
    }
}

/// `name: annotation [= value]` for one property.
fn field_source(field: &FieldDef, (name, aliased): (String, bool), used: &mut Used) -> String {
    // pydantic's own constraints of a plain type go into the field's `Field(...)`.
    let (ty, constraints) = match &field.ty {
        Ty::Annotated(inner, metas)
            if matches!(inner.as_ref(), Ty::Name(_) | Ty::List(_) | Ty::Dict(_))
                && matches!(metas.as_slice(), [Meta::Field(_)]) =>
        {
            let [Meta::Field(kwargs)] = metas.as_slice() else {
                unreachable!("matched above")
            };
            (inner.as_ref().clone(), kwargs.clone())
        }
        ty => (ty.clone(), Vec::new()),
    };
    let annotation = ty.expr(used);
    let mut kwargs: Vec<(String, Expr)> = Vec::new();
    if !field.required {
        let default = field
            .default
            .as_ref()
            .map_or_else(|| Expr::atom("None"), json_expr);
        kwargs.push(("default".into(), default));
    }
    if aliased {
        kwargs.push(("alias".into(), Expr::Atom(py_str(&field.key))));
    }
    if let Some(title) = &field.title {
        kwargs.push(("title".into(), Expr::Atom(py_str(title))));
    }
    if let Some(description) = &field.description {
        kwargs.push(("description".into(), Expr::Atom(py_str(description))));
    }
    for (_, value) in &constraints {
        super::ty::note_calls(value, used);
    }
    kwargs.extend(constraints);
    let value = match kwargs.as_slice() {
        [] => None,
        [(key, value @ Expr::Atom(_))] if key == "default" => Some(value.clone()),
        _ => {
            used.name("Field");
            Some(Expr::call(
                "Field",
                kwargs
                    .into_iter()
                    .map(|(k, v)| Arg::Keyword(k, v))
                    .collect(),
            ))
        }
    };
    format_ann_assign(&name, &annotation, value.as_ref(), 4)
}
