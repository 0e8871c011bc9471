//! Import blocks sorted and formatted like ruff's isort implementation (`I001`).

use std::cmp::Ordering;

use super::layout::{LINE_WIDTH, str_width};

/// One import statement: `import module [as alias]` or
/// `from module import name [as alias]`, with an optional trailing comment.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Import {
    /// `os`, `a.b.c`, or a relative module such as `.`, `..`, `..pkg.mod`.
    pub module: String,
    /// `None` for `import module`.
    pub name: Option<String>,
    pub alias: Option<String>,
    /// Trailing comment including the `#`, e.g. `# 🧪`.
    pub comment: Option<String>,
}

impl Import {
    /// `import module`
    pub fn plain(module: &str) -> Self {
        Import {
            module: module.to_string(),
            name: None,
            alias: None,
            comment: None,
        }
    }

    /// `from module import name`
    pub fn module(module: &str, name: &str) -> Self {
        Import {
            module: module.to_string(),
            name: Some(name.to_string()),
            alias: None,
            comment: None,
        }
    }

    /// `from module import name as alias`
    pub fn aliased(module: &str, name: &str, alias: &str) -> Self {
        Import {
            module: module.to_string(),
            name: Some(name.to_string()),
            alias: Some(alias.to_string()),
            comment: None,
        }
    }

    /// Adds a trailing comment (including the `#`).
    pub fn with_comment(mut self, comment: &str) -> Self {
        self.comment = Some(comment.to_string());
        self
    }

    /// The statement as written on one line, before sorting.
    pub fn to_statement(&self) -> String {
        let mut out = match (&self.name, &self.alias) {
            (None, None) => format!("import {}", self.module),
            (None, Some(alias)) => format!("import {} as {alias}", self.module),
            (Some(name), None) => format!("from {} import {name}", self.module),
            (Some(name), Some(alias)) => format!("from {} import {name} as {alias}", self.module),
        };
        if let Some(comment) = &self.comment {
            out.push_str("  ");
            out.push_str(comment);
        }
        out
    }
}

/// The import block ruff's isort (default settings, target Python 3.10, no
/// first-party modules) makes of `imports`, each written as its own one-line
/// statement in the given order. Every line ends with a newline; there is no
/// trailing blank line.
///
/// * Sections future / standard library / third party / first party (only
///   `__main__`) / local (relative) are separated by one blank line.
/// * Within a section, `import x` statements come before `from x import ...`;
///   modules are compared case-insensitively with natural number ordering, then
///   case-sensitively; relative modules furthest (`..`) first.
/// * Exact duplicates are dropped, keeping the first occurrence and its comment
///   (ruff's `F811` fix removes the later ones).
/// * Non-aliased members of one module are combined into one statement, members
///   ordered CONSTANTS, Classes, then others; each aliased member gets its own
///   statement.
/// * A `from` statement wider than 88 columns, or combining several members
///   one of which has a comment, is wrapped as `from m import (\n    a,  # c\n)`.
///   A source statement that `ruff format` already wrapped (too wide including
///   its comment) keeps its comment after the `)` and stays wrapped.
///
/// * `import a.b as b` becomes `from a import b` (`PLR0402`).
///
/// Not modelled: ruff's `UP` rewrites of deprecated imports (e.g. `typing.Callable`
/// or obsolete `__future__` features) and `F401`, which deletes unused imports;
/// see the [module docs](super). Relative modules need a `name`.
pub fn import_block(imports: &[Import]) -> String {
    // Exact duplicates first (cheap, and a large module imports each task many times),
    // then the ones the fixes below make equal.
    let mut seen = std::collections::HashSet::new();
    let mut entries: Vec<Entry> = Vec::new();
    for import in imports {
        if !seen.insert((&import.module, &import.name, &import.alias)) {
            continue;
        }
        let entry = Entry::new(import);
        if !entries.iter().any(|seen| seen.same_import(&entry)) {
            entries.push(entry);
        }
    }

    let mut sections: Vec<String> = Vec::new();
    for section in [
        Section::Future,
        Section::StandardLibrary,
        Section::ThirdParty,
        Section::FirstParty,
        Section::LocalFolder,
    ] {
        let members: Vec<(usize, &Entry)> = entries
            .iter()
            .enumerate()
            .filter(|(_, entry)| categorize(&entry.module) == section)
            .collect();
        if !members.is_empty() {
            sections.push(format_section(&members, section == Section::Future));
        }
    }
    sections.join("\n")
}

