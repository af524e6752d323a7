//! `[uncertainty]`: ranges for classes of judgement values.
//!
//! Most numbers of a scenario are judgements the sources support in sign and rough size but
//! not to the decimal: payoffs, interest weights, trust, behaviour, hazards. Rather than a
//! distribution on each, a scenario states once, per class of paths, the range its sources
//! defend: `"issues.*.payoffs.*.*.*" = { relative = 0.4, source = "..." }` makes every
//! payoff that the file gives as a plain number uniform over `x·(1 − 0.4)` to `x·(1 + 0.4)`;
//! `{ absolute = 0.1 }` makes it `x ± 0.1`. A range is clipped to the parameter's domain. `*`
//! matches one path segment; the first pattern (in file order) that matches a path applies.
//! Values the file already gives a distribution, zeros under a relative range, and values a
//! range would leave a single point keep what they are. The pattern and its source are kept
//! with the parameter, so `heartland sources` shows why a value is uncertain.

use indexmap::IndexMap;

use super::{Validator, path, with};
use crate::model::param::{Distribution, show};
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::file::UncertaintyFile;

impl Validator {
    pub(super) fn uncertainty(&mut self, table: &IndexMap<String, UncertaintyFile>) {
        let mut rules: Vec<(&str, Vec<&str>, Width, &str)> = Vec::new();
        for (pattern, u) in table {
            let at = path(&["uncertainty", pattern]);
            let width =
                match (u.relative, u.absolute) {
                    (Some(r), None) if r.is_finite() && r > 0.0 && r <= 1.0 => Width::Relative(r),
                    (None, Some(a)) if a.is_finite() && a > 0.0 => Width::Absolute(a),
                    (Some(x), None) | (None, Some(x)) => {
                        let key = if u.relative.is_some() { "relative" } else { "absolute" };
                        self.error(
                            &with(&at, key),
                            Diagnostic::new("", format!("out of range: got {}", show(x)))
                                .expected(if key == "relative" { "a fraction in (0, 1]" } else { "a number > 0" }),
                        );
                        continue;
                    }
                    _ => {
                        self.error_on_key(
                            &at,
                            Diagnostic::new("", "a range needs exactly one of `relative` and `absolute`")
                                .expected("{ relative = 0.3, source = \"...\" }"),
                        );
                        continue;
                    }
                };
            let Some(source) = u.source.as_deref() else {
                self.error_on_key(
                    &at,
                    Diagnostic::new("", "a range needs its `source`")
                        .expected("why the sources support this range, e.g. a passage or a modelling assumption"),
                );
                continue;
            };
            let segments: Vec<&str> = pattern.split('.').collect();
            if !self.params.iter().any(|(_, p)| matches(&segments, &p.path)) {
                self.error_on_key(
                    &at,
                    Diagnostic::new("", format!("`{pattern}` matches no parameter of the scenario"))
                        .help("`*` stands for one path segment, e.g. `actors.*.interests.*`; `heartland params` lists the paths"),
                );
                continue;
            }
            rules.push((pattern, segments, width, source));
        }
        for p in self.params.iter_mut() {
            let Distribution::Fixed { value } = p.dist else { continue };
            let Some((pattern, _, width, source)) = rules.iter().find(|(_, s, _, _)| matches(s, &p.path)) else {
                continue;
            };
            let (lo, hi) = width.around(value);
            let (d_lo, d_hi) = p.domain.bounds();
            let (lo, hi) = (lo.max(d_lo), hi.min(d_hi));
            // A zero under a relative range, or a range squeezed to a point by the domain,
            // stays a fixed value.
            if let (true, Ok(dist)) = (lo < hi, Distribution::new_uniform(lo, hi)) {
                p.dist = dist;
                p.uncertainty = Some((pattern.to_string(), source.to_string()));
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Width {
    Relative(f64),
    Absolute(f64),
}

impl Width {
    fn around(self, x: f64) -> (f64, f64) {
        match self {
            Width::Relative(r) => {
                let (a, b) = (x * (1.0 - r), x * (1.0 + r));
                (a.min(b), a.max(b))
            }
            Width::Absolute(a) => (x - a, x + a),
        }
    }
}

/// Whether `path` matches the pattern's segments (`*` matches any one segment). Quoted
/// segments of a path (a metric in a drivers table) count as one segment.
fn matches(pattern: &[&str], path: &str) -> bool {
    let segments = split_path(path);
    segments.len() == pattern.len() && pattern.iter().zip(&segments).all(|(p, s)| *p == "*" || p == s)
}

/// Splits a dotted parameter path, keeping a quoted segment (`drivers."state.x"`) whole.
fn split_path(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in path.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '.' if !quoted => {
                out.push(&path[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&path[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_whole_segments() {
        let pat: Vec<&str> = "issues.*.payoffs.*.*.*".split('.').collect();
        assert!(matches(&pat, "issues.transit.payoffs.nato.security.reward"));
        assert!(!matches(&pat, "issues.transit.payoffs.nato.security"));
        assert!(!matches(&pat, "actors.transit.payoffs.nato.security.reward"));
        let drivers: Vec<&str> = "state.*.drivers.*".split('.').collect();
        assert!(matches(&drivers, "state.threat.drivers.\"state.isaf\""));
        assert_eq!(split_path("a.\"b.c\".d"), vec!["a", "\"b.c\"", "d"]);
    }

    #[test]
    fn ranges_are_symmetric_and_ordered() {
        assert_eq!(Width::Relative(0.5).around(0.4), (0.2, 0.6000000000000001));
        assert_eq!(Width::Relative(0.5).around(-0.4), (-0.6000000000000001, -0.2));
        assert_eq!(Width::Absolute(0.1).around(0.5), (0.4, 0.6));
    }
}
