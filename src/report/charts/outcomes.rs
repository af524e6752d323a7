//! Outcome charts: `outcomes` (each outcome's probability with its 95% interval, most likely
//! first) and `outcomes_over_time` (the cumulative probability that each outcome has been
//! reached by each date).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::TimeAxis;
use super::legend::draw_legend;
use super::style::{GRID, INK, LABEL_SIZE, LEGEND_SIZE, MUTED, clip, font, palette, percent, text_size};
use super::{Bars, Body, Chart, Cumulative, Mark, Res};
use crate::english::count;
use crate::results::Results;

/// Outcomes, most likely first.
pub(super) fn bars<'a>(r: &'a Results, charts: &mut Vec<Chart<'a>>) {
    if !r.outcomes.is_empty() {
        let mut rows: Vec<_> =
            r.outcomes.iter().map(|o| (clip(&o.label, 60), o.probability, o.ci_low, o.ci_high)).collect();
        rows.sort_by(|a, b| b.1.total_cmp(&a.1));
        let runs = r.outcomes.iter().map(|o| o.runs).max().unwrap_or(0);
        charts.push(Chart {
            name: "outcomes",
            title: "How likely is each outcome?".into(),
            subtitle: format!("Share of {} reaching the outcome by the end, with its 95% interval", count(runs, "run")),
            caption: "Each bar is the probability that the outcome is reached at some point of the run; the \
                      whisker is its 95% Wilson confidence interval from the number of runs."
                .into(),
            body: Body::Bars(Bars { rows, runs }),
        });
    }
}

/// Cumulative probability of each outcome by date.
pub(super) fn over_time<'a>(r: &'a Results, charts: &mut Vec<Chart<'a>>) {
    let series = &r.series;
    let dated = !series.dates.is_empty();
    if dated && !r.outcomes.is_empty() && r.reached.runs > 0 {
        let mut lines = Vec::new();
        let mut never = Vec::new();
        for (o, row) in r.outcomes.iter().enumerate() {
            let cum = r.reached.cumulative(o, &series.dates);
            if cum.last().copied().unwrap_or(0.0) > 0.0 {
                let k = lines.len();
                let label = format!("{} ({})", clip(&row.label, 70), percent(row.probability));
                lines.push((label, palette::SERIES[k % 8], k >= 8, cum));
            } else {
                never.push(row.label.as_str());
            }
        }
        lines.sort_by(|a, b| b.3.last().unwrap_or(&0.0).total_cmp(a.3.last().unwrap_or(&0.0)));
        for (k, l) in lines.iter_mut().enumerate() {
            l.1 = palette::SERIES[k % 8];
            l.2 = k >= 8;
        }
        charts.push(Chart {
            name: "outcomes_over_time",
            title: "When are the outcomes reached?".into(),
            subtitle: "Cumulative probability that each outcome has been reached by each date".into(),
            caption: "Each line rises as more runs reach the outcome for the first time; its end is the \
                      outcome's probability in the bar chart."
                .into(),
            body: Body::Cumulative(Cumulative { lines, never }),
        });
    }
}

pub(super) fn legend_of(cu: &Cumulative<'_>) -> Vec<(String, RGBColor, Mark)> {
    cu.lines.iter().map(|(l, c, dashed, _)| (l.clone(), *c, if *dashed { Mark::Dashed } else { Mark::Line })).collect()
}

