//! The teaching path (`scenarios/teaching/`, `docs/teaching.md`): every lesson's file loads,
//! is sourced and runs, and every lesson's claim holds.

use std::path::PathBuf;

use heartland::Scenario;
use heartland::games::actors::StrategyActors;
use heartland::games::file::TournamentFile;
use heartland::games::markov;
use heartland::games::{Game, Strategy};
use heartland::results::tournament::{PlayerRow, match_rows, player_rows};
use heartland::scenario::sources;
use heartland::simulation::Simulation;

fn lesson(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/teaching").join(name)
}

fn tournament(name: &str) -> TournamentFile {
    TournamentFile::load(&lesson(name)).unwrap_or_else(|e| panic!("{e}"))
}

fn scenario(name: &str, replace: &[(&str, &str)]) -> Scenario {
    let path = lesson(name);
    let mut text = std::fs::read_to_string(&path).unwrap();
    for (from, to) in replace {
        assert!(text.contains(from), "{name} has no `{from}`");
        text = text.replace(from, to);
    }
    Scenario::parse(&text, &path.display().to_string()).unwrap_or_else(|e| panic!("{e}"))
}

/// The mean over `runs` runs and every turn of a metric.
fn mean(sc: &Scenario, metric: &str, runs: u64) -> f64 {
    let m = sc.metric(metric).unwrap_or_else(|| panic!("no metric {metric}"));
    let mut total = 0.0;
    let mut n = 0usize;
    for run in 0..runs {
        let mut sim = Simulation::new(sc, 11, run);
        while !sim.is_done() {
            sim.step();
            total += sim.metric(&m);
            n += 1;
        }
    }
    total / n as f64
}

fn ranked<'a>(rows: &'a [PlayerRow], name: &str) -> &'a PlayerRow {
    rows.iter().find(|r| r.player == name).unwrap_or_else(|| panic!("no player {name}"))
}

