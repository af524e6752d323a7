//! English for messages and pages: a count with its noun (`1 run`, `4,000 runs`), plurals,
//! and the article before a word (`a state variable`, `an issue`), so that no message reads
//! "1 threads" or "a issue".

/// `n` with thousands separators: `4000` → `4,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The plural of an English noun (or of the last word of a phrase): `run` → `runs`, `box` →
/// `boxes`, `analysis` → `analyses`, `boundary` → `boundaries`.
pub(crate) fn plural_of(noun: &str) -> String {
    if let Some(stem) = noun.strip_suffix("sis") {
        return format!("{stem}ses");
    }
    if let Some(stem) = noun.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'i', 'o', 'u'])
    {
        return format!("{stem}ies");
    }
    if noun.ends_with(['s', 'x', 'z']) || noun.ends_with("ch") || noun.ends_with("sh") {
        return format!("{noun}es");
    }
    format!("{noun}s")
}

/// The noun as `n` of it reads: `run` for 1, `runs` otherwise.
pub(crate) fn noun(n: u64, noun: &str) -> String {
    if n == 1 { noun.to_string() } else { plural_of(noun) }
}

/// `n` and its noun: `1 run`, `0 runs`, `4,000 runs`.
pub fn count(n: u64, singular: &str) -> String {
    format!("{} {}", thousands(n), noun(n, singular))
}

/// `a` or `an`, as the word after it is spoken (by its first letter, with the common
/// exceptions: `a unit`, `a one-off`, `an hour`).
pub(crate) fn article(word: &str) -> &'static str {
    let w = word.trim_start().to_ascii_lowercase();
    let consonant_sound = ["uni", "use", "usu", "ukr", "one", "eu", "ura"];
    let vowel_sound = ["hour", "honest", "honour", "heir"];
    if vowel_sound.iter().any(|p| w.starts_with(p)) {
        return "an";
    }
    if consonant_sound.iter().any(|p| w.starts_with(p)) {
        return "a";
    }
    if w.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

/// The word with its article: `an issue`, `a state variable`.
pub(crate) fn a(word: &str) -> String {
    format!("{} {word}", article(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_agree_with_their_nouns() {
        assert_eq!(count(1, "thread"), "1 thread");
        assert_eq!(count(2, "thread"), "2 threads");
        assert_eq!(count(0, "run"), "0 runs");
        assert_eq!(count(4000, "run"), "4,000 runs");
        assert_eq!(count(1_234_567, "design point"), "1,234,567 design points");
        assert_eq!(count(1, "box"), "1 box");
        assert_eq!(count(3, "box"), "3 boxes");
        assert_eq!(count(2, "analysis"), "2 analyses");
        assert_eq!(count(2, "boundary"), "2 boundaries");
        assert_eq!(count(2, "day"), "2 days");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
    }

    #[test]
    fn articles_follow_the_sound() {
        assert_eq!(a("issue"), "an issue");
        assert_eq!(a("outcome name"), "an outcome name");
        assert_eq!(a("state variable"), "a state variable");
        assert_eq!(a("actor"), "an actor");
        assert_eq!(a("uniform distribution"), "a uniform distribution");
        assert_eq!(a("hour"), "an hour");
        assert_eq!(a("Ukraine break"), "a Ukraine break");
    }
}
