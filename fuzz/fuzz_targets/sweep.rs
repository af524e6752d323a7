//! Sweep files on arbitrary bytes: a sweep or located diagnostics, never a panic, never a
//! design built beyond the bounds (the scenario it names is always the shipped baseline).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut load = |_: &std::path::Path| heartland::Scenario::shipped("baseline_2014").expect("shipped");
    if let Ok(sweep) = heartland::analysis::sweep::Sweep::parse_with(text, "fuzz.toml", &mut load) {
        assert!(sweep.points <= heartland::analysis::sweep::MAX_DESIGN_POINTS);
        let _ = sweep.runs();
    }
});
