//! `report.html` and the chart files of an output directory.
//!
//! [`publish`] reads an output directory's result files ([`Results::load`]), draws the charts
//! ([`crate::report::charts`]), writes them to `DIR/charts/` as PNG and SVG, and writes one
//! self-contained `DIR/report.html`: the scenario and its question, the run settings, a short
//! summary in words generated from the numbers, the outcome table and the charts as inline
//! SVG. The page loads nothing (no scripts, fonts, styles or images from elsewhere), so it
//! opens from a USB stick with no server and no network.
//!
//! Charts and report only read the result files: nothing here feeds back into results.

pub mod charts;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::results::write::{AtomicFile, OutputError};
use crate::results::{Band, Date, ReadError, Results, SweepResults};
use charts::{ChartError, Drawn, humanize, percent};

/// Every chart file name [`charts::draw_all`] and [`charts::draw_sweep`] may write, so stale
/// ones can be removed.
const CHART_NAMES: [&str; 10] = [
    "cooperation",
    "outcomes",
    "outcomes_over_time",
    "trust",
    "state",
    "influence",
    "sweep_grid",
    "sweep_points",
    "sensitivity",
    "discovery",
];

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Draw(#[from] ChartError),
    #[error(transparent)]
    Write(#[from] OutputError),
}

/// What [`publish`] wrote.
#[derive(Debug, Clone)]
pub struct Published {
    pub report: PathBuf,
    /// Every chart file, PNG and SVG.
    pub charts: Vec<PathBuf>,
}

/// Draws the charts and the report of the output directory `dir` from its result files: a
/// run's, or a sweep's (whose manifest names the sweep).
pub fn publish(dir: &Path) -> Result<Published, PublishError> {
    if crate::results::read::is_sweep(dir) {
        let results = SweepResults::load(dir)?;
        let drawn = charts::draw_sweep(&results)?;
        return write_all(dir, &drawn, &sweep_html(&results, &drawn));
    }
    let results = Results::load(dir)?;
    let drawn = charts::draw_all(&results)?;
    write_all(dir, &drawn, &html(&results, &drawn))
}

/// Writes the charts into `dir/charts/` and the page into `dir/report.html`.
fn write_all(dir: &Path, drawn: &[Drawn], page: &str) -> Result<Published, PublishError> {
    let chart_dir = dir.join("charts");
    std::fs::create_dir_all(&chart_dir).map_err(|source| OutputError::Io { path: chart_dir.clone(), source })?;
    // A run killed while writing charts leaves hidden temporaries here: clear them.
    crate::results::write::remove_stale_temporaries(&chart_dir)?;
    let mut files = Vec::new();
    for d in drawn {
        let png = chart_dir.join(format!("{}.png", d.name));
        write_atomic(&png, &d.png)?;
        let svg = chart_dir.join(format!("{}.svg", d.name));
        write_atomic(&svg, d.svg.as_bytes())?;
        files.extend([png, svg]);
    }
    // Charts an earlier run drew but this one has no data for would mislead: remove them.
    for name in CHART_NAMES.iter().filter(|n| !drawn.iter().any(|d| d.name == **n)) {
        for ext in ["png", "svg"] {
            let stale = chart_dir.join(format!("{name}.{ext}"));
            if stale.exists() {
                std::fs::remove_file(&stale).map_err(|source| OutputError::Io { path: stale.clone(), source })?;
            }
        }
    }
    let report = dir.join("report.html");
    write_atomic(&report, page.as_bytes())?;
    Ok(Published { report, charts: files })
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let mut f = AtomicFile::create(path)?;
    f.writer().write_all(bytes).map_err(|source| OutputError::Io { path: path.to_path_buf(), source })?;
    f.commit()
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A likelihood in words, on the IPCC's calibrated scale.
pub fn likelihood(p: f64) -> &'static str {
    match p {
        p if p >= 0.99 => "virtually certain",
        p if p >= 0.9 => "very likely",
        p if p >= 0.66 => "likely",
        p if p >= 0.33 => "about as likely as not",
        p if p >= 0.1 => "unlikely",
        p if p >= 0.01 => "very unlikely",
        _ => "exceptionally unlikely",
    }
}

fn month_year(d: &str) -> String {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    match Date::parse(d) {
        Some(d) => format!("{} {}", MONTHS[(d.month - 1) as usize], d.year),
        None => d.to_string(),
    }
}

/// Mean of the finite values of `v[range]`.
fn mean_of(v: &[f64]) -> Option<f64> {
    let finite: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    (!finite.is_empty()).then(|| finite.iter().sum::<f64>() / finite.len() as f64)
}

fn first_finite(v: &[f64]) -> Option<(usize, f64)> {
    v.iter().copied().enumerate().find(|(_, x)| x.is_finite())
}

fn last_finite(v: &[f64]) -> Option<(usize, f64)> {
    v.iter().copied().enumerate().rev().find(|(_, x)| x.is_finite())
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A small upper bound as a percentage with two significant digits: 0.000959 → `0.096%`.
fn small_percent(p: f64) -> String {
    if p >= 0.01 {
        return percent(p);
    }
    let pct = p * 100.0;
    let digits = (1 - pct.log10().floor() as i32).clamp(1, 6) as usize;
    format!("{pct:.digits$}%")
}

fn number(x: f64) -> String {
    if x.abs() >= 100.0 { format!("{x:.0}") } else { format!("{x:.2}") }
}

/// The summary in words: a list of short paragraphs of plain text (not yet escaped).
pub fn summary(r: &Results) -> Vec<String> {
    let mut out = Vec::new();
    let names: Vec<String> = r
        .series
        .of("trust")
        .chain(r.series.of("influence"))
        .flat_map(|(p, _)| p.into_iter().map(str::to_string))
        .collect();
    let human = |id: &str| humanize(id, &names);
    let runs = r.reached.runs.max(r.outcomes.iter().map(|o| o.runs).max().unwrap_or(0));

    // Outcomes, most likely first.
    let mut outcomes: Vec<_> = r.outcomes.iter().collect();
    outcomes.sort_by(|a, b| b.probability.total_cmp(&a.probability));
    let likely: Vec<String> = outcomes
        .iter()
        .filter(|o| o.probability >= 0.5)
        .map(|o| {
            let when = if o.median_first_date.is_empty() {
                String::new()
            } else {
                format!(", typically by {}", month_year(&o.median_first_date))
            };
            format!("{} is {} ({}{when})", o.label, likelihood(o.probability), percent(o.probability))
        })
        .collect();
    if !likely.is_empty() {
        out.push(format!("Most likely: {}.", likely.join("; ")));
    }
    let possible: Vec<String> = outcomes
        .iter()
        .filter(|o| o.probability < 0.5 && o.probability >= 0.05)
        .map(|o| format!("{} ({}, {})", o.label, percent(o.probability), likelihood(o.probability)))
        .collect();
    if !possible.is_empty() {
        out.push(format!("Possible but not expected: {}.", possible.join("; ")));
    }
    let rare: Vec<String> = outcomes
        .iter()
        .filter(|o| o.probability < 0.05 && o.reached > 0)
        .map(|o| format!("{} ({} of {} runs, {})", o.label, o.reached, o.runs, small_percent(o.probability)))
        .collect();
    if !rare.is_empty() {
        out.push(format!("Rare: {}.", rare.join("; ")));
    }
    let never: Vec<_> = outcomes.iter().filter(|o| o.reached == 0).collect();
    if let Some(bound) = never.iter().map(|o| o.ci_high).reduce(f64::max) {
        let labels: Vec<String> = never.iter().map(|o| o.label.clone()).collect();
        out.push(format!(
            "Never reached in any of the {runs} runs (so each has a probability under {} with 95% confidence): {}.",
            small_percent(bound),
            labels.join("; ")
        ));
    }

    // State variables: start against end.
    let dates = &r.series.dates;
    for (p, band) in r.series.of("state") {
        let (Some((t0, a)), Some((t1, b))) = (first_finite(&band.mean), last_finite(&band.mean)) else { continue };
        if t1 <= t0 {
            continue;
        }
        let scale = band
            .p95
            .iter()
            .chain(&band.p05)
            .filter(|x| x.is_finite())
            .fold(a.abs().max(b.abs()), |m, x| m.max(x.abs()));
        let verb = if (b - a).abs() < 0.05 * scale.max(1e-9) {
            "stays about level"
        } else if b > a {
            "rises"
        } else {
            "falls"
        };
        let (lo, hi) = (band.p05[t1], band.p95[t1]);
        let spread = if !lo.is_finite() || !hi.is_finite() {
            String::new()
        } else if number(lo) == number(hi) {
            format!("; it ends at {} in nearly every run", number(lo))
        } else {
            format!("; by then 90% of runs lie between {} and {}", number(lo), number(hi))
        };
        out.push(format!(
            "{} {verb}: from {} in {} to {} in {} (mean across runs){spread}.",
            human(&p.join("_")),
            number(a),
            month_year(&dates[t0].to_string()),
            number(b),
            month_year(&dates[t1].to_string()),
        ));
    }

    // Cooperation: the biggest movers between the first and the last year.
    let mut movers: Vec<(String, f64, f64)> = r
        .series
        .of("coop")
        .filter(|(p, _)| p.len() == 1)
        .filter_map(|(p, band)| {
            let k = band.mean.len().min(4);
            let a = mean_of(&band.mean[..k])?;
            let b = mean_of(&band.mean[band.mean.len() - k..])?;
            Some((human(p[0]), a, b))
        })
        .collect();
    movers.sort_by(|x, y| (y.2 - y.1).abs().total_cmp(&(x.2 - x.1).abs()));
    let moved: Vec<String> = movers
        .iter()
        .filter(|m| (m.2 - m.1).abs() >= 0.05)
        .take(3)
        .map(|(name, a, b)| {
            format!("{name} {} from {} to {}", if b > a { "rises" } else { "falls" }, percent(*a), percent(*b))
        })
        .collect();
    if !moved.is_empty() {
        out.push(format!("Biggest changes in cooperation, first year against last: {}.", moved.join("; ")));
    } else if !movers.is_empty() {
        out.push("Cooperation on every issue stays within 5 points of where it starts.".into());
    }
    if let Some(top) = movers.iter().max_by(|x, y| x.2.total_cmp(&y.2)) {
        let low = movers.iter().min_by(|x, y| x.2.total_cmp(&y.2)).expect("non-empty");
        if movers.len() > 1 {
            out.push(format!(
                "In the last year, cooperation is most frequent on {} ({}) and least on {} ({}).",
                top.0,
                percent(top.2),
                low.0,
                percent(low.2)
            ));
        }
    }

    // Influence: who leads each client at the end, and where the leader changes.
    let mut clients: Vec<&str> = Vec::new();
    for (p, _) in r.series.of("influence") {
        if p.len() == 2 && !clients.contains(&p[0]) {
            clients.push(p[0]);
        }
    }
    // Grouped by the patron leading at the end, in the order patrons first lead.
    let mut leads: Vec<(&str, Vec<String>)> = Vec::new();
    for c in clients {
        let shares: Vec<(&str, &Band)> =
            r.series.of("influence").filter(|(p, _)| p.len() == 2 && p[0] == c).map(|(p, b)| (p[1], b)).collect();
        let leader = |at: fn(&[f64]) -> Option<(usize, f64)>| {
            shares
                .iter()
                .filter_map(|(patron, b)| at(&b.mean).map(|(_, v)| (*patron, v)))
                .max_by(|x, y| x.1.total_cmp(&y.1))
        };
        let (Some(start), Some(end)) = (leader(first_finite), leader(last_finite)) else { continue };
        let place = if start.0 == end.0 {
            format!("{} ({})", human(c), percent(end.1))
        } else {
            format!("{} ({}, overtaking {})", human(c), percent(end.1), human(start.0))
        };
        match leads.iter_mut().find(|(p, _)| *p == end.0) {
            Some((_, places)) => places.push(place),
            None => leads.push((end.0, vec![place])),
        }
    }
    if !leads.is_empty() {
        let parts: Vec<String> =
            leads.iter().map(|(patron, places)| format!("{} in {}", human(patron), and_list(places))).collect();
        out.push(format!("Largest influence share at the end: {}.", parts.join("; ")));
    }
    out
}

/// The charts, inline, each with its caption and the names of its files.
fn charts_section(h: &mut String, charts: &[Drawn]) {
    let e = escape;
    if !charts.is_empty() {
        h.push_str("<section>\n<h2>Charts</h2>\n");
        for c in charts {
            let _ = writeln!(
                h,
                "<figure id=\"{}\">\n{}\n<figcaption>{} <span class=\"files\">(<code>charts/{}.png</code>, \
                 <code>charts/{}.svg</code>)</span></figcaption>\n</figure>",
                e(c.name),
                inline_svg(&c.svg, &c.title),
                e(&c.caption),
                e(c.name),
                e(c.name)
            );
        }
        h.push_str("</section>\n");
    }
}

/// An SVG from plotters, made fit to sit inside HTML: no namespace URL, scalable.
fn inline_svg(svg: &str, title: &str) -> String {
    let svg = svg.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1);
    svg.replacen("<svg ", &format!("<svg role=\"img\" aria-label=\"{}\" ", escape(title)), 1)
}

const STYLE: &str = "
body { font-family: 'DejaVu Sans', Verdana, Arial, sans-serif; color: #222; background: #fff;
       max-width: 1240px; margin: 0 auto; padding: 24px 32px 48px; line-height: 1.45; }
h1 { font-size: 2em; margin: 0.2em 0 0.1em; }
h2 { font-size: 1.35em; margin: 1.6em 0 0.5em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
.question { font-size: 1.25em; font-style: italic; margin: 0.3em 0 0.6em; }
.description { color: #444; max-width: 62em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { padding: 0.35em 0.8em; border-bottom: 1px solid #e4e4e4; text-align: left; vertical-align: top; }
th { background: #f4f4f4; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.settings th { background: none; font-weight: normal; color: #555; }
ul.summary li { margin: 0.35em 0; }
figure { margin: 1.2em 0 2em; }
figure svg { width: 100%; height: auto; display: block; border: 1px solid #eee; }
figcaption { color: #444; margin-top: 0.4em; max-width: 62em; }
footer { margin-top: 3em; color: #666; font-size: 0.9em; }
code { font-family: 'DejaVu Sans Mono', monospace; font-size: 0.92em; }
";

/// The report page.
pub fn html(r: &Results, charts: &[Drawn]) -> String {
    let info = &r.info;
    let sc = &info.scenario;
    let name = if sc.name.is_empty() { "heartland results" } else { sc.name.as_str() };
    let mut h = String::new();
    let e = escape;
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} — heartland report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        e(name)
    );
    let _ = writeln!(h, "<header>\n<h1>{}</h1>", e(name));
    if let Some(q) = sc.question.as_deref().filter(|q| !q.trim().is_empty()) {
        let _ = writeln!(h, "<p class=\"question\">{}</p>", e(q.trim()));
    }
    if !sc.description.trim().is_empty() {
        let _ = writeln!(h, "<p class=\"description\">{}</p>", e(sc.description.trim()));
    }
    h.push_str("</header>\n");

    // Summary.
    let summary = summary(r);
    if !summary.is_empty() {
        h.push_str("<section>\n<h2>In short</h2>\n<ul class=\"summary\">\n");
        for s in &summary {
            let _ = writeln!(h, "<li>{}</li>", e(s));
        }
        h.push_str("</ul>\n</section>\n");
    }

    // Outcome table.
    if !r.outcomes.is_empty() {
        h.push_str(
            "<section>\n<h2>Outcomes</h2>\n<table class=\"outcomes\">\n<thead><tr><th>outcome</th>\
             <th class=\"num\">probability</th><th class=\"num\">95% interval</th><th class=\"num\">runs reaching it</th>\
             <th class=\"num\">median first date</th><th>in words</th></tr></thead>\n<tbody>\n",
        );
        let mut rows: Vec<_> = r.outcomes.iter().collect();
        rows.sort_by(|a, b| b.probability.total_cmp(&a.probability));
        for o in rows {
            let median = if o.median_first_date.is_empty() { "never".to_string() } else { o.median_first_date.clone() };
            let _ = writeln!(
                h,
                "<tr><td>{}<br><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{} – {}</td>\
                 <td class=\"num\">{} of {}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                e(&o.label),
                e(&o.outcome),
                e(&percent(o.probability)),
                e(&percent(o.ci_low)),
                e(&percent(o.ci_high)),
                o.reached,
                o.runs,
                e(&median),
                likelihood(o.probability)
            );
        }
        h.push_str("</tbody>\n</table>\n</section>\n");
    }

    // Charts.
    charts_section(&mut h, charts);

    // Settings.
    h.push_str("<section>\n<h2>Run settings</h2>\n<table class=\"settings\">\n");
    let mut row = |k: &str, v: String| {
        let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", e(k), e(&v));
    };
    row("scenario file", sc.file.clone());
    if !sc.sha256.is_empty() {
        row("scenario SHA-256", sc.sha256.clone());
    }
    row("seed", info.seed.to_string());
    row("runs", format!("{} (runs {} to {})", info.runs, info.first_run, info.first_run + info.runs.max(1) - 1));
    if let (Some(a), Some(b)) = (r.series.dates.first(), r.series.dates.last()) {
        row("period", format!("{a} to {b}, {} turns", info.turns_per_run));
    }
    row("tool", format!("{} {}", if info.tool.is_empty() { "heartland" } else { &info.tool }, info.version));
    row("threads", info.threads.to_string());
    row("wall time", format!("{:.2} s", info.wall_seconds));
    row("actor-decisions", info.actor_decisions.to_string());
    h.push_str("</table>\n</section>\n");

    let _ = writeln!(
        h,
        "<footer>Written by heartland {} from the files beside this page (<code>series.csv</code>, \
         <code>outcomes.csv</code>, <code>runs.csv</code>, <code>manifest.json</code>). Results depend \
         only on the scenario, the seed and the number of runs. Colours: Okabe–Ito palette; each actor \
         keeps one colour in every chart.</footer>\n</body>\n</html>",
        e(env!("CARGO_PKG_VERSION"))
    );
    h
}

/// The summary of a sweep in words: plain text, not yet escaped.
pub fn sweep_summary(r: &SweepResults) -> Vec<String> {
    let mut out = Vec::new();
    let info = &r.info;
    out.push(format!(
        "{} design points ({} design) over {} parameter{}, {} runs each: {} runs in all.",
        r.points.len(),
        info.design,
        info.parameters.len(),
        if info.parameters.len() == 1 { "" } else { "s" },
        info.replications,
        info.runs
    ));
    for (o, id) in r.outcomes.iter().enumerate() {
        let ps: Vec<f64> = r.points.iter().map(|p| p.outcomes[o].0).filter(|p| p.is_finite()).collect();
        if ps.is_empty() {
            continue;
        }
        let (lo, hi) = ps.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(*p), b.max(*p)));
        let mean = ps.iter().sum::<f64>() / ps.len() as f64;
        let name = humanize(id, &[]);
        if percent(lo) == percent(hi) {
            out.push(format!("The probability of “{name}” is {} at every design point.", percent(lo)));
        } else {
            out.push(format!(
                "The probability of “{name}” ranges from {} to {} across the design points (mean {}).",
                percent(lo),
                percent(hi),
                percent(mean)
            ));
        }
    }
    // The most influential parameters on each output, by total effect when there is one.
    let mut outputs: Vec<&str> = Vec::new();
    for row in &r.sensitivity {
        if !outputs.contains(&row.output.as_str()) {
            outputs.push(&row.output);
        }
    }
    for output in outputs {
        let rows: Vec<_> = r.sensitivity.iter().filter(|x| x.output == output).collect();
        let stat = ["ST", "mu_star", "mu*"]
            .into_iter()
            .find(|s| rows.iter().any(|x| x.statistic == *s))
            .unwrap_or(rows[0].statistic.as_str());
        let mut ranked: Vec<_> = rows.iter().filter(|x| x.statistic == stat && x.value.is_finite()).collect();
        ranked.sort_by(|a, b| b.value.total_cmp(&a.value));
        let described: Vec<String> = ranked
            .iter()
            .take(2)
            .map(|x| match (x.low, x.high) {
                (Some(l), Some(h)) => {
                    format!("{} ({stat} {} [{}, {}])", x.parameter, number(x.value), number(l), number(h))
                }
                _ => format!("{} ({stat} {})", x.parameter, number(x.value)),
            })
            .collect();
        if !described.is_empty() {
            out.push(format!("{}: most influenced by {}.", charts::output_label(output), described.join(", then ")));
        }
    }
    if let Some(chosen) = r.discovery.iter().find(|b| b.chosen) {
        let whole = &r.discovery[0];
        let ranges: Vec<String> = info
            .parameters
            .iter()
            .enumerate()
            .filter(|(d, _)| chosen.bounds[*d].0 > whole.bounds[*d].0 || chosen.bounds[*d].1 < whole.bounds[*d].1)
            .map(|(d, p)| format!("{p} between {} and {}", number(chosen.bounds[d].0), number(chosen.bounds[d].1)))
            .collect();
        if !ranges.is_empty() {
            out.push(format!(
                "Scenario discovery (PRIM): the outcome is concentrated where {} (the box holds {} of the cases where it \
                 happens, and it happens in {} of the box's cases).",
                and_list(&ranges),
                percent(chosen.coverage),
                percent(chosen.density)
            ));
        }
    }
    out
}

/// The report page of a sweep.
pub fn sweep_html(r: &SweepResults, charts: &[Drawn]) -> String {
    let info = &r.info;
    let sc = &info.scenario;
    let name = if info.sweep.is_empty() { "heartland sweep" } else { info.sweep.as_str() };
    let e = escape;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} — heartland sweep report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        e(name)
    );
    let _ = writeln!(h, "<header>\n<h1>{}</h1>", e(name));
    let _ = writeln!(h, "<p class=\"question\">A sweep of the scenario “{}”.</p>", e(&sc.name));
    if let Some(q) = sc.question.as_deref().filter(|q| !q.trim().is_empty()) {
        let _ = writeln!(h, "<p class=\"description\">The scenario asks: {}</p>", e(q.trim()));
    }
    h.push_str("</header>\n<section>\n<h2>In short</h2>\n<ul class=\"summary\">\n");
    for s in sweep_summary(r) {
        let _ = writeln!(h, "<li>{}</li>", e(&s));
    }
    h.push_str("</ul>\n</section>\n");

    h.push_str(
        "<section>\n<h2>Parameters swept</h2>\n<table class=\"outcomes\">\n<thead><tr><th>parameter</th>\
         <th class=\"num\">lowest</th><th class=\"num\">highest</th><th class=\"num\">distinct values</th>\
         </tr></thead>\n<tbody>\n",
    );
    for (d, p) in info.parameters.iter().enumerate() {
        let mut v: Vec<f64> = r.points.iter().map(|x| x.params[d]).collect();
        v.sort_by(f64::total_cmp);
        v.dedup();
        let (lo, hi) = (v.first().copied().unwrap_or(f64::NAN), v.last().copied().unwrap_or(f64::NAN));
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            e(p),
            e(&number(lo)),
            e(&number(hi)),
            v.len()
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");

    charts_section(&mut h, charts);

    h.push_str("<section>\n<h2>Sweep settings</h2>\n<table class=\"settings\">\n");
    let mut row = |k: &str, v: String| {
        let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", e(k), e(&v));
    };
    row("sweep file", info.sweep_file.clone());
    row("scenario file", sc.file.clone());
    row("design", info.design.clone());
    row("points", info.points.to_string());
    row("runs per point", info.replications.to_string());
    row("runs", info.runs.to_string());
    row("seed", info.seed.to_string());
    row("tool", format!("heartland {}", info.version));
    row("threads", info.threads.to_string());
    row("wall time", format!("{:.2} s", info.wall_seconds));
    h.push_str("</table>\n</section>\n");
    let _ = writeln!(
        h,
        "<footer>Written by heartland {} from the files beside this page (<code>points.csv</code>, \
         <code>sensitivity.csv</code>, <code>discovery.csv</code>, <code>manifest.json</code>).</footer>\n</body>\n</html>",
        e(env!("CARGO_PKG_VERSION"))
    );
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a<b> & \"c\" 'd'"), "a&lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;");
    }

    #[test]
    fn small_bounds_keep_two_digits() {
        assert_eq!(small_percent(0.000959443), "0.096%");
        assert_eq!(small_percent(0.0071), "0.71%");
        assert_eq!(small_percent(0.071), "7.1%");
        assert_eq!(and_list(&["a".into(), "b".into(), "c".into()]), "a, b and c");
    }

    #[test]
    fn likelihood_follows_the_calibrated_scale() {
        assert_eq!(likelihood(0.995), "virtually certain");
        assert_eq!(likelihood(0.5), "about as likely as not");
        assert_eq!(likelihood(0.05), "very unlikely");
        assert_eq!(likelihood(0.0), "exceptionally unlikely");
    }

    #[test]
    fn inline_svg_drops_the_namespace_url() {
        let s = inline_svg("<svg width=\"1\" height=\"1\" xmlns=\"http://www.w3.org/2000/svg\">\n</svg>", "a <b>");
        assert!(!s.contains("http"));
        assert!(s.starts_with("<svg role=\"img\" aria-label=\"a &lt;b&gt;\" width"));
    }
}
