//! Reading a result file: [`ReadError`], and the helpers every reader shares to open a CSV
//! file, find its columns and parse its cells, so that every message names the file and,
//! where there is one, the line (the header is line 1).

use std::path::{Path, PathBuf};

use super::date::Date;

/// Why the result files could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file is missing or its content is not what heartland writes: bad input.
    #[error("{}{}: {message}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Invalid {
        /// The file (or directory).
        path: PathBuf,
        /// The line, counting the header as line 1, when the problem is on one.
        line: Option<u64>,
        /// What is wrong, in words.
        message: String,
    },
    /// The file exists but could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

pub(crate) fn invalid(path: &Path, line: Option<u64>, message: impl Into<String>) -> ReadError {
    ReadError::Invalid { path: path.to_path_buf(), line, message: message.into() }
}

/// The text of the result file `path`: a regular file, at most [`crate::input::MAX_INPUT_BYTES`].
pub(crate) fn read_text(path: &Path) -> std::io::Result<String> {
    crate::input::read_text(path, crate::input::MAX_INPUT_BYTES)
}

/// A result file that could not be opened or read: bad input when it is not a regular file,
/// too large or not text, else the machine's failure.
pub(crate) fn io_error(path: &Path, e: std::io::Error) -> ReadError {
    match e.kind() {
        std::io::ErrorKind::NotFound => invalid(path, None, "no such file (run `heartland run` to write it)"),
        _ if crate::input::is_bad_input(&e) => invalid(path, None, e.to_string()),
        _ => ReadError::Io { path: path.to_path_buf(), source: e },
    }
}

/// A result CSV file, opened if it is a regular file and read to at most
/// [`crate::input::MAX_INPUT_BYTES`].
pub(crate) fn open_csv(path: &Path) -> Result<csv::Reader<crate::input::Capped<std::fs::File>>, ReadError> {
    open_csv_capped(path, crate::input::MAX_INPUT_BYTES)
}

/// The most a result file read as a stream may hold (bytes): 1 TiB. A streaming reader keeps
/// a few counters whatever the file's length (`runs.csv` of a 100,000-run baseline is over a
/// gigabyte), so its size costs time, not memory; the cap only ends an endless file.
pub(crate) const MAX_STREAMED_BYTES: u64 = 1 << 40;

/// A result CSV file, opened if it is a regular file and read to at most `cap` bytes.
pub(crate) fn open_csv_capped(
    path: &Path,
    cap: u64,
) -> Result<csv::Reader<crate::input::Capped<std::fs::File>>, ReadError> {
    let file = crate::input::open(path).map_err(|e| io_error(path, e))?;
    let file = crate::input::Capped::new(file, cap);
    Ok(csv::ReaderBuilder::new().has_headers(true).from_reader(file))
}

pub(crate) fn csv_error(path: &Path, e: csv::Error) -> ReadError {
    let line = e.position().map(|p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(source) => io_error(path, source),
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            let fields = |n: u64| crate::english::count(n, "field");
            invalid(path, line, format!("a row has {} where the header has {}", fields(len), fields(expected_len)))
        }
        csv::ErrorKind::Utf8 { .. } => invalid(path, line, "not UTF-8 text"),
        kind => invalid(path, line, format!("not a valid CSV file ({kind:?})")),
    }
}

/// The positions of `names` in the header, or an error naming the first missing column.
pub(crate) fn columns<S: AsRef<str>>(
    path: &Path,
    header: &csv::StringRecord,
    names: &[S],
) -> Result<Vec<usize>, ReadError> {
    names
        .iter()
        .map(|n| {
            let n = n.as_ref();
            header.iter().position(|h| h == n).ok_or_else(|| invalid(path, Some(1), format!("no column `{n}`")))
        })
        .collect()
}

/// The largest magnitude a number in a result file may have: far beyond any quantity heartland
/// writes, far enough from `f64::MAX` that a chart's axis arithmetic cannot overflow.
pub const MAX_MAGNITUDE: f64 = 1e12;

/// A cell that must hold a finite number of at most [`MAX_MAGNITUDE`] in size: no NaN, no
/// infinity, nothing that would break a chart.
pub(crate) fn number(path: &Path, line: u64, column: &str, s: &str) -> Result<f64, ReadError> {
    let x: f64 = s
        .trim()
        .parse()
        .map_err(|_| invalid(path, Some(line), format!("`{s}` in column `{column}` is not a number")))?;
    if !x.is_finite() || x.abs() > MAX_MAGNITUDE {
        let s = crate::printable::one_line(s);
        return Err(invalid(
            path,
            Some(line),
            format!("`{s}` in column `{column}` is not a finite number of at most {MAX_MAGNITUDE:e} in size"),
        ));
    }
    Ok(x)
}

/// A cell that must hold a probability, from 0 to 1.
pub(crate) fn probability(path: &Path, line: u64, column: &str, s: &str) -> Result<f64, ReadError> {
    let x = number(path, line, column, s)?;
    if !(0.0..=1.0).contains(&x) {
        return Err(invalid(path, Some(line), format!("`{s}` in column `{column}` is not a probability (0 to 1)")));
    }
    Ok(x)
}

/// As [`probability`], or `None` for an empty cell.
pub(crate) fn optional_probability(path: &Path, line: u64, column: &str, s: &str) -> Result<Option<f64>, ReadError> {
    if s.trim().is_empty() { Ok(None) } else { probability(path, line, column, s).map(Some) }
}

pub(crate) fn optional_number(path: &Path, line: u64, column: &str, s: &str) -> Result<Option<f64>, ReadError> {
    if s.trim().is_empty() { Ok(None) } else { number(path, line, column, s).map(Some) }
}

pub(crate) fn date(path: &Path, line: u64, column: &str, s: &str) -> Result<Date, ReadError> {
    Date::parse(s).ok_or_else(|| invalid(path, Some(line), format!("`{s}` in column `{column}` is not a date")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let e = open_csv(&dir.path().join("nothing.csv")).unwrap_err();
        assert!(matches!(e, ReadError::Invalid { line: None, .. }));
        assert!(e.to_string().contains("nothing.csv: no such file"), "{e}");
    }
}
