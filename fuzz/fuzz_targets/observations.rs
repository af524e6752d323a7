//! Observation files on arbitrary bytes, checked against the shipped baseline: facts or
//! located diagnostics, never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let sc = heartland::Scenario::shipped("baseline_2014").expect("shipped").expect("valid");
    let _ = heartland::analysis::hindcast::observations::Observations::parse(text, "fuzz.csv", &sc);
});
