//! Diagnostics: problems in scenario (and sweep) files, located by file, line, column and key
//! path, rendered once for people, with "did you mean" suggestions.
//!
//! Validation reports every problem it finds, not only the first, each as a [`Diagnostic`].
//! The key path is what the author sees in the file (`actors.russia.behaviour.error`); the
//! line and column are looked up from the TOML document's spans (`span_of`, `SourceMap`).
//! [`ScenarioError`] renders them all, rustc-style, with the offending line underlined.

use std::fmt;
use std::path::PathBuf;

use toml::de::{DeTable, DeValue};

/// Where a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// The whole source line, for display.
    pub text: String,
    /// Characters to underline from `column`.
    pub width: usize,
    /// The file, when it is not the one being loaded (a scenario it extends).
    pub file: Option<String>,
}

/// One problem in a scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Dotted key path, e.g. `issues.transit.sides[1]`; empty for the whole file.
    pub key: String,
    /// What is wrong, in one line.
    pub message: String,
    /// What a valid value looks like.
    pub expected: Option<String>,
    /// How to fix it, e.g. "did you mean `russia`?".
    pub help: Option<String>,
    /// Where in the file; `None` when no span is known (a missing key, a problem of the whole
    /// file).
    pub location: Option<Location>,
}

impl Diagnostic {
    pub(crate) fn new(key: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic { key: key.into(), message: message.into(), expected: None, help: None, location: None }
    }

    pub(crate) fn expected(mut self, expected: impl Into<String>) -> Diagnostic {
        self.expected = Some(expected.into());
        self
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub(crate) fn help_opt(mut self, help: Option<String>) -> Diagnostic {
        self.help = help;
        self
    }
}

/// A scenario that could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read: exit code 1 in the binary.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The file was read but is not a valid scenario: bad input, exit code 2 in the binary.
    #[error("{}", render(file, diagnostics))]
    Invalid {
        /// The file as named in messages (the one given, not a file it extends).
        file: String,
        /// Every problem found, in the order of the format's sections.
        diagnostics: Vec<Diagnostic>,
    },
}

impl ScenarioError {
    /// The diagnostics, empty for an I/O error.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            ScenarioError::Io { .. } => &[],
            ScenarioError::Invalid { diagnostics, .. } => diagnostics,
        }
    }
}

fn render(file: &str, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for (i, d) in diagnostics.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!("error: {}\n", d.message));
        match &d.location {
            Some(loc) => {
                out.push_str(&format!("  --> {}:{}:{}\n", loc.file.as_deref().unwrap_or(file), loc.line, loc.column))
            }
            None => out.push_str(&format!("  --> {file}\n")),
        }
        if !d.key.is_empty() {
            out.push_str(&format!("   = key: {}\n", d.key));
        }
        if let Some(loc) = &d.location {
            let num = loc.line.to_string();
            let pad = " ".repeat(num.len());
            out.push_str(&format!("{pad} |\n{num} | {}\n", loc.text));
            let lead: String =
                loc.text.chars().take(loc.column - 1).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
            out.push_str(&format!("{pad} | {lead}{}\n", "^".repeat(loc.width.max(1))));
        }
        if let Some(e) = &d.expected {
            out.push_str(&format!("   = expected: {e}\n"));
        }
        if let Some(h) = &d.help {
            out.push_str(&format!("   = help: {h}\n"));
        }
    }
    let n = diagnostics.len();
    out.push_str(&format!("{n} error{} in {file}", if n == 1 { "" } else { "s" }));
    out
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        if !self.key.is_empty() {
            write!(f, " (key {})", self.key)?;
        }
        Ok(())
    }
}

/// Turns byte spans into line and column.
pub(crate) struct SourceMap<'a> {
    text: &'a str,
}

