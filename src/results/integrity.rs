//! A result set as a whole: written under a lock, staged and swapped in with the manifest
//! last, and checked against the manifest's digests when read.
//!
//! A pipeline writes every file of a set (tables, `manifest.json`, charts, report) into a
//! staging folder inside the output folder ([`Stage`]), then swaps them in, the new manifest
//! last. Until the swap the folder holds the old complete set; a run that fails part-way (a
//! full disk, a file-size limit) leaves it untouched. A kill during the swap leaves new files
//! beside the old manifest, whose digests they do not match: readers refuse the folder.
//!
//! The manifest lists every table with its SHA-256 (`file_sha256`); [`check`] compares them,
//! so a folder whose tables are not the ones its manifest describes (files from two runs) is
//! refused with a message naming the file. Files of an earlier set that the new set does not
//! write are deleted only when the earlier manifest lists them: heartland deletes only what it
//! knows it wrote.
//!
//! [`DirLock`] keeps two processes from writing one folder at once (an advisory lock on the
//! folder itself, released when the process ends, even when it is killed): the second refuses
//! with a message instead of interleaving its files with the first's.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use super::atomic::OutputError;
use super::error::{ReadError, invalid};
use super::shard::{hashes, verify};

/// The staging folder's name inside an output folder.
pub const STAGE: &str = ".heartland-stage";
/// The manifest's name.
const MANIFEST: &str = "manifest.json";

/// An exclusive hold on an output folder, released when dropped or when the process ends.
#[derive(Debug)]
pub struct DirLock {
    _file: File,
}

/// Takes the lock of `dir` (which must exist), or says that another process holds it. The
/// lock is on the folder itself, so it leaves no file behind.
pub fn lock_dir(dir: &Path) -> Result<DirLock, OutputError> {
    let io = |source| OutputError::Io { path: dir.to_path_buf(), source };
    let file = File::open(dir).map_err(io)?;
    match file.try_lock() {
        Ok(()) => Ok(DirLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => Err(io(std::io::Error::new(
            std::io::ErrorKind::WouldBlock,
            "another heartland is writing into this folder; wait for it to finish, or choose another --out",
        ))),
        Err(std::fs::TryLockError::Error(e)) => Err(io(e)),
    }
}

/// A result set being written: a locked output folder and its staging folder.
#[derive(Debug)]
pub struct Stage {
    out: PathBuf,
    dir: PathBuf,
    /// The manifest's name: `manifest.json`, a tournament's `tournament.json`.
    manifest: &'static str,
    committed: bool,
    _lock: DirLock,
}

/// Removes `path`, a leftover of ours: a folder with what it holds, or a file or a link (never
/// followed).
fn remove_any(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

impl Stage {
    /// Locks `out` (created if missing) and opens a fresh staging folder in it.
    pub fn begin(out: &Path) -> Result<Stage, OutputError> {
        Stage::begin_with(out, MANIFEST)
    }

    /// [`Stage::begin`] for a set whose manifest, swapped in last, is named `manifest`.
    pub fn begin_with(out: &Path, manifest: &'static str) -> Result<Stage, OutputError> {
        std::fs::create_dir_all(out).map_err(|source| OutputError::Io { path: out.to_path_buf(), source })?;
        let lock = lock_dir(out)?;
        let dir = out.join(STAGE);
        let io = |source| OutputError::Io { path: dir.clone(), source };
        // A killed run's staging folder: ours, and never swapped in.
        remove_any(&dir).map_err(io)?;
        std::fs::create_dir(&dir).map_err(io)?;
        Ok(Stage { out: out.to_path_buf(), dir, manifest, committed: false, _lock: lock })
    }

    /// The staging folder: where the set's files are written.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Swaps the staged set in: every staged file and folder, then the files the old manifest
    /// listed that the new set lacks are deleted, the new manifest comes last. Until it does,
    /// the old manifest's digests do not match the new files: readers refuse the folder.
    pub fn commit(mut self) -> Result<(), OutputError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| OutputError::Io { path, source }
        };
        let old = listed_files(&self.out.join(self.manifest));
        let manifest = self.out.join(self.manifest);
        let previous = self.dir.join(".previous");
        std::fs::create_dir(&previous).map_err(io(&previous))?;
        let mut names: Vec<String> = std::fs::read_dir(&self.dir)
            .map_err(io(&self.dir))?
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .filter(|n| n != self.manifest && n != ".previous")
            .collect();
        names.sort();
        for name in &names {
            let (from, to) = (self.dir.join(name), self.out.join(name));
            if from.is_dir() {
                match std::fs::symlink_metadata(&to) {
                    // A folder of the earlier set (charts/, prior/) takes the new files in: a
                    // user's files there stay, and only files the earlier set listed go.
                    Ok(m) if m.is_dir() => {
                        merge_folder(&from, &to, name, &old).map_err(io(&to))?;
                        // Temporaries a killed writer left in it are heartland's too.
                        super::atomic::remove_stale_temporaries(&to)?;
                        continue;
                    }
                    Ok(_) => std::fs::rename(&to, previous.join(name)).map_err(io(&to))?,
                    Err(_) => {}
                }
            }
            std::fs::rename(&from, &to).map_err(io(&to))?;
        }
        for name in old.iter().filter(|n| !names.contains(n) && *n != self.manifest && !n.contains(['/', '\\'])) {
            let stale = self.out.join(name);
            if std::fs::symlink_metadata(&stale).is_ok_and(|m| m.is_file()) {
                std::fs::remove_file(&stale).map_err(io(&stale))?;
            }
        }
        std::fs::rename(self.dir.join(self.manifest), &manifest).map_err(io(&manifest))?;
        self.committed = true;
        remove_any(&self.dir).map_err(io(&self.dir))?;
        Ok(())
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        // A set that failed part-way is never swapped in: the old one stays as it was.
        if !self.committed {
            let _ = remove_any(&self.dir);
        }
    }
}

