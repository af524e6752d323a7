//! Writing a result file: under a temporary name in its final directory, renamed into place
//! once complete, so an interrupted run leaves the previous file or none, never half of one.
//!
//! Also the cell formats every writer shares: numbers through [`num`] (shortest decimal after
//! rounding to 9 places) and dates as ISO `YYYY-MM-DD`, empty for "never".

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::scenario::Scenario;

/// Why a result file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The file could not be created, written or renamed into place.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A CSV record could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: csv::Error,
    },
    /// A Parquet file could not be encoded (`--parquet`).
    #[error("cannot write {}: {message}", path.display())]
    Parquet {
        /// The file.
        path: PathBuf,
        /// What the encoder or the conversion said.
        message: String,
    },
}

/// A file being written under a temporary name; [`AtomicFile::commit`] renames it into place,
/// dropping it uncommitted deletes it.
pub(crate) struct AtomicFile {
    tmp: PathBuf,
    dest: PathBuf,
    file: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Creates a fresh temporary beside `dest`: exclusively (`O_EXCL`, so never through a
    /// symbolic link or over a file someone planted) and under a name no one can predict.
    pub(crate) fn create(dest: &Path) -> Result<AtomicFile, OutputError> {
        let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mut attempt = 0;
        loop {
            let tmp = dest.with_file_name(temporary_name(&name));
            match create_exclusive(&tmp) {
                Ok(file) => return Ok(AtomicFile { tmp, dest: dest.to_path_buf(), file: Some(BufWriter::new(file)) }),
                // A name taken by chance (or by someone guessing): draw another.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 8 => attempt += 1,
                Err(source) => return Err(OutputError::Io { path: tmp, source }),
            }
        }
    }

    pub(crate) fn writer(&mut self) -> &mut BufWriter<File> {
        self.file.as_mut().expect("present until commit")
    }

    pub(crate) fn commit(mut self) -> Result<(), OutputError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| OutputError::Io { path, source }
        };
        let file = self.file.take().expect("committed once");
        let file = file.into_inner().map_err(|e| OutputError::Io { path: self.tmp.clone(), source: e.into_error() })?;
        file.sync_all().map_err(io(&self.tmp))?;
        std::fs::rename(&self.tmp, &self.dest).map_err(io(&self.dest))?;
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer().write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.writer().flush()
    }
}

/// A CSV file being written atomically.
pub(crate) fn create_csv(path: &Path) -> Result<csv::Writer<AtomicFile>, OutputError> {
    Ok(csv::Writer::from_writer(AtomicFile::create(path)?))
}

/// Flushes a CSV writer and renames its file into place.
pub(crate) fn commit_csv(csv: csv::Writer<AtomicFile>, path: &Path) -> Result<(), OutputError> {
    let file = csv.into_inner().map_err(|e| OutputError::Io { path: path.to_path_buf(), source: e.into_error() })?;
    file.commit()
}

pub(crate) fn csv_err(path: &Path) -> impl Fn(csv::Error) -> OutputError + '_ {
    move |source| OutputError::Csv { path: path.to_path_buf(), source }
}

/// Writes `value` as pretty JSON and a final newline to `path`, atomically.
pub(crate) fn write_json(value: &impl serde::Serialize, path: &Path) -> Result<(), OutputError> {
    let mut f = AtomicFile::create(path)?;
    let io = |source| OutputError::Io { path: path.to_path_buf(), source };
    serde_json::to_writer_pretty(f.writer(), value).map_err(|e| io(e.into()))?;
    f.writer().write_all(b"\n").map_err(io)?;
    f.commit()
}

/// Writes `text` to `path` atomically: the whole text or, after a failure, the file as it was.
pub fn write_text(text: &str, path: &Path) -> Result<(), OutputError> {
    let mut f = AtomicFile::create(path)?;
    f.writer().write_all(text.as_bytes()).map_err(|e| OutputError::Io { path: path.to_path_buf(), source: e })?;
    f.commit()
}

/// Shortest decimal form after rounding to 9 places (hides binary noise such as
/// `0.35000000000000003`; far below Monte Carlo error).
pub(crate) fn num(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let r = (x * 1e9).round() / 1e9;
    if r == 0.0 { "0".into() } else { r.to_string() }
}

/// The ISO date of `turn` in the scenario's calendar; empty for `None` ("never").
pub(crate) fn date(sc: &Scenario, turn: Option<usize>) -> String {
    turn.map(|t| sc.calendar.period(t).iso_date()).unwrap_or_default()
}

/// The end of every temporary's name: `.<file>.<16 hex digits>.heartland.tmp`.
const TEMPORARY_SUFFIX: &str = ".heartland.tmp";

