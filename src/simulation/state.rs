//! What a run carries from turn to turn, imposed actions, and snapshots.

use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

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
    /// Influence shares, `clients × patrons` row-major; each row sums to 1.
    pub influence: Vec<f64>,
    pub influence_baseline: Vec<f64>,
    pub issue_active: Vec<bool>,
    /// Per participant slot: its actions, bit 0 the latest turn (1 = cooperated).
    pub history: Vec<u64>,
    /// Per issue: bit 0 set when both sides cooperated in the latest turn (dyadic only).
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
}

/// Imposed actions for the next turn, by participant slot (see [`Simulation::slot`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Overrides(pub Vec<Option<bool>>);

/// A run frozen between turns: enough, with its scenario, to resume it exactly.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    pub values: Values,
    pub state: State,
    pub rng: ChaCha8Rng,
}
pub(super) fn normalise(row: &mut [f64]) {
    let total: f64 = row.iter().sum();
    if total > 0.0 {
        row.iter_mut().for_each(|x| *x /= total);
    } else {
        let even = 1.0 / row.len() as f64;
        row.iter_mut().for_each(|x| *x = even);
    }
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
        influence_baseline: vec![0.0; sc.influence.shares.len()],
        issue_active: vec![false; sc.issues.len()],
        history: vec![0; slots],
        mutual: vec![0; sc.issues.len()],
        streak: vec![0; sc.outcomes.len()],
        reached: vec![None; sc.outcomes.len()],
        fired: vec![None; sc.events.len()],
        last_fired: vec![None; sc.events.len()],
        utility: vec![0.0; n],
        decisions: 0,
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
    for (x, p) in st.influence.iter_mut().zip(&sc.influence.shares) {
        *x = p.map_or(0.0, |id| values.get(id));
    }
    let np = sc.influence.patrons.len();
    for c in 0..sc.influence.clients.len() {
        normalise(&mut st.influence[c * np..(c + 1) * np]);
    }
    st.influence_baseline.copy_from_slice(&st.influence);
    for (active, issue) in st.issue_active.iter_mut().zip(&sc.issues) {
        *active = issue.active;
    }
    st.history.fill(0);
    st.mutual.fill(0);
    st.streak.fill(0);
    st.reached.fill(None);
    st.fired.fill(None);
    st.last_fired.fill(None);
    st.utility.fill(0.0);
    st.decisions = 0;
}
