//! Standard output and standard error for the `heartland` binary, which never panic and never
//! let a failed write pass as success. Part of the binary (`src/main.rs` includes it).
//!
//! - A pipe whose reader has gone (`heartland list | head`) ends the program quietly: the
//!   reader had what it wanted.
//! - Any other failure to write standard output (`> /dev/full`, a closed descriptor) is an
//!   error on standard error and exit code 1: the output asked for was not delivered.
//! - Control characters (an escape sequence, a carriage return) in what is printed become
//!   U+FFFD ([`heartland::printable`]): labels and file contents come from files.
//! - Standard output closed before the start (`>&-`) is found before the first line: the
//!   Rust runtime quietly reopens a closed descriptor on `/dev/null` (read and write), which
//!   a shell's `> /dev/null` (write only) is not.

use std::io::{IsTerminal as _, Write as _};
use std::path::Path;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Prints a line to standard output (see the module documentation for failures).
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::out::text(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// Writes `text` to standard output; on failure, says so on standard error and exits.
pub(crate) fn text(text: &str) {
    if stdout_was_closed() {
        fail("standard output is closed");
    }
    let text = heartland::printable::printable(text);
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        fail(&format!("cannot write to standard output: {e}"));
    }
}

/// Prints `message` and a newline to standard error, ignoring failure (the exit code, never
/// 0 after a message, carries the news when standard error is closed or full).
pub(crate) fn error(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{}", heartland::printable::printable(message));
}

/// Ends the program as clap would after `--help`, `--version` or a bad flag, but with the help
/// or version written through [`text`] (so `--help > /dev/full` fails) and plain (no colours).
pub(crate) fn clap_exit(e: &clap::Error) -> ! {
    let rendered = e.render().to_string();
    if e.use_stderr() {
        error(rendered.trim_end());
    } else {
        text(&rendered);
    }
    std::process::exit(e.exit_code());
}

fn fail(message: &str) -> ! {
    error(&format!("error: {message}"));
    std::process::exit(1);
}

/// Whether descriptor 1 is the `/dev/null` the runtime opened for a closed standard output.
#[cfg(target_os = "linux")]
fn stdout_was_closed() -> bool {
    static CLOSED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *CLOSED.get_or_init(|| {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: fcntl(F_GETFL) on a descriptor number reads its flags and nothing else.
        let flags = unsafe { libc::fcntl(1, libc::F_GETFL) };
        let (Ok(null), Ok(fd1)) = (std::fs::metadata("/dev/null"), std::fs::metadata("/proc/self/fd/1")) else {
            return false;
        };
        flags >= 0 && flags & libc::O_ACCMODE == libc::O_RDWR && fd1.rdev() == null.rdev() && fd1.dev() == null.dev()
    })
}

#[cfg(not(target_os = "linux"))]
fn stdout_was_closed() -> bool {
    false
}

/// A file that could not be read: bad input (exit 2) when it is not a regular file or too large.
pub(crate) fn read_failure(path: &Path, e: std::io::Error) -> super::Failure {
    match heartland::input::is_bad_input(&e) {
        true => super::Failure::Input(format!("error: {} {e}", path.display())),
        false => super::Failure::Io(format!("cannot read {}: {e}", path.display())),
    }
}

/// `s` on one line, cut to `n` characters with an ellipsis.
pub(crate) fn truncate(s: &str, n: usize) -> String {
    let s = heartland::printable::one_line(s);
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n - 1).collect::<String>()) }
}

/// A progress bar on a terminal; a hidden one otherwise or when `quiet`.
pub(crate) fn progress_bar(len: u64, unit: &str, message: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    let template = format!("{{spinner}} {{msg}} [{{bar:40}}] {{pos}}/{{len}} {unit}, eta {{eta}}");
    bar.set_style(ProgressStyle::with_template(&template).expect("valid template").progress_chars("=> "));
    bar.set_message(message.to_string());
    bar
}

/// Refuses (bad input, exit 2) a job of `runs` runs of `sc` on `pool` that [`budget`] estimates
/// beyond its bounds, unless `allow` (`--allow-large`); `what` names the job in the message.
///
/// [`budget`]: heartland::budget
pub(crate) fn within_budget(
    sc: &heartland::Scenario,
    runs: u64,
    pool: &rayon::ThreadPool,
    allow: bool,
    what: &str,
) -> Result<(), super::Failure> {
    heartland::budget::runs(sc, runs, pool.current_num_threads())
        .check(allow, what)
        .map_err(|e| super::Failure::Input(format!("error: {e}")))
}
