//! The pages of a hindcast and of a calibration: `report.html`, self-contained like a run's.

use std::fmt::Write as _;

use super::charts::{Drawn, percent};
use super::html::{STYLE, charts_section, escape};
use crate::analysis::hindcast::{FORECASTERS, SPLITS, ScoreRow};
use crate::results::{CalibrationResults, HindcastResults, HindcastTables};

fn head(h: &mut String, title: &str) {
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} — heartland report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(title)
    );
}

fn x3(x: f64) -> String {
    format!("{x:.3}")
}

fn score<'a>(rows: &'a [ScoreRow], split: &str, forecaster: &str) -> Option<&'a ScoreRow> {
    rows.iter().find(|r| r.split == split && r.forecaster == forecaster)
}

/// Sentences on how the model did against the references, per split.
fn in_short(t: &HindcastTables) -> Vec<String> {
    let mut out = Vec::new();
    for split in ["test", "train"] {
        let Some(model) = score(&t.scores, split, "model").and_then(|r| r.scores) else { continue };
        let refs: Vec<(&str, f64)> = FORECASTERS[1..]
            .iter()
            .filter_map(|f| score(&t.scores, split, f).and_then(|r| r.scores).map(|s| (*f, s.brier)))
            .collect();
        let best = refs.iter().min_by(|a, b| a.1.total_cmp(&b.1));
        let verdict = match best {
            Some((name, b)) if model.brier < *b => {
                format!("better than every reference (the best, {name}, scores {})", x3(*b))
            }
            Some((name, b)) => format!("no better than the {name} reference ({})", x3(*b)),
            None => String::new(),
        };
        out.push(format!(
            "On the {} {split} facts the model's Brier score is {} (0 is perfect, 0.25 is always saying 50%): {verdict}.",
            model.n,
            x3(model.brier)
        ));
    }
    let mut worst: Vec<_> = t.facts.iter().filter(|f| f.brier.is_some()).collect();
    worst.sort_by(|a, b| b.brier.partial_cmp(&a.brier).expect("finite"));
    if let Some(f) = worst.first() {
        out.push(format!(
            "Its worst miss: “{}” ({}), forecast at {}.",
            f.claim,
            if f.observed { "it happened" } else { "it did not happen" },
            percent(f.probability)
        ));
    }
    let forcing = t.facts.iter().filter(|f| f.split == "forcing").count();
    if forcing > 0 {
        out.push(format!(
            "{forcing} facts concern forcing events (imposed on the model) and are listed but not scored."
        ));
    }
    out
}

fn scores_table(h: &mut String, rows: &[ScoreRow]) {
    h.push_str(
        "<table class=\"outcomes\">\n<thead><tr><th>split</th><th>forecaster</th><th class=\"num\">facts</th>\
         <th class=\"num\">Brier</th><th class=\"num\">log score</th><th class=\"num\">reliability</th>\
         <th class=\"num\">resolution</th><th class=\"num\">uncertainty</th><th class=\"num\">WBV</th>\
         <th class=\"num\">WBC</th></tr></thead>\n<tbody>\n",
    );
    for r in rows {
        let cells = match &r.scores {
            Some(s) => [s.brier, s.log_score, s.reliability, s.resolution, s.uncertainty, s.wbv, s.wbc]
                .map(|x| format!("<td class=\"num\">{}</td>", x3(x)))
                .join(""),
            None => "<td class=\"num\">—</td>".repeat(7),
        };
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td>{cells}</tr>",
            escape(&r.split),
            escape(&r.forecaster),
            r.n
        );
    }
    h.push_str("</tbody>\n</table>\n");
}

fn facts_table(h: &mut String, t: &HindcastTables) {
    let e = escape;
    h.push_str(
        "<table class=\"outcomes\">\n<thead><tr><th>fact</th><th>split</th><th>quantity</th><th>window</th>\
         <th class=\"num\">happened</th><th class=\"num\">forecast</th><th class=\"num\">95% interval</th>\
         <th class=\"num\">Brier</th><th class=\"num\">status quo</th><th class=\"num\">base rate</th></tr></thead>\n<tbody>\n",
    );
    for f in &t.facts {
        let opt = |x: Option<f64>| x.map_or("—".to_string(), x3);
        let window = if f.from.is_empty() {
            format!("{} at {}", f.mode, f.to)
        } else {
            format!("{} {} – {}", f.mode, f.from, f.to)
        };
        let _ = writeln!(
            h,
            "<tr><td>{}<br><code>{}</code></td><td>{}</td><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{} – {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td></tr>",
            e(&f.claim),
            e(&f.id),
            e(&f.split),
            e(&f.quantity),
            e(&window),
            if f.observed { "yes" } else { "no" },
            e(&percent(f.probability)),
            e(&percent(f.ci_low)),
            e(&percent(f.ci_high)),
            opt(f.brier),
            e(&percent(f.status_quo)),
            f.base_rate.map_or("—".to_string(), percent)
        );
    }
    h.push_str("</tbody>\n</table>\n");
}

