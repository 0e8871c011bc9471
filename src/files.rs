//! Reading the files wtc takes as input, safely: only regular files (a FIFO, a device or a
//! directory is refused with the reason, and opening never blocks), and never more than a
//! size limit ([`MAX_INPUT_BYTES`], generous and documented in the README), so a hostile
//! path such as `/dev/zero` or a FIFO named `wtc.lock` can neither hang wtc nor exhaust
//! its memory. Every read of a user-controlled path goes through here.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// The largest input file wtc reads: 256 MiB (the largest real spec is ~200 KB; a
/// registry of thousands of tasks is a few MB).
pub const MAX_INPUT_BYTES: u64 = 256 * 1024 * 1024;

/// Why an input file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("`{}` is {kind}, not a regular file", path.display())]
    NotRegular { path: PathBuf, kind: &'static str },
    #[error(
        "`{}` is larger than {} MiB, the limit for an input file",
        path.display(),
        limit / (1024 * 1024)
    )]
    TooLarge { path: PathBuf, limit: u64 },
    #[error(
        "`{}` is not valid UTF-8 (line {line}, column {column}: the first byte that is not)",
        path.display()
    )]
    NotUtf8 {
        path: PathBuf,
        line: usize,
        column: usize,
    },
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl ReadError {
    /// What is wrong, without the path, after "cannot read FILE: " (an I/O error as the
    /// OS says it).
    pub fn detail(&self) -> String {
        match self {
            ReadError::NotRegular { kind, .. } => format!("it is {kind}, not a regular file"),
            ReadError::TooLarge { limit, .. } => format!(
                "it is larger than {} MiB, the limit for an input file",
                limit / (1024 * 1024)
            ),
            ReadError::NotUtf8 { line, column, .. } => format!(
                "it is not valid UTF-8 (line {line}, column {column}: the first byte that is not)"
            ),
            ReadError::Io { source, .. } => source.to_string(),
        }
    }

    /// What is wrong, without the path (for messages that name the file already).
    pub fn reason(&self) -> String {
        match self {
            ReadError::Io { source, .. } => format!("cannot read it: {source}"),
            other => other.detail(),
        }
    }

    /// Whether the file does not exist (callers often treat that apart).
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io { source, .. } if source.kind() == io::ErrorKind::NotFound)
    }
}

/// What a file that is not a regular file is, in words.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// Open `path` for reading without blocking (a FIFO would block until a writer comes).
fn open(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// The bytes of the regular file at `path`, at most `limit` of them.
pub fn read_bytes_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let io_err = |source| ReadError::Io {
        path: path.to_owned(),
        source,
    };
    let file = open(path).map_err(io_err)?;
    let meta = file.metadata().map_err(io_err)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular {
            path: path.to_owned(),
            kind: kind_of(&meta),
        });
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            path: path.to_owned(),
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // The file may grow while it is read: never take more than the limit.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(io_err)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            path: path.to_owned(),
            limit,
        });
    }
    Ok(bytes)
}

/// The bytes of the regular file at `path` (at most [`MAX_INPUT_BYTES`]).
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, ReadError> {
    read_bytes_limited(path, MAX_INPUT_BYTES)
}

/// The text of the regular file at `path` (at most [`MAX_INPUT_BYTES`]); text that is not
/// UTF-8 is an error naming the line and column of the first bad byte.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    let bytes = read_bytes(path)?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        // Lines end at `\n`, `\r\n` or a lone `\r`, as the diagnostics count them.
        let text = std::str::from_utf8(valid).unwrap_or_default();
        let (line, column) = line_col_at_end(text);
        ReadError::NotUtf8 {
            path: path.to_owned(),
            line,
            column,
        }
    })
}

/// The 1-based line and column just after `text` (columns in characters).
fn line_col_at_end(text: &str) -> (usize, usize) {
    let mut line = 1;
    let mut column = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                line += 1;
                column = 1;
            }
            _ => column += 1,
        }
    }
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_regular_file_without_blocking() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let e = read_bytes(dir).unwrap_err();
        assert!(
            e.to_string()
                .ends_with("is a directory, not a regular file"),
            "{e}"
        );
        let fifo = dir.join("wtc.lock");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid path; creating a FIFO.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let e = read_bytes(&fifo).unwrap_err();
        assert!(
            e.to_string()
                .ends_with("is a named pipe (FIFO), not a regular file"),
            "{e}"
        );
        let e = read_bytes(Path::new("/dev/zero")).unwrap_err();
        assert!(
            e.to_string()
                .ends_with("is a character device, not a regular file"),
            "{e}"
        );
        assert!(read_bytes(&dir.join("missing")).unwrap_err().is_not_found());
    }

    #[test]
    fn caps_the_size() {
        let tmp = tempfile::tempdir().unwrap();
        let big = tmp.path().join("big");
        std::fs::write(&big, vec![b'x'; 3 * 1024 * 1024]).unwrap();
        let e = read_bytes_limited(&big, 2 * 1024 * 1024).unwrap_err();
        assert!(
            e.to_string()
                .ends_with("is larger than 2 MiB, the limit for an input file"),
            "{e}"
        );
        assert_eq!(
            read_bytes_limited(&big, 4 * 1024 * 1024).unwrap().len(),
            3 << 20
        );
    }

    #[test]
    fn names_the_first_byte_that_is_not_utf8() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("spec.yaml");
        std::fs::write(&p, b"id: x\r\nworkflow:\r  - \xc3\xa9t\xff\n").unwrap();
        let e = read_text(&p).unwrap_err();
        assert!(e.to_string().contains("(line 3, column 7:"), "{e}");
    }
}
