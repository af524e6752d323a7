//! The after-action report's data: the timeline of decisions and events, where the teams
//! departed from the model's recommendation and what it cost them, the outcomes reached, and
//! the game's path against the bands of the scenario's Monte Carlo. Plain serde data: the
//! game writes it as `aar.json`, and `report::aar` draws the pages from that file.

use serde::{Deserialize, Serialize};

use super::game::{Entry, Game, Team};
use crate::model::metric::Metric;
use crate::montecarlo::Summary;

/// The after-action report of a game.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Aar {
    /// The scenario's name.
    pub scenario: String,
    /// Its question, if it has one.
    pub question: Option<String>,
    /// Master seed and run index of the game.
    pub seed: u64,
    /// Run index.
    pub run: u64,
    /// The teams.
    pub teams: Vec<Team>,
    /// Every turn's date.
    pub dates: Vec<String>,
    /// Turns played.
    pub played: usize,
    /// Runs behind the bands and the probabilities at the start.
    pub runs: u64,
    /// What happened, in order.
    pub timeline: Vec<Moment>,
    /// The teams' choices against the model's recommendation.
    pub departures: Vec<Departure>,
    /// Per team: its record.
    pub team_records: Vec<TeamRecord>,
    /// The scenario's outcomes: reached in the game or not, and their probability at the
    /// start.
    pub outcomes: Vec<OutcomeLine>,
    /// The game's path through quantities of the state, with the scenario's bands.
    pub paths: Vec<PathLine>,
}

/// A line of the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Moment {
    /// 0-based turn.
    pub turn: usize,
    /// Its date.
    pub date: String,
    /// `choice` (a team's decisions of the turn as the model recommended, counted),
    /// `departure`, `event`, `inject`, `override`, `undo`, `formed`, `ended`, `outcome` or
    /// `note`.
    pub kind: String,
    /// What happened, in words.
    pub text: String,
}

/// A choice that went against the model's recommendation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Departure {
    /// 0-based turn.
    pub turn: usize,
    /// Its date.
    pub date: String,
    /// The team.
    pub team: String,
    /// The issue's id.
    pub issue: String,
    /// The participant.
    pub actor: String,
    /// What the team chose, in the decision's words.
    pub chose: String,
    /// What the model recommended.
    pub recommended: String,
    /// The model's probability of cooperating.
    pub p_cooperate: f64,
    /// Expected utility given up, in the model's units (≥ 0).
    pub cost: f64,
}

/// A team's record over the game.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamRecord {
    /// The team.
    pub team: String,
    /// Decisions it took.
    pub decisions: usize,
    /// Of which against the model's recommendation.
    pub departures: usize,
    /// Expected utility given up by those departures, summed.
    pub expected_cost: f64,
    /// Per actor it played: accumulated utility in the game, and in the same game (same
    /// draws, injects and overrides) with the model playing that team too.
    pub utility: Vec<(String, f64, f64)>,
}

/// An outcome of the scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeLine {
    /// Its id.
    pub id: String,
    /// Its label.
    pub label: String,
    /// The date the game reached it, if it did.
    pub reached: Option<String>,
    /// Its probability in the scenario's Monte Carlo from the start, in [0, 1].
    pub p_at_start: f64,
}

/// A quantity's path in the game, against the scenario's bands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathLine {
    /// The metric's path (`state.afghan_threat`).
    pub metric: String,
    /// Its label.
    pub label: String,
    /// After each turn played.
    pub game: Vec<f64>,
    /// Per turn of the scenario: the Monte Carlo's 5th, 25th, 50th, 75th and 95th
    /// percentiles.
    pub bands: Vec<[f64; 5]>,
}

/// The quantities drawn: the state variables, and the influence shares over the clients the
/// teams play.
fn drawn(game: &Game<'_>) -> Vec<usize> {
    let sc = game.scenario();
    let mine: Vec<usize> =
        game.teams().iter().enumerate().flat_map(|(t, _)| game.team_actors(t).iter().map(|a| a.0)).collect();
    sc.series
        .iter()
        .enumerate()
        .filter(|(_, m)| match m {
            Metric::State(_) => true,
            Metric::Influence { client, .. } => mine.contains(&sc.influence.clients[*client].0),
            _ => false,
        })
        .map(|(i, _)| i)
        .take(8)
        .collect()
}

