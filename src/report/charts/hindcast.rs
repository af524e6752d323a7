//! Hindcast charts: `reliability` (per split, the model's observed frequency against its
//! forecast in each bin, with the diagonal of perfect reliability and each bin's count) and
//! `worst_facts` (per split, the facts with the largest Brier scores, with their claims).
//! For a calibration, the reliability panels show the posterior filled and the prior hollow.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{GRID, INK, LABEL_SIZE, LEGEND_SIZE, MUTED, clip, font, palette, percent, text_size};
use super::{Body, Chart, Mark, Res};
use crate::results::HindcastTables;

/// A bin of forecasts: its mean forecast, observed frequency and count.
type BinPoint = (f64, f64, usize);

/// One panel of the reliability diagram: per series, its colour, whether it is filled, and
/// its bins.
pub(super) struct ReliabilityPanel {
    title: String,
    series: Vec<(RGBColor, bool, Vec<BinPoint>)>,
}

pub(super) struct Reliability {
    pub(super) legend: Vec<(String, RGBColor, Mark)>,
    pub(super) panels: Vec<ReliabilityPanel>,
}

/// Facts by Brier score: (claim, split, Brier, forecast, held), worst first within each split.
pub(super) struct Worst {
    pub(super) rows: Vec<(String, String, f64, f64, bool)>,
}

const SPLITS: [&str; 3] = ["train", "test", "all"];

fn split_colour(split: &str) -> RGBColor {
    match split {
        "train" => palette::BLUE,
        "test" => palette::VERMILLION,
        _ => palette::BLACK,
    }
}

fn bins(t: &HindcastTables, split: &str) -> Vec<BinPoint> {
    t.reliability
        .iter()
        .filter(|b| b.split == split && b.n > 0)
        .filter_map(|b| Some((b.mean_forecast?, b.observed_frequency?, b.n)))
        .collect()
}

/// The two charts of a hindcast (`prior`, when given, is drawn hollow beside it).
pub(super) fn build(t: &HindcastTables, prior: Option<&HindcastTables>, what: &str) -> Vec<Chart<'static>> {
    let mut charts = Vec::new();
    let n = |split: &str| t.facts.iter().filter(|f| f.brier.is_some() && (split == "all" || f.split == split)).count();
    let panels: Vec<ReliabilityPanel> = SPLITS
        .iter()
        .filter(|s| n(s) > 0)
        .map(|&split| {
            let mut series = vec![(split_colour(split), true, bins(t, split))];
            if let Some(p) = prior {
                series.push((MUTED, false, bins(p, split)));
            }
            ReliabilityPanel { title: format!("{split} ({} facts)", n(split)), series }
        })
        .collect();
    if !panels.is_empty() {
        // A point per bin of forecasts, labelled with its count.
        let mut legend: Vec<(String, RGBColor, Mark)> = ["train", "test", "all"]
            .iter()
            .filter(|s| n(s) > 0)
            .map(|&s| (format!("{what}, {s} facts"), split_colour(s), Mark::Bar))
            .collect();
        if prior.is_some() {
            legend.push(("prior (the scenario as given), hollow rings".into(), MUTED, Mark::Line));
        }
        legend.push(("perfect reliability".into(), MUTED, Mark::Dashed));
        charts.push(Chart {
            name: "reliability",
            title: "Reliability: how often what the model gave p happened".into(),
            subtitle: "Facts binned by forecast (tenths); a reliable forecaster's points lie on the diagonal".into(),
            caption: "Each point is one bin of forecasts: across, the mean forecast of its facts; up, the share of \
                      them that held; beside it, how many facts it holds. Points below the diagonal are \
                      overconfident that something happens, points above it underconfident."
                .into(),
            body: Body::Reliability(Reliability { legend, panels }),
        });
    }
    let mut rows: Vec<(String, String, f64, f64, bool)> = Vec::new();
    for split in ["train", "test"] {
        let mut facts: Vec<_> = t.facts.iter().filter(|f| f.split == split && f.brier.is_some()).collect();
        facts.sort_by(|a, b| b.brier.partial_cmp(&a.brier).expect("finite"));
        rows.extend(
            facts
                .iter()
                .take(8)
                .map(|f| (clip(&f.claim, 70), split.to_string(), f.brier.unwrap_or(0.0), f.probability, f.observed)),
        );
    }
    if !rows.is_empty() {
        charts.push(Chart {
            name: "worst_facts",
            title: "The facts the model got most wrong".into(),
            subtitle: format!(
                "{what}: Brier score (forecast − outcome)², up to eight per split, train in blue, test in vermillion"
            ),
            caption:
                "Each bar is one fact's Brier score: 0 is a forecast of certainty that came true, 1 a forecast of \
                      certainty that did not, 0.25 a forecast of 50%. Beside each bar, the model's forecast and what \
                      happened."
                    .into(),
            body: Body::Worst(Worst { rows }),
        });
    }
    charts
}

