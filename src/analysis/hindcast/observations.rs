//! Observation files: what happened, as facts the model can be scored on.
//!
//! A CSV file, edited in a spreadsheet, with exactly these columns in this order ([`COLUMNS`]):
//! `id` (letters, digits and `_`, unique), `claim` (the fact in words), `quantity` (a
//! condition in the scenario's metric vocabulary: `PATH > X`, `PATH < X`, `PATH > PATH`,
//! `PATH < PATH`, or `PATH` alone for `PATH > 0.5`), `mode` (`at`: the condition holds at the
//! end of the turn of `to`; `throughout`: in every turn of the window; `sometime`: in at least
//! one), `from` and `to` (dates as the scenario's calendar reads them, `2016-Q3`, `2016-07` or
//! `2016`; a bare year is its first period as `from` and its last as `to`; `from` may be empty
//! for `at`, and is not used by it), `observed` (0 or 1), `tolerance` (whole turns by which the
//! window is widened on each side, for facts dated only roughly; empty is 0), `split`
//! (`train` or `test`) and `source` (a citable public record).
//!
//! With a tolerance, `at` holds if the condition holds at the end of any turn of the widened
//! window (the fact's date may be off by that many turns), and `throughout` must hold over the
//! whole widened window. Widened windows are clipped to the calendar; the window as written
//! must lie inside it.
//!
//! Every problem is reported, each located by line and column of its cell and named by its
//! column, as a [`Diagnostic`] rendered like a scenario error.

use std::ops::Range;
use std::path::Path;

use serde::Serialize;

use crate::model::calendar::Period;
use crate::model::metric::Metric;
use crate::model::outcome::Condition;
use crate::scenario::diagnostic::{SourceMap, did_you_mean};
use crate::scenario::{Diagnostic, Scenario, ScenarioError};

use super::quantity::parse_quantity;

/// The columns of an observation file, in order.
pub const COLUMNS: [&str; 10] =
    ["id", "claim", "quantity", "mode", "from", "to", "observed", "tolerance", "split", "source"];

/// The largest observation file read: far more facts than anyone will write by hand.
pub const MAX_BYTES: u64 = 16 << 20;

/// How a condition is read over a fact's window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// At the end of the turn of `to` (of any turn of the window once widened).
    At,
    /// In every turn of the window.
    Throughout,
    /// In at least one turn of the window.
    Sometime,
}

impl Mode {
    /// The modes as the file writes them.
    pub const NAMES: [&str; 3] = ["at", "throughout", "sometime"];

    /// The mode as the file writes it.
    pub fn name(self) -> &'static str {
        match self {
            Mode::At => "at",
            Mode::Throughout => "throughout",
            Mode::Sometime => "sometime",
        }
    }

    /// Whether the condition must hold in every turn of the window (else in one).
    pub fn needs_every_turn(self) -> bool {
        self == Mode::Throughout
    }
}

/// Which facts a fact is scored with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Split {
    /// Facts a calibration may fit.
    Train,
    /// Facts held out: never seen by a calibration.
    Test,
    /// Facts about a forcing event (one the scenario imposes): listed, never scored.
    Forcing,
}

impl Split {
    /// The split as the file writes it.
    pub fn name(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Test => "test",
            Split::Forcing => "forcing",
        }
    }
}

/// One checked fact.
#[derive(Debug, Clone, Serialize)]
pub struct Observation {
    /// The fact's id (unique in its file).
    pub id: String,
    /// The fact in words.
    pub claim: String,
    /// The quantity as written (trimmed).
    pub quantity: String,
    /// The condition, resolved against the scenario's metrics.
    pub condition: Condition,
    /// When in the window the condition must hold.
    pub mode: Mode,
    /// Start of the window, as written (trimmed; empty for `at`).
    pub from: String,
    /// End of the window, as written (trimmed).
    pub to: String,
    /// The window's first turn, widened by the tolerance and clipped to the calendar.
    pub first: usize,
    /// The window's last turn (inclusive), widened by the tolerance and clipped to the
    /// calendar.
    pub last: usize,
    /// Whether the fact held.
    pub observed: bool,
    /// Turns added on each side of the window.
    pub tolerance: u32,
    /// Train, test or forcing.
    pub split: Split,
    /// The citable public record it rests on.
    pub source: String,
    /// The line of the file the fact is on (the header is line 1).
    pub line: u64,
}

