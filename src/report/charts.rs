//! Charts of a run, drawn with plotters from the result tables ([`crate::results`]).
//!
//! Every chart is drawn twice from the same description, as PNG and as SVG. Text uses DejaVu
//! Sans, embedded in the binary, so charts render the same on a machine without fonts. Colours
//! come from the Okabe–Ito palette, which stays distinguishable with the common forms of
//! colour blindness; each actor keeps one colour in every chart ([`actor_colour`]), and
//! quantities that belong to no actor are drawn in black and grey.
//!
//! Nothing here knows the baseline's names: the charts are built from whatever metric paths
//! the tables contain, and a kind of chart with no data is left out.

use std::error::Error;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::colors::colormaps::ViridisRGB;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::results::{Band, Date, Results, SweepResults};

/// The embedded font: DejaVu Sans (see `assets/fonts/LICENSE-DejaVu.txt`).
static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// The family name the charts use. It is written verbatim into SVG `font-family` attributes,
/// so a browser uses DejaVu Sans if installed, else a font of similar width.
const FAMILY: &str = "DejaVu Sans, Verdana, sans-serif";

/// Registers the embedded font with plotters (once per process).
pub fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for name in [FAMILY, "sans-serif"] {
            if plotters::style::register_font(name, FontStyle::Normal, FONT_BYTES).is_err() {
                unreachable!("the embedded font is a valid TrueType file");
            }
        }
    });
}

fn font(size: f64) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&INK)
}

/// Width and height of `text` in `style`, from the embedded font's metrics.
fn text_size(text: &str, style: &TextStyle<'_>) -> (i32, i32) {
    style.font.box_size(text).map(|(w, h)| (w as i32, h as i32)).unwrap_or((text.len() as i32 * 8, 14))
}

/// The Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design").
pub mod palette {
    use plotters::style::RGBColor;
    pub const BLACK: RGBColor = RGBColor(0, 0, 0);
    pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
    pub const SKY_BLUE: RGBColor = RGBColor(86, 180, 233);
    pub const BLUISH_GREEN: RGBColor = RGBColor(0, 158, 115);
    pub const YELLOW: RGBColor = RGBColor(240, 228, 66);
    pub const BLUE: RGBColor = RGBColor(0, 114, 178);
    pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
    pub const REDDISH_PURPLE: RGBColor = RGBColor(204, 121, 167);
    /// For series that are not actors (outcomes), in order of contrast on white.
    pub const SERIES: [RGBColor; 8] = [BLUE, VERMILLION, BLUISH_GREEN, REDDISH_PURPLE, ORANGE, SKY_BLUE, BLACK, YELLOW];
}

const INK: RGBColor = RGBColor(34, 34, 34);
const GRID: RGBColor = RGBColor(225, 225, 225);
const MUTED: RGBColor = RGBColor(95, 95, 95);
const EMPTY_CELL: RGBColor = RGBColor(242, 242, 242);

/// One colour per actor, the same in every chart: the West (NATO, the US, its allies) blue,
/// Russia and the CSTO vermillion, China and the SCO reddish purple; any other actor gets one
/// of the remaining Okabe–Ito colours, chosen by a hash of its id, so it never depends on
/// which other actors a chart shows.
pub fn actor_colour(id: &str) -> RGBColor {
    use palette::*;
    match id.to_ascii_lowercase().as_str() {
        "nato" | "usa" | "us" | "allies" | "west" | "eu" => BLUE,
        "russia" | "csto" | "eaeu" => VERMILLION,
        "china" | "sco" => REDDISH_PURPLE,
        other => {
            const REST: [RGBColor; 5] = [ORANGE, SKY_BLUE, BLUISH_GREEN, BLACK, YELLOW];
            // FNV-1a: stable across platforms and releases, unlike std's hasher.
            let h = other.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3));
            REST[(h % REST.len() as u64) as usize]
        }
    }
}

/// Words written in capitals in labels.
const ACRONYMS: [&str; 12] = ["nato", "csto", "sco", "usa", "us", "eu", "un", "isaf", "cis", "eaeu", "osce", "nrc"];

