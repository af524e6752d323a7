//! The pages' common parts: escaping (every text from a scenario, a save file or a browser
//! goes through [`esc`]), the layout, the stylesheet and the one small script, both served by
//! the server itself (nothing is loaded from elsewhere), and the log's entries in words.

use std::fmt::Write as _;

use crate::play::Entry;
use crate::scenario::Scenario;

/// The stylesheet, served at `/static/seminar.css`.
pub const CSS: &str = include_str!("static/seminar.css");
/// The script, served at `/static/seminar.js`: polls `/version` to update the page, counts
/// the clock down, and keeps a half-filled form from being reloaded away.
pub const JS: &str = include_str!("static/seminar.js");

/// `s` escaped for HTML text and attribute values, control characters replaced.
pub fn esc(s: &str) -> String {
    crate::printable::escape_html(s)
}

/// A whole page: `title`, a class for the body (`team`, `facilitator`, `projector`, `join`),
/// the game's version it shows (the script reloads it when the game changes), and the body.
pub fn page(title: &str, class: &str, version: u64, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><link rel=\"stylesheet\" href=\"/static/seminar.css\">\
         <script src=\"/static/seminar.js\" defer></script></head>\
         <body class=\"{class}\" data-version=\"{version}\">\n{body}\n\
         <div id=\"stale\" hidden>The game has changed. <a href=\"\">Reload</a> (what you typed here is not sent yet).</div>\
         </body></html>\n",
        esc(title)
    )
}

/// The clock: seconds left, counted down by the script; paused shows as such.
pub fn clock(left: Option<u64>, paused: bool) -> String {
    match (left, paused) {
        (_, true) => format!(
            "<span class=\"clock paused\">paused{}</span>",
            left.map_or_else(String::new, |l| format!(" · {}", mmss(l)))
        ),
        (Some(l), false) => format!("<span class=\"clock\" data-left=\"{l}\">{}</span>", mmss(l)),
        (None, false) => String::new(),
    }
}

/// Seconds as `m:ss`.
pub fn mmss(s: u64) -> String {
    format!("{}:{:02}", s / 60, s % 60)
}

/// A probability as a whole percentage (`<1%` and `>99%` at the ends).
pub fn pct(p: f64) -> String {
    if p > 0.0 && p < 0.005 {
        "<1%".into()
    } else if p < 1.0 && p > 0.995 {
        ">99%".into()
    } else {
        format!("{:.0}%", p * 100.0)
    }
}

/// A message box: `ok` for what was done, else an error (kept preformatted: located
/// messages line up).
pub fn notice(text: &str, ok: bool) -> String {
    if ok {
        format!("<div class=\"notice ok\" role=\"status\">{}</div>", esc(text))
    } else {
        format!("<div class=\"notice error\" role=\"alert\"><pre>{}</pre></div>", esc(text))
    }
}

/// A horizontal bar of `value` in [0, 1], with its text.
pub fn bar(value: f64, text: &str, class: &str) -> String {
    let w = (value.clamp(0.0, 1.0) * 100.0).round();
    format!(
        "<span class=\"bar {class}\"><span class=\"fill\" style=\"width:{w}%\"></span><span class=\"val\">{}</span></span>",
        esc(text)
    )
}

/// A log entry in words (already escaped).
pub fn entry(sc: &Scenario, e: &Entry) -> String {
    let date = |t: usize| sc.calendar.period(t.min(sc.calendar.turns().saturating_sub(1))).to_string();
    let why = |r: &Option<String>| r.as_ref().map_or_else(String::new, |r| format!(" — {}", esc(r)));
    match e {
        Entry::Turn { date, choices, events, reached, .. } => {
            let mut s = format!("<b>{}</b> adjudicated: {} team decisions", esc(date), choices.len());
            for ev in events {
                let label = sc.events.iter().find(|x| &x.id == ev).map_or(ev.as_str(), |x| x.label.as_str());
                let _ = write!(s, "; event: {}", esc(label));
            }
            for o in reached {
                let label = sc.outcomes.iter().find(|x| &x.id == o).map_or(o.as_str(), |x| x.label.as_str());
                let _ = write!(s, "; <b>outcome reached</b>: {}", esc(label));
            }
            s
        }
        Entry::Event { turn, event, reason } => {
            let label = sc.events.iter().find(|x| &x.id == event).map_or(event.as_str(), |x| x.label.as_str());
            format!("{}: inject — {}{}", date(*turn), esc(label), why(reason))
        }
        Entry::Inject { turn, label, reason, .. } => {
            format!("{}: ad-hoc inject — {}{}", date(*turn), esc(label), why(reason))
        }
        Entry::Override { turn, target, from, to, reason } => format!(
            "{}: override — <code>{}</code> {} → {} — {}",
            date(*turn),
            esc(target),
            num(*from),
            num(*to),
            esc(reason)
        ),
        Entry::Undo { turn } => format!("{} undone", date(*turn)),
        Entry::Note { turn, by, text } => format!("{}: note from {} — {}", date(*turn), esc(by), esc(text)),
    }
}

/// A number for people: up to four decimals, no trailing zeros.
pub fn num(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_is_escaped() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        let p = page("<b>", "team", 3, "");
        assert!(p.contains("<title>&lt;b&gt;</title>"));
        assert!(notice("<i>", false).contains("&lt;i&gt;"));
        assert!(bar(0.5, "<x>", "a").contains("&lt;x&gt;"));
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(2.0), "2");
        assert_eq!(num(-0.00001), "0");
        assert_eq!(pct(0.004), "<1%");
        assert_eq!(pct(0.5), "50%");
        assert_eq!(pct(0.999), ">99%");
        assert_eq!(mmss(65), "1:05");
    }
}
