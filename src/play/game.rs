//! The game: a run of a scenario in which teams take some actors' decisions.
//!
//! A turn goes: the decisions of the coming turn are known ([`Game::decisions`], each with the
//! model's recommendation and its terms); teams submit theirs ([`Game::submit`]), in any
//! order, any number of teams; [`Game::pending`] tells what is still missing;
//! [`Game::adjudicate`] plays the turn with the submitted actions imposed and the model
//! playing everyone else, and appends the turn to the log. Between turns a facilitator may
//! inject, override or undo ([`super::facilitator`]).
//!
//! The model's recommendation is computed on a copy of the run resumed from a snapshot, so
//! looking at it never advances the game's random stream.

use serde::{Deserialize, Serialize};

use super::decisions::p_carried;
pub use super::decisions::{Decision, DecisionKind};
pub use super::log::{Choice, Entry};

use crate::model::actor::ActorId;
use crate::model::decision::DecisionRecord;
use crate::model::issue::IssueKind;
use crate::scenario::Scenario;
use crate::simulation::{Overrides, Recorder, Simulation, Snapshot};

/// A team: a name and the actors whose decisions it takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    /// How orders files and the log name it (an actor's id when a team plays one actor).
    pub name: String,
    /// The ids of the actors it plays: a state takes its own decisions, an organization its
    /// decisions as a participant (its members' votes are then not counted).
    pub actors: Vec<String>,
}

/// A choice submitted for the coming turn and not yet adjudicated, as a save file keeps it
/// (so a server killed between submissions loses none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    /// The team's name.
    pub team: String,
    /// The issue's id.
    pub issue: String,
    /// The participant's id.
    pub actor: String,
    /// What was chosen (true: cooperate, stay in, join, contribute).
    pub cooperate: bool,
}

/// What happened in a turn, for display.
#[derive(Debug, Clone, Default)]
pub struct TurnReport {
    /// 0-based turn.
    pub turn: usize,
    /// Per issue active in the turn: each participant's action.
    pub actions: Vec<(usize, Vec<(ActorId, bool)>)>,
    /// Events fired in the turn.
    pub events: Vec<usize>,
    /// Arrangements formed, ended (issue indices).
    pub formed: Vec<usize>,
    /// Arrangements ended (issue indices).
    pub ended: Vec<usize>,
    /// Outcomes first reached.
    pub reached: Vec<usize>,
    /// Every decision record of the turn.
    pub records: Vec<DecisionRecord>,
    /// Slots whose action a team imposed.
    pub imposed: Vec<usize>,
    /// The scenario's recorded series (`Scenario::series`) after the turn.
    pub metrics: Vec<f64>,
}

/// What a game refuses to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GameError {
    /// The scenario has no actor of that id.
    #[error("no actor `{}` in the scenario{}", .0, hint(.1))]
    UnknownActor(String, Option<String>),
    /// A team of no actors, or an actor in two teams.
    #[error("{0}")]
    Teams(String),
    /// No team of that name.
    #[error("no team `{0}`")]
    UnknownTeam(String),
    /// No issue of that id.
    #[error("no issue `{}` in the scenario{}", .0, hint(.1))]
    UnknownIssue(String, Option<String>),
    /// The team takes no such decision this turn.
    #[error("{team} takes no decision on `{issue}` this turn{}", hint(.help))]
    NotTheirs {
        /// The team.
        team: String,
        /// The issue.
        issue: String,
        /// What the team does decide.
        help: Option<String>,
    },
    /// Decisions not yet submitted.
    #[error("decisions still pending: {}", .0.join(", "))]
    Pending(Vec<String>),
    /// The game is over.
    #[error("the game is over: every turn has been played")]
    Over,
    /// Nothing to undo.
    #[error("no turn to undo")]
    NothingToUndo,
    /// A facilitator's change that cannot be made.
    #[error("{0}")]
    Facilitator(String),
    /// A log that does not replay.
    #[error("the log does not replay: {0}")]
    Replay(String),
}

fn hint(h: &Option<String>) -> String {
    h.as_ref().map_or_else(String::new, |h| format!(" ({h})"))
}

/// The coming turn as the model sees it: computed on a copy, never advancing the game.
#[derive(Debug, Clone)]
struct Preview {
    decisions: Vec<Decision>,
    events: Vec<usize>,
    records: Vec<DecisionRecord>,
}