/// A person's name for an id: `kazakhstan` → `Kazakhstan`, `nato_csto_info` → `NATO CSTO info`,
/// `afghan_threat` → `Afghan threat`. Acronyms are capitalized, and so are `proper` names.
pub fn humanize(id: &str, proper: &[String]) -> String {
    let cap = |w: &str| {
        let mut c = w.chars();
        c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
    };
    id.split(['_', '-'])
        .filter(|w| !w.is_empty())
        .enumerate()
        .map(|(i, w)| {
            if ACRONYMS.contains(&w.to_ascii_lowercase().as_str()) {
                w.to_uppercase()
            } else if i == 0 || proper.iter().any(|p| p == w) {
                cap(w)
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A chart drawn both ways.
#[derive(Debug, Clone)]
pub struct Drawn {
    /// File stem, e.g. `cooperation` for `cooperation.png` and `cooperation.svg`.
    pub name: &'static str,
    pub title: String,
    /// What the chart shows, in a sentence or two, for the report.
    pub caption: String,
    pub png: Vec<u8>,
    pub svg: String,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot draw the chart `{chart}`: {message}")]
pub struct ChartError {
    pub chart: String,
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
    title: String,
    lines: Vec<Line<'a>>,
    y: (f64, f64),
    percent: bool,
}

/// Small multiples over time, one panel per subject, with a shared legend.
struct Grid<'a> {
    legend: Vec<(String, RGBColor, Mark)>,
    panels: Vec<Panel<'a>>,
    cols: usize,
    panel_height: u32,
}

#[derive(Clone, Copy, PartialEq)]
enum Mark {
    Line,
    Band,
    Dashed,
    Bar,
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
    /// Row and column labels (for trust: who trusts, and who is trusted).
    rows: Vec<String>,
    cols: Vec<String>,
    /// (title, values by row and column), one map each.
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
}

struct ScatterPanel {
    title: String,
    x: (f64, f64),
    points: Vec<(f64, f64)>,
}

/// Per parameter, per statistic: the index and its interval, if computed.
type SensitivityValues = Vec<Vec<Option<(f64, Option<f64>, Option<f64>)>>>;

/// Sensitivity indices: one panel per output, bars per parameter and statistic.
struct SensitivityBars {
    statistics: Vec<String>,
    parameters: Vec<String>,
    /// (output label, per parameter, per statistic: value and interval).
    panels: Vec<(String, SensitivityValues)>,
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
}

struct Chart<'a> {
    name: &'static str,
    title: String,
    subtitle: String,
    caption: String,
    body: Body<'a>,
}

const WIDTH: u32 = 1200;
const TITLE_SIZE: f64 = 26.0;
const SUBTITLE_SIZE: f64 = 15.0;
const LABEL_SIZE: f64 = 13.0;
const LEGEND_SIZE: f64 = 14.0;

/// The x-axis: each date as a fractional year, and round years to label.
struct TimeAxis {
    xs: Vec<f64>,
    ticks: Vec<f64>,
}

impl TimeAxis {
    fn new(dates: &[Date], max_labels: usize) -> TimeAxis {
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

    fn range(&self) -> (f64, f64) {
        let (lo, hi) = (self.xs[0], *self.xs.last().expect("non-empty"));
        if hi > lo { (lo, hi) } else { (lo - 0.5, hi + 0.5) }
    }

    fn coord(&self) -> Years {
        let (lo, hi) = self.range();
        Years { lo, hi, ticks: self.ticks.clone() }
    }
}

/// A linear time axis in fractional years whose labels and grid lines are round years.
struct Years {
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

/// Draws every chart the tables allow.
pub fn draw_all(r: &Results) -> Result<Vec<Drawn>, ChartError> {
    register_font();
    build(r).iter().map(|c| render(c, &r.series.dates)).collect()
}

/// Draws every chart a sweep's tables allow.
pub fn draw_sweep(r: &SweepResults) -> Result<Vec<Drawn>, ChartError> {
    register_font();
    build_sweep(r).iter().map(|c| render(c, &[])).collect()
}

/// A number for a label: at most four significant decimals, no trailing zeros.
fn short(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// A person's name for a sweep output column: `outcome.X` or `output.PATH`.
pub fn output_label(output: &str) -> String {
    match output.split_once('.') {
        Some(("outcome", id)) => format!("P({})", humanize(id, &[])),
        Some(("output", path)) => format!("mean {path}"),
        _ => output.to_string(),
    }
}

fn build_sweep(r: &SweepResults) -> Vec<Chart<'static>> {
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
                (clip(&humanize(id, &[]), 40), m)
            })
            .collect();
        // The colours span 0 to the largest probability (rounded up), so that small
        // probabilities stay distinguishable; the colour bar says where the scale ends.
        let top = snapshots.iter().flat_map(|(_, m)| m.iter().flatten().flatten()).fold(0.0f64, |a, b| a.max(*b));
        let max = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0].into_iter().find(|m| top <= *m).unwrap_or(1.0);
        charts.push(Chart {
            name: "sweep_grid",
            title: "Outcome probability over the grid".into(),
            subtitle: clip(&format!("Rows: {} · columns: {}", params[1], params[0]), 120),
            caption: format!(
                "Each square is the probability of the outcome (in percent) at one point of the grid, from {} runs.",
                r.info.replications
            ),
            body: Body::HeatMaps(HeatMaps {
                rows: ys.iter().map(|y| short(*y)).collect(),
                cols: xs.iter().map(|x| short(*x)).collect(),
                snapshots,
                scale: "probability",
                percent: true,
                max,
            }),
        });
    } else if !outcomes.is_empty() && !r.points.is_empty() && !params.is_empty() {
        let mut panels = Vec::new();
        for &(o, id) in &outcomes[..outcomes.len().min(4)] {
            for (d, param) in params.iter().enumerate().take(6) {
                let points: Vec<(f64, f64)> = r.points.iter().map(|p| (p.params[d], p.outcomes[o].0)).collect();
                let (lo, hi) =
                    points.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(p.0), b.max(p.0)));
                let pad = ((hi - lo) * 0.05).max(1e-9);
                let title =
                    if outcomes.len() == 1 { param.clone() } else { format!("{} · {}", humanize(id, &[]), param) };
                panels.push(ScatterPanel { title: clip(&title, 52), x: (lo - pad, hi + pad), points });
            }
        }
        let cols = params.len().clamp(1, 6).min(3);
        charts.push(Chart {
            name: "sweep_points",
            title: "Outcome probability at each design point".into(),
            subtitle: if outcomes.len() == 1 {
                format!(
                    "Probability of “{}” at each design point, against each swept parameter",
                    humanize(outcomes[0].1, &[])
                )
            } else {
                "One dot per design point: the swept parameter's value and the outcome's probability".into()
            },
            caption: format!(
                "Each dot is one point of the {} design, from {} runs; a trend along a parameter shows its effect, \
                 the vertical spread the effect of the others.",
                r.info.design, r.info.replications
            ),
            body: Body::Scatter(Scatter { panels, cols }),
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
                (clip(&output_label(out), 60), values)
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
                parameters: parameters.iter().map(|p| clip(p, 56)).collect(),
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
                notes.push(clip(
                    &format!("{param} in [{}, {}]  (swept: [{}, {}])", short(lo), short(hi), short(a), short(b)),
                    130,
                ));
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

fn sensitivity_legend(sb: &SensitivityBars) -> Vec<(String, RGBColor, Mark)> {
    sb.statistics.iter().enumerate().map(|(k, st)| (st.clone(), palette::SERIES[k % 8], Mark::Bar)).collect()
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

fn data_range(bands: &[&Band]) -> (f64, f64) {
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

fn build(r: &Results) -> Vec<Chart<'_>> {
    let names = actor_names(r);
    let human = |id: &str| humanize(id, &names);
    let mut charts = Vec::new();
    let series = &r.series;
    let dated = !series.dates.is_empty();

    // Cooperation per issue: the mean of coop.ISSUE (the probability that the issue's parties
    // cooperate at that date), with the 5–95% band of the windowed rate coop_rate.ISSUE.
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

    // Outcomes, most likely first.
    if !r.outcomes.is_empty() {
        let mut rows: Vec<_> =
            r.outcomes.iter().map(|o| (clip(&o.label, 60), o.probability, o.ci_low, o.ci_high)).collect();
        rows.sort_by(|a, b| b.1.total_cmp(&a.1));
        let runs = r.outcomes.iter().map(|o| o.runs).max().unwrap_or(0);
        charts.push(Chart {
            name: "outcomes",
            title: "How likely is each outcome?".into(),
            subtitle: format!("Share of {runs} runs reaching the outcome by the end, with its 95% interval"),
            caption: "Each bar is the probability that the outcome is reached at some point of the run; the \
                      whisker is its 95% Wilson confidence interval from the number of runs."
                .into(),
            body: Body::Bars(Bars { rows, runs }),
        });
    }

    // Cumulative probability of each outcome by date.
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

    // Trust between the main actors, as heat maps at a few dates.
    let trust: Vec<(Vec<&str>, &Band)> = series.of("trust").filter(|(p, _)| p.len() == 2).collect();
    if dated && !trust.is_empty() {
        let mut actors: Vec<String> = Vec::new();
        for (p, _) in &trust {
            for a in p {
                if !actors.iter().any(|x| x == a) && actors.len() < 12 {
                    actors.push(a.to_string());
                }
            }
        }
        // Rows: the actors that trust someone; columns: those trusted; both in actor order.
        let pairs: Vec<&(Vec<&str>, &Band)> = trust
            .iter()
            .filter(|(p, _)| actors.iter().any(|a| a == p[0]) && actors.iter().any(|a| a == p[1]))
            .collect();
        let rows: Vec<&String> = actors.iter().filter(|a| pairs.iter().any(|(p, _)| p[0] == a.as_str())).collect();
        let cols: Vec<&String> = actors.iter().filter(|a| pairs.iter().any(|(p, _)| p[1] == a.as_str())).collect();
        let snapshots = snapshot_dates(&series.dates)
            .into_iter()
            .map(|t| {
                let mut m = vec![vec![None; cols.len()]; rows.len()];
                for (p, band) in &pairs {
                    let i = rows.iter().position(|a| a.as_str() == p[0]).expect("a row");
                    let j = cols.iter().position(|a| a.as_str() == p[1]).expect("a column");
                    m[i][j] = Some(band.mean[t]).filter(|v| v.is_finite());
                }
                (series.dates[t].to_string(), m)
            })
            .collect();
        let (rows, cols) =
            (rows.iter().map(|a| clip(&human(a), 24)).collect(), cols.iter().map(|a| clip(&human(a), 24)).collect());
        charts.push(Chart {
            name: "trust",
            title: "Trust between the main actors".into(),
            subtitle: "Mean trust of the row actor in the column actor (0 = none, 1 = full), across runs".into(),
            caption: "Each square is how much the actor on the left trusts the actor on top, averaged over runs, \
                      at the date above the map. Blank squares are pairs the scenario does not record."
                .into(),
            body: Body::HeatMaps(HeatMaps { rows, cols, snapshots, scale: "trust", percent: false, max: 1.0 }),
        });
    }

    // State variables (the Afghan threat…), one panel each.
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

    // Influence shares: one panel per client, one line per patron in the patron's colour.
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
    charts
}

/// The dates of the trust heat maps: the start, two years on, the middle year and the end,
/// leaving out any too close to one already chosen.
fn snapshot_dates(dates: &[Date]) -> Vec<usize> {
    let n = dates.len();
    let xs: Vec<f64> = dates.iter().map(|d| d.year_fraction()).collect();
    let nearest = |x: f64| (0..n).min_by(|&a, &b| (xs[a] - x).abs().total_cmp(&(xs[b] - x).abs())).unwrap_or(0);
    let targets = [xs[0], xs[n - 1], xs[0].floor() + 2.0, ((xs[0] + xs[n - 1]) / 2.0).round()];
    let mut chosen: Vec<usize> = Vec::new();
    let gap = n as f64 / 10.0;
    for x in targets {
        let t = nearest(x);
        if chosen.iter().all(|&c| (c as f64 - t as f64).abs() >= gap.max(1.0)) {
            chosen.push(t);
        }
    }
    chosen.sort_unstable();
    chosen
}

/// `s`, cut to at most `n` characters with an ellipsis, so that no label can crowd out a plot.
fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n - 1).collect::<String>()) }
}

