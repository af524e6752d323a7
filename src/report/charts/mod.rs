//! Charts of a run, drawn with plotters from the result tables ([`crate::results`]).
//!
//! Every chart is drawn twice from the same description, as PNG and as SVG. Text uses DejaVu
//! Sans, embedded in the binary, so charts render the same on a machine without fonts. Colours
//! come from the Okabe–Ito palette, which stays distinguishable with the common forms of
//! colour blindness; each actor keeps one colour in every chart (`actor_colour`), and
//! quantities that belong to no actor are drawn in black and grey.
//!
//! Nothing here knows the baseline's names: the charts are built from whatever metric paths
//! the tables contain, and a kind of chart with no data is left out.
//!
//! The chart descriptions (`Chart` and its bodies) live here with the entry points
//! (`draw_all`, `draw_sweep`, `draw_hindcast`, `draw_calibration`) and `render`; the families
//! that build and draw them sit in `time`, `outcomes`, `heat`, `sweep` and `hindcast`, on the
//! shared `style`, `axes`, `legend` and `raster`.
//!
//! Drawing is internal: [`crate::report::publish`] is the way to charts and a report. What
//! is public here is [`ChartError`] (a [`crate::report::PublishError`]) and the two number
//! formats every chart, page and terminal table shares, [`percent`] and [`points`].

mod axes;
mod heat;
mod hindcast;
mod legend;
mod names;
mod outcomes;
mod raster;
mod style;
mod sweep;
mod text;
mod time;
mod tournament;

use std::error::Error;

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::results::{CalibrationResults, Date, HindcastResults, Results, SweepResults};
use axes::TimeAxis;
use heat::{draw_colour_bar, draw_heat_maps, heat_layout};
use legend::{draw_legend, legend_rows};
use outcomes::{draw_bars, draw_cumulative, legend_of};
use style::{MUTED, SUBTITLE_SIZE, TITLE_SIZE, WIDTH, font};
use sweep::{build_sweep, draw_scatter, draw_sensitivity, draw_trajectory, sensitivity_legend};
use time::draw_panel;

pub(crate) use names::Names;
pub(crate) use style::{humanize, register_font};
pub use style::{percent, points};

/// A chart drawn both ways.
#[derive(Debug, Clone)]
pub(crate) struct Drawn {
    /// File stem, e.g. `cooperation` for `cooperation.png` and `cooperation.svg`.
    pub name: &'static str,
    pub title: String,
    /// What the chart shows, in a sentence or two, for the report.
    pub caption: String,
    pub png: Vec<u8>,
    pub svg: String,
}

/// A chart that could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("cannot draw the chart `{chart}`: {message}")]
pub struct ChartError {
    /// The chart's file stem, e.g. `cooperation`.
    pub chart: String,
    /// What went wrong, from the drawing backend.
    pub message: String,
}

type Res = Result<(), Box<dyn Error>>;

/// A line with an optional shaded band, over the time axis.
struct Line<'a> {
    colour: RGBColor,
    values: &'a [f64],
    band: Option<(&'a [f64], &'a [f64])>,
}

struct Panel<'a> {
    /// The title, wrapped to the panel's width.
    title: Vec<String>,
    lines: Vec<Line<'a>>,
    y: (f64, f64),
    percent: bool,
}

/// Small multiples over time, one panel per subject, with a shared legend.
struct Grid<'a> {
    legend: Vec<(String, RGBColor, Mark)>,
    panels: Vec<Panel<'a>>,
    cols: usize,
    /// Height of a panel with a one-line title.
    panel_height: u32,
    /// Lines every panel reserves for its title (the longest title's).
    title_lines: usize,
    /// Scheduled events, marked in every panel.
    events: Vec<Marker>,
}

/// A scheduled event on a time axis: a thin vertical line tagged with a short key.
struct Marker {
    /// The date as a fractional year.
    x: f64,
    /// The key, e.g. `1`, explained in the legend.
    tag: String,
}

#[derive(Clone, Copy, PartialEq)]
enum Mark {
    Line,
    Band,
    Dashed,
    Bar,
    /// A scheduled event's vertical line.
    Rule,
    /// No mark: the label heads a new row of the legend.
    Heading,
}

