//! Sweep charts: `sweep_grid` (each outcome's probability over a two-parameter grid, as heat
//! maps), `sweep_points` (each outcome's probability against each swept parameter),
//! `sensitivity` (Sobol or Morris indices with their intervals) and `discovery` (the PRIM
//! peeling trajectory and the chosen box).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::names::Names;
use super::style::{GRID, INK, LABEL_SIZE, LEGEND_SIZE, MUTED, WIDTH, font, palette, short, text_size};
use super::text::{at_most, draw_title, line_height, wrap, wrap_path};
use super::{Body, Chart, HeatMaps, Mark, Res, Scatter, ScatterPanel, SensitivityBars, SensitivityValues, Trajectory};
use crate::english::count;
use crate::results::SweepResults;

/// Sizes of a scatter panel's and a sensitivity panel's titles.
const SCATTER_TITLE: f64 = 14.0;
const SENSITIVITY_TITLE: f64 = 15.0;
/// The widest a parameter's label may be beside the sensitivity bars before it wraps.
const PARAMETER_LABEL: i32 = 300;

pub(super) fn build_sweep(r: &SweepResults) -> Vec<Chart<'static>> {
    let names = Names::new(&r.info.labels, Vec::new());
    let mut charts = Vec::new();
    let params = &r.info.parameters;
    let outcomes: Vec<(usize, &String)> = r.outcomes.iter().enumerate().take(6).collect();
    let grid2 = r.info.design == "grid" && params.len() == 2;

    if grid2 && !outcomes.is_empty() && !r.points.is_empty() {
        let values = |d: usize| {
            let mut v: Vec<f64> = r.points.iter().map(|p| p.params[d]).collect();
            v.sort_by(f64::total_cmp);
            v.dedup();
            v
        };
        let (xs, ys) = (values(0), values(1));
        let snapshots: Vec<(String, Vec<Vec<Option<f64>>>)> = outcomes
            .iter()
            .map(|&(o, id)| {
                let mut m = vec![vec![None; xs.len()]; ys.len()];
                for p in &r.points {
                    let j = xs.iter().position(|x| *x == p.params[0]).expect("a value");
                    let i = ys.iter().position(|y| *y == p.params[1]).expect("a value");
                    m[i][j] = Some(p.outcomes[o].0);
                }
                (names.outcome(id), m)
            })
            .collect();
        // The colours span 0 to the largest probability (rounded up), so that small
        // probabilities stay distinguishable; the colour bar says where the scale ends.
        let top = snapshots.iter().flat_map(|(_, m)| m.iter().flatten().flatten()).fold(0.0f64, |a, b| a.max(*b));
        let max = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0].into_iter().find(|m| top <= *m).unwrap_or(1.0);
        charts.push(Chart {
            name: "sweep_grid",
            title: "Outcome probability over the grid".into(),
            subtitle: format!("Rows: {}\nColumns: {}", params[1], params[0]),
            caption: format!(
                "Each square is the probability of the outcome (in percent) at one point of the grid, from {}.",
                count(r.info.replications, "run")
            ),
            body: Body::HeatMaps(HeatMaps {
                rows: ys.iter().map(|y| vec![short(*y)]).collect(),
                cols: xs.iter().map(|x| short(*x)).collect(),
                snapshots,
                scale: "probability",
                percent: true,
                max,
            }),
        });
    } else if !outcomes.is_empty() && !r.points.is_empty() && !params.is_empty() {
        let mut panels = Vec::new();
        let cols = params.len().clamp(1, 6).min(3);
        let width = (WIDTH / cols as u32) as i32 - 40;
        for &(o, id) in &outcomes[..outcomes.len().min(4)] {
            for (d, param) in params.iter().enumerate().take(6) {
                let points: Vec<(f64, f64)> = r.points.iter().map(|p| (p.params[d], p.outcomes[o].0)).collect();
                let (lo, hi) =
                    points.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(p.0), b.max(p.0)));
                let pad = ((hi - lo) * 0.05).max(1e-9);
                // The parameter's path whole, wrapped after its dots; the outcome above it.
                let mut title = if outcomes.len() == 1 {
                    Vec::new()
                } else {
                    at_most(wrap(&names.outcome(id), width, SCATTER_TITLE), 2)
                };
                title.extend(wrap_path(param, width, SCATTER_TITLE));
                panels.push(ScatterPanel { title, x: (lo - pad, hi + pad), points });
            }
        }
        let title_lines = panels.iter().map(|p| p.title.len()).max().unwrap_or(1);
        charts.push(Chart {
            name: "sweep_points",
            title: "Outcome probability at each design point".into(),
            subtitle: if outcomes.len() == 1 {
                format!(
                    "Probability of “{}” at each design point, against each swept parameter",
                    names.outcome(outcomes[0].1)
                )
            } else {
                "One dot per design point: the swept parameter's value and the outcome's probability".into()
            },
            caption: format!(
                "Each dot is one point of the {} design, from {}; a trend along a parameter shows its effect, \
                 the vertical spread the effect of the others.",
                r.info.design,
                count(r.info.replications, "run")
            ),
            body: Body::Scatter(Scatter { panels, cols, title_lines }),
        });
    }

    if !r.sensitivity.is_empty() {
        let mut statistics: Vec<String> = Vec::new();
        let mut parameters: Vec<String> = Vec::new();
        let mut outputs: Vec<String> = Vec::new();
        for row in &r.sensitivity {
            for (list, v) in
                [(&mut statistics, &row.statistic), (&mut parameters, &row.parameter), (&mut outputs, &row.output)]
            {
                if !list.contains(v) {
                    list.push(v.clone());
                }
            }
        }
        outputs.truncate(8);
        let panels = outputs
            .iter()
            .map(|out| {
                let values = parameters
                    .iter()
                    .map(|p| {
                        statistics
                            .iter()
                            .map(|st| {
                                r.sensitivity
                                    .iter()
                                    .find(|x| &x.output == out && &x.parameter == p && &x.statistic == st)
                                    .map(|x| (x.value, x.low, x.high))
                            })
                            .collect()
                    })
                    .collect();
                (at_most(wrap(&names.output(out), WIDTH as i32 / 2 - 40, SENSITIVITY_TITLE), 3), values)
            })
            .collect();
        charts.push(Chart {
            name: "sensitivity",
            title: "Which parameters matter?".into(),
            subtitle: format!(
                "Sensitivity indices of each output ({} design), with bootstrap intervals",
                r.info.design
            ),
            caption: "For each output, how much of its variation each swept parameter explains: for Sobol, S1 its \
                      share alone and ST with its interactions; for Morris, mu* its mean absolute effect and sigma \
                      the spread of that effect. Whiskers: bootstrap 95% intervals."
                .into(),
            body: Body::Sensitivity(SensitivityBars {
                statistics,
                parameters: parameters.iter().map(|p| wrap_path(p, PARAMETER_LABEL, LABEL_SIZE)).collect(),
                panels,
            }),
        });
    }

    if !r.discovery.is_empty() {
        let boxes = r.discovery.iter().map(|b| (b.coverage, b.density, b.chosen)).collect();
        let chosen = r.discovery.iter().find(|b| b.chosen).or(r.discovery.last()).expect("non-empty");
        let whole = &r.discovery[0];
        let mut notes = vec![format!(
            "{} box: coverage {}, density {}, mass {}",
            if chosen.chosen { "Chosen" } else { "Last" },
            short(chosen.coverage),
            short(chosen.density),
            short(chosen.mass)
        )];
        for (d, param) in params.iter().enumerate() {
            let ((lo, hi), (a, b)) = (chosen.bounds[d], whole.bounds[d]);
            if lo > a || hi < b {
                notes.push(format!("{param} in [{}, {}]  (swept: [{}, {}])", short(lo), short(hi), short(a), short(b)));
            }
        }
        charts.push(Chart {
            name: "discovery",
            title: "Where is the outcome likely? (PRIM)".into(),
            subtitle: "Peeling trajectory: each box trades coverage of the outcome's cases for density".into(),
            caption: "Each dot is a box of parameter values found by PRIM's peeling: coverage is the share of all \
                      the cases where the outcome happens that fall in the box, density the share of the box's \
                      cases where it happens. The marked box and its ranges are the one chosen."
                .into(),
            body: Body::Trajectory(Trajectory { boxes, notes }),
        });
    }
    charts
}