impl Observation {
    /// The metrics the condition reads.
    pub fn metrics(&self) -> impl Iterator<Item = Metric> {
        std::iter::once(self.condition.metric).chain(self.condition.other)
    }
}

/// The facts of one observation file, checked against one scenario.
#[derive(Debug, Clone, Serialize)]
pub struct Observations {
    /// The file, as messages and the manifest name it.
    pub file: String,
    /// The facts, in file order.
    pub rows: Vec<Observation>,
}

impl Observations {
    /// Reads and checks `path` (at most [`MAX_BYTES`], UTF-8) against `sc`. Returns the
    /// facts and the file's bytes (for its digest).
    pub fn load(path: &Path, sc: &Scenario) -> Result<(Observations, Vec<u8>), ScenarioError> {
        let io = |source| ScenarioError::Io { path: path.to_path_buf(), source };
        let file = path.display().to_string();
        let invalid = |message: String, expected: &str| ScenarioError::Invalid {
            file: file.clone(),
            diagnostics: vec![Diagnostic::new("", message).expected(expected)],
        };
        let expected = "a CSV file of observations";
        let bytes = crate::input::read(path, MAX_BYTES).map_err(|e| match e.kind() {
            std::io::ErrorKind::IsADirectory => invalid(format!("{file} is a directory"), expected),
            std::io::ErrorKind::FileTooLarge => {
                invalid(format!("the file is larger than {} MB", MAX_BYTES >> 20), expected)
            }
            std::io::ErrorKind::InvalidInput => invalid(format!("{file} {e}"), expected),
            _ => io(e),
        })?;
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            invalid(
                format!("the file is not UTF-8 text (invalid byte at offset {})", e.valid_up_to()),
                "a CSV file saved as UTF-8",
            )
        })?;
        let observations = Observations::parse(text, &file, sc)?;
        Ok((observations, bytes))
    }

    /// Checks observation text against `sc`; `file` names it in messages.
    pub fn parse(text: &str, file: &str, sc: &Scenario) -> Result<Observations, ScenarioError> {
        // Spreadsheets often save a byte-order mark.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut diags = Vec::new();
        let rows = parse_rows(text, sc, &mut diags);
        if rows.is_empty() && diags.is_empty() {
            diags.push(Diagnostic::new("", "the file has no facts").expected("a row per fact under the header"));
        }
        if diags.is_empty() {
            Ok(Observations { file: file.to_string(), rows })
        } else {
            Err(ScenarioError::Invalid { file: file.to_string(), diagnostics: diags })
        }
    }

    /// The facts in `split`.
    pub fn in_split(&self, split: Split) -> impl Iterator<Item = &Observation> {
        self.rows.iter().filter(move |o| o.split == split)
    }
}

