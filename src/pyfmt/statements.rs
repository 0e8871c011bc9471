//! Statement layouts beyond plain assignments: annotated assignments (class fields)
//! and class headers.

use super::layout::{Builder, Doc, Expr, LineMode, format_expr, is_dotted_name, print};

/// Formats `<indent><target>: <annotation>` or `<indent><target>: <annotation> = <value>`
/// the way `ruff format` does (`FormatStmtAnnAssign`). The result ends with a newline.
///
/// * A name annotation cannot split: the value is laid out as in `x = value`
///   ([`format_expr`] with the whole `target: annotation = ` as prefix).
/// * Without a value, the annotation is laid out as an assigned value would be.
/// * A splittable annotation (subscript or union) with a value uses ruff's *right to left*
///   best fit: everything on one line; else the annotation flat and the value's own
///   brackets broken (calls only); else the value parenthesized; else the annotation
///   broken (a union in added parentheses) and the value as it comes.
///
/// `annotation` must be an atom (a name), a subscript or a union; `value` an atom (a
/// name or literal, never broken; a negative number is laid out as the unary expression
/// it is) or a call with a dotted-name callee.
pub fn format_ann_assign(
    target: &str,
    annotation: &Expr,
    value: Option<&Expr>,
    indent: usize,
) -> String {
    let Some(value) = value else {
        return format_expr(annotation, indent, &format!("{target}: "), "");
    };
    if let Expr::Atom(name) = annotation {
        return format_expr(value, indent, &format!("{target}: {name} = "), "");
    }
    assert!(
        matches!(annotation, Expr::Subscript { .. } | Expr::Union(_)),
        "unsupported annotation {annotation:?}"
    );
    let is_call = match value {
        Expr::Call { callee, .. } => {
            assert!(is_dotted_name(callee), "unsupported callee {callee}");
            true
        }
        Expr::Atom(_) => false,
        other => panic!("unsupported annotated value {other:?}"),
    };
    let mut b = Builder::default();
    // `AnyBeforeOperator`: a subscript has its own brackets; a union gets optional
    // parentheses (`parenthesize_if_expands`, as `can_omit_optional_parentheses` is false
    // for unions of names and subscripts).
    let target_docs = match annotation {
        Expr::Union(operands) => {
            let union = b.union(operands);
            b.parenthesize_if_expands(union)
        }
        _ => b.expr(annotation),
    };
    let value_docs = b.expr(value);
    if matches!(value, Expr::Atom(text) if text.starts_with('-')) {
        // A negative number is a unary expression for ruff: no best fit, the annotation
        // breaks first (the value itself always fits after it).
        let mut doc = vec![Doc::text(format!("{target}: "))];
        doc.extend(target_docs);
        doc.push(Doc::text(" = "));
        doc.extend(value_docs);
        let mut out = print(doc, indent);
        out.push('\n');
        return out;
    }
    let assign = || Doc::text(" = ");
    let concat = |parts: Vec<Vec<Doc>>| parts.into_iter().flatten().collect::<Vec<Doc>>();

    let single_line = concat(vec![
        target_docs.clone(),
        vec![assign()],
        value_docs.clone(),
    ]);
    let value_parenthesized = concat(vec![
        target_docs.clone(),
        vec![
            Doc::text(" = ("),
            Doc::expanded_group(vec![
                Doc::Indent(
                    std::iter::once(Doc::Line(LineMode::Soft))
                        .chain(value_docs.clone())
                        .collect(),
                ),
                Doc::Line(LineMode::Soft),
            ]),
            Doc::text(")"),
        ],
    ]);
    let target_split = concat(vec![
        vec![Doc::expanded_group(target_docs.clone())],
        vec![assign()],
        value_docs.clone(),
    ]);
    let mut variants = vec![single_line];
    if is_call {
        // Prefer breaking after the call's `(` over parenthesizing the call.
        variants.push(concat(vec![
            target_docs,
            vec![assign(), Doc::expanded_group(value_docs)],
        ]));
    }
    variants.push(value_parenthesized);
    variants.push(target_split);

    let doc = vec![Doc::text(format!("{target}: ")), Doc::BestFitting(variants)];
    let mut out = print(doc, indent);
    out.push('\n');
    out
}

/// Formats `<indent>class <name>(<bases>):` like `ruff format` (the bases break like call
/// arguments). The result ends with a newline.
pub fn format_class_header(name: &str, bases: &[&str], indent: usize) -> String {
    if bases.is_empty() {
        return format!("{}class {name}:\n", " ".repeat(indent));
    }
    let args = bases
        .iter()
        .map(|base| super::Arg::Positional(Expr::atom(*base)))
        .collect();
    format_expr(&Expr::call(format!("class {name}"), args), indent, "", ":")
}
