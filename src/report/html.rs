//! The pages: `report.html` of a run and of a sweep, one self-contained HTML file each (the
//! style inline, the charts as inline SVG, nothing loaded from elsewhere), and HTML escaping.

use std::fmt::Write as _;

use super::charts::{Drawn, Names, percent, points};
use super::words::{likelihood, number, summary, sweep_summary};
use crate::english::{count, thousands};
use crate::results::{Results, SweepResults};

/// Escapes text for HTML element content and attribute values; control characters (a NUL,
/// an escape) become U+FFFD ([`crate::printable`]).
pub(crate) fn escape(s: &str) -> String {
    crate::printable::escape_html(s)
}

/// The charts, inline, each with its caption and the names of its files.
pub(super) fn charts_section(h: &mut String, charts: &[Drawn]) {
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

pub(super) const STYLE: &str = "
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
.rule { color: #555; font-size: 0.9em; }
ul.summary li { margin: 0.35em 0; }
figure { margin: 1.2em 0 2em; }
figure svg { width: 100%; height: auto; display: block; border: 1px solid #eee; }
figcaption { color: #444; margin-top: 0.4em; max-width: 62em; }
footer { margin-top: 3em; color: #666; font-size: 0.9em; }
code { font-family: 'DejaVu Sans Mono', monospace; font-size: 0.92em; }
";

/// A variant's comparison with its base: a sentence and the table of `comparison.csv`.
fn comparison_section(h: &mut String, r: &Results) {
    let (Some(info), false) = (&r.info.comparison, r.comparison.is_empty()) else { return };
    let e = escape;
    let base = if info.base_name.is_empty() { info.base_file.as_str() } else { info.base_name.as_str() };
    let _ = writeln!(h, "<section id=\"comparison\">\n<h2>Compared with {}</h2>", e(base));
    for p in comparison_words(r) {
        let _ = writeln!(h, "<p>{}</p>", e(&p));
    }
    h.push_str(
        "<table class=\"outcomes\">\n<thead><tr><th>outcome</th><th class=\"num\">base</th>\
         <th class=\"num\">this scenario</th><th class=\"num\">change (points)</th>\
         <th class=\"num\">95% interval</th><th>clear?</th></tr></thead>\n<tbody>\n",
    );
    for d in &r.comparison {
        let p = |x: Option<f64>| x.map_or("—".to_string(), percent);
        let (change, interval, clear) = match d.difference {
            Some((x, lo, hi)) => {
                (points(x), format!("{} to {}", points(lo), points(hi)), if d.is_clear() { "yes" } else { "no" })
            }
            None => ("—".into(), String::new(), "—"),
        };
        let _ = writeln!(
            h,
            "<tr><td>{}<br><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            e(&d.label),
            e(&d.outcome),
            e(&p(d.base)),
            e(&p(d.variant)),
            e(&change),
            e(&interval),
            clear
        );
    }
    let _ = writeln!(
        h,
        "</tbody>\n</table>\n<p class=\"rule\">From <code>comparison.csv</code>; base file <code>{}</code>.</p>\n</section>",
        e(&info.base_file)
    );
}

/// What the comparison with the base says, in a few sentences (plain text).
pub(super) fn comparison_words(r: &Results) -> Vec<String> {
    let Some(info) = &r.info.comparison else { return Vec::new() };
    let base = if info.base_name.is_empty() { info.base_file.as_str() } else { info.base_name.as_str() };
    let mut out = vec![format!(
        "Each of {} was played under this scenario and under {base} with the same random numbers, so \
         the two differ only by what this scenario changes. A change is clear when its 95% interval \
         excludes no change.",
        count(info.runs, "run")
    )];
    let clear: Vec<String> = r
        .comparison
        .iter()
        .filter(|d| d.is_clear())
        .filter_map(|d| {
            let ((x, lo, hi), b, v) = (d.difference?, d.base?, d.variant?);
            Some(format!(
                "{} ({} → {}, {} points, 95% interval {} to {})",
                d.label,
                percent(b),
                percent(v),
                points(x),
                points(lo),
                points(hi)
            ))
        })
        .collect();
    out.push(match clear.len() {
        0 => "No outcome's probability changes clearly.".to_string(),
        n => format!(
            "{} of {} {} clearly, the largest first: {}.",
            thousands(n as u64),
            count(r.comparison.len() as u64, "outcome"),
            if n == 1 { "changes" } else { "change" },
            clear.iter().take(3).cloned().collect::<Vec<_>>().join("; ")
        ),
    });
    out
}

/// The report page.
pub(crate) fn html(r: &Results, charts: &[Drawn]) -> String {
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
        let names = Names::new(&r.info.labels, Vec::new());
        for o in rows {
            let median = if o.median_first_date.is_empty() { "never".to_string() } else { o.median_first_date.clone() };
            // What the outcome requires, so that its probability is read for what it measures.
            let rule = match r.info.outcome_conditions.get(&o.outcome) {
                Some(rule) if !rule.when.is_empty() => {
                    format!("<br><span class=\"rule\">when {}</span>", e(&names.rule(rule)))
                }
                _ => String::new(),
            };
            let _ = writeln!(
                h,
                "<tr><td>{}<br><code>{}</code>{rule}</td><td class=\"num\">{}</td><td class=\"num\">{} – {}</td>\
                 <td class=\"num\">{} of {}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                e(&o.label),
                e(&o.outcome),
                e(&percent(o.probability)),
                e(&percent(o.ci_low)),
                e(&percent(o.ci_high)),
                thousands(o.reached),
                thousands(o.runs),
                e(&median),
                likelihood(o.probability)
            );
        }
        h.push_str("</tbody>\n</table>\n</section>\n");
    }

    comparison_section(&mut h, r);

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
        row("period", format!("{a} to {b}, {}", count(info.turns_per_run, "turn")));
    }
    row("tool", format!("{} {}", if info.tool.is_empty() { "heartland" } else { &info.tool }, info.version));
    row("threads", info.threads.to_string());
    row("wall time", format!("{:.2} s", info.wall_seconds));
    row("actor-decisions", info.actor_decisions.to_string());
    h.push_str("</table>\n</section>\n");

    let comparison = if r.info.comparison.is_some() { ", <code>comparison.csv</code>" } else { "" };
    let _ = writeln!(
        h,
        "<footer>Written by heartland {} from the files beside this page (<code>series.csv</code>, \
         <code>outcomes.csv</code>, <code>runs.csv</code>{comparison}, <code>manifest.json</code>). Results depend \
         only on the scenario, the seed and the number of runs. Colours: Okabe–Ito palette; each actor \
         keeps one colour in every chart.</footer>\n</body>\n</html>",
        e(env!("CARGO_PKG_VERSION"))
    );
    h
}

/// The report page of a sweep.
pub(crate) fn sweep_html(r: &SweepResults, charts: &[Drawn]) -> String {
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
    fn inline_svg_drops_the_namespace_url() {
        let s = inline_svg("<svg width=\"1\" height=\"1\" xmlns=\"http://www.w3.org/2000/svg\">\n</svg>", "a <b>");
        assert!(!s.contains("http"));
        assert!(s.starts_with("<svg role=\"img\" aria-label=\"a &lt;b&gt;\" width"));
    }
}