struct Bars {
    /// Label, probability, interval; in drawing order (top first).
    rows: Vec<(String, f64, f64, f64)>,
    runs: u64,
}

struct Cumulative<'a> {
    lines: Vec<(String, RGBColor, bool, Vec<f64>)>,
    never: Vec<&'a str>,
}

struct HeatMaps {
    /// Row labels, each in one or more lines, and column labels (for trust: who trusts, and
    /// who is trusted).
    rows: Vec<Vec<String>>,
    cols: Vec<String>,
    /// (title, values by row and column), one map each; titles are wrapped when laid out.
    snapshots: Vec<(String, Vec<Vec<Option<f64>>>)>,
    /// What the colour bar says the colours are.
    scale: &'static str,
    /// Cell values as percentages rather than `.xx`.
    percent: bool,
    /// The value drawn in the brightest colour (the scale runs from 0 to it).
    max: f64,
}

/// Small multiples of points: one panel per (outcome, parameter).
struct Scatter {
    panels: Vec<ScatterPanel>,
    cols: usize,
    /// Lines every panel reserves for its title.
    title_lines: usize,
}

struct ScatterPanel {
    /// The title, wrapped to the panel's width (a parameter path is never cut).
    title: Vec<String>,
    x: (f64, f64),
    points: Vec<(f64, f64)>,
}

/// Per parameter, per statistic: the index and its interval, if computed.
type SensitivityValues = Vec<Vec<Option<(f64, Option<f64>, Option<f64>)>>>;

/// Sensitivity indices: one panel per output, bars per parameter and statistic.
struct SensitivityBars {
    statistics: Vec<String>,
    /// Each parameter's path, wrapped after its dots.
    parameters: Vec<Vec<String>>,
    /// (output label in lines, per parameter, per statistic: value and interval).
    panels: Vec<(Vec<String>, SensitivityValues)>,
}

/// The PRIM peeling trajectory: coverage against density, the chosen box marked.
struct Trajectory {
    boxes: Vec<(f64, f64, bool)>,
    notes: Vec<String>,
}

enum Body<'a> {
    Grid(Grid<'a>),
    Bars(Bars),
    Cumulative(Cumulative<'a>),
    HeatMaps(HeatMaps),
    Scatter(Scatter),
    Sensitivity(SensitivityBars),
    Trajectory(Trajectory),
    Reliability(hindcast::Reliability),
    Worst(hindcast::Worst),
    Strip(tournament::Strip),
}

struct Chart<'a> {
    name: &'static str,
    title: String,
    /// One or more lines, separated by `\n`.
    subtitle: String,
    caption: String,
    body: Body<'a>,
}

/// Draws every chart the tables allow.
pub(crate) fn draw_all(r: &Results) -> Result<Vec<Drawn>, ChartError> {
    register_font();
    build(r).iter().filter_map(|c| render(c, &r.series.dates)).collect()
}

/// Draws every chart a sweep's tables allow.
pub(crate) fn draw_sweep(r: &SweepResults) -> Result<Vec<Drawn>, ChartError> {
    register_font();
    build_sweep(r).iter().filter_map(|c| render(c, &[])).collect()
}

/// Draws the charts of a hindcast.
pub(crate) fn draw_hindcast(r: &HindcastResults) -> Result<Vec<Drawn>, ChartError> {
    register_font();
    hindcast::build(&r.tables, None, "model").iter().filter_map(|c| render(c, &[])).collect()
}

/// Draws the charts of a calibration: the calibrated scenario's hindcast, the prior's beside.
pub(crate) fn draw_calibration(r: &CalibrationResults) -> Result<Vec<Drawn>, ChartError> {
    register_font();
    hindcast::build(&r.posterior, Some(&r.prior), "posterior").iter().filter_map(|c| render(c, &[])).collect()
}

/// Draws the charts of a tournament.
pub(crate) fn draw_tournament(r: &crate::results::tournament::TournamentResults) -> Result<Vec<Drawn>, ChartError> {
    register_font();
    tournament::build(r).iter().filter_map(|c| render(c, &[])).collect()
}

