//! `[calibration]`: the uncertain parameters `heartland calibrate` fits. Every path must name
//! a parameter, once, that varies from run to run (a `dist`, an `[uncertainty]` range or a
//! posterior); the list may not be empty.

use super::{Validator, path, with};
use crate::scenario::diagnostic::Diagnostic;
use crate::scenario::file::CalibrationFile;

impl Validator {
    pub(super) fn calibration(&mut self, calibration: Option<&CalibrationFile>) {
        let Some(c) = calibration else { return };
        let at = path(&["calibration"]);
        let before = self.diags.len();
        let uncertain = self.params.uncertain();
        let ids = self.param_paths(
            &with(&at, "parameters"),
            &c.parameters,
            &uncertain,
            "the path of an uncertain value, e.g. events.war_weariness.hazard",
            |name, id| {
                (!uncertain.contains(&id)).then(|| {
                    Diagnostic::new("", format!("`{name}` is a fixed value: a calibration has nothing to fit"))
                        .help("give it a `dist`, or a range in `[uncertainty]`")
                })
            },
        );
        if c.parameters.is_empty() {
            self.error(
                &with(&at, "parameters"),
                Diagnostic::new("", "a calibration names at least one parameter")
                    .help("remove `[calibration]` to fit every uncertain value"),
            );
        }
        if self.diags.len() == before {
            self.params.set_fit(ids);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::Scenario;

    fn tiny_with(section: &str) -> Result<Scenario, crate::scenario::ScenarioError> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tiny.toml");
        let text = std::fs::read_to_string(path).unwrap() + section;
        Scenario::parse(&text, "tiny.toml")
    }

    #[test]
    fn a_calibration_fits_the_named_parameters_in_their_order() {
        let sc = tiny_with(
            "\n[calibration]\nparameters = [\"events.offensive.effects[0].add\", \"actors.kazakhstan.capability\"]\n",
        )
        .unwrap();
        let paths: Vec<&str> = sc.params.calibrated().iter().map(|&id| sc.params.get(id).path.as_str()).collect();
        assert_eq!(paths, ["events.offensive.effects[0].add", "actors.kazakhstan.capability"]);
        // Without the section, every uncertain value.
        let all = tiny_with("").unwrap();
        assert_eq!(all.params.calibrated(), all.params.uncertain());
    }

    #[test]
    fn bad_calibrations_are_located() {
        let e = tiny_with(
            "\n[calibration]\nparameters = [\"actors.kazakstan.capability\", \"actors.kazakhstan.capability\", \
             \"actors.kazakhstan.capability\", \"model.trust\"]\n",
        )
        .unwrap_err();
        let keys: Vec<&str> = e.diagnostics().iter().map(|d| d.key.as_str()).collect();
        assert_eq!(keys, ["calibration.parameters[0]", "calibration.parameters[2]", "calibration.parameters[3]"]);
        let d = e.diagnostics();
        assert_eq!(d[0].help.as_deref(), Some("did you mean `actors.kazakhstan.capability`?"));
        assert_eq!(d[1].message, "`actors.kazakhstan.capability` is listed twice");
        assert_eq!(d[2].message, "`model.trust` is a fixed value: a calibration has nothing to fit");
        assert!(d.iter().all(|d| d.location.is_some()), "{d:?}");
        let e = tiny_with("\n[calibration]\nparameters = []\n").unwrap_err();
        assert_eq!(e.diagnostics()[0].key, "calibration.parameters");
    }
}