pub(super) fn reliability_height(r: &Reliability) -> u32 {
    r.panels.len().div_ceil(3) as u32 * 420
}

pub(super) fn worst_height(w: &Worst) -> u32 {
    70 + 34 * w.rows.len().max(3) as u32
}

pub(super) fn draw_reliability<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, r: &Reliability) -> Res
where
    DB::ErrorType: 'static,
{
    let cols = r.panels.len().clamp(1, 3);
    let areas = area.split_evenly((r.panels.len().div_ceil(cols), cols));
    for (a, p) in areas.iter().zip(&r.panels) {
        draw_panel(a, p)?;
    }
    Ok(())
}

fn draw_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, p: &ReliabilityPanel) -> Res
where
    DB::ErrorType: 'static,
{
    let pct = |x: &f64| format!("{:.0}%", x * 100.0);
    let mut chart = ChartBuilder::on(area)
        .caption(&p.title, font(15.0))
        .margin(10)
        .margin_right(24)
        .x_label_area_size(40)
        .y_label_area_size(52)
        .build_cartesian_2d(0.0..1.0, 0.0..1.0)?;
    chart
        .configure_mesh()
        .x_label_formatter(&pct)
        .y_label_formatter(&pct)
        .x_labels(6)
        .y_labels(6)
        .label_style(font(LABEL_SIZE))
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(WHITE.mix(0.0))
        .axis_style(MUTED.stroke_width(1))
        .x_desc("forecast")
        .y_desc("observed")
        .axis_desc_style(font(LABEL_SIZE))
        .draw()?;
    // The diagonal, dashed.
    let steps = 20;
    chart.draw_series((0..steps).step_by(2).map(|i| {
        let (a, b) = (i as f64 / steps as f64, (i + 1) as f64 / steps as f64);
        PathElement::new(vec![(a, a), (b, b)], MUTED.stroke_width(1))
    }))?;
    for (colour, filled, bins) in &p.series {
        for &(f, o, n) in bins {
            let radius = (4.0 + (n as f64).sqrt() * 2.0).min(14.0) as i32;
            let style = if *filled { colour.mix(0.8).filled() } else { colour.stroke_width(2) };
            chart.draw_series(std::iter::once(Circle::new((f, o), radius, style)))?;
            if *filled {
                let (x, y) = chart.backend_coord(&(f, o));
                let (bx, by) = area.get_base_pixel();
                let label = Text::new(
                    n.to_string(),
                    (x - bx + radius + 3, y - by),
                    font(LABEL_SIZE).pos(Pos::new(HPos::Left, VPos::Center)),
                );
                area.draw(&label)?;
            }
        }
    }
    Ok(())
}

pub(super) fn draw_worst<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, w: &Worst) -> Res
where
    DB::ErrorType: 'static,
{
    let n = w.rows.len();
    let label_w = w.rows.iter().map(|r| text_size(&r.0, &font(LABEL_SIZE)).0).max().unwrap_or(100).min(560) + 20;
    let labels: Vec<String> = w.rows.iter().map(|r| r.0.clone()).collect();
    let y_fmt = |v: &SegmentValue<usize>| match v {
        SegmentValue::CenterOf(i) if *i < n => labels[n - 1 - *i].clone(),
        _ => String::new(),
    };
    let mut chart = ChartBuilder::on(area)
        .margin(10)
        .margin_left(20)
        .margin_right(190)
        .x_label_area_size(40)
        .y_label_area_size(label_w as u32)
        .build_cartesian_2d(0.0..1.0, (0..n.max(1) - 1).into_segmented())?;
    chart
        .configure_mesh()
        .y_label_formatter(&y_fmt)
        .x_labels(6)
        .disable_y_mesh()
        .label_style(font(LABEL_SIZE))
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(WHITE.mix(0.0))
        .axis_style(MUTED.stroke_width(1))
        .x_desc("Brier score")
        .axis_desc_style(font(LABEL_SIZE))
        .draw()?;
    for (k, (_, split, brier, forecast, held)) in w.rows.iter().enumerate() {
        let i = n - 1 - k;
        let mut bar = Rectangle::new(
            [(0.0, SegmentValue::Exact(i)), (*brier, SegmentValue::Exact(i + 1))],
            split_colour(split).mix(0.85).filled(),
        );
        bar.set_margin(5, 5, 0, 0);
        chart.draw_series(std::iter::once(bar))?;
        let (bx, by) = area.get_base_pixel();
        let (x, y) = chart.backend_coord(&(*brier, SegmentValue::CenterOf(i)));
        let text = format!("forecast {}, {}", percent(*forecast), if *held { "held" } else { "did not hold" });
        let style = font(LEGEND_SIZE).color(&INK).pos(Pos::new(HPos::Left, VPos::Center));
        area.draw(&Text::new(text, (x - bx + 8, y - by), style))?;
    }
    Ok(())
}