const NOTE: &str = "Brier score: (forecast − outcome)², 0 best. Log score: −ln of the probability given to what \
    happened, with forecasts clipped to [1%, 99%] for every forecaster. References: always 50%; the base rate of the \
    other facts of the split; the status quo (what held at the start goes on holding). Reliability − resolution + \
    uncertainty + WBV − WBC = Brier (Stephenson, Coelho and Jolliffe 2008), on 11 bins of width 0.1.";

/// The report page of a hindcast.
pub(crate) fn hindcast_html(r: &HindcastResults, charts: &[Drawn]) -> String {
    let (info, e) = (&r.info, escape);
    let name = if info.scenario.name.is_empty() {
        "heartland hindcast".to_string()
    } else {
        format!("{}: hindcast", info.scenario.name)
    };
    let mut h = String::new();
    head(&mut h, &name);
    let _ = writeln!(h, "<header>\n<h1>{}</h1>", e(&name));
    let _ = writeln!(
        h,
        "<p class=\"question\">How well does the scenario forecast what happened? {} facts of <code>{}</code>, {} runs.</p>\n</header>",
        info.observations.facts,
        e(&info.observations.file),
        info.runs
    );
    h.push_str("<section>\n<h2>In short</h2>\n<ul class=\"summary\">\n");
    for s in in_short(&r.tables) {
        let _ = writeln!(h, "<li>{}</li>", e(&s));
    }
    h.push_str("</ul>\n</section>\n<section>\n<h2>Scores</h2>\n");
    scores_table(&mut h, &r.tables.scores);
    let _ = writeln!(h, "<p class=\"description\">{}</p>\n</section>", e(NOTE));
    charts_section(&mut h, charts);
    h.push_str("<section>\n<h2>Facts</h2>\n");
    facts_table(&mut h, &r.tables);
    h.push_str("</section>\n<section>\n<h2>Settings</h2>\n<table class=\"settings\">\n");
    let mut row = |k: &str, v: String| {
        let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", e(k), e(&v));
    };
    row("scenario file", info.scenario.file.clone());
    row("scenario SHA-256", info.scenario.sha256.clone());
    row("observation file", info.observations.file.clone());
    row("observation SHA-256", info.observations.sha256.clone());
    row(
        "facts",
        format!(
            "{} train, {} test, {} forcing",
            info.observations.train, info.observations.test, info.observations.forcing
        ),
    );
    row("seed", info.seed.to_string());
    row("runs", format!("{}, {} turns each", info.runs, info.turns_per_run));
    row("log score clip", format!("[{}, {}]", info.log_clip[0], info.log_clip[1]));
    row("bins", info.bins.clone());
    row("tool", format!("heartland {}", info.version));
    row("threads", info.threads.to_string());
    row("wall time", format!("{:.2} s", info.wall_seconds));
    h.push_str("</table>\n</section>\n");
    let _ = writeln!(
        h,
        "<footer>Written by heartland {} from the files beside this page (<code>hindcast.csv</code>, \
         <code>scores.csv</code>, <code>reliability.csv</code>, <code>manifest.json</code>).</footer>\n</body>\n</html>",
        e(env!("CARGO_PKG_VERSION"))
    );
    h
}

