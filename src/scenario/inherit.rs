//! Scenarios that extend others: `extends = "base.toml"` in `[scenario]` starts from the base
//! file and overrides it key by key; `remove = ["events.ukraine_break"]` deletes entries of
//! the base. A variant then holds only what it is about.
//!
//! Files are merged as TOML trees before anything is deserialized, so the checked scenario
//! cannot tell a variant from a hand-written whole. Each file's spans are shifted into one
//! virtual address space (file `i` starts after all earlier files), so every error still
//! points at the right line of the right file.

use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::diagnostic::{Diagnostic, Location, Seg, SourceMap, join};

/// Longest chain of `extends` followed.
const MAX_DEPTH: usize = 16;

/// Largest scenario file accepted, in bytes: far above any real scenario, small enough that a
/// stray binary or log file is refused before it is parsed.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// One file of a scenario, at its place in the virtual address space.
#[derive(Debug, Clone)]
pub(crate) struct SourceFile {
    /// As given (relative to the working directory, or resolved from the extending file).
    pub name: String,
    pub text: String,
    /// Offset of the file's first byte in the merged spans.
    pub base: usize,
}

/// All files of a scenario; turns merged spans into locations.
#[derive(Debug, Clone, Default)]
pub(crate) struct SourceFiles {
    pub files: Vec<SourceFile>,
}

impl SourceFiles {
    pub(crate) fn locate(&self, span: std::ops::Range<usize>) -> Option<Location> {
        let file = self.files.iter().rev().find(|f| f.base <= span.start)?;
        let local = span.start - file.base..span.end.saturating_sub(file.base);
        let mut loc = SourceMap::new(&file.text).locate(local);
        loc.file = Some(file.name.clone());
        Some(loc)
    }
}

/// How files are read: the file system, or a test's map of texts. A file read this way is
/// named by its path.
pub type Reader<'a> = dyn FnMut(&Path) -> std::io::Result<String> + 'a;

/// A file found for an `extends`: its text, and the name messages and manifests give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    /// The path as resolved, or another name when the file is not on disk (a shipped
    /// scenario is `NAME (shipped)`).
    pub name: String,
    pub text: String,
}

/// How `extends` is resolved when a file found may go by another name than its path: from
/// the name of the extending file (as [`Found::name`] gave it) and the path it names, taken
/// relative to it, to the file found.
pub(crate) type Resolver<'a> = dyn FnMut(&str, &Path) -> std::io::Result<Found> + 'a;

impl SourceFiles {
    /// Reads `text` (the file `name`) and every file it extends, base first.
    pub(crate) fn read(text: &str, name: &str, read: &mut Reader<'_>) -> Result<SourceFiles, Vec<Diagnostic>> {
        SourceFiles::resolve(text, name, &mut |_: &str, p: &Path| {
            read(p).map(|text| Found { name: p.display().to_string(), text })
        })
    }

    /// As [`SourceFiles::read`], finding extended files with `resolve`.
    pub(crate) fn resolve(text: &str, name: &str, resolve: &mut Resolver<'_>) -> Result<SourceFiles, Vec<Diagnostic>> {
        let mut chain: Vec<(String, String)> = vec![(name.to_string(), text.to_string())];
        let mut seen: Vec<PathBuf> = vec![canonical(Path::new(name))];
        loop {
            let (name, text) = chain.last().expect("starts non-empty");
            if text.len() > MAX_FILE_BYTES {
                let mut d = Diagnostic::new(
                    "",
                    format!("{name} is {} bytes, more than the {MAX_FILE_BYTES} a scenario may have", text.len()),
                )
                .help("is this the right file? scenarios are small TOML files");
                d.location = None;
                return Err(vec![d]);
            }
            let doc = parse(text, name)?;
            let Some((base_name, span)) = string_at(&doc, &["scenario", "extends"]) else { break };
            let mut loc = SourceMap::new(text).locate(span);
            loc.file = Some(name.clone());
            let at = |message: String| Diagnostic {
                location: Some(loc.clone()),
                ..Diagnostic::new("scenario.extends", message)
            };
            let path = Path::new(name).parent().unwrap_or(Path::new("")).join(&base_name);
            let key = canonical(&path);
            if seen.contains(&key) {
                let cycle: Vec<String> = seen.iter().chain([&key]).map(|p| p.display().to_string()).collect();
                return Err(vec![
                    at(format!("scenarios extend each other in a cycle: {}", cycle.join(" → ")))
                        .help("a scenario must not extend itself, directly or through others"),
                ]);
            }
            if seen.len() > MAX_DEPTH {
                return Err(vec![at(format!("more than {MAX_DEPTH} scenarios extend one another"))]);
            }
            let base = resolve(name, &path).map_err(|e| {
                vec![
                    at(format!("cannot read the base scenario {}: {e}", path.display()))
                        .help("`extends` is a path relative to the extending file"),
                ]
            })?;
            seen.push(key);
            chain.push((base.name, base.text));
        }
        let mut files = SourceFiles::default();
        for (name, text) in chain.into_iter().rev() {
            let base = files.files.last().map_or(0, |f| f.base + f.text.len() + 1);
            files.files.push(SourceFile { name, text, base });
        }
        Ok(files)
    }