/// `0.0123` → `1.2%`; tiny non-zero shares are not rounded to zero.
pub fn percent(p: f64) -> String {
    if p <= 0.0 {
        "0%".into()
    } else if p < 0.001 {
        "<0.1%".into()
    } else if p > 0.999 && p < 1.0 {
        ">99.9%".into()
    } else if (0.99..1.0).contains(&p) {
        format!("{:.1}%", p * 100.0)
    } else if p >= 0.1 {
        format!("{:.0}%", p * 100.0)
    } else {
        format!("{:.1}%", p * 100.0)
    }
}

/// How tall the chart is, given its contents.
fn height(c: &Chart<'_>) -> u32 {
    let header = header_height(c);
    header
        + match &c.body {
            Body::Grid(g) => g.panels.len().div_ceil(g.cols) as u32 * g.panel_height,
            Body::Bars(b) => 70 + 44 * b.rows.len().max(3) as u32,
            Body::Cumulative(cu) => 520 + legend_rows(&legend_of(cu), WIDTH - 80) * 24 + 30,
            Body::HeatMaps(h) => {
                let (cols, cell, top, _) = heat_layout(h);
                let rows = h.snapshots.len().div_ceil(cols) as u32;
                rows * (top + cell * h.rows.len() as u32 + 24)
            }
            Body::Scatter(sc) => sc.panels.len().div_ceil(sc.cols) as u32 * 250,
            Body::Sensitivity(sb) => {
                let per_panel = 60 + sb.parameters.len() as u32 * (10 + 14 * sb.statistics.len() as u32);
                sb.panels.len().div_ceil(2) as u32 * per_panel.max(200)
            }
            Body::Trajectory(t) => 520 + 24 * t.notes.len() as u32 + 20,
        }
}

