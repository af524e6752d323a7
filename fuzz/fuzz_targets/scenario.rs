//! Scenario loading and validation on arbitrary bytes: it must return a scenario or located
//! diagnostics, never panic; a scenario it accepts must run without panicking or producing
//! non-finite state.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // `extends` reads no file while fuzzing: the reader fails like a missing file.
    let mut no_files = |_: &std::path::Path| Err(std::io::Error::other("fuzzing reads no files"));
    match heartland::Scenario::parse_with(text, "fuzz.toml", &mut no_files) {
        Err(e) => assert!(!e.diagnostics().is_empty()),
        Ok(sc) => {
            let mut sim = heartland::simulation::Simulation::new(&sc, 0, 0);
            for _ in 0..8 {
                if sim.is_done() {
                    break;
                }
                sim.step();
            }
            let st = sim.state();
            assert!(st.trust.iter().chain(&st.vars).chain(&st.influence).chain(&st.utility).all(|x| x.is_finite()));
        }
    }
});
