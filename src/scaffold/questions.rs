//! The question model of `wtc scaffold init`: what a provider asks, how an answer typed on
//! the command line, at a prompt or in a JSON list item is checked and coerced, and the
//! `when` conditions that gate questions on earlier answers.
//!
//! Answers are JSON values (`serde_json::Value`): strings, booleans, integers, `null` for a
//! question that was skipped or left without a value, and for a `list` question an array of
//! objects (one per item, keyed by the sub-questions' `dest`).

use crate::spec::lower::check_spec_id;
use crate::spec::requirements::{RequirementError, normalize_version, resolve_channel};
use serde_json::Value;
use std::sync::LazyLock;

/// One answer.
pub type Answer = Value;

/// Answers by `dest`, in question order.
pub type Answers = serde_json::Map<String, Value>;

/// A question of a provider.
#[derive(Clone, Debug)]
pub struct Question {
    /// The answer's name: a template variable, and the flag `--<dest with _ → ->`.
    pub dest: String,
    /// What the interactive prompt shows.
    pub prompt: String,
    /// A longer explanation (flag help, prompt help line).
    pub help: Option<String>,
    pub kind: Kind,
    /// The answer when none is given.
    pub default: Option<Answer>,
    /// An answer must be given (there is no default).
    pub required: bool,
    /// Asked only when this holds on the earlier answers.
    pub when: Option<Condition>,
    /// Checks a text answer must pass.
    pub checks: Vec<Check>,
    /// In a list item's JSON, this answer may be given under the key named by the answer
    /// of this (choice) sub-question: `{"tag": "v1"}` = `{"<keyed_by>": "tag", "<dest>": "v1"}`.
    pub keyed_by: Option<String>,
}

/// The type of a question and what goes with it.
#[derive(Clone, Debug)]
pub enum Kind {
    /// Free text (trimmed), with completions offered at the prompt.
    String {
        suggestions: Vec<String>,
    },
    Bool,
    Int {
        min: Option<i64>,
        max: Option<i64>,
    },
    /// One of a fixed list of strings.
    Choice {
        choices: Vec<String>,
    },
    /// Any number of items, each answering `questions` (`label`: singular display name).
    List {
        label: String,
        questions: Vec<Question>,
    },
}

impl Kind {
    /// The name used in provider.toml's `type`.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::String { .. } => "string",
            Kind::Bool => "bool",
            Kind::Int { .. } => "int",
            Kind::Choice { .. } => "choice",
            Kind::List { .. } => "list",
        }
    }
}

/// A named check of a text answer (provider.toml `check`), or a `pattern`.
#[derive(Clone, Debug)]
pub enum Check {
    /// The spec's `id:` rules, limited to ASCII (the answer also names a directory).
    WorkflowId,
    /// A conda version constraint (nameless match spec), e.g. `>=1.2`.
    CondaVersion,
    /// A known conda channel name or a channel URL.
    CondaChannel,
    /// An absolute file-system path.
    AbsolutePath,
    /// An `http://` or `https://` URL.
    HttpUrl,
    /// A git URL with scheme `http`, `https`, `git` or `ssh`.
    GitUrl,
    /// The whole answer matches a regular expression.
    Pattern(regex::Regex),
}

/// The names of the named checks, as written in provider.toml.
pub const CHECK_NAMES: &[&str] = &[
    "workflow_id",
    "conda_version",
    "conda_channel",
    "absolute_path",
    "http_url",
    "git_url",
];

impl Check {
    /// The named check called `name` (see [`CHECK_NAMES`]).
    pub fn named(name: &str) -> Option<Check> {
        Some(match name {
            "workflow_id" => Check::WorkflowId,
            "conda_version" => Check::CondaVersion,
            "conda_channel" => Check::CondaChannel,
            "absolute_path" => Check::AbsolutePath,
            "http_url" => Check::HttpUrl,
            "git_url" => Check::GitUrl,
            _ => return None,
        })
    }

    /// Check a (trimmed, non-empty) text answer.
    pub fn apply(&self, s: &str) -> Result<(), AnswerError> {
        match self {
            Check::WorkflowId => check_workflow_id(s),
            Check::CondaVersion => normalize_version(s)
                .map(drop)
                .map_err(AnswerError::Requirement),
            Check::CondaChannel => {
                let local = std::env::var("WT_CONDA_CHANNEL").unwrap_or_default();
                resolve_channel(s, &local)
                    .map(drop)
                    .map_err(AnswerError::Requirement)
            }
            Check::AbsolutePath => {
                if s.starts_with("file://") {
                    Err(AnswerError::FileUrl(
                        s.to_string(),
                        s.trim_start_matches("file://").to_string(),
                    ))
                } else if !s.starts_with('/') {
                    Err(AnswerError::NotAbsolute(s.to_string()))
                } else {
                    Ok(())
                }
            }
            Check::HttpUrl => match url::Url::parse(s) {
                Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => Ok(()),
                _ => Err(AnswerError::NotHttpUrl(s.to_string())),
            },
            Check::GitUrl => match url::Url::parse(s) {
                Ok(u) if matches!(u.scheme(), "http" | "https" | "git" | "ssh") => Ok(()),
                Ok(u) if u.scheme().starts_with("git+") => {
                    Err(AnswerError::GitPlus(s.to_string(), s[4..].to_string()))
                }
                _ => Err(AnswerError::NotGitUrl(s.to_string())),
            },
            Check::Pattern(re) => {
                if re.is_match(s) {
                    Ok(())
                } else {
                    Err(AnswerError::Pattern(s.to_string(), re.as_str().to_string()))
                }
            }
        }
    }
}