pub(super) fn sensitivity_legend(sb: &SensitivityBars) -> Vec<(String, RGBColor, Mark)> {
    sb.statistics.iter().enumerate().map(|(k, st)| (st.clone(), palette::SERIES[k % 8], Mark::Bar)).collect()
}

/// Height of one scatter panel, its title included.
pub(super) fn scatter_height(sc: &Scatter) -> u32 {
    250 + (sc.title_lines.max(1) as u32 - 1) * line_height(SCATTER_TITLE)
}

/// Height of one sensitivity panel: its title, and a row per parameter tall enough for the
/// bars and for the parameter's label.
pub(super) fn sensitivity_height(sb: &SensitivityBars) -> u32 {
    let title_lines = sb.panels.iter().map(|p| p.0.len()).max().unwrap_or(1).max(1) as u32;
    let per_panel =
        60 + (title_lines - 1) * line_height(SENSITIVITY_TITLE) + sb.parameters.len() as u32 * row_height(sb);
    per_panel.max(200)
}

fn row_height(sb: &SensitivityBars) -> u32 {
    let lines = sb.parameters.iter().map(Vec::len).max().unwrap_or(1) as u32;
    (10 + 14 * sb.statistics.len() as u32).max(16 * lines + 8)
}

pub(super) fn draw_scatter<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    p: &ScatterPanel,
    title_lines: usize,
) -> Res
where
    DB::ErrorType: 'static,
{
    let pct = |y: &f64| format!("{:.0}%", y * 100.0);
    let num = |x: &f64| short(*x);
    let body = draw_title(area, &p.title, title_lines, SCATTER_TITLE)?;
    let mut chart = ChartBuilder::on(&body)
        .margin(8)
        .margin_right(18)
        .x_label_area_size(26)
        .y_label_area_size(48)
        .build_cartesian_2d(p.x.0..p.x.1, 0.0..1.0)?;
    chart
        .configure_mesh()
        .x_label_formatter(&num)
        .y_label_formatter(&pct)
        .x_labels(5)
        .y_labels(5)
        .label_style(font(LABEL_SIZE))
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(WHITE.mix(0.0))
        .axis_style(MUTED.stroke_width(1))
        .draw()?;
    chart.draw_series(p.points.iter().map(|&(x, y)| Circle::new((x, y), 3, palette::BLUE.mix(0.55).filled())))?;
    Ok(())
}