/// The byte spans of the cells of the record starting at byte `start`, quotes included:
/// the csv crate gives each record's position but not each cell's.
fn cell_spans(text: &str, start: usize) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = start;
    loop {
        let begin = i;
        if bytes.get(i) == Some(&b'"') {
            i += 1;
            while i < bytes.len() {
                if bytes[i] == b'"' {
                    if bytes.get(i + 1) == Some(&b'"') {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
        }
        while i < bytes.len() && !matches!(bytes[i], b',' | b'\n' | b'\r') {
            i += 1;
        }
        spans.push(begin..i);
        if bytes.get(i) == Some(&b',') {
            i += 1;
        } else {
            return spans;
        }
    }
}

fn parse_rows(text: &str, sc: &Scenario, diags: &mut Vec<Diagnostic>) -> Vec<Observation> {
    let map = SourceMap::new(text);
    let located = |span: Range<usize>, column: &str, d: Diagnostic| {
        let mut d = d;
        d.key = column.to_string();
        d.location = Some(map.locate(span));
        d
    };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        None => {
            diags.push(Diagnostic::new("", "the file is empty").expected(format!("the header {}", COLUMNS.join(","))));
            return Vec::new();
        }
        Some(Err(e)) => {
            diags.push(csv_problem(&e, &map));
            return Vec::new();
        }
        Some(Ok(h)) => h,
    };
    let spans = cell_spans(text, 0);
    let names: Vec<&str> = header.iter().map(str::trim).collect();
    if names != COLUMNS {
        for (i, name) in names.iter().enumerate() {
            if !COLUMNS.contains(name) {
                diags.push(located(
                    spans.get(i).cloned().unwrap_or(0..0),
                    name,
                    Diagnostic::new("", format!("unknown column `{name}`"))
                        .expected(format!("exactly the columns {}", COLUMNS.join(",")))
                        .help_opt(did_you_mean(name, COLUMNS)),
                ));
            }
        }
        for column in COLUMNS.iter().filter(|c| !names.contains(c)) {
            diags.push(located(
                0..0,
                column,
                Diagnostic::new("", format!("the header lacks the column `{column}`"))
                    .expected(format!("exactly the columns {}", COLUMNS.join(","))),
            ));
        }
        if diags.is_empty() {
            diags.push(located(
                0..text.find(['\n', '\r']).unwrap_or(text.len()),
                "",
                Diagnostic::new("", "the columns are out of order")
                    .expected(format!("exactly the columns {}", COLUMNS.join(","))),
            ));
        }
        return Vec::new();
    }

    let mut rows: Vec<Observation> = Vec::new();
    let mut first_line: Vec<(String, u64)> = Vec::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                diags.push(csv_problem(&e, &map));
                continue;
            }
        };
        // Spreadsheets save blank rows as a line of commas.
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let position = record.position().expect("records read from text have positions");
        let (line, start) = (position.line(), position.byte() as usize);
        let spans = cell_spans(text, start);
        if record.len() != COLUMNS.len() {
            diags.push(located(
                start..spans.last().map_or(start, |s| s.end),
                "",
                Diagnostic::new(
                    "",
                    format!("this row has {} cells where the header has {}", record.len(), COLUMNS.len()),
                )
                .help("a cell holding a comma must be quoted: \"like, this\""),
            ));
            continue;
        }
        // (cell, exact span if narrower than the cell, problem), reported in column order.
        let mut problems: Vec<(usize, Option<Range<usize>>, Diagnostic)> = Vec::new();
        let cell = |i: usize| record.get(i).unwrap_or("").trim();
        let span = |i: usize| spans.get(i).cloned().unwrap_or(start..start);
        let error = |problems: &mut Vec<_>, i: usize, d: Diagnostic| problems.push((i, None, d));

        let id = cell(0);
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            error(
                &mut problems,
                0,
                Diagnostic::new("", format!("`{id}` is not a usable id")).expected("letters, digits and _"),
            );
        } else if let Some((_, at)) = first_line.iter().find(|(other, _)| other == id) {
            error(
                &mut problems,
                0,
                Diagnostic::new("", format!("the id `{id}` is used twice"))
                    .help(format!("its first use is on line {at}")),
            );
        } else {
            first_line.push((id.to_string(), line));
        }
        let claim = cell(1);
        if claim.is_empty() {
            error(&mut problems, 1, Diagnostic::new("", "the claim is empty").expected("the fact in words"));
        }
        // The quantity: located at the offending token when the cell is not quoted.
        let raw = &text[span(2)];
        let offset = span(2).start + (raw.len() - raw.trim_start().len());
        let quantity = cell(2);
        let condition = match parse_quantity(quantity, sc) {
            Ok(c) => Some(c),
            Err(e) => {
                let (within, d) = *e;
                let exact = (!raw.trim_start().starts_with('"') && !quantity.is_empty())
                    .then(|| offset + within.start..offset + within.end.max(within.start + 1));
                problems.push((2, exact, d));
                None
            }
        };
        let mode = match cell(3).to_ascii_lowercase().as_str() {
            "at" => Some(Mode::At),
            "throughout" => Some(Mode::Throughout),
            "sometime" => Some(Mode::Sometime),
            other => {
                error(
                    &mut problems,
                    3,
                    Diagnostic::new("", format!("unknown mode `{other}`"))
                        .expected("at, throughout or sometime")
                        .help_opt(did_you_mean(other, Mode::NAMES)),
                );
                None
            }
        };
        let cal = sc.calendar;
        let calendar_text = format!("{} to {}", cal.start, cal.end);
        const DATE: &str = "a date such as 2016-Q3, 2016-07 or 2016";
        let turn = |problems: &mut Vec<_>, i: usize, last_of_year: bool| -> Option<usize> {
            let text = cell(i);
            let Some(period) = Period::parse(text) else {
                error(problems, i, Diagnostic::new("", format!("`{text}` is not a date")).expected(DATE));
                return None;
            };
            let bare_year = text.len() == 4;
            let period = if bare_year && last_of_year { Period::new(period.year(), 11) } else { period };
            let turn = cal.turn_of(period);
            if turn.is_none() {
                let shown = if bare_year { text.to_string() } else { period.to_string() };
                error(
                    problems,
                    i,
                    Diagnostic::new("", format!("{shown} is outside the scenario's calendar"))
                        .expected(format!("a date from {calendar_text}")),
                );
            }
            turn
        };
        let from = if cell(4).is_empty() {
            if mode.is_some_and(|m| m != Mode::At) {
                error(
                    &mut problems,
                    4,
                    Diagnostic::new("", "a window needs a start date (`from`)")
                        .expected(format!("{DATE} (only `at` may leave it empty)")),
                );
            }
            None
        } else {
            turn(&mut problems, 4, false)
        };
        let to = if cell(5).is_empty() {
            error(&mut problems, 5, Diagnostic::new("", "the window needs an end date (`to`)").expected(DATE));
            None
        } else {
            turn(&mut problems, 5, true)
        };
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            error(
                &mut problems,
                4,
                Diagnostic::new("", format!("the window starts ({}) after it ends ({})", cell(4), cell(5)))
                    .help("swap `from` and `to`"),
            );
        }
        let observed = match cell(6) {
            "0" => Some(false),
            "1" => Some(true),
            other => {
                error(
                    &mut problems,
                    6,
                    Diagnostic::new("", format!("`observed` must be 0 or 1, got `{other}`"))
                        .expected("1 if the fact held, 0 if not"),
                );
                None
            }
        };
        let tolerance = match cell(7) {
            "" => Some(0),
            t => match t.parse::<u32>() {
                Ok(t) => Some(t),
                Err(_) => {
                    error(
                        &mut problems,
                        7,
                        Diagnostic::new("", format!("`{t}` is not a whole number of turns"))
                            .expected("0, 1, 2, … or empty for 0"),
                    );
                    None
                }
            },
        };
        let split = match cell(8).to_ascii_lowercase().as_str() {
            "train" => Some(Split::Train),
            "test" => Some(Split::Test),
            other => {
                error(
                    &mut problems,
                    8,
                    Diagnostic::new("", format!("unknown split `{other}`"))
                        .expected("train or test")
                        .help_opt(did_you_mean(other, ["train", "test"])),
                );
                None
            }
        };
        let source = cell(9);
        if source.is_empty() {
            error(
                &mut problems,
                9,
                Diagnostic::new("", "the fact has no source").expected("a citable public record (publication, date)"),
            );
        }
        problems.sort_by_key(|(i, _, _)| *i);
        let before = diags.len();
        for (i, exact, d) in problems {
            diags.push(located(exact.unwrap_or_else(|| span(i)), COLUMNS[i], d));
        }
        if diags.len() > before {
            continue;
        }
        let (Some(condition), Some(mode), Some(to), Some(observed), Some(tolerance), Some(split)) =
            (condition, mode, to, observed, tolerance, split)
        else {
            continue;
        };
        let start_turn = if mode == Mode::At { to } else { from.unwrap_or(to) };
        let tol = tolerance as usize;
        let forcing = std::iter::once(condition.metric)
            .chain(condition.other)
            .any(|m| matches!(m, Metric::Event(e) if sc.events[e].forcing));
        rows.push(Observation {
            id: id.to_string(),
            claim: claim.to_string(),
            quantity: quantity.to_string(),
            condition,
            mode,
            from: cell(4).to_string(),
            to: cell(5).to_string(),
            first: start_turn.saturating_sub(tol),
            last: (to.saturating_add(tol)).min(cal.turns() - 1),
            observed,
            tolerance,
            split: if forcing { Split::Forcing } else { split },
            source: source.to_string(),
            line,
        });
    }
    rows
}