/// A game in progress.
pub struct Game<'s> {
    scenario: &'s Scenario,
    seed: u64,
    run: u64,
    sim: Simulation<'s>,
    teams: Vec<Team>,
    /// Per team: its actors.
    team_actors: Vec<Vec<ActorId>>,
    log: Vec<Entry>,
    /// Before each turn still standing: the run, and what the turn showed.
    played: Vec<(Snapshot, TurnReport)>,
    submitted: Vec<Option<bool>>,
    preview: Option<Preview>,
}

impl std::fmt::Debug for Game<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Game")
            .field("scenario", &self.scenario.name)
            .field("seed", &self.seed)
            .field("run", &self.run)
            .field("turn", &self.turn())
            .field("teams", &self.teams)
            .finish_non_exhaustive()
    }
}

impl<'s> Game<'s> {
    /// A new game of run `run` under master seed `seed`, with these teams.
    pub fn new(scenario: &'s Scenario, seed: u64, run: u64, teams: Vec<Team>) -> Result<Game<'s>, GameError> {
        let mut team_actors = Vec::new();
        let mut seen: Vec<ActorId> = Vec::new();
        let ids: Vec<&str> = scenario.actors.iter().map(|a| a.id.as_str()).collect();
        for t in &teams {
            if t.actors.is_empty() {
                return Err(GameError::Teams(format!("team `{}` plays no actor", t.name)));
            }
            let mut mine = Vec::new();
            for id in &t.actors {
                let a = scenario.actor(id).ok_or_else(|| {
                    GameError::UnknownActor(
                        id.clone(),
                        crate::scenario::diagnostic::did_you_mean(id, ids.iter().copied()),
                    )
                })?;
                if seen.contains(&a) {
                    return Err(GameError::Teams(format!("`{id}` is played by two teams")));
                }
                seen.push(a);
                mine.push(a);
            }
            team_actors.push(mine);
        }
        if teams.iter().enumerate().any(|(i, t)| teams[..i].iter().any(|u| u.name == t.name)) {
            return Err(GameError::Teams("two teams have the same name".into()));
        }
        let sim = Simulation::new(scenario, seed, run);
        let submitted = vec![None; sim.slot_count()];
        Ok(Game {
            scenario,
            seed,
            run,
            sim,
            teams,
            team_actors,
            log: Vec::new(),
            played: Vec::new(),
            submitted,
            preview: None,
        })
    }

    /// Replays a log from the start: the game it describes, exactly.
    pub fn replay(
        scenario: &'s Scenario,
        seed: u64,
        run: u64,
        teams: Vec<Team>,
        log: &[Entry],
    ) -> Result<Game<'s>, GameError> {
        let mut g = Game::new(scenario, seed, run, teams)?;
        for entry in log {
            g.apply(entry)?;
        }
        Ok(g)
    }

    /// Applies one log entry (replay).
    fn apply(&mut self, entry: &Entry) -> Result<(), GameError> {
        match entry {
            Entry::Turn { turn, choices, .. } => {
                if *turn != self.turn() {
                    return Err(GameError::Replay(format!("turn {turn} logged where turn {} comes", self.turn())));
                }
                for c in choices {
                    let team = self.team_index(&c.team)?;
                    self.submit_one(team, &c.issue, Some(&c.actor), c.cooperate)?;
                }
                // What the log does not impose, the model decided.
                self.adjudicate_with_model()?;
            }
            Entry::Event { event, reason, .. } => self.fire_event(event, reason.clone())?,
            Entry::Inject { text, reason, .. } => {
                self.inject(text, "log", reason.clone()).map_err(|e| GameError::Replay(e.to_string()))?;
            }
            Entry::Override { target, to, reason, .. } => self.override_value(target, *to, reason)?,
            Entry::Undo { .. } => self.undo()?,
            Entry::Note { by, text, .. } => self.note(by, text),
        }
        Ok(())
    }