pub(super) fn draw_sensitivity<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    sb: &SensitivityBars,
    title: &[String],
    values: &SensitivityValues,
) -> Res
where
    DB::ErrorType: 'static,
{
    let n = sb.parameters.len().max(1);
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for (v, l, h) in values.iter().flatten().flatten() {
        for x in [Some(*v), *l, *h].into_iter().flatten().filter(|x| x.is_finite()) {
            lo = lo.min(x);
            hi = hi.max(x);
        }
    }
    if hi - lo < 1e-9 {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.05;
    let label_w = sb.parameters.iter().flatten().map(|p| text_size(p, &font(LABEL_SIZE)).0).max().unwrap_or(60) + 16;
    let num = |x: &f64| short(*x);
    let title_lines = sb.panels.iter().map(|p| p.0.len()).max().unwrap_or(1);
    let area = &draw_title(area, title, title_lines, SENSITIVITY_TITLE)?;
    let mut chart = ChartBuilder::on(area)
        .margin(8)
        .margin_right(20)
        .x_label_area_size(26)
        .y_label_area_size(label_w as u32)
        .build_cartesian_2d((lo - if lo < 0.0 { pad } else { 0.0 })..(hi + pad), 0.0..n as f64)?;
    chart
        .configure_mesh()
        .x_label_formatter(&num)
        .x_labels(6)
        .y_labels(0)
        .disable_y_mesh()
        .label_style(font(LABEL_SIZE))
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(WHITE.mix(0.0))
        .axis_style(MUTED.stroke_width(1))
        .draw()?;
    let k = sb.statistics.len().max(1) as f64;
    let bar = 0.76 / k;
    let (bx, by) = area.get_base_pixel();
    for (i, (param, stats)) in sb.parameters.iter().zip(values).enumerate() {
        let top = (n - i) as f64 - 0.12;
        for (s, v) in stats.iter().enumerate() {
            let Some((v, l, h)) = v else { continue };
            let (y1, y0) = (top - s as f64 * bar, top - (s + 1) as f64 * bar);
            let colour = palette::SERIES[s % 8];
            chart.draw_series(std::iter::once(Rectangle::new([(0.0, y0), (*v, y1)], colour.mix(0.85).filled())))?;
            if let (Some(l), Some(h)) = (l, h) {
                let ym = (y0 + y1) / 2.0;
                chart.draw_series(std::iter::once(PathElement::new(vec![(*l, ym), (*h, ym)], INK.stroke_width(1))))?;
            }
        }
        let (px, py) = chart.backend_coord(&(lo.min(0.0), (n - i) as f64 - 0.5));
        let style = font(LABEL_SIZE).pos(Pos::new(HPos::Right, VPos::Center));
        // The whole path, its lines centred on the parameter's row.
        let k = param.len() as i32;
        for (l, line) in param.iter().enumerate() {
            let y = py - by - (k - 1) * 8 + l as i32 * 16;
            area.draw(&Text::new(line.clone(), (px - bx - 8, y), style.clone()))?;
        }
    }
    chart.draw_series(std::iter::once(PathElement::new(vec![(0.0, 0.0), (0.0, n as f64)], MUTED.stroke_width(1))))?;
    Ok(())
}

pub(super) fn draw_trajectory<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, t: &Trajectory) -> Res
where
    DB::ErrorType: 'static,
{
    let (plot, below) = area.split_vertically(520);
    let pct = |y: &f64| format!("{:.0}%", y * 100.0);
    let mut chart = ChartBuilder::on(&plot)
        .margin(10)
        .margin_left(30)
        .margin_right(40)
        .x_label_area_size(44)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..1.0, 0.0..1.0)?;
    chart
        .configure_mesh()
        .x_label_formatter(&pct)
        .y_label_formatter(&pct)
        .x_labels(11)
        .y_labels(11)
        .x_desc("coverage: share of the outcome's cases inside the box")
        .y_desc("density: share of the box's cases with the outcome")
        .axis_desc_style(font(LABEL_SIZE))
        .label_style(font(LEGEND_SIZE))
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(WHITE.mix(0.0))
        .axis_style(MUTED.stroke_width(1))
        .draw()?;
    chart.draw_series(LineSeries::new(t.boxes.iter().map(|b| (b.0, b.1)), MUTED.stroke_width(2)))?;
    chart.draw_series(t.boxes.iter().map(|b| Circle::new((b.0, b.1), 4, palette::BLUE.filled())))?;
    for b in t.boxes.iter().filter(|b| b.2) {
        chart.draw_series(std::iter::once(Circle::new((b.0, b.1), 9, palette::VERMILLION.stroke_width(3))))?;
    }
    for (k, note) in t.notes.iter().enumerate() {
        let style = if k == 0 { font(LEGEND_SIZE) } else { font(LEGEND_SIZE).color(&MUTED) };
        below.draw(&Text::new(note.clone(), (40, 10 + 24 * k as i32), style))?;
    }
    Ok(())
}