/// The names of every actor the tables mention, for capitalizing labels.
fn actor_names(r: &Results) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut add = |n: &str| {
        if !names.iter().any(|x| x == n) {
            names.push(n.to_string());
        }
    };
    for (parts, _) in r.series.of("trust").chain(r.series.of("influence")) {
        parts.iter().for_each(|p| add(p));
    }
    for (parts, _) in r.series.of("coop_rate") {
        if let Some(a) = parts.get(1) {
            add(a);
        }
    }
    names
}

fn build(r: &Results) -> Vec<Chart<'_>> {
    let names = Names::new(&r.info.labels, actor_names(r));
    let mut charts = Vec::new();
    time::cooperation(r, &names, &mut charts);
    outcomes::bars(r, &mut charts);
    outcomes::over_time(r, &mut charts);
    heat::trust(r, &names, &mut charts);
    time::state(r, &names, &mut charts);
    time::influence(r, &names, &mut charts);
    charts
}

/// How tall the chart is, given its contents.
fn height(c: &Chart<'_>) -> u64 {
    let header = u64::from(header_height(c));
    let times = |n: usize, each: u32| (n as u64).saturating_mul(u64::from(each));
    header.saturating_add(match &c.body {
        Body::Grid(g) => times(g.panels.len().div_ceil(g.cols), time::panel_height(g)),
        Body::Bars(b) => 70 + times(b.rows.len().max(3), 44),
        Body::Cumulative(cu) => 520 + times(legend_rows(&legend_of(cu), WIDTH - 80) as usize, 24) + 30,
        Body::HeatMaps(h) => {
            let l = heat_layout(h);
            let rows = h.snapshots.len().div_ceil(l.cols);
            times(rows, l.top).saturating_add(times(rows, l.cell).saturating_mul(h.rows.len() as u64)) + times(rows, 24)
        }
        Body::Scatter(sc) => times(sc.panels.len().div_ceil(sc.cols), sweep::scatter_height(sc)),
        Body::Sensitivity(sb) => times(sb.panels.len().div_ceil(2), sweep::sensitivity_height(sb)),
        Body::Trajectory(t) => 520 + times(t.notes.len(), 24) + 20,
        Body::Reliability(r) => u64::from(hindcast::reliability_height(r)),
        Body::Worst(w) => u64::from(hindcast::worst_height(w)),
        Body::Strip(s) => u64::from(tournament::strip_height(s)),
    })
}

/// The tallest chart drawn, in pixels: a bitmap of `WIDTH` × 20,000 pixels takes 72 MB. A
/// chart that would be taller (thousands of outcomes, actors or series in the tables) is not
/// drawn; the tables hold its numbers.
pub const MAX_HEIGHT: u64 = 20_000;

fn header_height(c: &Chart<'_>) -> u32 {
    let legend = match &c.body {
        Body::Grid(g) => legend_rows(&g.legend, WIDTH - 80) * 24,
        Body::HeatMaps(_) => 34,
        Body::Sensitivity(sb) => legend_rows(&sensitivity_legend(sb), WIDTH - 80) * 24,
        Body::Reliability(r) => legend_rows(&r.legend, WIDTH - 80) * 24,
        _ => 0,
    };
    18 + 34 + 26 + subtitle_extra(c) + legend + 10
}

/// Pixels the subtitle's lines after the first add to the header.
fn subtitle_extra(c: &Chart<'_>) -> u32 {
    (c.subtitle.lines().count().max(1) as u32 - 1) * 20
}

/// Draws `c`, or nothing when it would be taller than [`MAX_HEIGHT`].
fn render(c: &Chart<'_>, dates: &[Date]) -> Option<Result<Drawn, ChartError>> {
    let height = height(c);
    (height <= MAX_HEIGHT).then(|| render_sized(c, dates, (WIDTH, height as u32)))
}