    /// The merged document: each file's tree shifted to its base and laid over the one it
    /// extends, after that file's `remove` entries are applied.
    pub(crate) fn merged(&self) -> Result<DeTable<'_>, Vec<Diagnostic>> {
        let mut merged: Option<DeTable<'_>> = None;
        for f in &self.files {
            let doc = shift_table(parse(&f.text, &f.name)?, f.base);
            let Some(mut base) = merged.take() else {
                merged = Some(doc);
                continue;
            };
            let mut errors = Vec::new();
            for (i, item) in array_at(&doc, &["scenario", "remove"]).into_iter().flatten().enumerate() {
                let key = join(&[Seg::Key("scenario".into()), Seg::Key("remove".into()), Seg::Index(i)]);
                let removed = match item.get_ref() {
                    DeValue::String(p) => {
                        let segs: Vec<&str> = p.split('.').collect();
                        remove_path(&mut base, &segs).then_some(()).ok_or_else(|| {
                            Diagnostic::new(key, format!("`{p}` is not in the base scenario, so it cannot be removed"))
                                .help("`remove` takes dotted paths of the base's tables or keys, such as \"events.ukraine_break\"")
                        })
                    }
                    _ => Err(Diagnostic::new(key, "`remove` lists key paths as strings")),
                };
                if let Err(mut d) = removed {
                    d.location = self.locate(item.span());
                    errors.push(d);
                }
            }
            if !errors.is_empty() {
                return Err(errors);
            }
            merge(&mut base, doc);
            merged = Some(base);
        }
        Ok(merged.unwrap_or_default())
    }
}

fn canonical(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

fn parse<'t>(text: &'t str, name: &str) -> Result<DeTable<'t>, Vec<Diagnostic>> {
    DeTable::parse(text).map(Spanned::into_inner).map_err(|e| {
        let mut d = Diagnostic::new("", e.message().lines().next().unwrap_or("invalid TOML").trim().to_string());
        if let Some(span) = e.span() {
            let mut loc = SourceMap::new(text).locate(span);
            loc.file = Some(name.to_string());
            d.location = Some(loc);
        }
        vec![d]
    })
}

fn shift_table(t: DeTable<'_>, by: usize) -> DeTable<'_> {
    fn shift(span: std::ops::Range<usize>, by: usize) -> std::ops::Range<usize> {
        span.start + by..span.end + by
    }
    fn value(v: Spanned<DeValue<'_>>, by: usize) -> Spanned<DeValue<'_>> {
        let span = shift(v.span(), by);
        let inner = match v.into_inner() {
            // In place, so the array keeps what the parser knows of it (array of tables or not).
            DeValue::Array(mut a) => {
                for item in a.iter_mut() {
                    let taken = std::mem::replace(item, Spanned::new(0..0, DeValue::Boolean(false)));
                    *item = value(taken, by);
                }
                DeValue::Array(a)
            }
            DeValue::Table(t) => DeValue::Table(shift_table(t, by)),
            other => other,
        };
        Spanned::new(span, inner)
    }
    if by == 0 {
        return t;
    }
    t.into_iter().map(|(k, v)| (Spanned::new(shift(k.span(), by), k.into_inner()), value(v, by))).collect()
}

/// Overrides `base` with `over`: tables merge key by key, anything else replaces.
fn merge<'t>(base: &mut DeTable<'t>, over: DeTable<'t>) {
    for (k, v) in over {
        let existing = base.iter_mut().find(|(bk, _)| bk.get_ref() == k.get_ref()).map(|(_, bv)| bv);
        match (existing, v.get_ref()) {
            (Some(bv), DeValue::Table(_)) if matches!(bv.get_ref(), DeValue::Table(_)) => {
                let (DeValue::Table(base_t), DeValue::Table(over_t)) = (bv.get_mut(), v.into_inner()) else {
                    unreachable!("both matched as tables")
                };
                merge(base_t, over_t);
            }
            _ => {
                base.remove(&k);
                base.insert(k, v);
            }
        }
    }
}

fn remove_path(t: &mut DeTable<'_>, path: &[&str]) -> bool {
    match path {
        [] => false,
        [last] => {
            let key = t.iter().map(|(k, _)| k).find(|k| k.get_ref() == *last).cloned();
            key.is_some_and(|k| t.remove(&k).is_some())
        }
        [first, rest @ ..] => match t.iter_mut().find(|(k, _)| k.get_ref() == *first).map(|(_, v)| v.get_mut()) {
            Some(DeValue::Table(inner)) => remove_path(inner, rest),
            _ => false,
        },
    }
}

fn string_at(doc: &DeTable<'_>, path: &[&str]) -> Option<(String, std::ops::Range<usize>)> {
    let (last, parent) = path.split_last()?;
    let (_, v) = table_at(doc, parent)?.iter().find(|(k, _)| k.get_ref() == *last)?;
    match v.get_ref() {
        DeValue::String(s) => Some((s.to_string(), v.span())),
        _ => None,
    }
}

fn array_at<'d, 't>(doc: &'d DeTable<'t>, path: &[&str]) -> Option<&'d [Spanned<DeValue<'t>>]> {
    let (last, parent) = path.split_last()?;
    match table_at(doc, parent)?.iter().find(|(k, _)| k.get_ref() == *last)?.1.get_ref() {
        DeValue::Array(a) => Some(a),
        _ => None,
    }
}

fn table_at<'d, 't>(doc: &'d DeTable<'t>, path: &[&str]) -> Option<&'d DeTable<'t>> {
    let mut t = doc;
    for k in path {
        t = match t.iter().find(|(key, _)| key.get_ref() == *k)?.1.get_ref() {
            DeValue::Table(inner) => inner,
            _ => return None,
        };
    }
    Some(t)
}
