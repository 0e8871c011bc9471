//! `--case ID`: the params of one case of the `test-cases.yaml` beside the spec (the
//! reference's format: a map from case id to `{name, description, params, raises, ...}`).

use crate::syntax::yaml::Node;

/// The file name of the cases, beside the spec.
pub const CASES_FILE: &str = "test-cases.yaml";

/// Why a case cannot be taken from the cases file.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("{path} is not a map of test cases (case id → {{params: ...}})")]
    NotAMap { path: String },
    #[error("{path} has no case `{id}`; its cases: {}", list(.known))]
    Unknown {
        path: String,
        id: String,
        known: Vec<String>,
    },
}

fn list(known: &[String]) -> String {
    if known.is_empty() {
        "(none)".into()
    } else {
        known.join(", ")
    }
}

/// The `params:` node of case `id` in the parsed cases file (`None`: the case has no
/// params, i.e. `{}`).
pub fn case_params<'a>(
    root: &'a Node,
    id: &str,
    path: &str,
) -> Result<Option<&'a Node>, CaseError> {
    let Some(entries) = root.as_map() else {
        return Err(CaseError::NotAMap { path: path.into() });
    };
    match entries.iter().find(|(k, _)| k.as_str() == Some(id)) {
        Some((_, case)) => Ok(case.get("params")),
        None => Err(CaseError::Unknown {
            path: path.into(),
            id: id.into(),
            known: entries
                .iter()
                .filter_map(|(k, _)| k.as_str().map(str::to_string))
                .collect(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::yaml::parse;

    #[test]
    fn finds_a_case_or_lists_them() {
        let root = parse("a:\n  params:\n    x: 1\nb:\n  name: B\n").unwrap();
        assert!(case_params(&root, "a", "t.yaml").unwrap().is_some());
        assert!(case_params(&root, "b", "t.yaml").unwrap().is_none());
        let e = case_params(&root, "c", "t.yaml").unwrap_err();
        assert_eq!(e.to_string(), "t.yaml has no case `c`; its cases: a, b");
        assert!(case_params(&parse("[1]").unwrap(), "a", "t").is_err());
    }
}
