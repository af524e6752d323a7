//! Orders files on arbitrary bytes, for a team playing Kazakhstan in the shipped baseline:
//! orders or located diagnostics, never a panic; orders accepted are submitted.

#![no_main]

use heartland::play::{Game, Team, orders};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let sc = heartland::Scenario::shipped("baseline_2014").expect("shipped").expect("valid");
    let team = Team { name: "kazakhstan".into(), actors: vec!["kazakhstan".into()] };
    let mut game = Game::new(&sc, 1, 0, vec![team]).expect("a game");
    if let Ok(o) = orders::parse(&mut game, 0, text, "fuzz.toml") {
        let _ = game.submit_orders(&o);
    }
});
