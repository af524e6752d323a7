//! Crafted result files and labels: `plot` given NaN, infinities or extreme values in any
//! table refuses them with a located message or draws, and never panics or hangs; control
//! characters in a scenario's labels reach no terminal, SVG or page raw, and every SVG is
//! well-formed XML.

use std::path::Path;

use super::{bounded, stderr, tiny_text};
use crate::fixture;

/// Copies the files of `from` into `to` (one level of folders).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// `text` with the cell at (`row`, `col`) (row 0 the header) replaced by `value`.
fn with_cell(text: &str, row: usize, col: usize, value: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut cells: Vec<&str> = lines[row].split(',').collect();
    cells[col] = value;
    lines[row] = cells.join(",");
    lines.join("\n") + "\n"
}

#[test]
fn crafted_numbers_in_result_files_are_refused_with_their_line_or_drawn() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let tiny = fixture("tiny.toml");
    let o = bounded(d, &["run", tiny.to_str().unwrap(), "--runs", "5", "--out", "run", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let sweep = fixture("tiny_sweep.toml");
    let o = bounded(d, &["sweep", sweep.to_str().unwrap(), "--out", "sweep", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let values = ["NaN", "inf", "-inf", "1e308", "-1e20", "1e12", "5e-324"];
    // (folder, file, row, column): probabilities, bands, parameters, box bounds.
    let cells = [
        ("run", "outcomes.csv", 1, 4),
        ("run", "outcomes.csv", 2, 6),
        ("run", "series.csv", 1, 8),
        ("run", "series.csv", 3, 11),
        ("sweep", "points.csv", 1, 1),
        ("sweep", "points.csv", 2, 3),
        ("sweep", "discovery.csv", 1, 5),
    ];
    let mut refused = 0;
    for (i, (folder, file, row, col)) in cells.iter().enumerate() {
        let value = values[i % values.len()];
        for value in [value, values[(i + 3) % values.len()]] {
            let case = d.join(format!("case_{folder}_{i}_{value}"));
            copy_dir(&d.join(folder), &case);
            let text = std::fs::read_to_string(case.join(file)).unwrap();
            std::fs::write(case.join(file), with_cell(&text, *row, *col, value)).unwrap();
            super::rehash(&case);
            let o = bounded(d, &["plot", case.to_str().unwrap(), "-q"]);
            let err = stderr(&o);
            assert!(!err.contains("panicked"), "{file} {value}: {err}");
            match o.status.code() {
                Some(0) => {}
                Some(2) => {
                    refused += 1;
                    assert!(err.contains(&format!("{file}:{}", row + 1)), "{file} {value}: {err}");
                }
                code => panic!("{file} {value}: exit {code:?}: {err}"),
            }
        }
    }
    assert!(refused >= 10, "only {refused} cases refused");
}

#[test]
fn a_series_file_with_many_dates_and_series_is_refused_not_grown_quadratically() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let tiny = fixture("tiny.toml");
    let o = bounded(d, &["run", tiny.to_str().unwrap(), "--runs", "5", "--out", "run", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // 40,000 rows, each a new date and a new series: 1.6 billion cells if laid out densely.
    let mut text = String::from("date,variable,name,issue,domain,actor,from_actor,to_actor,mean,p05,p50,p95\n");
    for i in 0..40_000u32 {
        let (y, m, day) = (1900 + i / 336, 1 + (i / 28) % 12, 1 + i % 28);
        text.push_str(&format!("{y}-{m:02}-{day:02},state,v{i},,,,,,0.5,0.1,0.5,0.9\n"));
    }
    std::fs::write(d.join("run/series.csv"), text).unwrap();
    super::rehash(&d.join("run"));
    let o = bounded(d, &["plot", "run", "-q"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("series.csv") && stderr(&o).contains("more than"), "{}", stderr(&o));
}

#[test]
fn control_characters_in_labels_reach_no_terminal_svg_or_page_raw() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let hostile = r#"Clear\u001b[2J\u001b[H screen\u0000 nul\r forged\nline \u202eevil \u0007bell\u009b"#;
    let text = tiny_text().replacen("name = \"Tiny\"", &format!("name = \"Tiny {hostile}\""), 1).replacen(
        "question = \"",
        &format!("question = \"{hostile} "),
        1,
    );
    let text = text.replace("label = \"", &format!("label = \"{hostile} "));
    assert!(text.matches("\\u001b").count() > 4, "the fixture has labels");
    std::fs::write(d.join("hostile.toml"), text).unwrap();
    let bad = |bytes: &[u8]| bytes.iter().any(|&b| b == 0x1b || b == 0 || b == b'\r' || b == 0x07);
    for args in [vec!["validate", "hostile.toml"], vec!["run", "hostile.toml", "--runs", "5", "--out", "out"]] {
        let o = bounded(d, &args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert!(!bad(&o.stdout) && !bad(&o.stderr), "{args:?}: {}", String::from_utf8_lossy(&o.stdout));
        assert!(String::from_utf8_lossy(&o.stdout).contains('\u{FFFD}'), "{args:?}");
    }
    let report = std::fs::read(d.join("out/report.html")).unwrap();
    assert!(!bad(&report), "report.html holds a raw control character");
    assert!(!String::from_utf8_lossy(&report).contains('\u{202e}'));
    let mut svgs = 0;
    for e in std::fs::read_dir(d.join("out/charts")).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_some_and(|x| x == "svg") {
            let svg = std::fs::read_to_string(&path).unwrap();
            roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            svgs += 1;
        }
    }
    assert!(svgs >= 5);
    // A result file with control characters in its labels (written by hand): `plot` too.
    let path = d.join("out/outcomes.csv");
    let mut rows: Vec<csv::StringRecord> =
        csv::Reader::from_path(&path).unwrap().records().map(Result::unwrap).collect();
    let header = csv::Reader::from_path(&path).unwrap().headers().unwrap().clone();
    let mut first: Vec<String> = rows[0].iter().map(str::to_string).collect();
    first[1] = "\u{1b}]0;title\u{7}\0x".into();
    rows[0] = csv::StringRecord::from(first);
    let mut w = csv::Writer::from_path(&path).unwrap();
    w.write_record(&header).unwrap();
    rows.iter().for_each(|r| w.write_record(r).unwrap());
    w.flush().unwrap();
    drop(w);
    super::rehash(&d.join("out"));
    let o = bounded(d, &["plot", "out"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!bad(&std::fs::read(d.join("out/report.html")).unwrap()));
    for e in std::fs::read_dir(d.join("out/charts")).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_some_and(|x| x == "svg") {
            roxmltree::Document::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        }
    }
}
