//! A facilitator's changes between turns, as operations on a [`Game`] that append to its
//! log: fire one of the scenario's events now, inject an ad-hoc one (effects written as in a
//! scenario, checked by the scenario's validator), override a parameter or a state value
//! with a reason. Undo is [`Game::undo`].

use super::game::{Entry, Game, GameError};
use crate::model::events::Target;
use crate::scenario::ScenarioError;
use crate::scenario::diagnostic::did_you_mean;

impl Game<'_> {
    /// Fires scenario event `id` now (before the coming turn), whatever its trigger.
    pub fn fire_event(&mut self, id: &str, reason: Option<String>) -> Result<(), GameError> {
        let sc = self.scenario();
        let e = sc.events.iter().position(|e| e.id == id).ok_or_else(|| {
            GameError::Facilitator(format!(
                "no event `{id}` in the scenario{}",
                did_you_mean(id, sc.events.iter().map(|e| e.id.as_str()))
                    .map_or_else(String::new, |h| format!(" ({h})"))
            ))
        })?;
        let turn = self.turn();
        self.sim_mut().fire_event(e);
        self.push_log(Entry::Event { turn, event: id.to_string(), reason });
        Ok(())
    }

    /// Injects ad-hoc effects, written as a scenario event's (`label = "..."` and
    /// `effects = [{ target = "state.NAME", add = 0.1 }]`), checked against the scenario;
    /// `file` names the text in messages. Nothing changes if any effect is wrong.
    pub fn inject(&mut self, text: &str, file: &str, reason: Option<String>) -> Result<String, ScenarioError> {
        let inject = self.scenario().check_inject(text, file)?;
        let turn = self.turn();
        let sim = self.sim_mut();
        for &(target, op, amount) in &inject.effects {
            sim.apply_effect(target, op, amount);
        }
        self.push_log(Entry::Inject { turn, label: inject.label.clone(), text: text.to_string(), reason });
        Ok(inject.label)
    }

    /// Overrides a parameter (by its path, as `heartland params` lists them) or a state value
    /// (`state.NAME`, `trust.A.B`, `trust_baseline.A.B`, `influence.DOMAIN.CLIENT.PATRON`,
    /// `issues.ID.active`, `issues.ID.in_force`) with `value`, for the rest of the game.
    /// A reason is required: it goes to the log.
    pub fn override_value(&mut self, target: &str, value: f64, reason: &str) -> Result<(), GameError> {
        if reason.trim().is_empty() {
            return Err(GameError::Facilitator("an override needs a reason, for the log".into()));
        }
        if !value.is_finite() {
            return Err(GameError::Facilitator(format!("{value} is not a number")));
        }
        let sc = self.scenario();
        let from = self.current(target)?;
        match sc.params.find(target) {
            Some(id) => {
                let p = sc.params.get(id);
                if !p.domain.contains(value) {
                    return Err(GameError::Facilitator(format!(
                        "{value} is outside the domain of `{target}` ({})",
                        p.domain.describe()
                    )));
                }
                self.sim_mut().set_value(id, value);
            }
            None => {
                let text = format!("effects = [{{ target = {target:?}, set = {value:?} }}]");
                let inject =
                    sc.check_inject(&text, "override").map_err(|e| GameError::Facilitator(first_message(&e)))?;
                let sim = self.sim_mut();
                for &(t, op, amount) in &inject.effects {
                    sim.apply_effect(t, op, amount);
                }
            }
        }
        let turn = self.turn();
        self.push_log(Entry::Override {
            turn,
            target: target.to_string(),
            from,
            to: value,
            reason: reason.to_string(),
        });
        Ok(())
    }

    /// The current value of a parameter or state target, as [`Game::override_value`] names
    /// them.
    pub fn current(&self, target: &str) -> Result<f64, GameError> {
        let sc = self.scenario();
        let sim = self.simulation();
        if let Some(id) = sc.params.find(target) {
            let p = &sc.params.get(id).path;
            if p == "model.trust" || (p.starts_with("state.") && p.ends_with(".initial")) {
                return Err(GameError::Facilitator(format!(
                    "`{p}` is read only when a run starts; override the current value instead (e.g. `{}`)",
                    p.strip_suffix(".initial").unwrap_or("trust.A.B")
                )));
            }
            return Ok(sim.values().get(id));
        }
        let probe = format!("effects = [{{ target = {target:?}, set = 0.0 }}]");
        let inject = sc.check_inject(&probe, "override").map_err(|e| GameError::Facilitator(first_message(&e)))?;
        let (t, _, _) = inject.effects[0];
        let st = sim.state();
        let n = sc.actor_count();
        Ok(match t {
            Target::Param(id) => sim.values().get(id),
            Target::State(v) => st.vars[v],
            Target::Trust(a, b) => st.trust[a.0 * n + b.0],
            Target::TrustBaseline(a, b) => st.trust_baseline[a.0 * n + b.0],
            Target::Influence { domain, client, patron } => st.influence[sc.influence.cell(domain, client, patron)],
            Target::IssueActive(k) => f64::from(u8::from(st.issue_active[k])),
            Target::InForce(k) => (st.mutual[k] & 1) as f64,
        })
    }
}

/// The first diagnostic's message with its help, for a one-line refusal.
fn first_message(e: &ScenarioError) -> String {
    match e.diagnostics().first() {
        Some(d) => {
            let mut s = d.message.clone();
            if let Some(x) = &d.expected {
                s.push_str(&format!(" (expected {x})"));
            }
            if let Some(h) = &d.help {
                s.push_str(&format!("; {h}"));
            }
            s
        }
        None => e.to_string(),
    }
}
