//! Time charts: small multiples of quantities over the run's dates, each with its band
//! across runs. `cooperation` (each issue), `state` (each state variable) and `influence`
//! (each patron's share in each client), and `draw_panel`, which draws one panel of them.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axes::{TimeAxis, data_range};
use super::style::{GRID, LABEL_SIZE, MUTED, actor_colour, clip, font, palette};
use super::{Body, Chart, Grid, Line, Mark, Panel, Res};
use crate::results::{Band, Results};

/// Cooperation per issue: the mean of coop.ISSUE (the probability that the issue's parties
/// cooperate at that date), with the 5–95% band of the windowed rate coop_rate.ISSUE.
pub(super) fn cooperation<'a>(r: &'a Results, human: &dyn Fn(&str) -> String, charts: &mut Vec<Chart<'a>>) {
    let series = &r.series;
    let dated = !series.dates.is_empty();
    let mut issues: Vec<&str> = Vec::new();
    for (parts, _) in series.of("coop").chain(series.of("coop_rate")) {
        if parts.len() == 1 && !issues.contains(&parts[0]) {
            issues.push(parts[0]);
        }
    }
    if dated && !issues.is_empty() {
        let panels = issues
            .iter()
            .map(|issue| {
                let mut lines = Vec::new();
                if let Some(rate) = series.get(&format!("coop_rate.{issue}")) {
                    lines.push(Line { colour: MUTED, values: &[], band: Some((&rate.p05, &rate.p95)) });
                }
                if let Some(coop) = series.get(&format!("coop.{issue}")) {
                    lines.push(Line { colour: palette::BLACK, values: &coop.mean, band: None });
                } else if let Some(rate) = series.get(&format!("coop_rate.{issue}")) {
                    lines.push(Line { colour: palette::BLACK, values: &rate.mean, band: None });
                }
                Panel { title: clip(&human(issue), 36), lines, y: (0.0, 1.0), percent: true }
            })
            .collect::<Vec<_>>();
        let cols = if panels.len() <= 4 { panels.len().max(1) } else { 4 };
        charts.push(Chart {
            name: "cooperation",
            title: "Cooperation on each issue".into(),
            subtitle: "Probability of cooperation at each date, across runs".into(),
            caption: "Black line: the share of runs in which the issue's parties cooperate at that date (for a \
                      public good, the mean share of participants contributing). Grey band: 90% of runs' \
                      recent cooperation rates (averaged over the cooperation window) lie inside it."
                .into(),
            body: Body::Grid(Grid {
                legend: vec![
                    ("probability of cooperation".into(), palette::BLACK, Mark::Line),
                    ("5–95% of runs, windowed rate".into(), MUTED, Mark::Band),
                ],
                panels,
                cols,
                panel_height: 250,
            }),
        });
    }
}

/// State variables (the Afghan threat…), one panel each.
pub(super) fn state<'a>(r: &'a Results, human: &dyn Fn(&str) -> String, charts: &mut Vec<Chart<'a>>) {
    let series = &r.series;
    let dated = !series.dates.is_empty();
    let state: Vec<(Vec<&str>, &Band)> = series.of("state").collect();
    if dated && !state.is_empty() {
        let panels: Vec<Panel<'_>> = state
            .iter()
            .map(|(p, band)| Panel {
                title: human(&p.join("_")),
                lines: vec![
                    Line { colour: MUTED, values: &[], band: Some((&band.p05, &band.p95)) },
                    Line { colour: palette::BLACK, values: &band.mean, band: None },
                ],
                y: data_range(&[band]),
                percent: false,
            })
            .collect();
        let cols = panels.len().clamp(1, 3);
        charts.push(Chart {
            name: "state",
            title: "The state of the region".into(),
            subtitle: "Mean across runs, with the band holding 90% of runs".into(),
            caption: "The state variables of the scenario (such as the Afghan threat level) over time: black \
                      line the mean across runs, grey band from the 5th to the 95th percentile."
                .into(),
            body: Body::Grid(Grid {
                legend: vec![("mean".into(), palette::BLACK, Mark::Line), ("5–95% of runs".into(), MUTED, Mark::Band)],
                panels,
                cols,
                panel_height: 280,
            }),
        });
    }
}

