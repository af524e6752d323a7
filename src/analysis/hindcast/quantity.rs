//! Quantities: the condition a fact states, in the model's metric vocabulary.
//!
//! `PATH > X`, `PATH < X` (a metric against a number), `PATH > PATH`, `PATH < PATH` (two
//! metrics compared, such as China's share of influence against Russia's), or `PATH` alone,
//! short for `PATH > 0.5` (natural for `outcome.ID`, `event.ID` and `coop.ISSUE`). Paths are
//! those of [`Metric::parse`]; whitespace around tokens is free.

use std::ops::Range;

use crate::model::metric::Metric;
use crate::model::outcome::Condition;
use crate::scenario::{Diagnostic, Scenario};

/// What is wrong with a quantity, and the byte range of the text it is about.
pub(super) type QuantityError = Box<(Range<usize>, Diagnostic)>;

fn fail(at: Range<usize>, d: Diagnostic) -> QuantityError {
    Box::new((at, d))
}

/// A metric path, resolved against the scenario; the error carries the path's range in the
/// quantity, starting at `at`.
fn metric(text: &str, at: usize, sc: &Scenario) -> Result<Metric, QuantityError> {
    Metric::parse(text, &sc.names()).map_err(|e| {
        fail(
            at..at + text.len(),
            Diagnostic::new("", e.message)
                .expected(e.expected)
                .help_opt(e.suggestion.map(|s| format!("did you mean `{s}`?"))),
        )
    })
}

/// Parses a quantity against `sc`. Errors carry the byte range of `text` they are about.
pub(super) fn parse_quantity(text: &str, sc: &Scenario) -> Result<Condition, QuantityError> {
    const SHAPES: &str = "PATH > X, PATH < X, PATH > PATH, PATH < PATH, or PATH alone (for PATH > 0.5)";
    if text.trim().is_empty() {
        return Err(fail(0..text.len(), Diagnostic::new("", "the quantity is empty").expected(SHAPES)));
    }
    if let Some(i) = text.find('=') {
        return Err(fail(
            i..i + 1,
            Diagnostic::new("", "`=` is not a comparison here")
                .expected(SHAPES)
                .help("metrics are continuous: use `>` or `<`"),
        ));
    }
    let comparators: Vec<usize> = text.match_indices(['<', '>']).map(|(i, _)| i).collect();
    let trimmed_at = |part: &str, base: usize| base + (part.len() - part.trim_start().len());
    match comparators[..] {
        [] => {
            let m = metric(text.trim(), trimmed_at(text, 0), sc)?;
            Ok(Condition { metric: m, other: None, above: true, threshold: 0.5 })
        }
        [at] => {
            let (left, right) = (&text[..at], &text[at + 1..]);
            let above = &text[at..at + 1] == ">";
            if left.trim().is_empty() {
                return Err(fail(at..at + 1, Diagnostic::new("", "no metric before the comparison").expected(SHAPES)));
            }
            if right.trim().is_empty() {
                return Err(fail(at..at + 1, Diagnostic::new("", "nothing after the comparison").expected(SHAPES)));
            }
            let m = metric(left.trim(), trimmed_at(left, 0), sc)?;
            let (r, r_at) = (right.trim(), trimmed_at(right, at + 1));
            if r.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '.')) {
                match r.parse::<f64>() {
                    Ok(x) if x.is_finite() => Ok(Condition { metric: m, other: None, above, threshold: x }),
                    _ => Err(fail(
                        r_at..r_at + r.len(),
                        Diagnostic::new("", format!("`{r}` is not a number")).expected(SHAPES),
                    )),
                }
            } else {
                let other = metric(r, r_at, sc)?;
                Ok(Condition { metric: m, other: Some(other), above, threshold: 0.0 })
            }
        }
        [_, second, ..] => Err(fail(
            second..second + 1,
            Diagnostic::new("", "more than one comparison").expected(SHAPES).help("write one fact per row"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_parse_in_every_documented_shape() {
        let sc =
            Scenario::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny.toml")).unwrap();
        let q = |t: &str| parse_quantity(t, &sc);
        let c = q("state.threat<0.25").unwrap();
        assert_eq!((c.above, c.threshold, c.other), (false, 0.25, None));
        let c = q("  influence.economic.kazakhstan.china >  influence.economic.kazakhstan.russia ").unwrap();
        assert!(c.above && c.other.is_some() && c.threshold == 0.0);
        let c = q("outcome.transit_deal").unwrap();
        assert_eq!((c.above, c.threshold), (true, 0.5));
        for (bad, range) in [
            ("state.threat >= 0.5", 14..15),
            ("state.threat > 0.5 > 0.2", 19..20),
            ("> 0.5", 0..1),
            ("state.threat >", 13..14),
            ("state.threat > inf", 15..18),
            ("state.threat > 1e999", 15..20),
            ("state.threat > nope", 15..19),
            ("  nope.x", 2..8),
            ("", 0..0),
        ] {
            assert_eq!(q(bad).unwrap_err().0, range, "{bad}");
        }
        assert_eq!(q("coop.transitt").unwrap_err().1.help.as_deref(), Some("did you mean `transit`?"));
    }
}