fn legend_of(cu: &Cumulative<'_>) -> Vec<(String, RGBColor, Mark)> {
    cu.lines.iter().map(|(l, c, dashed, _)| (l.clone(), *c, if *dashed { Mark::Dashed } else { Mark::Line })).collect()
}

fn header_height(c: &Chart<'_>) -> u32 {
    let legend = match &c.body {
        Body::Grid(g) => legend_rows(&g.legend, WIDTH - 80) * 24,
        Body::HeatMaps(_) => 34,
        Body::Sensitivity(sb) => legend_rows(&sensitivity_legend(sb), WIDTH - 80) * 24,
        _ => 0,
    };
    18 + 34 + 26 + legend + 10
}

fn legend_item_width(label: &str) -> i32 {
    28 + text_size(label, &font(LEGEND_SIZE)).0 + 24
}

fn legend_rows(items: &[(String, RGBColor, Mark)], width: u32) -> u32 {
    let mut rows = if items.is_empty() { 0 } else { 1 };
    let mut x = 0;
    for (label, _, _) in items {
        let w = legend_item_width(label);
        if x > 0 && x + w > width as i32 {
            rows += 1;
            x = 0;
        }
        x += w;
    }
    rows
}

/// Draws a legend starting at `(x0, y0)`, wrapping at `width`; returns the y below it.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    items: &[(String, RGBColor, Mark)],
    (x0, y0): (i32, i32),
    width: i32,
) -> Result<i32, Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    let (mut x, mut y) = (x0, y0);
    let style = font(LEGEND_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
    for (label, colour, mark) in items {
        let w = legend_item_width(label);
        if x > x0 && x + w > x0 + width {
            x = x0;
            y += 24;
        }
        let cy = y + 10;
        match mark {
            Mark::Line => area.draw(&PathElement::new(vec![(x, cy), (x + 22, cy)], colour.stroke_width(3)))?,
            Mark::Dashed => {
                area.draw(&PathElement::new(vec![(x, cy), (x + 8, cy)], colour.stroke_width(3)))?;
                area.draw(&PathElement::new(vec![(x + 14, cy), (x + 22, cy)], colour.stroke_width(3)))?;
            }
            Mark::Band => area.draw(&Rectangle::new([(x, cy - 7), (x + 22, cy + 7)], colour.mix(0.3).filled()))?,
            Mark::Bar => area.draw(&Rectangle::new([(x, cy - 7), (x + 22, cy + 7)], colour.mix(0.85).filled()))?,
        }
        area.draw(&Text::new(label.clone(), (x + 28, cy), style.clone()))?;
        x += w;
    }
    Ok(y + 24)
}