/// A CSV syntax error (an unclosed quote), located by its position.
fn csv_problem(e: &csv::Error, map: &SourceMap<'_>) -> Diagnostic {
    let mut d = Diagnostic::new("", format!("not a valid CSV row: {e}"));
    if let Some(p) = e.position() {
        d.location = Some(map.locate(p.byte() as usize..p.byte() as usize + 1));
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Scenario {
        Scenario::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny.toml")).unwrap()
    }

    const HEADER: &str = "id,claim,quantity,mode,from,to,observed,tolerance,split,source\n";

    fn errors(body: &str) -> Vec<Diagnostic> {
        match Observations::parse(&format!("{HEADER}{body}"), "obs.csv", &tiny()) {
            Ok(_) => panic!("accepted: {body}"),
            Err(e) => e.diagnostics().to_vec(),
        }
    }

    #[test]
    fn a_good_file_reads_with_its_windows() {
        let text = format!(
            "{HEADER}a,Transit held,coop.transit,sometime,2014,2014,1,,train,Record 2014\n\
             b,\"Threat high, late\", state.threat > 0.6 ,at,,2016-Q3,0,1,test,Record\n\
             c,Trust,trust.russia.usa < trust.usa.russia,throughout,2015-Q2,2018,1,3,TRAIN,Rec\n\
             ,,,,,,,,,\n"
        );
        let obs = Observations::parse(&text, "obs.csv", &tiny()).unwrap();
        assert_eq!(obs.rows.len(), 3);
        let [a, b, c] = [&obs.rows[0], &obs.rows[1], &obs.rows[2]];
        assert_eq!((a.first, a.last, a.mode, a.split), (0, 3, Mode::Sometime, Split::Train));
        assert_eq!((a.condition.threshold, a.condition.above), (0.5, true));
        // At 2016-Q3 (turn 10), widened by one turn each side.
        assert_eq!((b.first, b.last, b.observed, b.line), (9, 11, false, 3));
        assert_eq!(b.claim, "Threat high, late");
        assert_eq!((b.condition.threshold, b.quantity.as_str()), (0.6, "state.threat > 0.6"));
        // 2015-Q2 is turn 5, widened to 2; 2018 ends at turn 19, widened and clipped to 19.
        assert_eq!((c.first, c.last, c.split), (2, 19, Split::Train));
        assert!(c.condition.other.is_some() && !c.condition.above);
    }

    #[test]
    fn facts_about_a_forcing_event_are_split_off() {
        let mut sc = tiny();
        let text = format!("{HEADER}d,Drawdown,event.drawdown,at,,2014-Q4,1,,train,Rec\n");
        assert_eq!(Observations::parse(&text, "o.csv", &sc).unwrap().rows[0].split, Split::Train);
        sc.events[0].forcing = true;
        assert_eq!(Observations::parse(&text, "o.csv", &sc).unwrap().rows[0].split, Split::Forcing);
    }

    #[test]
    fn each_problem_is_located_at_its_cell() {
        let e = errors("a,A,coop.transitt,at,,2015,1,,train,R\n");
        assert_eq!(e.len(), 1);
        let loc = e[0].location.as_ref().unwrap();
        assert_eq!((loc.line, loc.column, loc.width, e[0].key.as_str()), (2, 5, 13, "quantity"));
        assert_eq!(e[0].help.as_deref(), Some("did you mean `transit`?"));

        let e = errors("a,A,state.threat > 0.5x,sometimes,2019,2015,yes,1.5,validate,\n");
        let keys: Vec<&str> = e.iter().map(|d| d.key.as_str()).collect();
        assert_eq!(keys, ["quantity", "mode", "from", "observed", "tolerance", "split", "source"]);
        assert_eq!(e[1].help.as_deref(), Some("did you mean `sometime`?"));
        assert!(e[2].message.contains("outside the scenario's calendar"), "{}", e[2].message);
        let columns: Vec<usize> = e.iter().map(|d| d.location.as_ref().unwrap().column).collect();
        assert_eq!(columns, [20, 25, 35, 45, 49, 53, 62]);

        let e = errors("a,A,coop.transit,sometime,2016,2015,1,,train,R\na,B,coop.transit,at,,2015,1,,test,R\n");
        assert!(e[0].message.contains("starts (2016) after it ends (2015)"));
        assert!(e[1].message.contains("used twice") && e[1].help.as_deref() == Some("its first use is on line 2"));
        let e = errors("a,A,coop.transit,at,,2015,1,train,R\n");
        assert!(e[0].message.contains("9 cells"), "{}", e[0].message);
    }

    #[test]
    fn files_that_are_not_text_or_too_large_are_refused() {
        let sc = tiny();
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("facts.csv");
        std::fs::write(&p, [HEADER.as_bytes(), b"a,\xff,x,at,,2015,1,,train,R\n"].concat()).unwrap();
        let e = Observations::load(&p, &sc).unwrap_err();
        assert!(e.to_string().contains("not UTF-8 text (invalid byte at offset 65)"), "{e}");
        std::fs::write(&p, vec![b'a'; MAX_BYTES as usize + 1]).unwrap();
        assert!(Observations::load(&p, &sc).unwrap_err().to_string().contains("larger than 16 MB"));
        assert!(Observations::load(dir.path(), &sc).unwrap_err().to_string().contains("is a directory"));
        let missing = Observations::load(&dir.path().join("none.csv"), &sc).unwrap_err();
        assert!(matches!(missing, ScenarioError::Io { .. }));
        // A byte-order mark, as spreadsheets save, is not part of the first column's name.
        std::fs::write(&p, format!("\u{feff}{HEADER}a,A,coop.transit,at,,2015,1,,train,R\n")).unwrap();
        assert_eq!(Observations::load(&p, &sc).unwrap().0.rows.len(), 1);
    }

    #[test]
    fn the_header_must_be_exact() {
        let sc = tiny();
        let e = Observations::parse("id,claim,quantity,mode,from,to,observed,tolerance,split,source,notes\n", "o", &sc)
            .unwrap_err();
        assert_eq!(e.diagnostics()[0].message, "unknown column `notes`");
        assert_eq!(e.diagnostics()[0].location.as_ref().unwrap().column, 64);
        let e = Observations::parse("id,claim,quantity,mode,from,to,observed,tolerance,split\n", "o", &sc).unwrap_err();
        assert_eq!(e.diagnostics()[0].message, "the header lacks the column `source`");
        let e = Observations::parse("claim,id,quantity,mode,from,to,observed,tolerance,split,source\n", "o", &sc)
            .unwrap_err();
        assert_eq!(e.diagnostics()[0].message, "the columns are out of order");
        let e = Observations::parse("", "o", &sc).unwrap_err();
        assert_eq!(e.diagnostics()[0].message, "the file is empty");
    }
}