/// The `files` a manifest lists; none if it does not read.
/// Moves the staged folder `from`'s files into the earlier set's folder `to` (named `name` in
/// the set), then deletes the files of `to` that the earlier set wrote (its manifest's
/// `name/…` entries, or for charts the list `.heartland-charts` keeps) and the new one lacks.
fn merge_folder(from: &Path, to: &Path, name: &str, old_manifest: &[String]) -> std::io::Result<()> {
    let prefix = format!("{name}/");
    let mut earlier: Vec<String> =
        old_manifest.iter().filter_map(|n| n.strip_prefix(&prefix)).map(String::from).collect();
    if let Ok(list) = std::fs::read_to_string(to.join(".heartland-charts")) {
        earlier.extend(list.lines().map(String::from));
    }
    let mut now = Vec::new();
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let file = entry.file_name();
        let target = to.join(&file);
        if std::fs::symlink_metadata(&target).is_ok_and(|m| m.is_dir()) {
            remove_any(&target)?;
        }
        std::fs::rename(entry.path(), &target)?;
        now.push(file.to_string_lossy().into_owned());
    }
    for stale in earlier.iter().filter(|n| !now.contains(n) && !n.contains(['/', '\\'])) {
        let path = to.join(stale);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

fn listed_files(path: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(path) else { return Vec::new() };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else { return Vec::new() };
    let files = v.get("files").and_then(|f| f.as_array()).cloned().unwrap_or_default();
    files.iter().filter_map(|f| f.as_str().map(String::from)).collect()
}

/// The SHA-256 of each of `files` in `dir` but the manifest, for the manifest's `file_sha256`.
pub fn digests(dir: &Path, files: &[&str]) -> Result<BTreeMap<String, String>, OutputError> {
    let tables: Vec<&str> = files.iter().copied().filter(|f| *f != MANIFEST).collect();
    hashes(dir, &tables)
}

/// Checks that `dir` holds one complete result set: every file its manifest's `file_sha256`
/// lists has that hash. A manifest without digests (from an older heartland) is taken as it is.
pub fn check(dir: &Path) -> Result<(), ReadError> {
    present(dir)?;
    let path = dir.join(MANIFEST);
    let Ok(text) = std::fs::read_to_string(&path) else { return Ok(()) };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else { return Ok(()) };
    let Some(map) = v.get("file_sha256").and_then(|m| m.as_object()) else { return Ok(()) };
    let digests: BTreeMap<String, String> =
        map.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect();
    verify(dir, &digests).map_err(|(file, why)| {
        invalid(
            &dir.join(&file),
            None,
            format!(
                "{why}: {} is a mixed or damaged result set, not the one its manifest describes (files of two runs, or changed since); run again to write a complete set",
                dir.display()
            ),
        )
    })
}

/// Checks that `dir` has a manifest when it holds result tables, naming what it is instead: a
/// shard's folder, or a set whose swap was interrupted. Readers call it first.
pub fn present(dir: &Path) -> Result<(), ReadError> {
    let path = dir.join(MANIFEST);
    if !path.exists() {
        if dir.join(super::shard::FILE).exists() {
            let hint = "the folder is one shard of a larger work: merge the shards first (heartland merge --out DIR SHARD_DIR...)";
            return Err(invalid(&path, None, format!("no such file: {hint}")));
        }
        let tables = ["runs.csv", "series.csv", "points.csv", "hindcast.csv", "design.csv"];
        if tables.iter().any(|t| dir.join(t).exists()) {
            let hint = "the folder holds result tables but no manifest, so no complete result set; run again";
            return Err(invalid(&path, None, format!("no such file: {hint}")));
        }
    }
    Ok(())
}

/// Does `dir` hold a complete result set of the work `want` describes: a manifest whose value
/// at each JSON pointer (`/scenario/sha256`) is the one given, and whose files all have their
/// recorded hashes? What `--resume` skips.
pub fn is_complete(dir: &Path, want: &[(&str, serde_json::Value)]) -> bool {
    let Ok(text) = std::fs::read_to_string(dir.join(MANIFEST)) else { return false };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else { return false };
    let digests = v.get("file_sha256").and_then(|m| m.as_object()).is_some_and(|m| !m.is_empty());
    digests && want.iter().all(|(pointer, value)| v.pointer(pointer) == Some(value)) && check(dir).is_ok()
}
