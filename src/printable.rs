//! Text that came from a file (a scenario's labels, a result file's cells, a path) made safe to
//! show: on a terminal, where an escape sequence could clear the screen or forge lines, and in
//! an HTML page or an SVG, where a NUL or most other control characters are not allowed (XML
//! 1.0 forbids them outright, so an SVG holding one is not well-formed).
//!
//! Control characters (Unicode category Cc) and the invisible controls that reorder or split
//! text (bidirectional overrides and isolates, line and paragraph separators, the BOM) become
//! U+FFFD, the replacement character; [`one_line`] also turns line breaks and tabs into spaces.

use std::borrow::Cow;

/// Whether `c` is a character no output of heartland shows as it is, beyond line feeds and tabs.
fn hidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}')
        || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// `s` with every control character other than line feed and tab replaced by U+FFFD.
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(hidden) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(|c| if hidden(c) { '\u{FFFD}' } else { c }).collect())
}

/// As [`printable`], on one line: line feeds and tabs become spaces too (for a label in a table).
pub fn one_line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| hidden(c) || c == '\n' || c == '\t') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\n' | '\t' => ' ',
                c if hidden(c) => '\u{FFFD}',
                c => c,
            })
            .collect(),
    )
}

/// `s` escaped for HTML text and attribute values, with control characters replaced as by
/// [`printable`]: what every page heartland writes or serves puts into its markup.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in printable(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_replaced_and_plain_text_is_borrowed() {
        assert!(matches!(printable("Kazakhstan – Россия"), Cow::Borrowed(_)));
        assert_eq!(
            printable("a\u{1b}[2Jb\0c\rd\ne\tf\u{7f}\u{202e}g"),
            "a\u{FFFD}[2Jb\u{FFFD}c\u{FFFD}d\ne\tf\u{FFFD}\u{FFFD}g"
        );
        assert_eq!(one_line("two\nlines\tand\u{1b}"), "two lines and\u{FFFD}");
        assert!(!printable("\u{85}\u{9b}x").chars().any(|c| c.is_control()));
    }
}