/// Why an answer is not valid for its question (shown at the prompt, or after the flag).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    /// The spec's `id:` rules (message and help from `spec::lower`).
    #[error("{message}{}", .help.as_ref().map(|h| format!("; {h}")).unwrap_or_default())]
    SpecId {
        message: String,
        help: Option<String>,
    },
    #[error(
        "workflow id `{0}` must use ASCII letters, digits and `_` only (it also names the project directory)"
    )]
    NonAsciiId(String),
    /// A conda version or channel rejected by `spec::requirements` (its message).
    #[error(transparent)]
    Requirement(#[from] RequirementError),
    #[error("`{0}` is a file:// URL; give the path itself: `{1}`")]
    FileUrl(String, String),
    #[error("`{0}` is not an absolute path (it must start with `/`)")]
    NotAbsolute(String),
    #[error("`{0}` is not an http(s) URL (e.g. `https://example.org/pkg-1.0.tar.gz`)")]
    NotHttpUrl(String),
    #[error("`{0}`: write the URL without the `git+` prefix, e.g. `{1}`")]
    GitPlus(String, String),
    #[error(
        "`{0}` is not a git URL with scheme http, https, git or ssh (e.g. `https://github.com/org/repo.git`)"
    )]
    NotGitUrl(String),
    #[error("`{0}` does not match the pattern `{1}`")]
    Pattern(String, String),
    #[error("`{0}` is not an integer")]
    NotInteger(String),
    #[error("{n} is less than the minimum, {min}")]
    BelowMinimum { n: i64, min: i64 },
    #[error("{n} is more than the maximum, {max}")]
    AboveMaximum { n: i64, max: i64 },
    #[error("`{value}` is not one of the choices: {}", .choices.join(", "))]
    NotAChoice { value: String, choices: Vec<String> },
    #[error("{0} takes JSON objects, one per flag (see --help)")]
    ListFlag(String),
    #[error("expected {expected} for `{dest}`, found {found}")]
    WrongJsonType {
        expected: &'static str,
        dest: String,
        found: &'static str,
    },
    #[error("`{0}` is not a boolean (true or false)")]
    NotBoolean(String),
}

/// Why a `when` condition is not an expression, or could not be evaluated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConditionError {
    /// minijinja's message.
    #[error("{0}")]
    Invalid(String),
    #[error("condition `{expr}` failed: {detail}")]
    Failed { expr: String, detail: String },
}

/// The rules for a `workflow_id`: the spec's `id:` rules (shared with `spec::lower`), and
/// ASCII only, because the answer also names the project directory.
pub fn check_workflow_id(s: &str) -> Result<(), AnswerError> {
    check_spec_id(s).map_err(|p| AnswerError::SpecId {
        message: p.message,
        help: p.help,
    })?;
    if !s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(AnswerError::NonAsciiId(s.to_string()));
    }
    Ok(())
}

/// A `when` condition: a minijinja expression over the earlier answers (skipped ones are
/// `none`), e.g. `license_type == "MIT"` or `req_type in ["url", "git"]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    pub expr: String,
}

/// The environment conditions are compiled in: strict about undefined names.
static CONDITIONS: LazyLock<minijinja::Environment<'static>> = LazyLock::new(|| {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env
});

impl Condition {
    /// Parse `expr`; `Err` with minijinja's message when it is not an expression.
    pub fn parse(expr: &str) -> Result<Condition, ConditionError> {
        CONDITIONS.compile_expression(expr).map_err(|e| {
            ConditionError::Invalid(e.detail().unwrap_or("invalid expression").to_string())
        })?;
        Ok(Condition {
            expr: expr.to_string(),
        })
    }

    /// The names the expression reads that are not minijinja globals (functions such as
    /// `range`), sorted.
    pub fn variables(&self) -> Vec<String> {
        let Ok(e) = CONDITIONS.compile_expression(&self.expr) else {
            return Vec::new();
        };
        let mut names: Vec<String> = e
            .undeclared_variables(false)
            .into_iter()
            .filter(|n| CONDITIONS.globals().all(|(g, _)| g != n.as_str()))
            .collect();
        names.sort();
        names
    }