fn render(c: &Chart<'_>, dates: &[Date]) -> Result<Drawn, ChartError> {
    let size = (WIDTH, height(c));
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

mod raster {
    use plotters::prelude::*;
    use plotters::style::text_anchor::{HPos, VPos};
    use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};

    /// The bitmap backend with text drawn glyph by glyph at sub-pixel positions.
    ///
    /// plotters 0.3.7 places each glyph at a whole pixel and drops its left side bearing, which
    /// makes words look unevenly spaced ("Ch ina"). This draws text the same size and at the same
    /// place (the baseline half the font size below the layout box's top, as plotters does) with
    /// each glyph where the font puts it; everything else goes to the bitmap backend.
    pub(super) struct Raster<'a>(pub(super) BitMapBackend<'a>);

    type RasterError<'a> = DrawingErrorKind<<BitMapBackend<'a> as DrawingBackend>::ErrorType>;

    impl<'a> DrawingBackend for Raster<'a> {
        type ErrorType = <BitMapBackend<'a> as DrawingBackend>::ErrorType;

        fn get_size(&self) -> (u32, u32) {
            self.0.get_size()
        }
        fn ensure_prepared(&mut self) -> Result<(), RasterError<'a>> {
            self.0.ensure_prepared()
        }
        fn present(&mut self) -> Result<(), RasterError<'a>> {
            self.0.present()
        }
        fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), RasterError<'a>> {
            self.0.draw_pixel(point, color)
        }
        fn draw_line<S: BackendStyle>(
            &mut self,
            from: BackendCoord,
            to: BackendCoord,
            style: &S,
        ) -> Result<(), RasterError<'a>> {
            self.0.draw_line(from, to, style)
        }
        fn draw_rect<S: BackendStyle>(
            &mut self,
            upper_left: BackendCoord,
            bottom_right: BackendCoord,
            style: &S,
            fill: bool,
        ) -> Result<(), RasterError<'a>> {
            self.0.draw_rect(upper_left, bottom_right, style, fill)
        }
        fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
            &mut self,
            path: I,
            style: &S,
        ) -> Result<(), RasterError<'a>> {
            self.0.draw_path(path, style)
        }
        fn draw_circle<S: BackendStyle>(
            &mut self,
            center: BackendCoord,
            radius: u32,
            style: &S,
            fill: bool,
        ) -> Result<(), RasterError<'a>> {
            self.0.draw_circle(center, radius, style, fill)
        }
        fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
            &mut self,
            vert: I,
            style: &S,
        ) -> Result<(), RasterError<'a>> {
            self.0.fill_polygon(vert, style)
        }
        fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Result<(), RasterError<'a>> {
            self.0.blit_bitmap(pos, size, src)
        }

        fn draw_text<TStyle: BackendTextStyle>(
            &mut self,
            text: &str,
            style: &TStyle,
            pos: BackendCoord,
        ) -> Result<(), RasterError<'a>> {
            use ab_glyph::{Font, ScaleFont};
            let color = style.color();
            if color.alpha == 0.0 {
                return Ok(());
            }
            // The same box as plotters' layout, so anchors and label areas agree with it.
            let ((x0, y0), (x1, y1)) = style.layout_box(text).map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?;
            let (width, height) = (x1 - x0, y1 - y0);
            let anchor = style.anchor();
            let dx = match anchor.h_pos {
                HPos::Left => 0,
                HPos::Right => -width,
                HPos::Center => -width / 2,
            };
            let dy = match anchor.v_pos {
                VPos::Top => 0,
                VPos::Center => -height / 2,
                VPos::Bottom => -height,
            };
            let trans = style.transform();
            let (w, h) = self.get_size();
            let font = embedded_font();
            let scaled = font.as_scaled(style.size() as f32);
            let baseline = style.size() as f32 / 2.0;
            let mut pen = 0f32;
            let mut prev = None;
            for c in text.chars() {
                let id = scaled.glyph_id(c);
                if let Some(p) = prev {
                    pen += scaled.kern(p, id);
                }
                prev = Some(id);
                let glyph = id.with_scale_and_position(scaled.scale(), ab_glyph::point(pen, baseline));
                pen += scaled.h_advance(id);
                let Some(outline) = font.outline_glyph(glyph) else { continue };
                let bounds = outline.px_bounds();
                let mut result = Ok(());
                outline.draw(|gx, gy, coverage| {
                    if result.is_err() || coverage <= 0.0 {
                        return;
                    }
                    let (x, y) = (bounds.min.x as i32 + gx as i32 + dx, bounds.min.y as i32 + gy as i32 + dy);
                    let (x, y) = trans.transform(x, y);
                    let (x, y) = (pos.0 + x, pos.1 + y);
                    if x >= 0 && x < w as i32 && y >= 0 && y < h as i32 {
                        let c = BackendColor { alpha: color.alpha * coverage.min(1.0) as f64, rgb: color.rgb };
                        result = self.0.draw_pixel((x, y), c);
                    }
                });
                result?;
            }
            Ok(())
        }
    }

    fn embedded_font() -> &'static ab_glyph::FontRef<'static> {
        static FONT: std::sync::OnceLock<ab_glyph::FontRef<'static>> = std::sync::OnceLock::new();
        FONT.get_or_init(|| ab_glyph::FontRef::try_from_slice(super::FONT_BYTES).expect("the embedded font is valid"))
    }
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, c: &Chart<'_>, axis: Option<&TimeAxis>) -> Res
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let (w, _) = root.dim_in_pixel();
    root.draw(&Text::new(c.title.clone(), (40, 18), font(TITLE_SIZE)))?;
    root.draw(&Text::new(c.subtitle.clone(), (40, 18 + 36), font(SUBTITLE_SIZE).color(&MUTED)))?;
    let top = 18 + 34 + 26;
    let body_top = header_height(c) as i32;
    match &c.body {
        Body::Grid(g) => {
            draw_legend(root, &g.legend, (40, top), w as i32 - 80)?;
            let axis = axis.expect("grids are built only with dates");
            let (_, body) = root.split_vertically(body_top);
            let rows = g.panels.len().div_ceil(g.cols);
            let areas = body.split_evenly((rows, g.cols));
            for (area, panel) in areas.iter().zip(&g.panels) {
                draw_panel(area, panel, axis)?;
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
                draw_scatter(area, panel)?;
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
    }
    Ok(())
}

fn draw_scatter<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, p: &ScatterPanel) -> Res
where
    DB::ErrorType: 'static,
{
    let pct = |y: &f64| format!("{:.0}%", y * 100.0);
    let num = |x: &f64| short(*x);
    let mut chart = ChartBuilder::on(area)
        .caption(&p.title, font(14.0))
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

fn draw_sensitivity<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    sb: &SensitivityBars,
    title: &str,
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
    let label_w = sb.parameters.iter().map(|p| text_size(p, &font(LABEL_SIZE)).0).max().unwrap_or(60).min(300) + 16;
    let num = |x: &f64| short(*x);
    let mut chart = ChartBuilder::on(area)
        .caption(title, font(15.0))
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
        area.draw(&Text::new(param.clone(), (px - bx - 8, py - by), style))?;
    }
    chart.draw_series(std::iter::once(PathElement::new(vec![(0.0, 0.0), (0.0, n as f64)], MUTED.stroke_width(1))))?;
    Ok(())
}

