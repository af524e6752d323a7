//! Time charts: small multiples of quantities over the run's dates, each with its band
//! across runs. `cooperation` (each issue), `state` (each state variable) and `influence`
//! (each patron's share in each client), and `draw_panel`, which draws one panel of them.
//! Every panel marks the scenario's scheduled events, keyed in the legend.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::{TimeAxis, data_range};
use super::names::Names;
use super::style::{GRID, LABEL_SIZE, MUTED, WIDTH, actor_colour, font, palette, text_size};
use super::text::{at_most, draw_title, line_height, wrap};
use super::{Body, Chart, Grid, Line, Mark, Marker, Panel, Res};
use crate::results::{Band, Date, Results};

/// Size of a panel's title text.
const PANEL_TITLE: f64 = 15.0;

/// A panel's title, wrapped to the width of a panel of a `cols`-wide grid, at most 3 lines.
fn panel_title(text: &str, cols: usize) -> Vec<String> {
    at_most(wrap(text, (WIDTH / cols.max(1) as u32) as i32 - 40, PANEL_TITLE), 3)
}

/// The grid: panels with their titles wrapped for `cols` columns, the events marked.
fn grid<'a>(
    r: &Results,
    mut legend: Vec<(String, RGBColor, Mark)>,
    panels: Vec<Panel<'a>>,
    cols: usize,
    h: u32,
) -> Grid<'a> {
    let (events, keys) = events(r);
    if !keys.is_empty() {
        legend.push(("Scheduled events:".into(), MUTED, Mark::Heading));
        legend.extend(keys);
    }
    let title_lines = panels.iter().map(|p| p.title.len()).max().unwrap_or(1);
    Grid { legend, panels, cols, panel_height: h, title_lines, events }
}

/// Height of one panel of `g`, its title included.
pub(super) fn panel_height(g: &Grid<'_>) -> u32 {
    g.panel_height + (g.title_lines.max(1) as u32 - 1) * line_height(PANEL_TITLE)
}

/// The scheduled events inside the tables' dates: their markers, and the legend's key to them.
fn events(r: &Results) -> (Vec<Marker>, Vec<(String, RGBColor, Mark)>) {
    let dates = &r.series.dates;
    let (Some(first), Some(last)) = (dates.first(), dates.last()) else { return (Vec::new(), Vec::new()) };
    let mut markers = Vec::new();
    let mut keys = Vec::new();
    for e in &r.info.labels.events {
        let Some(d) = Date::parse(&e.date).filter(|d| d >= first && d <= last) else { continue };
        let tag = (markers.len() + 1).to_string();
        let when = if e.at.is_empty() { e.date.clone() } else { e.at.clone() };
        let label =
            if e.label.trim().is_empty() || e.label == e.id { super::humanize(&e.id, &[]) } else { e.label.clone() };
        keys.push((format!("{tag}: {label} ({when})"), MUTED, Mark::Rule));
        markers.push(Marker { x: d.year_fraction(), tag });
    }
    (markers, keys)
}

/// Cooperation per issue: the mean of coop.ISSUE (the probability that the issue's parties
/// cooperate at that date), with the 5–95% band of the windowed rate coop_rate.ISSUE. The
/// legend names the two quantities, since the band is not the spread of the line's.
pub(super) fn cooperation<'a>(r: &'a Results, names: &Names<'_>, charts: &mut Vec<Chart<'a>>) {
    let series = &r.series;
    let dated = !series.dates.is_empty();
    let mut issues: Vec<&str> = Vec::new();
    for (parts, _) in series.of("coop").chain(series.of("coop_rate")) {
        if parts.len() == 1 && !issues.contains(&parts[0]) {
            issues.push(parts[0]);
        }
    }
    if dated && !issues.is_empty() {
        let cols = if issues.len() <= 4 { issues.len().max(1) } else { 4 };
        let (mut probability, mut rate_line, mut band) = (false, false, false);
        let panels = issues
            .iter()
            .map(|issue| {
                let mut lines = Vec::new();
                if let Some(rate) = series.get(&format!("coop_rate.{issue}")) {
                    lines.push(Line { colour: MUTED, values: &[], band: Some((&rate.p05, &rate.p95)) });
                    band = true;
                }
                if let Some(coop) = series.get(&format!("coop.{issue}")) {
                    lines.push(Line { colour: palette::BLACK, values: &coop.mean, band: None });
                    probability = true;
                } else if let Some(rate) = series.get(&format!("coop_rate.{issue}")) {
                    lines.push(Line { colour: palette::BLACK, values: &rate.mean, band: None });
                    rate_line = true;
                }
                Panel { title: panel_title(&names.issue(issue), cols), lines, y: (0.0, 1.0), percent: true }
            })
            .collect::<Vec<_>>();
        let window = match r.info.cooperation_window {
            0 => "its last few turns (the scenario's cooperation window)".to_string(),
            1 => "its latest turn".to_string(),
            n => format!("its last {n} turns"),
        };
        let mut legend = Vec::new();
        if probability {
            legend.push((
                "probability of cooperation: share of runs cooperating at that date".into(),
                palette::BLACK,
                Mark::Line,
            ));
        }
        if rate_line {
            legend.push((
                format!("mean across runs of the cooperation rate over {window}"),
                palette::BLACK,
                Mark::Line,
            ));
        }
        if band {
            legend.push((format!("5–95% of runs: each run's cooperation rate over {window}"), MUTED, Mark::Band));
        }
        charts.push(Chart {
            name: "cooperation",
            title: "Cooperation on each issue".into(),
            subtitle: if band {
                "Two quantities: the line is the probability of cooperation at each date; the band, the spread \
                 across runs of a run's recent cooperation rate"
                    .into()
            } else {
                "Probability of cooperation at each date, across runs".into()
            },
            caption: format!(
                "Two different quantities. Black line: the share of runs in which the issue's parties cooperate \
                 at that date, which is the probability of cooperation (for a public good, the mean share of \
                 participants contributing). Grey band: each run's own cooperation rate, the share of {window} \
                 in which it cooperated; 90% of runs lie inside the band, so it shows how much runs differ, not \
                 the uncertainty of the line. Dashed verticals: the scheduled events, numbered as in the legend."
            ),
            body: Body::Grid(grid(r, legend, panels, cols, 250)),
        });
    }
}

