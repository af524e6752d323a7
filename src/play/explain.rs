//! Why the model decided as it did: a decision's terms (interest by interest, trust,
//! pressure by patron, upkeep, the status quo, the noise) and the probability they implied,
//! from the engine's own [`DecisionRecord`]s; and a run's decisions as a CSV table a teacher
//! can sort.
//!
//! The terms add up exactly as the engine adds them:
//! `utility = horizon · (advantage − Σ pressure − upkeep) + status_quo`,
//! `p_intend = logistic(λ · utility)`, `p_cooperate = ε + (1 − 2ε) · p_intend`, and the
//! decider cooperated when its draw fell below `p_cooperate`.

use std::fmt::Write as _;

use crate::model::decision::DecisionRecord;
use crate::results::atomic::num;
use crate::scenario::Scenario;
use crate::simulation::{Overrides, Recorder, Simulation};

/// Every decision record of run `run` under master seed `seed`, played to the end.
pub fn run_records(sc: &Scenario, seed: u64, run: u64) -> Vec<DecisionRecord> {
    let mut sim = Simulation::new(sc, seed, run);
    let mut rec = Recorder::default();
    while !sim.is_done() {
        sim.step_with(&Overrides::default(), &mut rec);
    }
    rec.decisions
}

/// The records of `actor`'s decisions on `issue` (as participant or voting member), in
/// turn `turn` if given.
pub fn find<'r>(
    sc: &Scenario,
    records: &'r [DecisionRecord],
    actor: &str,
    issue: &str,
    turn: Option<usize>,
) -> Vec<&'r DecisionRecord> {
    let (Some(a), Some(k)) = (sc.actor(actor), sc.issue(issue)) else { return Vec::new() };
    records
        .iter()
        .filter(|r| r.issue == k && (r.participant == a || r.decider == a) && turn.is_none_or(|t| r.turn == t))
        .collect()
}

/// The words for what cooperating means in a record's decision.
fn words(sc: &Scenario, r: &DecisionRecord) -> (&'static str, &'static str) {
    use crate::model::issue::IssueKind;
    match &sc.issues[r.issue].kind {
        IssueKind::Dyadic { arrangement: Some(_), .. } if r.in_force => ("stay in", "leave"),
        IssueKind::Dyadic { arrangement: Some(_), .. } => ("join", "stay out"),
        IssueKind::Dyadic { .. } => ("cooperate", "defect"),
        IssueKind::PublicGood(_) => ("contribute", "hold back"),
    }
}

fn signed(x: f64) -> String {
    if x < 0.0 { format!("−{:.4}", -x) } else { format!("+{x:.4}") }
}