fn draw_trajectory<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, t: &Trajectory) -> Res
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

/// Points of a line, leaving out dates without a value.
fn points(xs: &[f64], ys: &[f64]) -> Vec<(f64, f64)> {
    xs.iter().zip(ys).filter(|(_, y)| y.is_finite()).map(|(x, y)| (*x, *y)).collect()
}

fn draw_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, p: &Panel<'_>, axis: &TimeAxis) -> Res
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

fn draw_bars<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, b: &Bars) -> Res
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
        .x_desc(format!("probability over {} runs", b.runs))
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

fn draw_cumulative<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, cu: &Cumulative<'_>, axis: &TimeAxis) -> Res
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

/// Heat-map layout: columns of maps, cell size, space above the cells, space left of them.
fn heat_layout(h: &HeatMaps) -> (usize, u32, u32, u32) {
    let width = |labels: &[String]| labels.iter().map(|l| text_size(l, &font(LABEL_SIZE)).0).max().unwrap_or(60) as u32;
    let label_w = width(&h.rows) + 14;
    let n = h.cols.len().max(1) as u32;
    // As many maps side by side as fit with cells of at least 34 pixels.
    let fits = (WIDTH / (label_w + 40 + 34 * n)).max(1) as usize;
    let cols = h.snapshots.len().clamp(1, fits);
    let panel_w = WIDTH / cols as u32;
    let cell = (panel_w.saturating_sub(label_w + 40) / n).clamp(20, 46);
    let top = 46 + width(&h.cols);
    (cols, cell, top, label_w)
}