/// State variables (the Afghan threat…), one panel each.
pub(super) fn state<'a>(r: &'a Results, names: &Names<'_>, charts: &mut Vec<Chart<'a>>) {
    let series = &r.series;
    let dated = !series.dates.is_empty();
    let state: Vec<(Vec<&str>, &Band)> = series.of("state").collect();
    if dated && !state.is_empty() {
        let cols = state.len().clamp(1, 3);
        let panels: Vec<Panel<'_>> = state
            .iter()
            .map(|(p, band)| Panel {
                title: panel_title(&names.state(&p.join(".")), cols),
                lines: vec![
                    Line { colour: MUTED, values: &[], band: Some((&band.p05, &band.p95)) },
                    Line { colour: palette::BLACK, values: &band.mean, band: None },
                ],
                y: data_range(&[band]),
                percent: false,
            })
            .collect();
        charts.push(Chart {
            name: "state",
            title: "The state of the region".into(),
            subtitle: "Mean across runs, with the band holding 90% of runs".into(),
            caption: "The state variables of the scenario (such as the Afghan threat level) over time: black \
                      line the mean across runs, grey band from the 5th to the 95th percentile. Dashed \
                      verticals: the scheduled events, numbered as in the legend."
                .into(),
            body: Body::Grid(grid(
                r,
                vec![("mean".into(), palette::BLACK, Mark::Line), ("5–95% of runs".into(), MUTED, Mark::Band)],
                panels,
                cols,
                280,
            )),
        });
    }
}

/// Influence shares: one panel per client, one line per patron in the patron's colour.
pub(super) fn influence<'a>(r: &'a Results, names: &Names<'_>, charts: &mut Vec<Chart<'a>>) {
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
        let cols = clients.len().clamp(1, 3);
        let panels: Vec<Panel<'_>> = clients
            .iter()
            .map(|c| Panel {
                title: panel_title(&names.actor(c), cols),
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
        charts.push(Chart {
            name: "influence",
            title: "Who holds influence in each state?".into(),
            subtitle: "Each patron's share of influence: mean across runs, band holding 90% of runs".into(),
            caption: "The shares of influence that each outside power holds over each state; they sum to 100% \
                      in each state. Lines are means across runs, shaded bands the 5th to 95th percentiles. \
                      Dashed verticals: the scheduled events, numbered as in the legend."
                .into(),
            body: Body::Grid(grid(
                r,
                patrons.iter().map(|p| (names.actor(p), actor_colour(p), Mark::Line)).collect(),
                panels,
                cols,
                280,
            )),
        });
    }
}

/// Points of a line, leaving out dates without a value.
fn points(xs: &[f64], ys: &[f64]) -> Vec<(f64, f64)> {
    xs.iter().zip(ys).filter(|(_, y)| y.is_finite()).map(|(x, y)| (*x, *y)).collect()
}

pub(super) fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    p: &Panel<'_>,
    g: &Grid<'_>,
    axis: &TimeAxis,
) -> Res
where
    DB::ErrorType: 'static,
{
    let percent_fmt = |y: &f64| format!("{:.0}%", y * 100.0);
    let plain_fmt = |y: &f64| {
        let s = format!("{y:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    let year_fmt = |x: &f64| format!("{x:.0}");
    let body = draw_title(area, &p.title, g.title_lines, PANEL_TITLE)?;
    let (lo, hi) = axis.range();
    let events: Vec<&Marker> = g.events.iter().filter(|m| m.x >= lo && m.x <= hi).collect();
    let mut chart = ChartBuilder::on(&body)
        .margin(8)
        .margin_top(if events.is_empty() { 8 } else { 18 })
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
    for m in &events {
        let rule = MUTED.mix(0.8).stroke_width(1);
        chart.draw_series(DashedLineSeries::new(vec![(m.x, p.y.0), (m.x, p.y.1)], 4, 3, rule))?;
    }
    for line in &p.lines {
        if !line.values.is_empty() {
            chart.draw_series(LineSeries::new(points(xs, line.values), line.colour.stroke_width(2)))?;
        }
    }
    // Each event's key just above the plot, moved right when it would touch the one before.
    let (bx, by) = body.get_base_pixel();
    let style = font(11.0).color(&MUTED).pos(Pos::new(HPos::Center, VPos::Bottom));
    let mut right = i32::MIN;
    for m in &events {
        let (px, py) = chart.backend_coord(&(m.x, p.y.1));
        let w = text_size(&m.tag, &font(11.0)).0;
        let x = (px - bx).max(right + 3 + w / 2);
        body.draw(&Text::new(m.tag.clone(), (x, py - by - 2), style.clone()))?;
        right = x + w - w / 2;
    }
    Ok(())
}