/// An import statement as isort sees it, after `ruff format` and the other
/// fixes of `ruff check` have touched it.
struct Entry {
    module: String,
    name: Option<String>,
    alias: Option<String>,
    comment: Option<String>,
    /// `ruff format` wrapped the statement in parentheses, see [`formatter_wraps`].
    wrapped: bool,
}

impl Entry {
    fn new(import: &Import) -> Self {
        let mut entry = Entry {
            module: import.module.clone(),
            name: import.name.clone(),
            alias: import.alias.clone(),
            comment: import.comment.clone(),
            wrapped: import.name.is_some() && formatter_wraps(import),
        };
        // PLR0402 (`manual-from-import`) turns `import a.b as b` into
        // `from a import b` (after the formatter ran: never wrapped).
        if entry.name.is_none()
            && let Some((parent, last)) = import.module.rsplit_once('.')
            && import.alias.as_deref() == Some(last)
        {
            entry.name = entry.alias.take();
            entry.module = parent.to_string();
        }
        entry
    }

    /// Exact duplicates: ruff's `F811` fix deletes all but the first.
    fn same_import(&self, other: &Entry) -> bool {
        self.module == other.module && self.name == other.name && self.alias == other.alias
    }

    fn to_statement(&self) -> String {
        Import {
            module: self.module.clone(),
            name: self.name.clone(),
            alias: self.alias.clone(),
            comment: self.comment.clone(),
        }
        .to_statement()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    Future,
    StandardLibrary,
    ThirdParty,
    FirstParty,
    LocalFolder,
}

fn categorize(module: &str) -> Section {
    let base = module.split('.').next().unwrap_or("");
    if module.starts_with('.') {
        Section::LocalFolder
    } else if base == "__future__" {
        Section::Future
    } else if is_stdlib(base) {
        Section::StandardLibrary
    } else if module == "__main__" {
        Section::FirstParty
    } else {
        Section::ThirdParty
    }
}

/// One member of a `from` statement, with the comments isort attached to it.
struct Member<'a> {
    name: &'a str,
    alias: Option<&'a str>,
    comments: Vec<&'a str>,
}

/// A `from` statement after combining: module, members and statement comments.
struct FromStatement<'a> {
    module: &'a str,
    first_index: usize,
    members: Vec<Member<'a>>,
    /// Comments after the closing parenthesis.
    trailing: Vec<&'a str>,
    /// Whether some source statement had a (magic) trailing comma.
    trailing_comma: bool,
}

/// Whether `ruff format` (which runs before isort) wraps the one-line
/// `from` statement `import` in parentheses. It then becomes
/// `from m import (\n    name,\n)  # comment`: the comment moves behind the
/// parenthesis and the added trailing comma keeps isort from joining it again.
fn formatter_wraps(import: &Import) -> bool {
    let statement = Import {
        comment: None,
        ..import.clone()
    }
    .to_statement();
    // The formatter reserves room for a trailing comment unless it is a pragma.
    let reserved = match import.comment.as_deref() {
        Some(comment) if !is_pragma_comment(comment) => 2 + str_width(comment),
        _ => 0,
    };
    str_width(&statement) + reserved > LINE_WIDTH
}

/// `ruff_python_trivia::is_pragma_comment`.
fn is_pragma_comment(comment: &str) -> bool {
    let Some(content) = comment.strip_prefix('#') else {
        return false;
    };
    let trimmed = content.trim_start();
    if trimmed
        .get(..4)
        .is_some_and(|start| start.eq_ignore_ascii_case("noqa"))
        || trimmed.starts_with("nosec")
    {
        return true;
    }
    trimmed.split_once(':').is_some_and(|(pragma, _)| {
        matches!(
            pragma,
            "isort" | "type" | "pyright" | "pyrefly" | "pylint" | "flake8" | "ruff" | "ty"
        )
    })
}

