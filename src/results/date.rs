//! Dates as the result files write them: ISO `YYYY-MM-DD`, the first day of a turn.

use std::fmt;

/// A calendar date as written in the result files (`YYYY-MM-DD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// The year, e.g. 2016.
    pub year: i32,
    /// The month, 1–12.
    pub month: u32,
    /// The day of the month, 1–31.
    pub day: u32,
}

impl Date {
    /// Parses an ISO date `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let mut it = s.trim().splitn(3, '-');
        let year: i32 = it.next()?.parse().ok()?;
        let month: u32 = it.next()?.parse().ok()?;
        let day: u32 = it.next()?.parse().ok()?;
        ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(Date { year, month, day })
    }

    /// The date as a fractional year (2016-07-01 → 2016.5), for time axes.
    pub fn year_fraction(self) -> f64 {
        self.year as f64 + (self.month - 1) as f64 / 12.0 + (self.day - 1) as f64 / 365.25
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_and_place_on_a_time_axis() {
        let d = Date::parse("2016-07-01").unwrap();
        assert_eq!(d.to_string(), "2016-07-01");
        assert_eq!(d.year_fraction(), 2016.5);
        assert!(Date::parse("2016-13-01").is_none() && Date::parse("soon").is_none());
    }
}
