//! Reading an input file as if it were hostile: only a regular file is read (a directory, a
//! FIFO or a device such as `/dev/zero` is refused before a byte is read, and opening never
//! waits for a FIFO's writer), and never more than a cap, checked while reading so that an
//! endless or huge file costs at most the cap in memory.
//!
//! Every file heartland reads (scenarios and the files they extend, sweep files, observation
//! files, orders and saved games, result files) goes through [`open`] or [`read`]. The errors
//! are `std::io::Error`s of distinct kinds so that callers can tell bad input ([`is_bad_input`]:
//! exit code 2) from a failing disk.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// The most any one input file may hold (bytes): 64 MiB. Result files read by `plot` are the
/// largest inputs (a long series file); scenario files have their own smaller cap.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// Opens `path` for reading if it is a regular file (following symbolic links, as a user
/// naming a file expects); refuses anything else with an error of kind `IsADirectory` or
/// `InvalidInput`, without blocking on a FIFO.
pub fn open(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting; it
        // changes nothing for the regular files that are then read.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let kind = file.metadata()?.file_type();
    if kind.is_dir() {
        return Err(io::Error::new(io::ErrorKind::IsADirectory, "is a directory, not a file"));
    }
    if !kind.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "is not a regular file (a FIFO, socket or device is not read)",
        ));
    }
    Ok(file)
}

/// Reads the whole of the regular file `path`, at most `cap` bytes; a longer file is an error
/// of kind `FileTooLarge`, found after reading `cap + 1` bytes at most.
pub fn read(path: &Path, cap: u64) -> io::Result<Vec<u8>> {
    let file = open(path)?;
    let mut bytes = Vec::new();
    file.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(too_large(cap));
    }
    Ok(bytes)
}

/// As [`read`], as UTF-8 text (invalid UTF-8 is an error of kind `InvalidData`).
pub fn read_text(path: &Path, cap: u64) -> io::Result<String> {
    String::from_utf8(read(path, cap)?).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("is not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to()),
        )
    })
}

/// The error for a file over `cap` bytes.
pub fn too_large(cap: u64) -> io::Error {
    io::Error::new(io::ErrorKind::FileTooLarge, format!("is larger than the {cap} bytes heartland reads"))
}

/// A reader that fails with `FileTooLarge` once more than `cap` bytes have come through it:
/// for files parsed as a stream (CSV), so the cap holds while reading.
#[derive(Debug)]
pub struct Capped<R> {
    inner: R,
    left: u64,
    cap: u64,
}

impl<R> Capped<R> {
    /// `inner`, read to at most `cap` bytes.
    pub fn new(inner: R, cap: u64) -> Capped<R> {
        Capped { inner, left: cap, cap }
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            // One byte more says whether the file ends exactly at the cap.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(too_large(self.cap)),
            };
        }
        let max = buf.len().min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..max])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// Whether an error from [`open`] or [`read`] is the input's fault (missing, not a regular
/// file, too large, not text) rather than the machine's.
pub fn is_bad_input(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::NotFound
            | io::ErrorKind::IsADirectory
            | io::ErrorKind::InvalidInput
            | io::ErrorKind::FileTooLarge
            | io::ErrorKind::InvalidData
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_read_to_the_cap_and_no_further() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"12345").unwrap();
        assert_eq!(read(&p, 5).unwrap(), b"12345");
        assert_eq!(read(&p, 4).unwrap_err().kind(), io::ErrorKind::FileTooLarge);
        assert_eq!(read(dir.path(), 5).unwrap_err().kind(), io::ErrorKind::IsADirectory);
        let mut capped = Capped::new(&b"12345"[..], 5);
        let mut out = Vec::new();
        capped.read_to_end(&mut out).unwrap();
        assert_eq!(out, b"12345");
        let mut capped = Capped::new(&b"123456"[..], 5);
        assert_eq!(capped.read_to_end(&mut Vec::new()).unwrap_err().kind(), io::ErrorKind::FileTooLarge);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn devices_and_fifos_are_refused_at_once() {
        let e = read(Path::new("/dev/zero"), 1 << 20).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert_eq!(read(&fifo, 10).unwrap_err().kind(), io::ErrorKind::InvalidInput);
        assert!(is_bad_input(&read(&fifo, 10).unwrap_err()));
    }
}