#[test]
fn every_lesson_loads_runs_and_is_sourced() {
    let mut files: Vec<String> = std::fs::read_dir(lesson(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 6, "{files:?}");
    for f in &files {
        let text = std::fs::read_to_string(lesson(f)).unwrap();
        let doc = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/teaching.md")).unwrap();
        assert!(doc.contains(f.as_str()), "docs/teaching.md has no lesson for {f}");
        if text.contains("[scenario]") {
            let sc = Scenario::load(&lesson(f)).unwrap_or_else(|e| panic!("{e}"));
            assert!(sc.question.is_some(), "{f}");
            Simulation::new(&sc, 1, 0).run_to_end();
            let missing: Vec<String> =
                sources::listing(&sc).into_iter().filter(|e| !e.is_sourced()).map(|e| e.path).collect();
            assert!(missing.is_empty(), "{f}: unsourced {missing:?}");
        } else {
            tournament(f).tournament.play();
        }
    }
}

#[test]
fn lesson_1_in_one_shot_defection_pays() {
    let t = tournament("01_one_shot.toml").tournament;
    let rows = player_rows(&t, &t.play());
    assert_eq!(rows[0].player, "Defector", "{rows:?}");
    assert!(ranked(&rows, "Cooperator").median_score < ranked(&rows, "SuspiciousTitForTat").median_score);
    // No one beats the defector; everyone who opens with a cooperation scores less.
    let d = ranked(&rows, "Defector").median_score;
    assert!(rows.iter().all(|r| r.median_score <= d));
    for nice in ["Cooperator", "TitForTat", "Grudger"] {
        assert_eq!(ranked(&rows, nice).median_score, 1.5);
    }
    assert_eq!(d, 4.0);
}

#[test]
fn lesson_2_repeated_defection_wins_matches_but_not_the_tournament() {
    let t = tournament("02_repeated.toml").tournament;
    let rows = player_rows(&t, &t.play());
    let d = ranked(&rows, "Defector");
    let tft = ranked(&rows, "TitForTat");
    assert!(tft.median_score > d.median_score, "{rows:?}");
    assert!(d.rank > rows.len() / 2, "the defector ranks in the lower half: {rows:?}");
    assert!(rows.iter().all(|r| r.wins <= d.wins), "no one wins more matches than the defector");
    assert_eq!(tft.wins, 0, "TitForTat never wins a match");
}

#[test]
fn lesson_3_with_noise_generosity_beats_tit_for_tat_in_self_play() {
    let f = tournament("03_noise.toml");
    let t = &f.tournament;
    let matches = match_rows(t, &t.play());
    let own = |name: &str| matches.iter().find(|m| m.player == name && m.opponent == name).unwrap().score;
    assert!(own("GenerousTitForTat") > own("TitForTat") + 0.3, "{} v {}", own("GenerousTitForTat"), own("TitForTat"));
    // The same from the Markov chain, exactly: 2.25 for TitForTat, whatever the noise.
    let g = Game::PRISONERS_DILEMMA;
    let tft = Strategy::TitForTat.compile(&g).unwrap();
    let gtft = Strategy::GTFT { p: Some(0.3) }.compile(&g).unwrap();
    let s_tft = markov::stationary(&g, &tft, &tft, 0.05).unwrap()[0];
    let s_gtft = markov::stationary(&g, &gtft, &gtft, 0.05).unwrap()[0];
    assert!((s_tft - 2.25).abs() < 1e-12);
    assert!(s_gtft > 2.6, "{s_gtft}");
    // One generous player among TitForTats takes over more often than a neutral mutant.
    let m = f.moran.as_ref().unwrap();
    let played = t.play();
    let p = |i, j| played.payoff(i, j);
    let (a, b) = (m.mutant, m.resident);
    let exact = heartland::games::moran::fixation_exact(p(a, a), p(a, b), p(b, a), p(b, b), m.population);
    assert!(exact > 1.0 / m.population as f64, "{exact}");
}

#[test]
fn lesson_4_trust_decides_the_stag_hunt() {
    let low = scenario("04_trust.toml", &[]);
    let high = scenario("04_trust.toml", &[("value = 0.3", "value = 0.7")]);
    let (l, h) = (mean(&low, "coop_rate.patrol", 30), mean(&high, "coop_rate.patrol", 30));
    assert!(l < 0.2 && h > 0.8, "low trust {l}, high trust {h}");
}

#[test]
fn lesson_5_the_patrons_pressure_lowers_the_clients_cooperation_with_the_rival() {
    let pressed = scenario("05_patron.toml", &[]);
    let free = scenario("05_patron.toml", &[("pressure = { value = 0.6", "pressure = { value = 0.0")]);
    let metric = "coop_rate.patrol.client";
    let (p, f) = (mean(&pressed, metric, 30), mean(&free, metric, 30));
    assert!(f > 0.8 && p < f - 0.3, "with pressure {p}, without {f}");
}

#[test]
fn lesson_6_the_most_exposed_pays_and_the_least_rides_free() {
    let sc = scenario("06_public_good.toml", &[]);
    let (front, far) = (mean(&sc, "coop_rate.border.front", 30), mean(&sc, "coop_rate.border.far", 30));
    assert!(front > far + 0.2 && front > 3.0 * far, "front {front}, far {far}");
}

/// The mean over runs and turns of a metric, with `assign`ed actors playing fixed strategies.
fn mean_with(sc: &Scenario, metric: &str, runs: u64, assign: &[(&str, &str, Strategy)]) -> f64 {
    let m = sc.metric(metric).unwrap();
    let (mut total, mut n) = (0.0, 0usize);
    for run in 0..runs {
        let mut sim = Simulation::new(sc, 11, run);
        let mut players = StrategyActors::new(sc, assign, 11, run).unwrap();
        while !sim.is_done() {
            players.step(&mut sim);
            total += sim.metric(&m);
            n += 1;
        }
    }
    total / n as f64
}

#[test]
fn lesson_4_a_steady_cooperator_builds_the_trust_that_turns_the_stag_hunt() {
    let low = scenario("04_trust.toml", &[]);
    let alone = mean(&low, "coop_rate.patrol.east", 30);
    let with = mean_with(&low, "coop_rate.patrol.east", 30, &[("west", "patrol", Strategy::Cooperator)]);
    assert!(alone < 0.1 && with > 0.6, "east alone {alone}, facing a steady cooperator {with}");
    let west = mean_with(&low, "coop.patrol.west", 10, &[("west", "patrol", Strategy::Cooperator)]);
    assert_eq!(west, 1.0, "the imposed strategy is played as written");
    // TitForTat answers the model's defections: with low trust it ends defecting too.
    let tft = mean_with(&low, "coop.patrol.west", 10, &[("west", "patrol", Strategy::TitForTat)]);
    assert!(tft < 0.2, "{tft}");
    let e = StrategyActors::new(&low, &[("west", "nowhere", Strategy::Cooperator)], 1, 0).unwrap_err();
    assert!(e.contains("no issue `nowhere`"), "{e}");
}

fn heartland(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_heartland"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

#[test]
fn the_tournament_command_writes_its_folder_at_any_thread_count_and_refuses_bad_files() {
    let tmp = tempfile::tempdir().unwrap();
    let file = lesson("03_noise.toml");
    let mut tables = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(threads);
        let o =
            heartland(&["tournament", file.to_str().unwrap(), "--out", out.to_str().unwrap(), "--threads", threads]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(String::from_utf8_lossy(&o.stdout).contains("GenerousTitForTat"));
        for f in ["report.html", "charts/payoffs.png", "charts/scores.svg", "tournament.json"] {
            assert!(out.join(f).is_file(), "{f}");
        }
        let read = |f: &str| std::fs::read(out.join(f)).unwrap();
        tables.push([read("players.csv"), read("matches.csv"), read("repetitions.csv"), read("moran.csv")]);
    }
    assert_eq!(tables[0], tables[1], "byte-identical at one and two threads");
    let bad = tmp.path().join("bad.toml");
    std::fs::write(
        &bad,
        "name = \"x\"\ngame = \"prisoners_dilemma\"\nturns = 0\nseed = 1\nplayers = [\"TitForTat\"]\n",
    )
    .unwrap();
    let out = tmp.path().join("never");
    let o = heartland(&["tournament", bad.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.toml:3:9") && err.contains("`turns` must be"), "{err}");
    assert!(err.contains("at least two players"), "{err}");
    assert!(!out.exists(), "nothing written");
}