/// The report page of a calibration.
pub(crate) fn calibration_html(r: &CalibrationResults, charts: &[Drawn]) -> String {
    let (info, e) = (&r.info, escape);
    let c = &info.calibration;
    let name =
        format!("{}: calibration", if info.scenario.name.is_empty() { "heartland" } else { &info.scenario.name });
    let mut h = String::new();
    head(&mut h, &name);
    let _ = writeln!(h, "<header>\n<h1>{}</h1>", e(&name));
    let _ = writeln!(
        h,
        "<p class=\"question\">Which values of its uncertain parameters make the scenario fit the {} train facts of \
         <code>{}</code>, and does the fit carry over to the {} test facts it never saw?</p>\n</header>",
        info.observations.train,
        e(&info.observations.file),
        info.observations.test
    );
    h.push_str("<section>\n<h2>In short</h2>\n<ul class=\"summary\">\n");
    let mut lines = vec![format!(
        "{} design points × {} runs; the {} best by train Brier score form the posterior ({}).",
        c.points, c.runs_per_point, c.kept, c.method
    )];
    for split in ["train", "test"] {
        let find = |which: &str| {
            r.comparison
                .iter()
                .find(|x| x.scenario == which && x.scores.split == split && x.scores.forecaster == "model")
                .and_then(|x| x.scores.scores)
        };
        if let (Some(a), Some(b)) = (find("prior"), find("posterior")) {
            lines.push(format!(
                "On the {} {split} facts, the Brier score goes from {} (prior) to {} (posterior).",
                a.n,
                x3(a.brier),
                x3(b.brier)
            ));
        }
    }
    for s in lines {
        let _ = writeln!(h, "<li>{}</li>", e(&s));
    }
    h.push_str("</ul>\n</section>\n<section>\n<h2>Prior and posterior</h2>\n");
    h.push_str(
        "<table class=\"outcomes\">\n<thead><tr><th>split</th><th>forecaster</th><th class=\"num\">facts</th>\
         <th class=\"num\">Brier, prior</th><th class=\"num\">Brier, posterior</th><th class=\"num\">log, prior</th>\
         <th class=\"num\">log, posterior</th></tr></thead>\n<tbody>\n",
    );
    for split in SPLITS {
        for f in FORECASTERS {
            let get = |which: &str| {
                r.comparison.iter().find(|x| x.scenario == which && x.scores.split == split && x.scores.forecaster == f)
            };
            let (Some(a), Some(b)) = (get("prior"), get("posterior")) else { continue };
            let cell = |s: &ScoreRow, log: bool| {
                s.scores.map_or("—".to_string(), |s| x3(if log { s.log_score } else { s.brier }))
            };
            let _ = writeln!(
                h,
                "<tr><td>{split}</td><td>{f}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                a.scores.n,
                cell(&a.scores, false),
                cell(&b.scores, false),
                cell(&a.scores, true),
                cell(&b.scores, true)
            );
        }
    }
    h.push_str("</tbody>\n</table>\n");
    let _ = writeln!(h, "<p class=\"description\">{}</p>\n</section>", e(NOTE));
    h.push_str(
        "<section>\n<h2>Parameters</h2>\n<table class=\"outcomes\">\n<thead><tr><th>parameter</th>\
         <th class=\"num\">design: lowest</th><th class=\"num\">highest</th><th class=\"num\">posterior: lowest</th>\
         <th class=\"num\">median</th><th class=\"num\">highest</th></tr></thead>\n<tbody>\n",
    );
    for (d, p) in r.design.paths.iter().enumerate() {
        let sorted = |kept_only: bool| {
            let mut v: Vec<f64> = r
                .design
                .points
                .iter()
                .zip(&r.design.kept)
                .filter(|(_, k)| !kept_only || **k)
                .map(|(x, _)| x.values[d])
                .collect();
            v.sort_by(f64::total_cmp);
            v
        };
        let (all, kept) = (sorted(false), sorted(true));
        let at = |v: &[f64], q: f64| {
            v.get(((v.len().max(1) - 1) as f64 * q).round() as usize).map_or("—".to_string(), |x| format!("{x:.4}"))
        };
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            e(p),
            at(&all, 0.0),
            at(&all, 1.0),
            at(&kept, 0.0),
            at(&kept, 0.5),
            at(&kept, 1.0)
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
    charts_section(&mut h, charts);
    h.push_str("<section>\n<h2>The posterior's facts</h2>\n");
    facts_table(&mut h, &r.posterior);
    h.push_str("</section>\n<section>\n<h2>Settings</h2>\n<table class=\"settings\">\n");
    let mut row = |k: &str, v: String| {
        let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", e(k), e(&v));
    };
    row("scenario file", info.scenario.file.clone());
    row("scenario SHA-256", info.scenario.sha256.clone());
    row("observation file", info.observations.file.clone());
    row("observation SHA-256", info.observations.sha256.clone());
    row("design", c.design.clone());
    row("points × runs", format!("{} × {} = {}", c.points, c.runs_per_point, c.runs));
    row("kept", format!("{} ({} of the points)", c.kept, c.keep));
    row("hindcast runs", format!("{} each for the prior and the posterior", info.hindcast_runs));
    row("seed", info.seed.to_string());
    row("tool", format!("heartland {}", info.version));
    row("threads", info.threads.to_string());
    row("wall time", format!("{:.2} s", info.wall_seconds));
    h.push_str("</table>\n</section>\n");
    let _ = writeln!(
        h,
        "<footer>Written by heartland {} from the files beside this page (<code>comparison.csv</code>, \
         <code>design.csv</code>, <code>posterior.csv</code>, <code>calibrated.toml</code>, <code>prior/</code>, \
         <code>posterior/</code>, <code>manifest.json</code>).</footer>\n</body>\n</html>",
        e(env!("CARGO_PKG_VERSION"))
    );
    h
}
