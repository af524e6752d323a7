//! Forms as the server reads them: nothing a browser sends is trusted. A body is read up to
//! a limit, decoded as `application/x-www-form-urlencoded`, each field bounded; a team's
//! decisions are turned into the text of an orders file and checked by the same parser as
//! orders files ([`crate::play::orders::parse`]), so a form gets the same messages.

use crate::scenario::ScenarioError;

use super::seminar::Refusal;

/// The largest form body taken, in bytes (a pasted orders file or an inject fits many
/// times over).
pub const MAX_BODY: usize = 64 * 1024;
/// The largest field, in bytes.
pub const MAX_FIELD: usize = 16 * 1024;
/// The most fields in a form.
pub const MAX_FIELDS: usize = 200;

/// A form's fields, in the order sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// Decodes a form body, refusing what is not a form or too large.
    pub fn parse(body: &[u8]) -> Result<Fields, Refusal> {
        if body.len() > MAX_BODY {
            return Err(too_large(body.len()));
        }
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
            .map_err(|e| Refusal::Invalid(format!("the form could not be read: {e}")))?;
        // The decoder replaces bytes that are not UTF-8: refuse rather than guess.
        if pairs.iter().any(|(k, v)| k.contains('\u{FFFD}') || v.contains('\u{FFFD}')) {
            return Err(Refusal::Invalid("the form could not be read: it is not UTF-8 text".into()));
        }
        if pairs.len() > MAX_FIELDS {
            return Err(Refusal::Invalid(format!(
                "the form has {} fields; at most {MAX_FIELDS} are taken",
                pairs.len()
            )));
        }
        if let Some((k, v)) = pairs.iter().find(|(k, v)| k.len() + v.len() > MAX_FIELD) {
            return Err(Refusal::Invalid(format!(
                "the field `{}` is too long ({} bytes; at most {MAX_FIELD})",
                shorten(k),
                k.len() + v.len()
            )));
        }
        Ok(Fields(pairs))
    }

    /// The value of field `name`, if sent (the first, if sent twice).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The value of field `name`, or empty.
    pub fn text(&self, name: &str) -> &str {
        self.get(name).unwrap_or("")
    }

    /// Refuses any field not among `allowed`.
    pub fn only(&self, allowed: &[&str]) -> Result<(), Refusal> {
        match self.0.iter().find(|(k, _)| !allowed.contains(&k.as_str())) {
            Some((k, _)) => Err(Refusal::Invalid(format!(
                "the form has a field `{}` this action does not take (it takes {})",
                shorten(k),
                allowed.join(", ")
            ))),
            None => Ok(()),
        }
    }
}

/// The refusal of a body over [`MAX_BODY`].
pub fn too_large(len: usize) -> Refusal {
    Refusal::Invalid(format!(
        "the form is too large ({} KiB; at most {} KiB are taken): shorten the text",
        len.div_ceil(1024),
        MAX_BODY / 1024
    ))
}

fn shorten(s: &str) -> String {
    if s.chars().count() <= 40 { s.to_string() } else { s.chars().take(40).collect::<String>() + "…" }
}

/// The text of an orders file from a team's form: `turn`, an optional `note`, and one field
/// `d:ISSUE:ACTOR` per decision, valued with the choice's word.
pub fn orders_text(fields: &Fields) -> Result<String, Refusal> {
    let mut decisions = toml::Table::new();
    let (mut turn, mut note) = (None, None);
    for (k, v) in &fields.0 {
        match k.as_str() {
            "turn" => turn = Some(v.clone()),
            "note" => note = Some(v.trim().to_string()).filter(|n| !n.is_empty()),
            _ => {
                let Some((issue, actor)) = k.strip_prefix("d:").and_then(|r| r.split_once(':')) else {
                    return Err(Refusal::Invalid(format!(
                        "the form has a field `{}` that is not a decision (d:ISSUE:ACTOR), turn or note",
                        shorten(k)
                    )));
                };
                let by_actor = decisions
                    .entry(issue.to_string())
                    .or_insert_with(|| toml::Value::Table(toml::Table::new()))
                    .as_table_mut()
                    .expect("inserted as a table");
                by_actor.insert(actor.to_string(), toml::Value::String(v.clone()));
            }
        }
    }
    let turn = turn.ok_or_else(|| Refusal::Invalid("the form does not say which turn it is for".into()))?;
    let mut file = toml::Table::new();
    file.insert("turn".into(), toml::Value::String(turn));
    if let Some(n) = note {
        file.insert("note".into(), toml::Value::String(n));
    }
    file.insert("decisions".into(), toml::Value::Table(decisions));
    toml::to_string(&file).map_err(|e| Refusal::Invalid(format!("the form could not be read: {e}")))
}

/// An orders file's (or an inject's) errors for people: `located`, as the file's messages
/// with line and column (for text the person wrote); else each message with its key, the
/// form's fields having no lines.
pub fn messages(e: &ScenarioError, located: bool) -> String {
    if located || e.diagnostics().is_empty() {
        return e.to_string();
    }
    let lines: Vec<String> = e
        .diagnostics()
        .iter()
        .map(|d| {
            let mut s = format!("error: {}", d.message);
            if !d.key.is_empty() {
                s.push_str(&format!("\n   = key: {}", d.key));
            }
            if let Some(x) = &d.expected {
                s.push_str(&format!("\n   = expected: {x}"));
            }
            if let Some(h) = &d.help {
                s.push_str(&format!("\n   = help: {h}"));
            }
            s
        })
        .collect();
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_becomes_an_orders_file() {
        let f = Fields::parse(b"turn=2014-Q2&d%3Atransit%3Akazakhstan=stay&note=We+%22hold%22").unwrap();
        let text = orders_text(&f).unwrap();
        let back: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(back["turn"].as_str(), Some("2014-Q2"));
        assert_eq!(back["note"].as_str(), Some("We \"hold\""));
        assert_eq!(back["decisions"]["transit"]["kazakhstan"].as_str(), Some("stay"));
    }

    #[test]
    fn bad_forms_are_refused_with_a_reason() {
        let big = vec![b'a'; MAX_BODY + 1];
        assert!(Fields::parse(&big).unwrap_err().message().contains("too large"));
        let field = format!("note={}", "x".repeat(MAX_FIELD));
        assert!(Fields::parse(field.as_bytes()).unwrap_err().message().contains("too long"));
        let many = vec!["a=1"; MAX_FIELDS + 1].join("&");
        assert!(Fields::parse(many.as_bytes()).unwrap_err().message().contains("fields"));
        assert!(Fields::parse(b"a=%FF%FE").unwrap_err().message().contains("could not be read"));
        let f = Fields::parse(b"turn=x&team=nato").unwrap();
        assert!(orders_text(&f).unwrap_err().message().contains("`team`"));
        assert!(orders_text(&Fields::default()).unwrap_err().message().contains("which turn"));
        assert!(Fields::parse(b"x=1").unwrap().only(&["reason"]).is_err());
    }
}