fn draw_colour_bar<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, (x, y): (i32, i32), h: &HeatMaps) -> Res
where
    DB::ErrorType: 'static,
{
    let style = font(LABEL_SIZE).pos(Pos::new(HPos::Left, VPos::Center));
    let start = format!("{}:  0", h.scale);
    area.draw(&Text::new(start.clone(), (x, y + 10), style.clone()))?;
    let x0 = x + text_size(&start, &font(LABEL_SIZE)).0 + 8;
    let w = 240;
    for k in 0..w {
        let c = ViridisRGB::get_color(k as f32 / (w - 1) as f32);
        area.draw(&Rectangle::new([(x0 + k, y + 2), (x0 + k + 1, y + 18)], c.filled()))?;
    }
    let end = if h.percent { percent(h.max) } else { short(h.max) };
    area.draw(&Text::new(end.clone(), (x0 + w + 8, y + 10), style.clone()))?;
    let x1 = x0 + w + 24 + text_size(&end, &font(LABEL_SIZE)).0;
    area.draw(&Rectangle::new([(x1, y + 2), (x1 + 16, y + 18)], EMPTY_CELL.filled()))?;
    area.draw(&Rectangle::new([(x1, y + 2), (x1 + 16, y + 18)], GRID.stroke_width(1)))?;
    area.draw(&Text::new("not recorded", (x1 + 24, y + 10), style))?;
    Ok(())
}