fn format_section(members: &[(usize, &Entry)], future: bool) -> String {
    // `import x [as y]`
    let mut straight: Vec<(usize, &Entry)> = members
        .iter()
        .copied()
        .filter(|(_, import)| import.name.is_none())
        .collect();
    straight.sort_by(|(ia, a), (ib, b)| {
        module_key_cmp(
            &a.module,
            None,
            a.alias.as_deref(),
            &b.module,
            None,
            b.alias.as_deref(),
        )
        .then(ia.cmp(ib))
    });

    // `from x import ...`: non-aliased members of a module share one statement.
    let mut from: Vec<FromStatement> = Vec::new();
    for &(index, import) in members {
        let Some(name) = import.name.as_deref() else {
            continue;
        };
        let wrapped = import.wrapped;
        let comment = import.comment.as_deref();
        let member = Member {
            name,
            alias: import.alias.as_deref(),
            comments: if wrapped { None } else { comment }.into_iter().collect(),
        };
        let shared = if import.alias.is_none() {
            from.iter_mut().find(|statement| {
                statement.module == import.module && statement.members[0].alias.is_none()
            })
        } else {
            None
        };
        let statement = match shared {
            Some(statement) => {
                statement.members.push(member);
                statement
            }
            None => {
                from.push(FromStatement {
                    module: &import.module,
                    first_index: index,
                    members: vec![member],
                    trailing: Vec::new(),
                    trailing_comma: false,
                });
                let last = from.len() - 1;
                &mut from[last]
            }
        };
        if wrapped {
            statement.trailing.extend(comment);
            statement.trailing_comma = true;
        }
    }
    for statement in &mut from {
        statement
            .members
            .sort_by(|a, b| member_key_cmp(a.name, a.alias, b.name, b.alias));
    }
    from.sort_by(|a, b| {
        let (fa, fb) = (&a.members[0], &b.members[0]);
        module_key_cmp(
            a.module,
            Some((fa.name, fa.alias)),
            None,
            b.module,
            Some((fb.name, fb.alias)),
            None,
        )
        .then(a.first_index.cmp(&b.first_index))
    });

    let straight_lines = straight.iter().map(|(_, import)| {
        let mut line = import.to_statement();
        line.push('\n');
        line
    });
    let from_lines = from.iter().map(format_from);
    if future {
        from_lines.chain(straight_lines).collect()
    } else {
        straight_lines.chain(from_lines).collect()
    }
}

/// ruff's `format_import_from`.
fn format_from(statement: &FromStatement) -> String {
    let members = &statement.members;
    let member_text = |member: &Member| match member.alias {
        Some(alias) => format!("{} as {alias}", member.name),
        None => member.name.to_string(),
    };
    let can_inline = !statement.trailing_comma
        && (members.len() == 1 || members.iter().all(|member| member.comments.is_empty()));
    if can_inline {
        let mut line = format!("from {} import ", statement.module);
        line.push_str(
            &members
                .iter()
                .map(member_text)
                .collect::<Vec<_>>()
                .join(", "),
        );
        let comments = members
            .iter()
            .flat_map(|member| &member.comments)
            .chain(&statement.trailing);
        for comment in comments {
            line.push_str("  ");
            line.push_str(comment);
        }
        if str_width(&line) <= LINE_WIDTH {
            line.push('\n');
            return line;
        }
    }
    let mut out = format!("from {} import (\n", statement.module);
    for member in members {
        out.push_str("    ");
        out.push_str(&member_text(member));
        out.push(',');
        for comment in &member.comments {
            out.push_str("  ");
            out.push_str(comment);
        }
        out.push('\n');
    }
    out.push(')');
    for comment in &statement.trailing {
        out.push_str("  ");
        out.push_str(comment);
    }
    out.push('\n');
    out
}