    /// Does the condition hold on `answers`?
    pub fn holds(&self, answers: &Answers) -> Result<bool, ConditionError> {
        let ctx = minijinja::Value::from(minijinja::value::Serde(answers));
        CONDITIONS
            .compile_expression(&self.expr)
            .and_then(|e| e.eval(ctx))
            .map(|v| v.is_true())
            .map_err(|e| ConditionError::Failed {
                expr: self.expr.clone(),
                detail: e.detail().map_or_else(|| e.to_string(), str::to_string),
            })
    }
}

impl Question {
    /// The command-line flag of this question.
    pub fn flag(&self) -> String {
        format!("--{}", self.dest.replace('_', "-"))
    }

    /// Is this question asked given the answers so far?
    pub fn asked(&self, answers: &Answers) -> Result<bool, ConditionError> {
        match &self.when {
            None => Ok(true),
            Some(c) => c.holds(answers),
        }
    }

    /// Coerce a typed answer. Surrounding whitespace is ignored; an empty answer is
    /// `Ok(None)` (no answer: the default applies).
    pub fn parse_text(&self, raw: &str) -> Result<Option<Answer>, AnswerError> {
        let s = raw.trim();
        if s.is_empty() {
            return Ok(None);
        }
        let answer = match &self.kind {
            Kind::String { .. } => {
                for check in &self.checks {
                    check.apply(s)?;
                }
                Value::from(s)
            }
            Kind::Bool => Value::from(parse_bool(s)?),
            Kind::Int { min, max } => {
                let n: i64 = s
                    .parse()
                    .map_err(|_| AnswerError::NotInteger(s.to_string()))?;
                if let Some(min) = min
                    && n < *min
                {
                    return Err(AnswerError::BelowMinimum { n, min: *min });
                }
                if let Some(max) = max
                    && n > *max
                {
                    return Err(AnswerError::AboveMaximum { n, max: *max });
                }
                Value::from(n)
            }
            Kind::Choice { choices } => {
                if !choices.iter().any(|c| c == s) {
                    return Err(AnswerError::NotAChoice {
                        value: s.to_string(),
                        choices: choices.clone(),
                    });
                }
                Value::from(s)
            }
            Kind::List { .. } => {
                return Err(AnswerError::ListFlag(self.flag()));
            }
        };
        Ok(Some(answer))
    }

    /// Coerce an answer given as a JSON value (in a list item): strings as typed, and
    /// JSON booleans/integers for `bool`/`int` questions.
    pub fn parse_json(&self, v: &Value) -> Result<Option<Answer>, AnswerError> {
        match (v, &self.kind) {
            (Value::Null, _) => Ok(None),
            (Value::String(s), _) => self.parse_text(s),
            (Value::Bool(b), Kind::Bool) => Ok(Some(Value::from(*b))),
            (Value::Number(n), Kind::Int { .. }) if n.is_i64() => self.parse_text(&n.to_string()),
            (other, kind) => Err(AnswerError::WrongJsonType {
                expected: match kind {
                    Kind::Bool => "true or false",
                    Kind::Int { .. } => "an integer",
                    _ => "a string",
                },
                dest: self.dest.clone(),
                found: json_type(other),
            }),
        }
    }

    /// The answer when nothing was given and the question is not required.
    pub fn empty_answer(&self) -> Answer {
        match &self.kind {
            Kind::String { .. } => Value::from(""),
            Kind::Bool => Value::from(false),
            Kind::List { .. } => Value::Array(Vec::new()),
            Kind::Int { .. } | Kind::Choice { .. } => Value::Null,
        }
    }

    /// The final answer from what was given: the given answer, else the default, else
    /// (unless required) the empty answer. `None`: required and missing.
    pub fn settle(&self, given: Option<Answer>) -> Option<Answer> {
        match given.or_else(|| self.default.clone()) {
            Some(a) => Some(a),
            None if self.required => None,
            None => Some(self.empty_answer()),
        }
    }
}

/// `true`/`false` (also `yes`/`no`, `y`/`n`, `1`/`0`, any case).
pub fn parse_bool(s: &str) -> Result<bool, AnswerError> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" => Ok(true),
        "false" | "no" | "n" | "0" => Ok(false),
        _ => Err(AnswerError::NotBoolean(s.to_string())),
    }
}