fn draw_heat_maps<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, h: &HeatMaps) -> Res
where
    DB::ErrorType: 'static,
{
    let (cols, cell, top, label_w) = heat_layout(h);
    let rows = h.snapshots.len().div_ceil(cols);
    let panels = area.split_evenly((rows, cols));
    let cell_i = cell as i32;
    let value_size = (cell as f64 * 0.34).clamp(9.0, 13.0);
    for (panel, (title, m)) in panels.iter().zip(&h.snapshots) {
        let x0 = 20 + label_w as i32;
        let y0 = top as i32;
        panel.draw(&Text::new(title.clone(), (x0, 8), font(17.0)))?;
        for (j, label) in h.cols.iter().enumerate() {
            // Column labels, rotated to read upwards, ending just above the cells.
            let style = font(LABEL_SIZE).transform(FontTransform::Rotate270).pos(Pos::new(HPos::Left, VPos::Center));
            panel.draw(&Text::new(label.clone(), (x0 + j as i32 * cell_i + cell_i / 2, y0 - 6), style))?;
        }
        for (i, (label, row)) in h.rows.iter().zip(m).enumerate() {
            let style = font(LABEL_SIZE).pos(Pos::new(HPos::Right, VPos::Center));
            panel.draw(&Text::new(label.clone(), (x0 - 8, y0 + i as i32 * cell_i + cell_i / 2), style))?;
            for (j, value) in row.iter().enumerate() {
                let (cx, cy) = (x0 + j as i32 * cell_i, y0 + i as i32 * cell_i);
                let rect = [(cx, cy), (cx + cell_i, cy + cell_i)];
                match *value {
                    Some(v) => {
                        let shade = (v / h.max).clamp(0.0, 1.0);
                        let c = ViridisRGB::get_color(shade as f32);
                        panel.draw(&Rectangle::new(rect, c.filled()))?;
                        let ink = if shade < 0.55 { WHITE } else { palette::BLACK };
                        let style =
                            (FAMILY, value_size).into_font().color(&ink).pos(Pos::new(HPos::Center, VPos::Center));
                        let text = if h.percent {
                            format!("{:.0}", v * 100.0)
                        } else {
                            format!("{:.2}", v).trim_start_matches('0').to_string()
                        };
                        if cell >= 26 {
                            panel.draw(&Text::new(text, (cx + cell_i / 2, cy + cell_i / 2), style))?;
                        }
                    }
                    None => panel.draw(&Rectangle::new(rect, EMPTY_CELL.filled()))?,
                }
                panel.draw(&Rectangle::new(rect, WHITE.stroke_width(1)))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_keep_their_colours() {
        assert_eq!(actor_colour("nato"), palette::BLUE);
        assert_eq!(actor_colour("russia"), actor_colour("csto"));
        assert_eq!(actor_colour("China"), palette::REDDISH_PURPLE);
        // Others: deterministic, and never one of the pinned colours.
        let k = actor_colour("kazakhstan");
        assert_eq!(k, actor_colour("kazakhstan"));
        assert!(![palette::BLUE, palette::VERMILLION, palette::REDDISH_PURPLE].contains(&k));
    }

    #[test]
    fn ids_become_labels() {
        let proper = vec!["kazakhstan".to_string()];
        assert_eq!(humanize("nato_csto_info", &proper), "NATO CSTO info");
        assert_eq!(humanize("transit_kazakhstan", &proper), "Transit Kazakhstan");
        assert_eq!(humanize("afghan_threat", &proper), "Afghan threat");
        assert_eq!(humanize("usa", &proper), "USA");
    }

    #[test]
    fn percentages_keep_rare_events_visible() {
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.0004), "<0.1%");
        assert_eq!(percent(0.0123), "1.2%");
        assert_eq!(percent(0.4567), "46%");
        assert_eq!(percent(0.9996), ">99.9%");
        assert_eq!(percent(0.9962), "99.6%");
        assert_eq!(percent(0.9929), "99.3%");
        assert_eq!(percent(1.0), "100%");
    }

    #[test]
    fn time_axes_label_round_years() {
        let d = |s: &str| Date::parse(s).unwrap();
        let q: Vec<Date> = (0..68).map(|t| d(&format!("{}-{:02}-01", 2014 + t / 4, 1 + 3 * (t % 4)))).collect();
        assert_eq!(
            TimeAxis::new(&q, 9).ticks,
            [2014.0, 2016.0, 2018.0, 2020.0, 2022.0, 2024.0, 2026.0, 2028.0, 2030.0]
        );
        assert_eq!(TimeAxis::new(&q[..20], 9).ticks, [2014.0, 2015.0, 2016.0, 2017.0, 2018.0]);
        let picked: Vec<String> = snapshot_dates(&q).iter().map(|&t| q[t].to_string()).collect();
        assert_eq!(picked, ["2014-01-01", "2016-01-01", "2022-01-01", "2030-10-01"]);
        let picked: Vec<String> = snapshot_dates(&q[..20]).iter().map(|&t| q[t].to_string()).collect();
        assert_eq!(picked, ["2014-01-01", "2016-01-01", "2018-10-01"]);
        assert_eq!(snapshot_dates(&q[..1]), [0]);
    }

    /// A small made-up result set with every kind of series.
    fn results() -> Results {
        use crate::results::write::OutcomeRow;
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
            ("influence.kazakhstan.russia", &|x| 0.6 - 0.2 * x),
            ("influence.kazakhstan.china", &|x| 0.3 + 0.1 * x),
            ("influence.kazakhstan.nato", &|x| 0.1 + 0.1 * x),
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
        Results { info: RunInfo::default(), series, outcomes: vec![row("deal", 0.6), row("war", 0.0)], reached }
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

    /// The ink's bounding box of `text` drawn by `draw` on a white 300×80 bitmap.
    fn ink(draw: impl FnOnce(&mut [u8], (u32, u32))) -> (u32, u32, u32, u32) {
        let mut buf = vec![255u8; 300 * 80 * 3];
        draw(&mut buf, (300, 80));
        let dark: Vec<(u32, u32)> =
            (0..300 * 80).filter(|i| buf[i * 3] < 128).map(|i| (i as u32 % 300, i as u32 / 300)).collect();
        let xs = dark.iter().map(|p| p.0);
        let ys = dark.iter().map(|p| p.1);
        (xs.clone().min().unwrap(), ys.clone().min().unwrap(), xs.max().unwrap(), ys.max().unwrap())
    }

    #[test]
    fn png_text_sits_where_plotters_puts_it() {
        register_font();
        let style = || font(20.0).pos(Pos::new(HPos::Center, VPos::Center));
        let ours = ink(|buf, size| {
            let root = raster::Raster(BitMapBackend::with_buffer(buf, size)).into_drawing_area();
            root.draw(&Text::new("Kazakhstan 2016", (150, 40), style())).unwrap();
            root.present().unwrap();
        });
        let theirs = ink(|buf, size| {
            let root = BitMapBackend::with_buffer(buf, size).into_drawing_area();
            root.draw(&Text::new("Kazakhstan 2016", (150, 40), style())).unwrap();
            root.present().unwrap();
        });
        for (a, b) in [(ours.0, theirs.0), (ours.1, theirs.1), (ours.2, theirs.2), (ours.3, theirs.3)] {
            assert!(a.abs_diff(b) <= 3, "ours {ours:?}, plotters' {theirs:?}");
        }
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
    fn charts_without_data_are_left_out() {
        let mut r = results();
        r.series.paths.retain(|p, _| p.starts_with("state."));
        r.outcomes.clear();
        r.reached.by_date.clear();
        let names: Vec<&str> = draw_all(&r).unwrap().iter().map(|d| d.name).collect();
        assert_eq!(names, ["state"]);
    }
}