/// The report of `game`, against `start` (the scenario's Monte Carlo from the start under
/// the game's seed) and `model_played` (the same log replayed with the teams' choices left
/// to the model).
pub fn build(game: &Game<'_>, start: &Summary, model_played: &Game<'_>) -> Aar {
    let sc = game.scenario();
    let date = |t: usize| sc.calendar.period(t.min(sc.calendar.turns().saturating_sub(1))).to_string();
    let label = |f: &dyn Fn() -> Option<String>, id: &str| f().unwrap_or_else(|| id.to_string());
    let issue_label = |id: &str| label(&|| sc.issue(id).map(|k| sc.issues[k].label.clone()), id);
    let event_label = |id: &str| label(&|| sc.events.iter().find(|e| e.id == id).map(|e| e.label.clone()), id);
    let outcome_label = |id: &str| label(&|| sc.outcomes.iter().find(|o| o.id == id).map(|o| o.label.clone()), id);
    let mut timeline = Vec::new();
    let mut departures = Vec::new();
    let mut moment = |turn: usize, kind: &str, text: String| {
        timeline.push(Moment { turn, date: date(turn), kind: kind.to_string(), text });
    };
    for entry in game.log() {
        match entry {
            Entry::Turn { turn, choices, events, formed, ended, reached, .. } => {
                for e in events {
                    moment(*turn, "event", format!("Event: {}", event_label(e)));
                }
                // Choices as the model recommended: one line per team and turn.
                let mut agreed: Vec<(&str, usize)> = Vec::new();
                for c in choices {
                    let word = |b: bool| c.kind.word(b);
                    if c.cooperate == c.recommended {
                        match agreed.iter_mut().find(|(t, _)| *t == c.team) {
                            Some((_, n)) => *n += 1,
                            None => agreed.push((&c.team, 1)),
                        }
                        continue;
                    }
                    moment(
                        *turn,
                        "departure",
                        format!(
                            "{} ({}) chose to {} on {}; the model recommended to {} (p(cooperate) {:.0}%)",
                            c.actor,
                            c.team,
                            word(c.cooperate),
                            issue_label(&c.issue),
                            word(c.recommended),
                            100.0 * c.p_cooperate
                        ),
                    );
                    departures.push(Departure {
                        turn: *turn,
                        date: date(*turn),
                        team: c.team.clone(),
                        issue: c.issue.clone(),
                        actor: c.actor.clone(),
                        chose: word(c.cooperate).to_string(),
                        recommended: word(c.recommended).to_string(),
                        p_cooperate: c.p_cooperate,
                        cost: c.cost(),
                    });
                }
                for (team, n) in agreed {
                    let decisions = if n == 1 { "decision" } else { "decisions" };
                    moment(*turn, "choice", format!("{team}: {n} {decisions} as the model recommended"));
                }
                for k in formed {
                    moment(*turn, "formed", format!("Arrangement formed: {}", issue_label(k)));
                }
                for k in ended {
                    moment(*turn, "ended", format!("Arrangement ended: {}", issue_label(k)));
                }
                for o in reached {
                    moment(*turn, "outcome", format!("Outcome reached: {}", outcome_label(o)));
                }
            }
            Entry::Event { turn, event, reason } => moment(
                *turn,
                "inject",
                format!("Facilitator fired the event {}{}", event_label(event), because(reason.as_deref())),
            ),
            Entry::Inject { turn, label, reason, .. } => {
                moment(*turn, "inject", format!("Facilitator's inject: {label}{}", because(reason.as_deref())))
            }
            Entry::Override { turn, target, from, to, reason } => moment(
                *turn,
                "override",
                format!("Facilitator set {target} from {from:.4} to {to:.4}{}", because(Some(reason))),
            ),
            Entry::Undo { turn } => moment(*turn, "undo", format!("Turn of {} undone", date(*turn))),
            Entry::Note { turn, by, text } => moment(*turn, "note", format!("{by}: {text}")),
        }
    }
    // Departures undone are not departures: keep those of turns still standing.
    let standing: Vec<usize> = game.reports().map(|r| r.turn).collect();
    departures.retain(|d| standing.contains(&d.turn));
    let st = game.simulation().state();
    let other = model_played.simulation().state();
    let team_records = game
        .teams()
        .iter()
        .enumerate()
        .map(|(t, team)| {
            let mine: Vec<&Departure> = departures.iter().filter(|d| d.team == team.name).collect();
            let decisions = game
                .log()
                .iter()
                .filter_map(|e| match e {
                    Entry::Turn { turn, choices, .. } if standing.contains(turn) => {
                        Some(choices.iter().filter(|c| c.team == team.name).count())
                    }
                    _ => None,
                })
                .sum::<usize>();
            TeamRecord {
                team: team.name.clone(),
                decisions,
                departures: mine.len(),
                // `+ 0.0`: an empty sum is −0.0.
                expected_cost: mine.iter().map(|d| d.cost).sum::<f64>() + 0.0,
                utility: game
                    .team_actors(t)
                    .iter()
                    .map(|a| (sc.actors[a.0].id.clone(), st.utility[a.0], other.utility[a.0]))
                    .collect(),
            }
        })
        .collect();
    let outcomes = sc
        .outcomes
        .iter()
        .enumerate()
        .map(|(o, out)| OutcomeLine {
            id: out.id.clone(),
            label: out.label.clone(),
            reached: st.reached[o].map(date),
            p_at_start: start.outcomes.reached(o) as f64 / start.outcomes.runs().max(1) as f64,
        })
        .collect();
    let reports: Vec<&super::game::TurnReport> = game.reports().collect();
    let paths = drawn(game)
        .into_iter()
        .map(|i| PathLine {
            metric: sc.metric_path(&sc.series[i]),
            label: sc.metric_path(&sc.series[i]),
            game: reports.iter().map(|r| r.metrics[i]).collect(),
            bands: (0..sc.calendar.turns())
                .map(|t| [0.05, 0.25, 0.5, 0.75, 0.95].map(|q| start.series.quantile(i, t, q)))
                .collect(),
        })
        .collect();
    Aar {
        scenario: sc.name.clone(),
        question: sc.question.clone(),
        seed: game.seed(),
        run: game.run(),
        teams: game.teams().to_vec(),
        dates: (0..sc.calendar.turns()).map(date).collect(),
        played: game.turn(),
        runs: start.runs,
        timeline,
        departures,
        team_records,
        outcomes,
        paths,
    }
}