/// Influence shares: one panel per client, one line per patron in the patron's colour.
pub(super) fn influence<'a>(r: &'a Results, human: &dyn Fn(&str) -> String, charts: &mut Vec<Chart<'a>>) {
    let series = &r.series;
    let dated = !series.dates.is_empty();
    let influence: Vec<(Vec<&str>, &Band)> = series.of("influence").filter(|(p, _)| p.len() == 2).collect();
    if dated && !influence.is_empty() {
        let mut clients: Vec<&str> = Vec::new();
        let mut patrons: Vec<&str> = Vec::new();
        for (p, _) in &influence {
            if !clients.contains(&p[0]) {
                clients.push(p[0]);
            }
            if !patrons.contains(&p[1]) {
                patrons.push(p[1]);
            }
        }
        let panels: Vec<Panel<'_>> = clients
            .iter()
            .map(|c| Panel {
                title: human(c),
                lines: influence
                    .iter()
                    .filter(|(p, _)| p[0] == *c)
                    .map(|(p, band)| Line {
                        colour: actor_colour(p[1]),
                        values: &band.mean,
                        band: Some((&band.p05, &band.p95)),
                    })
                    .collect(),
                y: (0.0, 1.0),
                percent: true,
            })
            .collect();
        let cols = panels.len().clamp(1, 3);
        charts.push(Chart {
            name: "influence",
            title: "Who holds influence in each state?".into(),
            subtitle: "Each patron's share of influence: mean across runs, band holding 90% of runs".into(),
            caption: "The shares of influence that each outside power holds over each state; they sum to 100% \
                      in each state. Lines are means across runs, shaded bands the 5th to 95th percentiles."
                .into(),
            body: Body::Grid(Grid {
                legend: patrons.iter().map(|p| (human(p), actor_colour(p), Mark::Line)).collect(),
                panels,
                cols,
                panel_height: 280,
            }),
        });
    }
}

/// Points of a line, leaving out dates without a value.
fn points(xs: &[f64], ys: &[f64]) -> Vec<(f64, f64)> {
    xs.iter().zip(ys).filter(|(_, y)| y.is_finite()).map(|(x, y)| (*x, *y)).collect()
}

pub(super) fn draw_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, p: &Panel<'_>, axis: &TimeAxis) -> Res
where
    DB::ErrorType: 'static,
{
    let percent_fmt = |y: &f64| format!("{:.0}%", y * 100.0);
    let plain_fmt = |y: &f64| {
        let s = format!("{y:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    let year_fmt = |x: &f64| format!("{x:.0}");
    let mut chart = ChartBuilder::on(area)
        .caption(&p.title, font(16.0))
        .margin(8)
        .margin_right(22)
        .x_label_area_size(26)
        .y_label_area_size(48)
        .build_cartesian_2d(axis.coord(), p.y.0..p.y.1)?;
    chart
        .configure_mesh()
        .x_label_formatter(&year_fmt)
        .y_label_formatter(if p.percent { &percent_fmt } else { &plain_fmt })
        .y_labels(5)
        .label_style(font(LABEL_SIZE))
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(WHITE.mix(0.0))
        .axis_style(MUTED.stroke_width(1))
        .draw()?;
    let xs = &axis.xs;
    for line in &p.lines {
        if let Some((lo, hi)) = line.band {
            let mut poly = points(xs, hi);
            let mut lower = points(xs, lo);
            lower.reverse();
            poly.extend(lower);
            if poly.len() >= 3 {
                chart.draw_series(std::iter::once(Polygon::new(poly, line.colour.mix(0.22).filled())))?;
            }
        }
    }
    for line in &p.lines {
        if !line.values.is_empty() {
            chart.draw_series(LineSeries::new(points(xs, line.values), line.colour.stroke_width(2)))?;
        }
    }
    Ok(())
}