/// A temporary name for `name`: hidden, with 64 random bits, and heartland's own ending, so
/// that [`remove_stale_temporaries`] never takes a user's file for one of its own.
fn temporary_name(name: &str) -> String {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    // RandomState is keyed from the operating system's randomness once per process; hashing a
    // counter with it gives bits an attacker cannot predict, with no dependency.
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u32(std::process::id());
    format!(".{name}.{:016x}{TEMPORARY_SUFFIX}", h.finish())
}

/// Whether `name` is one that [`temporary_name`] makes.
fn is_temporary_name(name: &str) -> bool {
    let Some(stem) = name.strip_prefix('.').and_then(|n| n.strip_suffix(TEMPORARY_SUFFIX)) else { return false };
    match stem.rsplit_once('.') {
        Some((file, hex)) => !file.is_empty() && hex.len() == 16 && hex.bytes().all(|b| b.is_ascii_hexdigit()),
        None => false,
    }
}

/// Creates `path` new, failing if anything (a file, a symbolic link) is there already.
fn create_exclusive(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path)
}

/// Makes sure `dir/name` is a folder of heartland's own to write into: creates it if absent,
/// and refuses a symbolic link (it would make heartland write into, and delete from, a folder
/// elsewhere) or anything that is not a folder.
pub(crate) fn own_subfolder(dir: &Path, name: &str) -> Result<PathBuf, OutputError> {
    let path = dir.join(name);
    let refuse = |what: &str| OutputError::Io {
        path: path.clone(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("{what}; heartland writes only into a folder of its own here (move it away and run again)"),
        ),
    };
    match std::fs::symlink_metadata(&path) {
        Ok(m) if m.file_type().is_symlink() => Err(refuse("is a symbolic link")),
        Ok(m) if !m.is_dir() => Err(refuse("is not a folder")),
        Ok(_) => Ok(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => match std::fs::create_dir(&path) {
            Ok(()) => Ok(path),
            Err(source) => Err(OutputError::Io { path: path.clone(), source }),
        },
        Err(source) => Err(OutputError::Io { path: path.clone(), source }),
    }
}

/// Deletes temporary files that an interrupted run (killed before it could rename them) left
/// in `dir`: regular files whose names only heartland makes (`.<file>.<16 hex>.heartland.tmp`).
/// Returns how many it removed.
pub(crate) fn remove_stale_temporaries(dir: &Path) -> Result<usize, OutputError> {
    let io = |source| OutputError::Io { path: dir.to_path_buf(), source };
    let mut removed = 0;
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        // file_type does not follow links: a link named like a temporary is left alone.
        if is_temporary_name(&name) && entry.file_type().map_err(io)?.is_file() {
            std::fs::remove_file(entry.path()).map_err(io)?;
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_drop_binary_noise() {
        assert_eq!(num(0.35000000000000003), "0.35");
        assert_eq!(num(1.0), "1");
        assert_eq!(num(-0.0), "0");
        assert_eq!(num(1.0 / 3.0), "0.333333333");
    }

    #[test]
    fn uncommitted_files_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("x.csv");
        {
            let mut f = AtomicFile::create(&dest).unwrap();
            f.writer().write_all(b"half").unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let mut f = AtomicFile::create(&dest).unwrap();
        f.writer().write_all(b"whole").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "whole");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn stale_temporaries_go_and_results_stay() {
        let dir = tempfile::tempdir().unwrap();
        let ours = temporary_name("runs.csv");
        assert!(is_temporary_name(&ours), "{ours}");
        let users = [".runs.csv.123.tmp", ".x.tmp", "runs.csv", "notes.tmp", ".a.0123456789abcdeg.heartland.tmp"];
        for name in users.iter().copied().chain([ours.as_str()]) {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        std::fs::create_dir(dir.path().join(".charts.tmp")).unwrap();
        assert_eq!(remove_stale_temporaries(dir.path()).unwrap(), 1);
        let mut left: Vec<String> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
        left.sort();
        let mut expected: Vec<String> = users.iter().map(|s| s.to_string()).chain([".charts.tmp".into()]).collect();
        expected.sort();
        assert_eq!(left, expected);
    }

    #[test]
    fn temporary_names_differ_and_links_are_not_followed() {
        let a = temporary_name("x.csv");
        assert_ne!(a, temporary_name("x.csv"));
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        std::fs::write(&outside, "keep").unwrap();
        let link = dir.path().join("link");
        #[cfg(unix)]
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        #[cfg(unix)]
        assert!(create_exclusive(&link).is_err());
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path(), dir.path().join("charts")).unwrap();
            assert!(own_subfolder(dir.path(), "charts").is_err());
        }
        assert!(own_subfolder(dir.path(), "fresh").unwrap().is_dir());
        assert!(own_subfolder(dir.path(), "outside").is_err());
    }
}