/// A decision's terms in words and numbers, line by line, ending with the probability they
/// implied and, `with_draw`, the draw and what it decided (leave it out for a turn not yet
/// played, whose draws a player should not see).
pub fn describe(sc: &Scenario, r: &DecisionRecord, with_draw: bool) -> String {
    let mut s = String::new();
    let actor = |a: crate::model::actor::ActorId| sc.actors[a.0].id.as_str();
    let issue = &sc.issues[r.issue];
    let (yes, no) = words(sc, r);
    let date = sc.calendar.period(r.turn);
    let who = if r.decider == r.participant {
        actor(r.decider).to_string()
    } else {
        format!("{} (voting in {})", actor(r.decider), actor(r.participant))
    };
    let _ = writeln!(s, "{who} on {} ({}), {date}: {yes} or {no}", issue.id, issue.label);
    match r.partner {
        Some(p) => {
            let _ = writeln!(s, "  belief that {} will cooperate (trust): {:.4}", actor(p), r.belief);
        }
        None => {
            let _ = writeln!(s, "  threat reduction expected from the others: {:.4}", r.belief);
        }
    }
    let _ = writeln!(s, "  salience of the issue: {:.4}", r.salience);
    let _ = writeln!(s, "  advantage of {yes}, by interest (per year):");
    for &(d, x) in &r.by_dimension {
        let _ = writeln!(s, "    {:<24} {}", sc.dimensions[d], signed(x));
    }
    let _ = writeln!(s, "    {:<24} {}", "= advantage", signed(r.advantage));
    let pressure: f64 = r.pressure.iter().map(|p| p.1).sum();
    if !r.pressure.is_empty() {
        let _ = writeln!(s, "  pressure by patron (a cost of {yes}, per year):");
        for &(p, x) in &r.pressure {
            let _ = writeln!(s, "    {:<24} {}", actor(p), signed(-x));
        }
    }
    if r.upkeep != 0.0 {
        let _ = writeln!(s, "  upkeep (a cost of {yes}, per year): {}", signed(-r.upkeep));
    }
    let _ = writeln!(
        s,
        "  over a horizon of {:.2} years: {:.2} × ({} − {:.4} − {:.4}) = {}",
        r.horizon,
        r.horizon,
        signed(r.advantage),
        pressure,
        r.upkeep,
        signed(r.horizon * (r.advantage - pressure - r.upkeep))
    );
    let sq = if r.status_quo > 0.0 {
        "commitment to an arrangement in force"
    } else if r.status_quo < 0.0 {
        "cost of forming the arrangement"
    } else {
        "none"
    };
    let _ = writeln!(s, "  status quo ({sq}): {}", signed(r.status_quo));
    if r.revealed != 0.0 {
        let _ = writeln!(s, "    of which revealed by the arrangement's holding at the start: {}", signed(r.revealed));
    }
    let _ = writeln!(s, "  = utility advantage of {yes}: {}", signed(r.utility));
    let _ = writeln!(s, "  p(intend) = logistic(λ {:.3} × {}) = {:.4}", r.rationality, signed(r.utility), r.p_intend);
    let _ = writeln!(
        s,
        "  p({yes}) = ε + (1 − 2ε)·p(intend) = {:.4} + {:.4} × {:.4} = {:.4}",
        r.error,
        1.0 - 2.0 * r.error,
        r.p_intend,
        r.p_cooperate
    );
    if !with_draw {
        return s;
    }
    let _ = writeln!(
        s,
        "  draw {:.4} {} {:.4}: {}",
        r.draw,
        if r.cooperated { "<" } else { "≥" },
        r.p_cooperate,
        if r.cooperated { yes } else { no }
    );
    s
}

/// The columns of [`csv`] before the interests' and after them.
const HEAD: [&str; 10] =
    ["turn", "date", "issue", "participant", "decider", "partner", "decision", "in_force", "belief", "salience"];
const TAIL: [&str; 11] = [
    "advantage",
    "pressure",
    "upkeep",
    "horizon",
    "status_quo",
    "utility",
    "rationality",
    "p_intend",
    "error",
    "p_cooperate",
    "draw",
];

/// Decisions as a CSV table, one row per decision: who, when, on what, then the terms (an
/// `advantage_DIMENSION` column per interest dimension, the pressure summed over patrons),
/// the probability and what was done.
pub fn csv(sc: &Scenario, records: &[DecisionRecord]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = HEAD.iter().map(|s| s.to_string()).collect();
    header.extend(sc.dimensions.iter().map(|d| format!("advantage_{d}")));
    header.extend(TAIL.iter().map(|s| s.to_string()));
    header.push("cooperated".into());
    w.write_record(&header).expect("writing to memory");
    let actor = |a: crate::model::actor::ActorId| sc.actors[a.0].id.clone();
    for r in records {
        let (yes, no) = words(sc, r);
        let mut row = vec![
            r.turn.to_string(),
            sc.calendar.period(r.turn).to_string(),
            sc.issues[r.issue].id.clone(),
            actor(r.participant),
            actor(r.decider),
            r.partner.map(actor).unwrap_or_default(),
            format!("{yes} or {no}"),
            r.in_force.to_string(),
            num(r.belief),
            num(r.salience),
        ];
        for d in 0..sc.dimensions.len() {
            let x: f64 = r.by_dimension.iter().filter(|t| t.0 == d).map(|t| t.1).sum();
            row.push(num(x));
        }
        let pressure: f64 = r.pressure.iter().map(|p| p.1).sum();
        row.extend(
            [
                r.advantage,
                pressure,
                r.upkeep,
                r.horizon,
                r.status_quo,
                r.utility,
                r.rationality,
                r.p_intend,
                r.error,
                r.p_cooperate,
                r.draw,
            ]
            .map(num),
        );
        row.push(r.cooperated.to_string());
        w.write_record(&row).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 cells")
}