pub(super) fn draw_bars<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, b: &Bars) -> Res
where
    DB::ErrorType: 'static,
{
    let n = b.rows.len();
    let label_w = b.rows.iter().map(|r| text_size(&r.0, &font(LEGEND_SIZE)).0).max().unwrap_or(100) + 24;
    let labels: Vec<String> = b.rows.iter().map(|r| r.0.clone()).collect();
    let y_fmt = |v: &SegmentValue<usize>| match v {
        SegmentValue::CenterOf(i) if *i < n => labels[n - 1 - *i].clone(),
        _ => String::new(),
    };
    let x_fmt = |x: &f64| format!("{:.0}%", x * 100.0);
    let mut chart = ChartBuilder::on(area)
        .margin(10)
        .margin_left(30)
        .margin_right(200)
        .x_label_area_size(40)
        .y_label_area_size(label_w as u32)
        .build_cartesian_2d(0.0..1.0, (0..n.max(1) - 1).into_segmented())?;
    chart
        .configure_mesh()
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .x_labels(11)
        .disable_y_mesh()
        .label_style(font(LEGEND_SIZE))
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(WHITE.mix(0.0))
        .axis_style(MUTED.stroke_width(1))
        .x_desc(format!("probability over {}", count(b.runs, "run")))
        .axis_desc_style(font(LABEL_SIZE))
        .draw()?;
    for (k, (_, p, lo, hi)) in b.rows.iter().enumerate() {
        let i = n - 1 - k;
        let mut bar = Rectangle::new(
            [(0.0, SegmentValue::Exact(i)), (*p, SegmentValue::Exact(i + 1))],
            palette::SKY_BLUE.mix(0.9).filled(),
        );
        bar.set_margin(7, 7, 0, 0);
        chart.draw_series(std::iter::once(bar))?;
        // The whisker, in the area's pixels (backend coordinates are the root's).
        let (bx, by) = area.get_base_pixel();
        let at = |x: f64| {
            let (px, py) = chart.backend_coord(&(x, SegmentValue::CenterOf(i)));
            (px - bx, py - by)
        };
        let ((xl, y), (xh, _)) = (at(*lo), at(*hi));
        let whisker = INK.stroke_width(2);
        area.draw(&PathElement::new(vec![(xl, y), (xh, y)], whisker))?;
        area.draw(&PathElement::new(vec![(xl, y - 6), (xl, y + 6)], whisker))?;
        area.draw(&PathElement::new(vec![(xh, y - 6), (xh, y + 6)], whisker))?;
        let (px, py) = (xh, y);
        let text = format!("{}  [{}–{}]", percent(*p), percent(*lo), percent(*hi));
        area.draw(&Text::new(text, (px + 10, py), font(LEGEND_SIZE).pos(Pos::new(HPos::Left, VPos::Center))))?;
    }
    Ok(())
}

pub(super) fn draw_cumulative<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    cu: &Cumulative<'_>,
    axis: &TimeAxis,
) -> Res
where
    DB::ErrorType: 'static,
{
    let (plot, below) = area.split_vertically(520);
    let year_fmt = |x: &f64| format!("{x:.0}");
    let pct = |y: &f64| format!("{:.0}%", y * 100.0);
    let mut chart = ChartBuilder::on(&plot)
        .margin(10)
        .margin_left(30)
        .margin_right(40)
        .x_label_area_size(30)
        .y_label_area_size(56)
        .build_cartesian_2d(axis.coord(), 0.0..1.0)?;
    chart
        .configure_mesh()
        .x_label_formatter(&year_fmt)
        .y_label_formatter(&pct)
        .y_labels(11)
        .label_style(font(LEGEND_SIZE))
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(WHITE.mix(0.0))
        .axis_style(MUTED.stroke_width(1))
        .draw()?;
    for (_, colour, dashed, cum) in &cu.lines {
        // A step: the share reached by a date holds until the next date.
        let mut pts = Vec::with_capacity(cum.len() * 2);
        for (t, y) in cum.iter().enumerate() {
            if t > 0 {
                pts.push((axis.xs[t], cum[t - 1]));
            }
            pts.push((axis.xs[t], *y));
        }
        if *dashed {
            chart.draw_series(DashedLineSeries::new(pts, 8, 6, colour.stroke_width(3)))?;
        } else {
            chart.draw_series(LineSeries::new(pts, colour.stroke_width(3)))?;
        }
    }
    let (w, _) = below.dim_in_pixel();
    let y = draw_legend(&below, &legend_of(cu), (40, 10), w as i32 - 80)?;
    if !cu.never.is_empty() {
        let text = format!("Never reached in any run: {}", cu.never.join("; "));
        below.draw(&Text::new(text, (40, y + 2), font(LEGEND_SIZE).color(&MUTED)))?;
    }
    Ok(())
}