/// ruff's `ModuleKey` ordering (default settings): relative level (furthest
/// first), lowercased module name, module name, first member, `as` name.
fn module_key_cmp(
    a: &str,
    a_first: Option<(&str, Option<&str>)>,
    a_alias: Option<&str>,
    b: &str,
    b_first: Option<(&str, Option<&str>)>,
    b_alias: Option<&str>,
) -> Ordering {
    let (a_level, a_name) = split_level(a);
    let (b_level, b_name) = split_level(b);
    // `Distance::Furthest(Reverse(level))` for relative imports, `None` (last) for absolute.
    let distance = |level: usize| match level {
        0 => (1, 0),
        level => (0, usize::MAX - level),
    };
    distance(a_level)
        .cmp(&distance(b_level))
        .then_with(|| {
            option_cmp(a_name, b_name, |x, y| {
                natord(&x.to_lowercase(), &y.to_lowercase())
            })
        })
        .then_with(|| option_cmp(a_name, b_name, natord))
        .then_with(|| {
            option_cmp(a_first, b_first, |(xn, xa), (yn, ya)| {
                member_key_cmp(xn, xa, yn, ya)
            })
        })
        .then_with(|| option_cmp(a_alias, b_alias, natord))
}

/// `..pkg.mod` -> `(2, Some("pkg.mod"))`, `.` -> `(1, None)`.
fn split_level(module: &str) -> (usize, Option<&str>) {
    let name = module.trim_start_matches('.');
    let level = module.len() - name.len();
    (level, (!name.is_empty()).then_some(name))
}

/// ruff's `MemberKey` ordering: member type (constant, class, variable),
/// lowercased name, name, `as` name.
fn member_key_cmp(a: &str, a_alias: Option<&str>, b: &str, b_alias: Option<&str>) -> Ordering {
    (a != "*")
        .cmp(&(b != "*"))
        .then_with(|| member_type(a).cmp(&member_type(b)))
        .then_with(|| natord(&a.to_lowercase(), &b.to_lowercase()))
        .then_with(|| natord(a, b))
        .then_with(|| option_cmp(a_alias, b_alias, natord))
}

/// `None` sorts before `Some`.
fn option_cmp<T>(a: Option<T>, b: Option<T>, cmp: impl FnOnce(T, T) -> Ordering) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => cmp(a, b),
    }
}

fn member_type(name: &str) -> u8 {
    let is_cased_uppercase = {
        let mut cased = false;
        let mut lower = false;
        for c in name.chars() {
            if c.is_lowercase() {
                lower = true;
            } else if c.is_uppercase() {
                cased = true;
            }
        }
        cased && !lower
    };
    // ruff compares the byte length here.
    if name.len() > 1 && is_cased_uppercase {
        0 // constant
    } else if name.chars().next().is_some_and(char::is_uppercase) {
        1 // class
    } else {
        2 // variable
    }
}

/// Natural ordering as implemented by the `natord` crate (used by ruff): runs of
/// ASCII digits compare numerically (right-aligned, or left-aligned when a run
/// starts with `0`), whitespace is skipped, other characters compare by code point.
fn natord(a: &str, b: &str) -> Ordering {
    let mut left = a.chars();
    let mut right = b.chars();
    let mut l = left.next();
    let mut r = right.next();
    let digit = |c: Option<char>| c.and_then(|c| c.to_digit(10));
    loop {
        while l.is_some_and(char::is_whitespace) {
            l = left.next();
        }
        while r.is_some_and(char::is_whitespace) {
            r = right.next();
        }
        let (lc, rc) = match (l, r) {
            (Some(lc), Some(rc)) => (lc, rc),
            (Some(_), None) => return Ordering::Greater,
            (None, Some(_)) => return Ordering::Less,
            (None, None) => return Ordering::Equal,
        };
        match (digit(l), digit(r)) {
            (Some(ld), Some(rd)) => {
                let left_aligned = ld == 0 || rd == 0;
                let mut last = ld.cmp(&rd);
                if left_aligned && last != Ordering::Equal {
                    return last;
                }
                loop {
                    l = left.next();
                    r = right.next();
                    match (digit(l), digit(r)) {
                        (Some(ld), Some(rd)) => {
                            let ord = ld.cmp(&rd);
                            if left_aligned {
                                if ord != Ordering::Equal {
                                    return ord;
                                }
                            } else if last == Ordering::Equal {
                                last = ord;
                            }
                        }
                        (Some(_), None) => return Ordering::Greater,
                        (None, Some(_)) => return Ordering::Less,
                        (None, None) => break,
                    }
                }
                if last != Ordering::Equal {
                    return last;
                }
                // Continue with the characters after the digit runs.
                continue;
            }
            _ => match lc.cmp(&rc) {
                Ordering::Equal => {}
                ord => return ord,
            },
        }
        l = left.next();
        r = right.next();
    }
}