/// "a string", "an object", ... for messages.
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// An answer as shown to the user (strings bare, lists as a count).
pub fn display(answer: &Answer) -> String {
    match answer {
        Value::String(s) => s.clone(),
        Value::Null => "(none)".into(),
        Value::Array(items) => format!(
            "{} item{}",
            items.len(),
            if items.len() == 1 { "" } else { "s" }
        ),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(kind: Kind) -> Question {
        Question {
            dest: "x".into(),
            prompt: "X".into(),
            help: None,
            kind,
            default: None,
            required: false,
            when: None,
            checks: vec![],
            keyed_by: None,
        }
    }

    #[test]
    fn workflow_ids_follow_the_spec_rules() {
        assert!(check_workflow_id("my_flow").is_ok());
        let e = check_workflow_id("my-flow").unwrap_err().to_string();
        assert!(
            e.contains("not a valid Python identifier") && e.contains("`my_flow`"),
            "{e}"
        );
        assert!(
            check_workflow_id("class")
                .unwrap_err()
                .to_string()
                .contains("keyword")
        );
        assert!(
            check_workflow_id("sum")
                .unwrap_err()
                .to_string()
                .contains("built-in")
        );
        assert!(
            check_workflow_id(&"a".repeat(65))
                .unwrap_err()
                .to_string()
                .contains("too long")
        );
        assert!(
            check_workflow_id("héllo")
                .unwrap_err()
                .to_string()
                .contains("ASCII")
        );
    }

    #[test]
    fn text_answers_are_trimmed_typed_and_checked() {
        let s = Question {
            checks: vec![Check::CondaVersion],
            ..q(Kind::String {
                suggestions: vec![],
            })
        };
        assert_eq!(
            s.parse_text("  >=1.0 ").unwrap(),
            Some(Value::from(">=1.0"))
        );
        assert_eq!(s.parse_text("   ").unwrap(), None);
        assert!(s.parse_text(">=<1").is_err());
        let b = q(Kind::Bool);
        assert_eq!(b.parse_text("Yes").unwrap(), Some(Value::from(true)));
        assert!(b.parse_text("maybe").is_err());
        let i = q(Kind::Int {
            min: Some(1),
            max: Some(3),
        });
        assert_eq!(i.parse_text("2").unwrap(), Some(Value::from(2)));
        assert!(
            i.parse_text("4")
                .unwrap_err()
                .to_string()
                .contains("maximum")
        );
        assert!(
            i.parse_text("x")
                .unwrap_err()
                .to_string()
                .contains("not an integer")
        );
        let c = q(Kind::Choice {
            choices: vec!["a".into(), "b".into()],
        });
        assert_eq!(c.parse_text("b").unwrap(), Some(Value::from("b")));
        assert_eq!(
            c.parse_text("z").unwrap_err().to_string(),
            "`z` is not one of the choices: a, b"
        );
        assert!(i.parse_json(&Value::from(2)).unwrap().is_some());
        assert!(
            b.parse_json(&Value::from(1))
                .unwrap_err()
                .to_string()
                .contains("true or false")
        );
    }

    #[test]
    fn checks() {
        assert!(Check::AbsolutePath.apply("/a/b").is_ok());
        assert!(Check::AbsolutePath.apply("a/b").is_err());
        assert!(
            Check::AbsolutePath
                .apply("file:///a")
                .unwrap_err()
                .to_string()
                .contains("`/a`")
        );
        assert!(Check::HttpUrl.apply("https://x.org/a.whl").is_ok());
        assert!(Check::HttpUrl.apply("ftp://x.org/a").is_err());
        assert!(Check::GitUrl.apply("ssh://git@github.com/o/r.git").is_ok());
        assert!(
            Check::GitUrl
                .apply("git+https://github.com/o/r")
                .unwrap_err()
                .to_string()
                .contains("git+")
        );
        assert!(Check::CondaChannel.apply("conda-forge").is_ok());
        assert!(
            Check::CondaChannel
                .apply("https://repo.prefix.dev/x/")
                .is_ok()
        );
        assert!(Check::CondaChannel.apply("bioconda").is_err());
        let p = Check::Pattern(regex::Regex::new("^(?:[a-z]+)$").unwrap());
        assert!(p.apply("abc").is_ok());
        assert!(p.apply("ab1").is_err());
    }

    #[test]
    fn conditions() {
        let c = Condition::parse("t == 'git' and r != 'none'").unwrap();
        assert_eq!(c.variables(), ["r", "t"]);
        let mut a = Answers::new();
        a.insert("t".into(), Value::from("git"));
        a.insert("r".into(), Value::from("tag"));
        assert!(c.holds(&a).unwrap());
        a.insert("r".into(), Value::Null);
        assert!(c.holds(&a).unwrap());
        a.insert("t".into(), Value::from("url"));
        assert!(!c.holds(&a).unwrap());
        assert!(Condition::parse("a ==").is_err());
        let undefined = Condition::parse("zz == 1").unwrap();
        assert!(undefined.holds(&a).is_err());
        assert!(Condition::parse("x in range(3)").unwrap().variables() == ["x"]);
    }
}
