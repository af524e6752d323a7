//! What a run carries from turn to turn, imposed actions, and snapshots.

use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::influence::initial_shares;
use crate::model::issue::IssueKind;
use crate::model::param::Values;
use crate::scenario::Scenario;

/// Everything about a run that changes from turn to turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// Turns completed (the next turn to play).
    pub turn: usize,
    /// Trust, `n × n` row-major: `trust[a * n + b]` is a's trust in b.
    pub trust: Vec<f64>,
    /// Levels forgiveness pulls trust back to.
    pub trust_baseline: Vec<f64>,
    /// State variables, in scenario order.
    pub vars: Vec<f64>,
    /// Influence shares, `domains × clients × patrons` row-major; each row (a client in a
    /// domain) sums to 1.
    pub influence: Vec<f64>,
    /// The ties behind the shares, same layout: a row of shares is its row of ties scaled to
    /// sum to 1.
    pub ties: Vec<f64>,
    /// Per issue: whether it is on the table.
    pub issue_active: Vec<bool>,
    /// Per participant slot: its actions, bit 0 the latest turn (1 = cooperated). Before the
    /// first turn, bit 0 is the start state: set for both sides of an arrangement in force.
    pub history: Vec<u64>,
    /// Per issue: bit 0 set when both sides cooperated in the latest turn (dyadic only): for
    /// an arrangement, whether it is in force.
    pub mutual: Vec<u64>,
    /// Per outcome: consecutive turns its conditions have held.
    pub streak: Vec<u32>,
    /// Per outcome: the turn it was first reached.
    pub reached: Vec<Option<usize>>,
    /// Per event: the turn it first fired.
    pub fired: Vec<Option<usize>>,
    /// Per event: the turn it last fired.
    pub last_fired: Vec<Option<usize>>,
    /// Accumulated utility per actor (payoffs per year × years).
    pub utility: Vec<f64>,
    /// Actor-decisions taken so far (a member's vote counts as one).
    pub decisions: u64,
    /// Per decider (in the model's decision order): the commitment its start revealed, added to
    /// an arrangement in force since the start until it first ends (see
    /// `model.keep_at_start`); empty when the scenario sets no floor.
    #[serde(default)]
    pub revealed: Vec<f64>,
}

/// Imposed actions for the next turn, by participant slot (see [`super::Simulation::slot`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Overrides(pub Vec<Option<bool>>);

/// A run frozen between turns: enough, with its scenario, to resume it exactly.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    /// The run's parameter values.
    pub values: Values,
    /// The state between turns.
    pub state: State,
    /// The random stream, at its position.
    pub rng: ChaCha8Rng,
}
pub(super) fn initial_state(sc: &Scenario, values: &Values) -> State {
    let n = sc.actor_count();
    let slots: usize = sc.issues.iter().map(|i| i.participants.len()).sum();
    let mut st = State {
        turn: 0,
        trust: vec![0.0; sc.trust.len()],
        trust_baseline: vec![0.0; sc.trust.len()],
        vars: vec![0.0; sc.state.len()],
        influence: vec![0.0; sc.influence.shares.len()],
        ties: vec![0.0; sc.influence.shares.len()],
        issue_active: vec![false; sc.issues.len()],
        history: vec![0; slots],
        mutual: vec![0; sc.issues.len()],
        streak: vec![0; sc.outcomes.len()],
        reached: vec![None; sc.outcomes.len()],
        fired: vec![None; sc.events.len()],
        last_fired: vec![None; sc.events.len()],
        utility: vec![0.0; n],
        decisions: 0,
        revealed: Vec::new(),
    };
    reset_state(&mut st, sc, values);
    st
}

/// Sets `st` to the state a run with `values` starts from, in place (organizations' trust is
/// derived afterwards, by the model).
pub(super) fn reset_state(st: &mut State, sc: &Scenario, values: &Values) {
    st.turn = 0;
    for (t, p) in st.trust.iter_mut().zip(&sc.trust) {
        *t = p.map_or(1.0, |id| values.get(id));
    }
    st.trust_baseline.copy_from_slice(&st.trust);
    for (x, v) in st.vars.iter_mut().zip(&sc.state) {
        *x = values.get(v.initial);
    }
    initial_shares(sc, values, &mut st.influence);
    st.ties.copy_from_slice(&st.influence);
    for (active, issue) in st.issue_active.iter_mut().zip(&sc.issues) {
        *active = issue.active;
    }
    st.history.fill(0);
    st.mutual.fill(0);
    // Arrangements in force at the start: both sides "cooperated" in the turn before it.
    let mut slot = 0;
    for (k, issue) in sc.issues.iter().enumerate() {
        if let IssueKind::Dyadic { arrangement: Some(a), .. } = &issue.kind
            && a.in_force
        {
            st.mutual[k] = 1;
            st.history[slot] = 1;
            st.history[slot + 1] = 1;
        }
        slot += issue.participants.len();
    }
    st.streak.fill(0);
    st.reached.fill(None);
    st.fired.fill(None);
    st.last_fired.fill(None);
    st.utility.fill(0.0);
    st.decisions = 0;
    // Derived from the start state and the model by `Simulation::reveal_commitments`.
    st.revealed.clear();
}
