//! Calendar time: the step of a scenario (month, quarter, year) and the dates of its turns.
//!
//! Every output is labelled with a calendar date, so turns are converted here and nowhere
//! else. A [`Period`] is a month count since year 0, which makes quarters and years plain
//! multiples and keeps date arithmetic exact.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Length of one turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Step {
    /// One month per turn.
    Month,
    /// Three months per turn (the shipped scenarios' step).
    Quarter,
    /// Twelve months per turn.
    Year,
}

impl Step {
    /// Months in one turn.
    pub fn months(self) -> u32 {
        match self {
            Step::Month => 1,
            Step::Quarter => 3,
            Step::Year => 12,
        }
    }

    /// Years in one turn: the factor that turns per-year rates into per-turn ones.
    pub fn years(self) -> f64 {
        f64::from(self.months()) / 12.0
    }
}

/// The first month of a calendar period (a month, quarter or year), counted from January of
/// year 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Period(u32);

impl Period {
    /// January of `year`, plus `month0` months (0 = January).
    pub fn new(year: u32, month0: u32) -> Period {
        Period(year * 12 + month0)
    }

    /// The calendar year.
    pub fn year(self) -> u32 {
        self.0 / 12
    }

    /// 1 = January.
    pub fn month(self) -> u32 {
        self.0 % 12 + 1
    }

    /// Months from `earlier` to `self` (negative when `self` comes first).
    pub fn months_since(self, earlier: Period) -> i64 {
        i64::from(self.0) - i64::from(earlier.0)
    }

    /// The period `months` months later.
    pub fn plus_months(self, months: u32) -> Period {
        Period(self.0 + months)
    }

    /// Parses `2014-Q1`, `2014Q1`, `2014-03` or `2014`. Returns `None` for anything else,
    /// including months outside 1–12, quarters outside 1–4 and years outside 1000–9999.
    pub fn parse(text: &str) -> Option<Period> {
        let text = text.trim();
        let year_digits = text.get(..4)?;
        if !year_digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: u32 = year_digits.parse().ok()?;
        if year < 1000 {
            return None;
        }
        let rest = &text[4..];
        let rest = rest.strip_prefix('-').unwrap_or(rest);
        if rest.is_empty() {
            return Some(Period::new(year, 0));
        }
        if let Some(q) = rest.strip_prefix(['Q', 'q']) {
            let q: u32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
            return Some(Period::new(year, (q - 1) * 3));
        }
        if rest.len() == 2 && rest.bytes().all(|b| b.is_ascii_digit()) {
            let m: u32 = rest.parse().ok().filter(|m| (1..=12).contains(m))?;
            return Some(Period::new(year, m - 1));
        }
        None
    }

    /// The ISO date of the period's first day, e.g. `2014-01-01`: what pandas, polars and R
    /// read as a date without options.
    pub fn iso_date(self) -> String {
        format!("{:04}-{:02}-01", self.year(), self.month())
    }
}

impl fmt::Display for Period {
    /// `2014-Q1` when the period starts a quarter, `2014-02` otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if (self.month() - 1).is_multiple_of(3) {
            write!(f, "{:04}-Q{}", self.year(), (self.month() - 1) / 3 + 1)
        } else {
            write!(f, "{:04}-{:02}", self.year(), self.month())
        }
    }
}

/// The turns of a scenario: from `start` to `end` inclusive, one `step` apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    /// The first turn's period.
    pub start: Period,
    /// The last turn's period (inclusive).
    pub end: Period,
    /// The length of a turn.
    pub step: Step,
}

impl Calendar {
    /// Number of turns: every step whose period starts on or before `end`.
    pub fn turns(&self) -> usize {
        let months = self.end.months_since(self.start);
        if months < 0 { 0 } else { (months as u64 / u64::from(self.step.months()) + 1) as usize }
    }

    /// The period of turn `t` (0-based).
    pub fn period(&self, turn: usize) -> Period {
        self.start.plus_months(turn as u32 * self.step.months())
    }

    /// The turn whose period contains `when`, if it falls within the calendar.
    pub fn turn_of(&self, when: Period) -> Option<usize> {
        let months = when.months_since(self.start);
        if months < 0 {
            return None;
        }
        let turn = (months as u64 / u64::from(self.step.months())) as usize;
        (turn < self.turns()).then_some(turn)
    }

    /// Per-turn version of a per-year rate `r` in [0, 1]: `1 - (1 - r)^(years per turn)`, so
    /// that a scenario behaves alike whatever its step.
    pub fn per_turn(&self, per_year: f64) -> f64 {
        1.0 - (1.0 - per_year.clamp(0.0, 1.0)).powf(self.step.years())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        assert_eq!(Period::parse("2014-Q1"), Some(Period::new(2014, 0)));
        assert_eq!(Period::parse("2014q3"), Some(Period::new(2014, 6)));
        assert_eq!(Period::parse("2014-05"), Some(Period::new(2014, 4)));
        assert_eq!(Period::parse("2030"), Some(Period::new(2030, 0)));
        for bad in ["", "14", "2014-Q5", "2014-13", "2014-00", "abcd", "2014-1", "0999", "2014/Q1"] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn baseline_has_68_quarters_labelled_by_date() {
        let cal = Calendar {
            start: Period::parse("2014-Q1").unwrap(),
            end: Period::parse("2030-Q4").unwrap(),
            step: Step::Quarter,
        };
        assert_eq!(cal.turns(), 68);
        assert_eq!(cal.period(0).iso_date(), "2014-01-01");
        assert_eq!(cal.period(67).iso_date(), "2030-10-01");
        assert_eq!(cal.period(1).to_string(), "2014-Q2");
        assert_eq!(cal.turn_of(Period::parse("2014-05").unwrap()), Some(1));
        assert_eq!(cal.turn_of(Period::parse("2031-Q1").unwrap()), None);
    }

    #[test]
    fn per_turn_rates_compound_to_the_yearly_rate() {
        let cal = Calendar { start: Period::new(2014, 0), end: Period::new(2015, 0), step: Step::Quarter };
        let q = cal.per_turn(0.2);
        assert!(((1.0 - q).powi(4) - 0.8).abs() < 1e-12);
    }
}