fn is_stdlib(module: &str) -> bool {
    STDLIB_PY310
        .split_ascii_whitespace()
        .any(|known| known == module)
}

/// Top-level modules ruff considers standard library for Python 3.10
/// (`ruff_python_stdlib::sys::is_known_standard_library(10, _)`), whitespace
/// separated.
const STDLIB_PY310: &str = "
__hello__ __phello__ _abc _aix_support _ast _asyncio _bisect _blake2 _bootsubprocess
_bz2 _codecs _codecs_cn _codecs_hk _codecs_iso2022 _codecs_jp _codecs_kr _codecs_tw
_collections _collections_abc _compat_pickle _compression _contextvars _crypt _csv
_ctypes _ctypes_test _curses _curses_panel _datetime _dbm _decimal _elementtree
_frozen_importlib _frozen_importlib_external _functools _gdbm _hashlib _heapq _imp
_io _json _locale _lsprof _lzma _markupbase _md5 _msi _multibytecodec
_multiprocessing _opcode _operator _osx_support _overlapped _pickle _posixshmem
_posixsubprocess _py_abc _pydecimal _pyio _queue _random _scproxy _sha1 _sha256
_sha3 _sha512 _signal _sitebuiltins _socket _sqlite3 _sre _ssl _stat _statistics
_string _strptime _struct _symtable _testbuffer _testcapi _testclinic _testconsole
_testimportmultiple _testinternalcapi _testmultiphase _thread _threading_local
_tkinter _tracemalloc _uuid _warnings _weakref _weakrefset _winapi
_xxsubinterpreters _xxtestfuzz _zoneinfo abc aifc antigravity argparse array ast
asynchat asyncio asyncore atexit audioop base64 bdb binascii binhex bisect builtins
bz2 cProfile calendar cgi cgitb chunk cmath cmd code codecs codeop collections
colorsys compileall concurrent configparser contextlib contextvars copy copyreg
crypt csv ctypes curses dataclasses datetime dbm decimal difflib dis distutils
doctest email encodings ensurepip enum errno faulthandler fcntl filecmp fileinput
fnmatch fractions ftplib functools gc genericpath getopt getpass gettext glob
graphlib grp gzip hashlib heapq hmac html http idlelib imaplib imghdr imp importlib
inspect io ipaddress itertools json keyword lib2to3 linecache locale logging lzma
mailbox mailcap marshal math mimetypes mmap modulefinder msilib msvcrt
multiprocessing netrc nis nntplib nt ntpath nturl2path numbers opcode operator
optparse os ossaudiodev pathlib pdb pickle pickletools pipes pkgutil platform
plistlib poplib posix posixpath pprint profile pstats pty pwd py_compile pyclbr
pydoc pydoc_data pyexpat queue quopri random re readline reprlib resource
rlcompleter runpy sched secrets select selectors shelve shlex shutil signal site
smtpd smtplib sndhdr socket socketserver spwd sqlite3 sre_compile sre_constants
sre_parse ssl stat statistics string stringprep struct subprocess sunau symtable sys
sysconfig syslog tabnanny tarfile telnetlib tempfile termios textwrap this threading
time timeit tkinter token tokenize trace traceback tracemalloc tty turtle turtledemo
types typing unicodedata unittest urllib uu uuid venv warnings wave weakref
webbrowser winreg winsound wsgiref xdrlib xml xmlrpc xx xxlimited xxlimited_35
xxsubtype zipapp zipfile zipimport zlib zoneinfo
";
