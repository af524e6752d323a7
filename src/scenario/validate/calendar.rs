//! The file's top level: `[scenario]` (the calendar and the default runs), the interest
//! `dimensions`, and the `[model]` settings that are plain numbers.

use super::{Path, Validator, is_identifier, path, with_index};
use crate::model::calendar::{Calendar, Period};
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::file::{MetaFile, ModelFile};

impl Validator {
    pub(super) fn runs(&mut self, meta: &MetaFile) -> u64 {
        let runs = meta.runs.unwrap_or(1000);
        if runs == 0 || runs > 1_000_000_000 {
            self.error(
                &path(&["scenario", "runs"]),
                Diagnostic::new("", format!("{runs} runs is not a usable default"))
                    .expected("a whole number from 1 to 1000000000"),
            );
        }
        runs
    }

    pub(super) fn window(&mut self, model: &ModelFile) -> u32 {
        let window = model.cooperation_window.unwrap_or(4);
        if !(1..=64).contains(&window) {
            self.error(
                &path(&["model", "cooperation_window"]),
                Diagnostic::new("", format!("a window of {window} turns is not supported"))
                    .expected("a whole number from 1 to 64"),
            );
        }
        window
    }

    pub(super) fn dimensions(&mut self, list: &[String]) -> Vec<String> {
        // Dimensions.
        let mut dimensions: Vec<String> = Vec::new();
        if list.is_empty() {
            self.error(
                &path(&["dimensions"]),
                Diagnostic::new("", "no interest dimensions").expected("a list such as [\"security\", \"economy\"]"),
            );
        }
        for (i, d) in list.iter().enumerate() {
            let at = with_index(&path(&["dimensions"]), i);
            if !is_identifier(d) {
                self.error(
                    &at,
                    Diagnostic::new("", format!("`{d}` is not a usable name"))
                        .expected("lowercase letters, digits and _"),
                );
            } else if dimensions.contains(d) {
                self.error(&at, Diagnostic::new("", format!("dimension `{d}` is listed twice")));
            }
            dimensions.push(d.clone());
        }
        dimensions
    }

    pub(super) fn calendar(&mut self, meta: &MetaFile) -> Option<Calendar> {
        let start = self.date(&path(&["scenario", "start"]), &meta.start);
        // A bare year as the end means the whole of that year.
        let end = self
            .date(&path(&["scenario", "end"]), &meta.end)
            .map(|p| if meta.end.trim().len() == 4 { Period::new(p.year(), 11) } else { p });
        let (start, end) = (start?, end?);
        if end < start {
            self.error(
                &path(&["scenario", "end"]),
                Diagnostic::new("", format!("the end ({end}) comes before the start ({start})"))
                    .help("swap `start` and `end`"),
            );
            return None;
        }
        let cal = Calendar { start, end, step: meta.step };
        if cal.turns() > 10_000 {
            self.error(
                &path(&["scenario", "end"]),
                Diagnostic::new("", format!("{} turns is more than the 10000 a scenario may have", cal.turns()))
                    .help("use a longer `step` or a nearer `end`"),
            );
            return None;
        }
        if start.months_since(Period::new(start.year(), 0)) % i64::from(meta.step.months()) != 0
            && meta.step != crate::model::calendar::Step::Month
        {
            self.error(
                &path(&["scenario", "start"]),
                Diagnostic::new("", format!("{start} does not begin a {}", format!("{:?}", meta.step).to_lowercase()))
                    .help("start quarters in January, April, July or October, and years in January"),
            );
        }
        Some(cal)
    }

    pub(super) fn date(&mut self, at: &Path, text: &str) -> Option<Period> {
        let p = Period::parse(text);
        if p.is_none() {
            self.error(
                at,
                Diagnostic::new("", format!("`{text}` is not a date"))
                    .expected("a quarter such as 2014-Q1, a month such as 2014-03, or a year such as 2014"),
            );
        }
        p
    }
}