    /// The scenario.
    pub fn scenario(&self) -> &'s Scenario {
        self.scenario
    }

    /// The master seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The run index.
    pub fn run(&self) -> u64 {
        self.run
    }

    /// The teams.
    pub fn teams(&self) -> &[Team] {
        &self.teams
    }

    /// The actors of team `team`.
    pub fn team_actors(&self, team: usize) -> &[ActorId] {
        &self.team_actors[team]
    }

    /// The index of the team named `name`.
    pub fn team_index(&self, name: &str) -> Result<usize, GameError> {
        self.teams.iter().position(|t| t.name == name).ok_or_else(|| GameError::UnknownTeam(name.to_string()))
    }

    /// The run being played.
    pub fn simulation(&self) -> &Simulation<'s> {
        &self.sim
    }

    /// The log so far.
    pub fn log(&self) -> &[Entry] {
        &self.log
    }

    /// The next turn to play (0-based); equal to the number of turns once over.
    pub fn turn(&self) -> usize {
        self.sim.state().turn
    }

    /// Whether every turn has been played.
    pub fn is_over(&self) -> bool {
        self.sim.is_done()
    }

    /// The date of the coming turn (`2014-Q2`).
    pub fn date(&self) -> String {
        self.scenario.calendar.period(self.turn().min(self.scenario.calendar.turns().saturating_sub(1))).to_string()
    }

    /// What the last turn showed, if a turn has been played (since the start or a resume).
    pub fn last_report(&self) -> Option<&TurnReport> {
        self.played.last().map(|(_, r)| r)
    }

    /// Every turn's report so far, in order.
    pub fn reports(&self) -> impl Iterator<Item = &TurnReport> {
        self.played.iter().map(|(_, r)| r)
    }

    /// The decisions the teams take in the coming turn, with the model's recommendations.
    pub fn decisions(&mut self) -> &[Decision] {
        &self.preview().decisions
    }

    /// Events that fire at the start of the coming turn, before the decisions (the model's
    /// deciders see them too).
    pub fn coming_events(&mut self) -> &[usize] {
        &self.preview().events
    }

    /// Every decision record of the coming turn as the model would take it.
    pub fn coming_records(&mut self) -> &[DecisionRecord] {
        &self.preview().records
    }

    /// The decisions not yet submitted, as `team: issue (actor)`.
    pub fn pending(&mut self) -> Vec<Decision> {
        let submitted = self.submitted.clone();
        self.decisions().iter().filter(|d| submitted[d.slot].is_none()).cloned().collect()
    }

    /// The submitted choice of a slot this turn, if any.
    pub fn submitted(&self, slot: usize) -> Option<bool> {
        self.submitted[slot]
    }

    /// Every choice submitted for the coming turn, in slot order (issues in scenario order,
    /// then participants).
    pub fn submissions(&self) -> Vec<Submission> {
        let sc = self.scenario;
        let mut out = Vec::new();
        for (k, issue) in sc.issues.iter().enumerate() {
            for &a in &issue.participants {
                let slot = self.sim.slot(k, a).expect("a participant has a slot");
                if let Some(cooperate) = self.submitted[slot] {
                    let team = self.team_actors.iter().position(|t| t.contains(&a)).expect("only teams submit");
                    out.push(Submission {
                        team: self.teams[team].name.clone(),
                        issue: issue.id.clone(),
                        actor: sc.actors[a.0].id.clone(),
                        cooperate,
                    });
                }
            }
        }
        out
    }

    /// Submits the model's recommendation for every decision still pending: what `model` at
    /// the terminal, `rest = "model"` in orders and the seminar's "the model takes the rest"
    /// do before a turn is adjudicated.
    pub fn submit_recommended(&mut self) -> Result<(), GameError> {
        for d in self.pending() {
            self.submitted[d.slot] = Some(d.recommend);
        }
        Ok(())
    }

    /// Submits team `team`'s choice on `issue`, for `actor` (needed only when the team has
    /// two participants in the issue). A later submission replaces an earlier one.
    pub fn submit(&mut self, team: &str, issue: &str, actor: Option<&str>, cooperate: bool) -> Result<(), GameError> {
        let t = self.team_index(team)?;
        self.submit_one(t, issue, actor, cooperate)
    }

    fn submit_one(&mut self, team: usize, issue: &str, actor: Option<&str>, cooperate: bool) -> Result<(), GameError> {
        let slot = self.find_decision(team, issue, actor)?.slot;
        self.submitted[slot] = Some(cooperate);
        Ok(())
    }

    /// The team's decision on `issue` (for `actor`), or why there is none.
    pub fn find_decision(&mut self, team: usize, issue: &str, actor: Option<&str>) -> Result<Decision, GameError> {
        let sc = self.scenario;
        let name = self.teams[team].name.clone();
        let k = sc.issue(issue).ok_or_else(|| {
            GameError::UnknownIssue(
                issue.to_string(),
                crate::scenario::diagnostic::did_you_mean(issue, sc.issues.iter().map(|i| i.id.as_str())),
            )
        })?;
        let mine: Vec<Decision> = self.decisions().iter().filter(|d| d.team == team).cloned().collect();
        let found: Vec<&Decision> =
            mine.iter().filter(|d| d.issue == k && actor.is_none_or(|a| sc.actors[d.participant.0].id == a)).collect();
        match found.as_slice() {
            [d] => Ok((*d).clone()),
            [] => {
                let list: Vec<&str> = mine.iter().map(|d| sc.issues[d.issue].id.as_str()).collect();
                let help = if list.is_empty() {
                    Some("it takes no decision this turn".to_string())
                } else {
                    Some(format!("it decides {}", list.join(", ")))
                };
                Err(GameError::NotTheirs { team: name, issue: issue.to_string(), help })
            }
            many => Err(GameError::NotTheirs {
                team: name,
                issue: issue.to_string(),
                help: Some(format!(
                    "name the actor: {}",
                    many.iter().map(|d| sc.actors[d.participant.0].id.as_str()).collect::<Vec<_>>().join(" or ")
                )),
            }),
        }
    }

    /// Plays the coming turn with every team's submitted choice imposed; refuses while any
    /// is pending.
    pub fn adjudicate(&mut self) -> Result<&TurnReport, GameError> {
        if self.is_over() {
            return Err(GameError::Over);
        }
        let sc = self.scenario;
        let pending: Vec<String> = self
            .pending()
            .iter()
            .map(|d| {
                format!("{}: {} ({})", self.teams[d.team].name, sc.issues[d.issue].id, sc.actors[d.participant.0].id)
            })
            .collect();
        if !pending.is_empty() {
            return Err(GameError::Pending(pending));
        }
        Ok(self.play_turn())
    }

    /// Plays the coming turn; the model takes every decision not submitted.
    pub fn adjudicate_with_model(&mut self) -> Result<&TurnReport, GameError> {
        if self.is_over() {
            return Err(GameError::Over);
        }
        Ok(self.play_turn())
    }

    fn play_turn(&mut self) -> &TurnReport {
        let sc = self.scenario;
        let decisions = self.decisions().to_vec();
        let t = self.turn();
        let date = self.date();
        let before = self.sim.snapshot();
        let overrides = Overrides(self.submitted.clone());
        let mut rec = Recorder::default();
        self.sim.step_with(&overrides, &mut rec);
        let st = self.sim.state();
        let mut report =
            TurnReport { turn: t, events: rec.events.iter().map(|&(_, e)| e).collect(), ..Default::default() };
        let mut slot = 0;
        for (k, issue) in sc.issues.iter().enumerate() {
            let n = issue.participants.len();
            let acted = rec.decisions.iter().any(|r| r.issue == k);
            if acted {
                let acts = issue.participants.iter().enumerate().map(|(i, &a)| (a, st.history[slot + i] & 1 == 1));
                report.actions.push((k, acts.collect()));
            }
            if let IssueKind::Dyadic { arrangement: Some(_), .. } = issue.kind {
                let (was, is) = (before.state.mutual[k] & 1 == 1, st.mutual[k] & 1 == 1);
                if !was && is {
                    report.formed.push(k);
                } else if was && !is {
                    report.ended.push(k);
                }
            }
            slot += n;
        }
        report.reached =
            (0..sc.outcomes.len()).filter(|&o| before.state.reached[o].is_none() && st.reached[o].is_some()).collect();
        report.imposed = (0..self.submitted.len()).filter(|&s| self.submitted[s].is_some()).collect();
        report.records = rec.decisions;
        report.metrics = sc.series.iter().map(|m| self.sim.metric(m)).collect();
        let choices = decisions
            .iter()
            .filter_map(|d| {
                Some(Choice {
                    team: self.teams[d.team].name.clone(),
                    issue: sc.issues[d.issue].id.clone(),
                    actor: sc.actors[d.participant.0].id.clone(),
                    kind: d.kind,
                    cooperate: self.submitted[d.slot]?,
                    recommended: d.recommend,
                    p_cooperate: d.p_cooperate,
                    utility: d.utility,
                })
            })
            .collect();
        let ids = |v: &[usize], f: &dyn Fn(usize) -> String| v.iter().map(|&i| f(i)).collect::<Vec<_>>();
        self.log.push(Entry::Turn {
            turn: t,
            date,
            choices,
            events: ids(&report.events, &|e| sc.events[e].id.clone()),
            formed: ids(&report.formed, &|k| sc.issues[k].id.clone()),
            ended: ids(&report.ended, &|k| sc.issues[k].id.clone()),
            reached: ids(&report.reached, &|o| sc.outcomes[o].id.clone()),
        });
        self.played.push((before, report));
        self.changed();
        &self.played.last().expect("just pushed").1
    }

    /// Undoes the last turn, and whatever was done since it: the game is back where it was
    /// just before that turn was adjudicated.
    pub fn undo(&mut self) -> Result<(), GameError> {
        let (snapshot, report) = self.played.pop().ok_or(GameError::NothingToUndo)?;
        self.sim = Simulation::resume(self.scenario, snapshot);
        self.log.push(Entry::Undo { turn: report.turn });
        self.changed();
        Ok(())
    }

    /// Adds a note to the log.
    pub fn note(&mut self, by: &str, text: &str) {
        self.log.push(Entry::Note { turn: self.turn(), by: by.to_string(), text: text.to_string() });
    }

    /// The run, for a facilitator's change: the preview and submissions are dropped.
    pub(super) fn sim_mut(&mut self) -> &mut Simulation<'s> {
        self.changed();
        &mut self.sim
    }

    /// Appends a facilitator's entry.
    pub(super) fn push_log(&mut self, entry: Entry) {
        self.log.push(entry);
    }

    /// Anything changed: the coming turn must be looked at afresh, and choices made against
    /// the old one asked again.
    fn changed(&mut self) {
        self.preview = None;
        self.submitted.fill(None);
    }

    fn preview(&mut self) -> &Preview {
        if self.preview.is_none() {
            self.preview = Some(self.look_ahead());
        }
        self.preview.as_ref().expect("just computed")
    }

    /// The coming turn played on a copy with nothing imposed: the records of every decision
    /// (which do not depend on what is imposed in the same turn) and the events that fire.
    fn look_ahead(&self) -> Preview {
        let sc = self.scenario;
        if self.is_over() {
            return Preview { decisions: Vec::new(), events: Vec::new(), records: Vec::new() };
        }
        let mut copy = Simulation::resume(sc, self.sim.snapshot());
        let mut rec = Recorder::default();
        copy.step_with(&Overrides::default(), &mut rec);
        let mut decisions = Vec::new();
        for (team, actors) in self.team_actors.iter().enumerate() {
            for (k, issue) in sc.issues.iter().enumerate() {
                for &a in actors {
                    if !issue.participants.contains(&a) {
                        continue;
                    }
                    let records: Vec<DecisionRecord> =
                        rec.decisions.iter().filter(|r| r.issue == k && r.participant == a).cloned().collect();
                    if records.is_empty() {
                        // Inactive, or nobody admitted to decide: the status quo holds.
                        continue;
                    }
                    let slot = self.sim.slot(k, a).expect("a participant has a slot");
                    decisions.push(self.decision(team, k, a, slot, records));
                }
            }
        }
        Preview { decisions, events: rec.events.iter().map(|&(_, e)| e).collect(), records: rec.decisions }
    }

    fn decision(&self, team: usize, k: usize, a: ActorId, slot: usize, records: Vec<DecisionRecord>) -> Decision {
        let in_force = records[0].in_force;
        let kind = match &self.scenario.issues[k].kind {
            IssueKind::Dyadic { arrangement: Some(_), .. } if in_force => DecisionKind::Stay,
            IssueKind::Dyadic { arrangement: Some(_), .. } => DecisionKind::Join,
            IssueKind::Dyadic { .. } => DecisionKind::Cooperate,
            IssueKind::PublicGood(_) => DecisionKind::Contribute,
        };
        let rule = self.sim.vote_rule(slot);
        let (p_cooperate, utility) = if self.scenario.is_organization(a) {
            let weight =
                |r: &DecisionRecord| rule.voters.iter().find(|v| v.actor == r.decider).map_or(0.0, |v| v.weight);
            let u = records.iter().map(|r| weight(r) * r.utility).sum();
            (p_carried(&records, &rule, in_force), u)
        } else {
            (records[0].p_cooperate, records[0].utility)
        };
        Decision {
            team,
            issue: k,
            participant: a,
            slot,
            kind,
            p_cooperate,
            recommend: p_cooperate >= 0.5,
            utility,
            records,
        }
    }
}
