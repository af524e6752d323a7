//! The axes of the time charts: each date as a fractional year with round years labelled
//! (`TimeAxis`, and `Years`, the plotters coordinate built from it), and the vertical range
//! a set of bands needs.

use plotters::prelude::*;

use crate::results::{Band, Date};

/// The x-axis: each date as a fractional year, and round years to label.
pub(super) struct TimeAxis {
    pub(super) xs: Vec<f64>,
    pub(super) ticks: Vec<f64>,
}

impl TimeAxis {
    pub(super) fn new(dates: &[Date], max_labels: usize) -> TimeAxis {
        let xs: Vec<f64> = dates.iter().map(|d| d.year_fraction()).collect();
        let (lo, hi) = (xs[0], *xs.last().expect("non-empty"));
        let first = lo.ceil() as i32;
        let last = hi.floor() as i32;
        let span = (last - first).max(0) as usize + 1;
        let step = [1, 2, 5, 10, 20, 50].into_iter().find(|s| span.div_ceil(*s) <= max_labels).unwrap_or(100) as i32;
        let start = first + (step - first.rem_euclid(step)) % step;
        let ticks = (start..=last).step_by(step as usize).map(f64::from).collect();
        TimeAxis { xs, ticks }
    }

    pub(super) fn range(&self) -> (f64, f64) {
        let (lo, hi) = (self.xs[0], *self.xs.last().expect("non-empty"));
        if hi > lo { (lo, hi) } else { (lo - 0.5, hi + 0.5) }
    }

    pub(super) fn coord(&self) -> Years {
        let (lo, hi) = self.range();
        Years { lo, hi, ticks: self.ticks.clone() }
    }
}

/// A linear time axis in fractional years whose labels and grid lines are round years.
pub(super) struct Years {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
}

impl Ranged for Years {
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, (a, b): (i32, i32)) -> i32 {
        a + ((value - self.lo) / (self.hi - self.lo) * (b - a) as f64).round() as i32
    }

    fn key_points<Hint: plotters::coord::ranged1d::KeyPointHint>(&self, _hint: Hint) -> Vec<f64> {
        self.ticks.clone()
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

pub(super) fn data_range(bands: &[&Band]) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for b in bands {
        for v in b.p05.iter().chain(&b.p95).chain(&b.mean).filter(|v| v.is_finite()) {
            lo = lo.min(*v);
            hi = hi.max(*v);
        }
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if lo >= 0.0 && hi <= 1.0 {
        return (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.05).max(1e-9);
    (if lo >= 0.0 { 0.0 } else { lo - pad }, hi + pad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_axes_label_round_years() {
        let d = |s: &str| Date::parse(s).unwrap();
        let q: Vec<Date> = (0..68).map(|t| d(&format!("{}-{:02}-01", 2014 + t / 4, 1 + 3 * (t % 4)))).collect();
        assert_eq!(
            TimeAxis::new(&q, 9).ticks,
            [2014.0, 2016.0, 2018.0, 2020.0, 2022.0, 2024.0, 2026.0, 2028.0, 2030.0]
        );
        assert_eq!(TimeAxis::new(&q[..20], 9).ticks, [2014.0, 2015.0, 2016.0, 2017.0, 2018.0]);
    }
}