fn because(reason: Option<&str>) -> String {
    reason.filter(|r| !r.trim().is_empty()).map_or_else(String::new, |r| format!(" ({r})"))
}

/// The log with the teams' choices left to the model (same injects, overrides and undos):
/// replayed with no teams, it is the game the model would have played with the same draws.
pub fn model_played_log(log: &[Entry]) -> Vec<Entry> {
    log.iter()
        .map(|e| match e {
            Entry::Turn { turn, date, events, formed, ended, reached, .. } => Entry::Turn {
                turn: *turn,
                date: date.clone(),
                choices: Vec::new(),
                events: events.clone(),
                formed: formed.clone(),
                ended: ended.clone(),
                reached: reached.clone(),
            },
            other => other.clone(),
        })
        .collect()
}

/// Writes the report's data as JSON, atomically.
pub fn write_json(aar: &Aar, path: &std::path::Path) -> Result<(), crate::results::OutputError> {
    use std::io::Write as _;
    let mut f = crate::results::atomic::AtomicFile::create(path)?;
    let io = |source: std::io::Error| crate::results::OutputError::Io { path: path.to_path_buf(), source };
    serde_json::to_writer_pretty(f.writer(), aar).map_err(|e| io(e.into()))?;
    f.writer().write_all(b"\n").map_err(io)?;
    f.commit()
}

/// Reads the report's data back.
pub fn read_json(path: &std::path::Path) -> Result<Aar, String> {
    let text = crate::input::read_text(path, crate::input::MAX_INPUT_BYTES)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: not an after-action report: {e}", path.display()))
}

/// Writes the after-action report of a game into `dir`: `aar.json` (the scenario's Monte
/// Carlo from the start with `runs` runs behind its bands), then `aar.html` and `aar.md`
/// drawn from it. Returns the page's path. What `heartland play` and the seminar server
/// write at the end of a game.
#[cfg(feature = "charts")]
pub fn write_report(game: &Game<'_>, dir: &std::path::Path, runs: u64) -> Result<std::path::PathBuf, String> {
    let sc = game.scenario();
    let start = super::forecast::at_start(sc, game.seed(), runs);
    let model_log = model_played_log(game.log());
    let model_played = Game::replay(sc, game.seed(), game.run(), Vec::new(), &model_log).map_err(|e| e.to_string())?;
    let report = build(game, &start, &model_played);
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    write_json(&report, &dir.join("aar.json")).map_err(|e| e.to_string())?;
    crate::report::aar::publish(dir)
}