impl<'a> SourceMap<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        SourceMap { text }
    }

    pub(crate) fn locate(&self, span: std::ops::Range<usize>) -> Location {
        let start = floor_char_boundary(self.text, span.start.min(self.text.len()));
        let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = self.text[start..].find('\n').map_or(self.text.len(), |i| start + i);
        let line = self.text[..start].matches('\n').count() + 1;
        let column = self.text[line_start..start].chars().count() + 1;
        let end = floor_char_boundary(self.text, span.end.clamp(start, line_end));
        let width = self.text[start..end].chars().count();
        let text = self.text[line_start..line_end].trim_end_matches('\r').to_string();
        Location { line, column, text, width, file: None }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One step of a key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// Joins segments the way an author reads them: `a.b[2].c`.
pub(crate) fn join(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                if k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') && !k.is_empty() {
                    out.push_str(k);
                } else {
                    out.push_str(&format!("{k:?}"));
                }
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The span of the value at `path` in the document, or of the deepest part of the path that
/// exists (so a missing key points at the table that lacks it). With `key_span`, the span of
/// the last key itself rather than its value (for names used as keys).
pub(crate) fn span_of(doc: &DeTable<'_>, path: &[Seg], key_span: bool) -> Option<std::ops::Range<usize>> {
    let mut best = None;
    let mut table = Some(doc);
    let mut array: Option<&[toml::Spanned<DeValue<'_>>]> = None;
    for (i, seg) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        let value = match seg {
            Seg::Key(k) => {
                let (key, value) = table?.iter().find(|(key, _)| key.get_ref() == k)?;
                if last && key_span {
                    return Some(key.span());
                }
                best = Some(if last { value.span() } else { key.span() });
                value
            }
            Seg::Index(idx) => {
                let v = array?.get(*idx)?;
                best = Some(v.span());
                v
            }
        };
        table = None;
        array = None;
        match value.get_ref() {
            DeValue::Table(t) => table = Some(t),
            DeValue::Array(a) => array = Some(a),
            _ => {}
        }
        if last {
            return Some(value.span());
        }
    }
    best
}

/// The key path whose key or value span most tightly contains `span` (used to name the key
/// of a serde error, which comes with a span only). Tables opened by a `[header]` do not span
/// their contents, so every table is searched, not only those whose span contains `span`.
pub(crate) fn path_at(doc: &DeTable<'_>, span: &std::ops::Range<usize>) -> Vec<Seg> {
    type Range = std::ops::Range<usize>;
    fn inside(s: &Range, span: &Range) -> bool {
        s.start <= span.start && span.end <= s.end
    }
    fn search_value(v: &toml::Spanned<DeValue<'_>>, span: &Range) -> Option<Vec<Seg>> {
        match v.get_ref() {
            DeValue::Table(t) => search_table(t, span),
            DeValue::Array(a) => a.iter().enumerate().find_map(|(i, item)| {
                let mut rest = search_value(item, span).or_else(|| inside(&item.span(), span).then(Vec::new))?;
                rest.insert(0, Seg::Index(i));
                Some(rest)
            }),
            _ => None,
        }
    }
    fn search_table(t: &DeTable<'_>, span: &Range) -> Option<Vec<Seg>> {
        t.iter().find_map(|(k, v)| {
            let key = Seg::Key(k.get_ref().to_string());
            if inside(&k.span(), span) {
                return Some(vec![key]);
            }
            let mut rest = search_value(v, span).or_else(|| inside(&v.span(), span).then(Vec::new))?;
            rest.insert(0, key);
            Some(rest)
        })
    }
    search_table(doc, span).unwrap_or_default()
}

/// The closest name to `wrong` among `candidates`, if close enough to be a likely typo.
pub(crate) fn closest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wrong_l = wrong.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (levenshtein(&wrong_l, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(wrong.chars().count()) / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// "did you mean `x`?" for the closest candidate.
pub fn did_you_mean<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    closest(wrong, candidates).map(|c| format!("did you mean `{c}`?"))
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["russia", "china", "kazakhstan"];
        assert_eq!(closest("rusia", names), Some("russia"));
        assert_eq!(closest("Kazakstan", names), Some("kazakhstan"));
        assert_eq!(closest("nato", names), None);
    }

    #[test]
    fn locates_spans_by_path() {
        let text = "[actors.russia]\nkind = \"state\"\n\n[issues.x]\nsides = [\"rusia\", \"nato\"]\n";
        let doc = DeTable::parse(text).unwrap();
        let span = span_of(
            doc.get_ref(),
            &[Seg::Key("issues".into()), Seg::Key("x".into()), Seg::Key("sides".into()), Seg::Index(0)],
            false,
        )
        .unwrap();
        let loc = SourceMap::new(text).locate(span.clone());
        assert_eq!((loc.line, loc.column, loc.width), (5, 10, 7));
        assert_eq!(join(&path_at(doc.get_ref(), &span)), "issues.x.sides[0]");
    }
}
