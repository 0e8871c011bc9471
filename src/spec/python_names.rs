//! Python naming rules used by spec validation: identifiers, keywords and builtins.

/// `keyword.kwlist` of CPython 3.12.
#[rustfmt::skip]
pub const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
    "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if",
    "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
    "while", "with", "yield",
];

/// `dir(builtins)` of CPython 3.12 (running a script, not the REPL).
#[rustfmt::skip]
pub const BUILTINS: &[&str] = &[
    "ArithmeticError", "AssertionError", "AttributeError", "BaseException", "BaseExceptionGroup",
    "BlockingIOError", "BrokenPipeError", "BufferError", "BytesWarning", "ChildProcessError",
    "ConnectionAbortedError", "ConnectionError", "ConnectionRefusedError",
    "ConnectionResetError", "DeprecationWarning", "EOFError", "Ellipsis", "EncodingWarning",
    "EnvironmentError", "Exception", "ExceptionGroup", "False", "FileExistsError",
    "FileNotFoundError", "FloatingPointError", "FutureWarning", "GeneratorExit", "IOError",
    "ImportError", "ImportWarning", "IndentationError", "IndexError", "InterruptedError",
    "IsADirectoryError", "KeyError", "KeyboardInterrupt", "LookupError", "MemoryError",
    "ModuleNotFoundError", "NameError", "None", "NotADirectoryError", "NotImplemented",
    "NotImplementedError", "OSError", "OverflowError", "PendingDeprecationWarning",
    "PermissionError", "ProcessLookupError", "RecursionError", "ReferenceError",
    "ResourceWarning", "RuntimeError", "RuntimeWarning", "StopAsyncIteration", "StopIteration",
    "SyntaxError", "SyntaxWarning", "SystemError", "SystemExit", "TabError", "TimeoutError",
    "True", "TypeError", "UnboundLocalError", "UnicodeDecodeError", "UnicodeEncodeError",
    "UnicodeError", "UnicodeTranslateError", "UnicodeWarning", "UserWarning", "ValueError",
    "Warning", "ZeroDivisionError", "__build_class__", "__debug__", "__doc__", "__import__",
    "__loader__", "__name__", "__package__", "__spec__", "abs", "aiter", "all", "anext", "any",
    "ascii", "bin", "bool", "breakpoint", "bytearray", "bytes", "callable", "chr",
    "classmethod", "compile", "complex", "copyright", "credits", "delattr", "dict", "dir",
    "divmod", "enumerate", "eval", "exec", "exit", "filter", "float", "format", "frozenset",
    "getattr", "globals", "hasattr", "hash", "help", "hex", "id", "input", "int", "isinstance",
    "issubclass", "iter", "len", "license", "list", "locals", "map", "max", "memoryview", "min",
    "next", "object", "oct", "open", "ord", "pow", "print", "property", "quit", "range", "repr",
    "reversed", "round", "set", "setattr", "slice", "sorted", "staticmethod", "str", "sum",
    "super", "tuple", "type", "vars", "zip",
];

/// Python's `str.isidentifier()`.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c == '_' || unicode_ident::is_xid_start(c) => {}
        _ => return false,
    }
    chars.all(unicode_ident::is_xid_continue)
}

pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

pub fn is_builtin(s: &str) -> bool {
    BUILTINS.contains(&s)
}

/// Why a name cannot be used as a Python variable, or `None` when it can.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameProblem {
    NotIdentifier,
    Keyword,
    Builtin,
}

/// Check a name that becomes a Python variable/module name (workflow id, task instance id).
pub fn check_variable_name(s: &str) -> Option<NameProblem> {
    if !is_identifier(s) {
        Some(NameProblem::NotIdentifier)
    } else if is_keyword(s) {
        Some(NameProblem::Keyword)
    } else if is_builtin(s) {
        Some(NameProblem::Builtin)
    } else {
        None
    }
}

/// A suggestion that turns `s` into an identifier (`my-flow` → `my_flow`), if one exists.
pub fn identifier_suggestion(s: &str) -> Option<String> {
    let mut out: String = s
        .chars()
        .map(|c| {
            if unicode_ident::is_xid_continue(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    (is_identifier(&out) && !is_keyword(&out) && !is_builtin(&out) && out != s).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert!(is_identifier("abc_1"));
        assert!(is_identifier("_x"));
        assert!(is_identifier("héllo"));
        assert!(!is_identifier("1abc"));
        assert!(!is_identifier("my-flow"));
        assert!(!is_identifier(""));
        assert_eq!(check_variable_name("class"), Some(NameProblem::Keyword));
        assert_eq!(check_variable_name("sum"), Some(NameProblem::Builtin));
        assert_eq!(check_variable_name("ok"), None);
        assert_eq!(identifier_suggestion("my-flow").as_deref(), Some("my_flow"));
        assert_eq!(
            identifier_suggestion("2024-report").as_deref(),
            Some("_2024_report")
        );
    }
}
