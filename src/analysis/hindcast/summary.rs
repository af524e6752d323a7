//! The terminal summary of a hindcast: per split, the model's scores against the references,
//! and the facts it got most wrong.

use super::{Assessment, FORECASTERS, SPLITS};

/// The lines of the summary: a table of Brier and log scores per split and forecaster, then
/// the `worst` facts with the largest Brier scores (over all splits).
pub fn summary(a: &Assessment, worst: usize) -> Vec<String> {
    let mut lines =
        vec![format!("{:<6} {:>5}  {:<11} {:>7} {:>9}", "split", "facts", "forecaster", "Brier", "log score")];
    for split in SPLITS {
        for (i, forecaster) in FORECASTERS.iter().enumerate() {
            let row = a.scores.iter().find(|r| r.split == split && r.forecaster == *forecaster);
            let (n, brier, log) = match row.and_then(|r| r.scores.map(|s| (r.n, s))) {
                Some((n, s)) => (n.to_string(), format!("{:.3}", s.brier), format!("{:.3}", s.log_score)),
                None => ("0".into(), "—".into(), "—".into()),
            };
            let (split, n) = if i == 0 { (split, n.as_str()) } else { ("", "") };
            lines.push(format!("{split:<6} {n:>5}  {forecaster:<11} {brier:>7} {log:>9}"));
        }
    }
    let rows = a.worst("all");
    if !rows.is_empty() {
        lines.push(String::new());
        lines.push(format!("the {} facts the model got most wrong:", worst.min(rows.len())));
        lines.push(format!(
            "{:<20} {:<5} {:>8} {:>8} {:>6}  {}",
            "fact", "split", "observed", "forecast", "Brier", "claim"
        ));
        for f in rows.iter().take(worst) {
            lines.push(format!(
                "{:<20} {:<5} {:>8} {:>8.3} {:>6.3}  {}",
                clip(&f.id, 20),
                f.split,
                u8::from(f.observed),
                f.probability,
                f.brier.unwrap_or(0.0),
                clip(&f.claim, 60)
            ));
        }
    }
    lines
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n - 1).collect::<String>()) }
}

/// The lines of a calibration's summary: per split and forecaster, the Brier and log scores
/// of the prior (the scenario as given) and of the posterior (the calibrated one).
pub fn comparison(prior: &Assessment, posterior: &Assessment) -> Vec<String> {
    let mut lines = vec![format!(
        "{:<6} {:>5}  {:<11} {:>12} {:>10} {:>10} {:>10}",
        "split", "facts", "forecaster", "Brier: prior", "posterior", "log: prior", "posterior"
    )];
    let show = |a: &Assessment, split: &str, f: &str| a.score(split, f).map(|s| (s.n, s.brier, s.log_score));
    for split in SPLITS {
        for (i, forecaster) in FORECASTERS.iter().enumerate() {
            let cell = |x: Option<f64>| x.map_or("—".to_string(), |x| format!("{x:.3}"));
            let (p, q) = (show(prior, split, forecaster), show(posterior, split, forecaster));
            let n = p.map_or(0, |p| p.0);
            let (split, n) = if i == 0 { (split, n.to_string()) } else { ("", String::new()) };
            lines.push(format!(
                "{split:<6} {n:>5}  {forecaster:<11} {:>12} {:>10} {:>10} {:>10}",
                cell(p.map(|p| p.1)),
                cell(q.map(|q| q.1)),
                cell(p.map(|p| p.2)),
                cell(q.map(|q| q.2))
            ));
        }
    }
    lines
}