fn render_sized(c: &Chart<'_>, dates: &[Date], size: (u32, u32)) -> Result<Drawn, ChartError> {
    // As many year labels as fit without crowding: about one per 50 pixels of plot.
    let plot_width = match &c.body {
        Body::Grid(g) => WIDTH / g.cols as u32 - 90,
        _ => WIDTH - 140,
    };
    let axis = (!dates.is_empty()).then(|| TimeAxis::new(dates, (plot_width / 50).max(2) as usize));
    let axis = axis.as_ref();
    let fail = |e: Box<dyn Error>| ChartError { chart: c.name.to_string(), message: e.to_string() };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw(&root, c, axis).map_err(fail)?;
        root.present().map_err(|e| fail(e.into()))?;
    }
    // Labels come from files: a control character would make the SVG ill-formed XML.
    if let std::borrow::Cow::Owned(safe) = crate::printable::printable(&svg) {
        svg = safe;
    }
    let mut rgb = vec![0u8; size.0 as usize * size.1 as usize * 3];
    {
        let root = raster::Raster(BitMapBackend::with_buffer(&mut rgb, size)).into_drawing_area();
        draw(&root, c, axis).map_err(fail)?;
        root.present().map_err(|e| fail(e.into()))?;
    }
    let mut png = Vec::new();
    {
        use image::ImageEncoder;
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(&rgb, size.0, size.1, image::ColorType::Rgb8)
            .map_err(|e| fail(e.into()))?;
    }
    Ok(Drawn { name: c.name, title: c.title.clone(), caption: c.caption.clone(), png, svg })
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, c: &Chart<'_>, axis: Option<&TimeAxis>) -> Res
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let (w, _) = root.dim_in_pixel();
    root.draw(&Text::new(c.title.clone(), (40, 18), font(TITLE_SIZE)))?;
    for (k, line) in c.subtitle.lines().enumerate() {
        root.draw(&Text::new(line.to_string(), (40, 18 + 36 + 20 * k as i32), font(SUBTITLE_SIZE).color(&MUTED)))?;
    }
    let top = 18 + 34 + 26 + subtitle_extra(c) as i32;
    let body_top = header_height(c) as i32;
    match &c.body {
        Body::Grid(g) => {
            draw_legend(root, &g.legend, (40, top), w as i32 - 80)?;
            let axis = axis.expect("grids are built only with dates");
            let (_, body) = root.split_vertically(body_top);
            let rows = g.panels.len().div_ceil(g.cols);
            let areas = body.split_evenly((rows, g.cols));
            for (area, panel) in areas.iter().zip(&g.panels) {
                draw_panel(area, panel, g, axis)?;
            }
        }
        Body::Bars(b) => draw_bars(&root.split_vertically(body_top).1, b)?,
        Body::Cumulative(cu) => draw_cumulative(&root.split_vertically(body_top).1, cu, axis.expect("dated"))?,
        Body::HeatMaps(h) => {
            draw_colour_bar(root, (40, top), h)?;
            draw_heat_maps(&root.split_vertically(body_top).1, h)?;
        }
        Body::Scatter(sc) => {
            let (_, body) = root.split_vertically(body_top);
            let areas = body.split_evenly((sc.panels.len().div_ceil(sc.cols), sc.cols));
            for (area, panel) in areas.iter().zip(&sc.panels) {
                draw_scatter(area, panel, sc.title_lines)?;
            }
        }
        Body::Sensitivity(sb) => {
            draw_legend(root, &sensitivity_legend(sb), (40, top), w as i32 - 80)?;
            let (_, body) = root.split_vertically(body_top);
            let cols = sb.panels.len().clamp(1, 2);
            let areas = body.split_evenly((sb.panels.len().div_ceil(cols), cols));
            for (area, (title, values)) in areas.iter().zip(&sb.panels) {
                draw_sensitivity(area, sb, title, values)?;
            }
        }
        Body::Trajectory(t) => draw_trajectory(&root.split_vertically(body_top).1, t)?,
        Body::Reliability(r) => {
            draw_legend(root, &r.legend, (40, top), w as i32 - 80)?;
            hindcast::draw_reliability(&root.split_vertically(body_top).1, r)?;
        }
        Body::Worst(wf) => hindcast::draw_worst(&root.split_vertically(body_top).1, wf)?,
        Body::Strip(s) => tournament::draw_strip(&root.split_vertically(body_top).1, s)?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::{Band, Date};
    use style::{WIDTH, clip};

    /// The text of every `<text>` element of an SVG, trimmed and unescaped.
    fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| t.split_once('>').and_then(|(_, rest)| rest.split_once("</text>")).map(|(s, _)| s))
            .map(|s| {
                s.trim()
                    .replace("&apos;", "'")
                    .replace("&#39;", "'")
                    .replace("&quot;", "\"")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&amp;", "&")
            })
            .collect()
    }

    /// A small made-up result set with every kind of series.
    fn results() -> Results {
        use crate::results::OutcomeRow;
        use crate::results::{Reached, RunInfo, Series};
        let dates: Vec<Date> =
            (0..12).map(|t| Date { year: 2014 + t / 4, month: 1 + 3 * (t as u32 % 4), day: 1 }).collect();
        let band = |f: &dyn Fn(f64) -> f64| {
            let mean: Vec<f64> = (0..12).map(|t| f(t as f64 / 11.0)).collect();
            Band {
                p05: mean.iter().map(|m| m * 0.8).collect(),
                p50: mean.clone(),
                p95: mean.iter().map(|m| (m * 1.2).min(1.0)).collect(),
                mean,
            }
        };
        let mut series = Series { dates, ..Default::default() };
        for (path, f) in [
            ("state.threat", &(|x: f64| 0.3 + 0.4 * x) as &dyn Fn(f64) -> f64),
            ("influence.security.kazakhstan.russia", &|x| 0.6 - 0.2 * x),
            ("influence.security.kazakhstan.china", &|x| 0.3 + 0.1 * x),
            ("influence.security.kazakhstan.nato", &|x| 0.1 + 0.1 * x),
            ("coop.transit", &|x| 0.8 - 0.5 * x),
            ("coop_rate.transit", &|x| 0.8 - 0.5 * x),
            ("trust.russia.china", &|x| 0.5 + 0.3 * x),
            ("trust.china.russia", &|x| 0.5 + 0.2 * x),
            ("trust.nato.russia", &|x| 0.4 - 0.3 * x),
        ] {
            series.paths.insert(path.to_string(), band(f));
        }
        let row = |id: &str, p: f64| OutcomeRow {
            outcome: id.into(),
            label: format!("{id} <&> happens"),
            runs: 10,
            reached: (p * 10.0) as u64,
            probability: p,
            ci_low: p * 0.5,
            ci_high: (p * 1.5).min(1.0),
            median_first_date: String::new(),
        };
        let mut reached = Reached { runs: 10, by_date: vec![Default::default(), Default::default()] };
        reached.by_date[0].insert(series.dates[3], 4);
        reached.by_date[0].insert(series.dates[7], 2);
        Results {
            info: RunInfo::default(),
            series,
            outcomes: vec![row("deal", 0.6), row("war", 0.0)],
            reached,
            comparison: Vec::new(),
        }
    }

    /// The same, with the labels and the scheduled events a current manifest records.
    fn labelled() -> Results {
        use crate::results::labels::{Labels, ScheduledEvent};
        let mut r = results();
        let map = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let event = |id: &str, label: &str, date: &str, at: &str| ScheduledEvent {
            id: id.into(),
            label: label.into(),
            date: date.into(),
            at: at.into(),
        };
        r.info.labels = Labels {
            actors: map(&[("kazakhstan", "Republic of Kazakhstan"), ("russia", "Russia"), ("nato", "NATO")]),
            issues: map(&[("transit", "NDN transit through Kazakhstan")]),
            state: map(&[("threat", "Afghan threat level (terrorism and spill-over)")]),
            outcomes: map(&[("deal", "deal <&> happens")]),
            events: vec![
                event("ukraine_break", "CSTO suspends all contacts with NATO over Ukraine", "2014-04-01", "2014-Q2"),
                event("isaf_end", "ISAF ends", "2015-01-01", "2015-Q1"),
                event("later", "After the last date", "2031-01-01", "2031-Q1"),
            ],
        };
        r.info.cooperation_window = 4;
        r
    }

    #[test]
    fn every_chart_renders_with_text_on_a_bare_machine() {
        let drawn = draw_all(&results()).unwrap();
        let names: Vec<&str> = drawn.iter().map(|d| d.name).collect();
        assert_eq!(names, ["cooperation", "outcomes", "outcomes_over_time", "trust", "state", "influence"]);
        for d in &drawn {
            let img = image::load_from_memory(&d.png).unwrap().to_rgb8();
            assert_eq!(img.width(), WIDTH);
            // Text was rasterized: many distinct grey levels from anti-aliased glyphs.
            let greys: std::collections::BTreeSet<u8> =
                img.pixels().filter(|p| p[0] == p[1] && p[1] == p[2]).map(|p| p[0]).collect();
            assert!(greys.len() > 20, "{}: {} grey levels", d.name, greys.len());
            assert!(d.svg.starts_with("<svg") && d.svg.contains("<text") && d.svg.trim_end().ends_with("</svg>"));
            assert!(d.svg.contains(&d.title), "{}", d.name);
        }
        // Labels are escaped in SVG.
        assert!(drawn[1].svg.contains("deal &lt;&amp;&gt; happens"));
        // The same data draws the same bytes.
        assert_eq!(draw_all(&results()).unwrap()[0].png, drawn[0].png);
    }

    #[test]
    fn charts_use_the_scenarios_labels_and_mark_its_events() {
        let drawn = draw_all(&labelled()).unwrap();
        let svg = |name: &str| drawn.iter().find(|d| d.name == name).unwrap().svg.clone();
        assert!(svg("cooperation").contains("NDN transit through Kazakhstan"));
        assert!(!svg("cooperation").contains(">Transit<"));
        assert!(svg("state").contains("Afghan threat level"));
        assert!(svg("influence").contains("Republic of Kazakhstan"));
        assert!(svg("trust").contains("Russia") && svg("trust").contains("NATO"));
        // Without labels (an older manifest), ids are made readable.
        let plain = draw_all(&results()).unwrap();
        assert!(plain[0].svg.contains("Transit") && !plain[0].svg.contains("NDN transit"));
        // Each time chart keys the events inside its dates, and tags them in every panel.
        for name in ["cooperation", "state", "influence"] {
            let s = svg(name);
            assert!(s.contains("1: CSTO suspends all contacts with NATO over Ukraine (2014-Q2)"), "{name}");
            assert!(s.contains("2: ISAF ends (2015-Q1)"), "{name}");
            assert!(!s.contains("After the last date"), "{name}");
            let tags = texts(&s);
            assert!(tags.iter().any(|t| t == "1") && tags.iter().any(|t| t == "2"), "{name}: {tags:?}");
            assert!(!plain.iter().any(|d| d.svg.contains("(2014-Q2)")));
        }
        // The cooperation legend names both quantities, and the window of the band's.
        let coop = svg("cooperation");
        assert!(coop.contains("probability of cooperation: share of runs cooperating at that date"));
        assert!(texts(&coop).contains(&"5–95% of runs: each run's cooperation rate over its last 4 turns".to_string()));
    }

    #[test]
    fn long_names_do_not_break_the_layout() {
        let mut r = results();
        r.outcomes[0].label = "an outcome whose label goes on and on ".repeat(10);
        let band = r.series.paths["trust.russia.china"].clone();
        r.series.paths.insert(format!("trust.{}.russia", "x".repeat(300)), band.clone());
        r.series.paths.insert(format!("coop.{}", "y_".repeat(200)), band);
        assert_eq!(draw_all(&r).unwrap().len(), 6);
        assert_eq!(clip("abcdef", 4), "abc…");
    }

    #[test]
    fn a_sweep_draws_points_sensitivity_and_discovery() {
        use crate::results::{Point, PrimBox, Sensitivity, SweepInfo, SweepResults};
        let info =
            SweepInfo { design: "sobol".into(), parameters: vec!["a.x".into(), "b.y".into()], ..Default::default() };
        let points = (0..30)
            .map(|i| {
                let (x, y) = (i as f64 / 30.0, (i * 7 % 30) as f64 / 30.0);
                Point { params: vec![x, y], outcomes: vec![(x * 0.8, 0.0, 1.0)], outputs: vec![y] }
            })
            .collect();
        let sens = |output: &str, parameter: &str, statistic: &str, value: f64| Sensitivity {
            output: output.into(),
            parameter: parameter.into(),
            statistic: statistic.into(),
            value,
            low: Some(value - 0.1),
            high: Some(value + 0.1),
        };
        let sensitivity = vec![
            sens("outcome.deal", "a.x", "S1", 0.7),
            sens("outcome.deal", "a.x", "ST", 0.8),
            sens("outcome.deal", "b.y", "S1", -0.02),
            sens("outcome.deal", "b.y", "ST", 0.1),
        ];
        let boxed = |chosen, coverage, density, hi| PrimBox {
            chosen,
            coverage,
            density,
            mass: 0.5,
            bounds: vec![(0.0, hi), (0.0, 1.0)],
        };
        let r = SweepResults {
            info,
            outcomes: vec!["deal".into()],
            outputs: vec!["state.t".into()],
            points,
            sensitivity,
            discovery: vec![boxed(false, 1.0, 0.4, 1.0), boxed(true, 0.8, 0.7, 0.5)],
        };
        let drawn = draw_sweep(&r).unwrap();
        let names: Vec<&str> = drawn.iter().map(|d| d.name).collect();
        assert_eq!(names, ["sweep_points", "sensitivity", "discovery"]);
        assert!(drawn[1].svg.contains("P(Deal)") && drawn[1].svg.contains("ST"));
        assert!(drawn[2].svg.contains("a.x in [0, 0.5]"));
        for d in &drawn {
            image::load_from_memory(&d.png).unwrap();
        }
    }

    #[test]
    fn long_parameter_paths_are_wrapped_whole_and_outcomes_labelled() {
        use crate::results::{Point, Sensitivity, SweepInfo, SweepResults};
        let long = [
            "issues.sco_csto_integration.payoffs.sco.autonomy.reward",
            "issues.sco_csto_integration.payoffs.sco.autonomy.sucker",
        ];
        let mut info = SweepInfo {
            design: "latin".into(),
            parameters: long.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        info.labels.outcomes.insert("bloc".into(), "The SCO becomes a military bloc with the CSTO".into());
        let points = (0..12)
            .map(|i| Point { params: vec![i as f64, -(i as f64)], outcomes: vec![(0.1, 0.0, 0.2)], outputs: vec![] })
            .collect();
        let sensitivity = long
            .iter()
            .map(|p| Sensitivity {
                output: "outcome.bloc".into(),
                parameter: p.to_string(),
                statistic: "mu_star".into(),
                value: 0.3,
                low: None,
                high: None,
            })
            .collect();
        let r = SweepResults {
            info,
            outcomes: vec!["bloc".into()],
            outputs: vec![],
            points,
            sensitivity,
            discovery: vec![],
        };
        let drawn = draw_sweep(&r).unwrap();
        // The text of every label, its lines joined: each path is there whole, and the two
        // differ (nothing is cut to an ellipsis).
        for d in &drawn {
            let text: String = texts(&d.svg).concat();
            for p in long {
                assert!(text.contains(p), "{}: {p} not whole in {text}", d.name);
            }
            assert!(!d.svg.contains('…'), "{}", d.name);
        }
        assert!(drawn[1].svg.contains("P(The SCO becomes a military bloc with the CSTO)"));
    }

    #[test]
    fn charts_without_data_are_left_out() {
        let mut r = results();
        r.series.paths.retain(|p, _| p.starts_with("state."));
        r.outcomes.clear();
        r.reached.by_date.clear();
        let names: Vec<&str> = draw_all(&r).unwrap().iter().map(|d| d.name).collect();
        assert_eq!(names, ["state"]);
    }
}
