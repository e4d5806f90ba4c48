//! Words, abbreviations and fuzzy matching of names (arms, outcomes, labels)
//! against passages of the paper.
//!
//! Seeded names are written by people who read the paper ("White Grape Juice
//! (WGJ)", "MTL+caloric intake group"), so a name matches a passage by the share
//! of its distinctive words found there, with abbreviations the paper defines
//! ("white grape juice (WGJ)") counted as the words they stand for.

use std::collections::BTreeMap;

/// Words that say nothing about which arm or outcome is meant.
const STOP: [&str; 62] = [
    "the",
    "a",
    "an",
    "of",
    "in",
    "on",
    "at",
    "to",
    "and",
    "or",
    "with",
    "without",
    "for",
    "by",
    "from",
    "group",
    "groups",
    "arm",
    "arms",
    "patients",
    "patient",
    "subjects",
    "participants",
    "who",
    "were",
    "was",
    "received",
    "receiving",
    "treated",
    "treatment",
    "given",
    "plus",
    "as",
    "is",
    "are",
    "be",
    "than",
    "that",
    "this",
    "those",
    "these",
    "their",
    "its",
    "after",
    "during",
    "between",
    "mean",
    "number",
    "total",
    "rate",
    "rates",
    "level",
    "levels",
    "change",
    "changes",
    "overall",
    "any",
    "all",
    "alone",
    "only",
    "per",
    "using",
];

/// A crude stem: lower case, plural and common suffixes cut, so "eradicated" and
/// "eradication" meet at "eradicat".
pub fn stem(w: &str) -> String {
    let w = w.to_lowercase();
    for suf in [
        "ations", "ation", "ings", "ing", "ies", "ed", "es", "s", "al", "ity", "ly", "e",
    ] {
        if w.chars().count() > suf.len() + 3
            && let Some(base) = w.strip_suffix(suf)
        {
            return base.to_owned();
        }
    }
    w
}

/// Words of a text (letters/digits runs; `0.2` and `5-fu` kept whole).
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '-' || c == '+'))
        .flat_map(|w| {
            // "MTL+caloric" is two words; a trailing full stop is punctuation.
            w.split('+')
                .map(|p| p.trim_matches(['.', '-']).to_owned())
                .collect::<Vec<_>>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// The distinctive stems of a name.
pub fn content_stems(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in words(text) {
        let lw = w.to_lowercase();
        if STOP.contains(&lw.as_str())
            || (lw.chars().count() < 2 && !lw.chars().all(|c| c.is_ascii_digit()))
        {
            continue;
        }
        let s = stem(&lw);
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// Separates an abbreviation from the number of its second long form in the
/// keys of [`abbreviations`].
pub const ALT: char = '\u{1f}';

/// Abbreviations the paper defines: `long form (ABBR)`, mapped ABBR → long form.
pub fn abbreviations(texts: &[&str]) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for text in texts {
        let mut rest = *text;
        while let Some(open) = rest.find('(') {
            let before = rest.get(..open).unwrap_or("");
            let after = rest.get(open + 1..).unwrap_or("");
            let Some(close) = after.find(')') else { break };
            let inner = after.get(..close).unwrap_or("").trim();
            rest = after;
            let letters: Vec<char> = inner.chars().filter(|c| c.is_alphabetic()).collect();
            let upper = letters.iter().filter(|c| c.is_uppercase()).count();
            if inner.len() > 12
                || letters.len() < 2
                || upper * 2 < letters.len()
                || inner.contains(' ')
            {
                continue;
            }
            // The long form: as many preceding words as the abbreviation has
            // capitals (at most 6), trimmed to start at a word with its initial.
            let prev: Vec<&str> = before.split_whitespace().collect();
            let k = upper.clamp(1, 6).min(prev.len());
            let Some(first) = letters.first().map(|c| c.to_ascii_lowercase()) else {
                continue;
            };
            let cand = prev.get(prev.len() - k..).unwrap_or(&[]);
            let from = cand
                .iter()
                .position(|w| w.to_lowercase().starts_with(first))
                .unwrap_or(0);
            let long = cand.get(from..).unwrap_or(&[]).join(" ");
            if !long.is_empty() {
                map.entry(inner.to_owned()).or_insert(long);
            }
        }
        for (a, long) in glossary(text) {
            match map.get(&a) {
                None => {
                    map.insert(a, long);
                }
                // Defined in the text as something else ("IPAT" = "inpatient
                // antimicrobial therapy") and in a table note at more length.
                Some(other) if *other != long => {
                    map.entry(format!("{a}{ALT}2")).or_insert(long);
                }
                Some(_) => {}
            }
        }
    }
    map
}

/// Whether a token reads as an abbreviation: 2–10 letters and digits, most
/// letters capitals ("IPAT", "CoPAT", "HbA1c" is not: too few capitals).
fn is_abbreviation(t: &str) -> bool {
    let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    (2..=10).contains(&t.chars().count())
        && t.chars().all(|c| c.is_alphanumeric() || c == '-')
        && letters.len() >= 2
        && upper * 3 >= letters.len() * 2
}

/// Abbreviation glossaries of table notes: "CoPAT, outpatient parenteral
/// antimicrobial therapy …; IPAT, patients receiving their full course of
/// therapy in the hospital setting; SSP, semi-synthetic penicillin"
/// (PMC2667135), "ITT=intention to treat. PP=per protocol.", "*HA* hyaluronan,
/// *MPC* mesenchymal precursor cell" (PMC5541727). Entries with a comma or a
/// space after the abbreviation count only in a list of at least two.
fn glossary(text: &str) -> Vec<(String, String)> {
    let plain: String = text.chars().filter(|c| !matches!(c, '*' | '_')).collect();
    let mut strong = Vec::new();
    let mut weak = Vec::new();
    for seg in plain.split([';', '.']) {
        let seg = seg.trim();
        if let Some((a, l)) = seg.split_once('=') {
            strong.extend(entry(a, l));
        } else if let Some((a, l)) = seg.split_once(", ")
            && is_abbreviation(a.trim())
        {
            weak.extend(entry(a, l));
        } else {
            for part in seg.split(", ") {
                if let Some((a, l)) = part.trim().split_once(' ') {
                    weak.extend(entry(a, l));
                }
            }
        }
    }
    if weak.len() >= 2 {
        strong.extend(weak);
    }
    strong
}

/// One glossary entry: an abbreviation and a long form of plain words whose
/// initials hold at least half of the abbreviation's capitals.
fn entry(abbr: &str, long: &str) -> Option<(String, String)> {
    let (abbr, long) = (abbr.trim(), long.trim());
    let ws: Vec<&str> = long.split_whitespace().collect();
    let wordy = !ws.is_empty()
        && ws.len() <= 14
        && ws
            .iter()
            .all(|w| w.chars().all(|c| c.is_alphabetic() || c == '-'))
        && ws.first().is_some_and(|w| !is_abbreviation(w));
    if !is_abbreviation(abbr) || !wordy {
        return None;
    }
    let initials: Vec<char> = ws
        .iter()
        .flat_map(|w| w.split('-'))
        .filter_map(|w| w.chars().next())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let caps: Vec<char> = abbr
        .chars()
        .filter(|c| c.is_uppercase())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let found = caps.iter().filter(|c| initials.contains(c)).count();
    (found * 2 >= caps.len()).then(|| (abbr.to_owned(), long.to_owned()))
}

/// A name (arm, outcome, field label) ready to be matched.
#[derive(Debug, Clone, Default)]
pub struct Name {
    pub stems: Vec<String>,
    /// Abbreviations of (part of) the name, each with the stems it stands for.
    pub abbrevs: Vec<String>,
    pub abbrev_stems: Vec<Vec<String>>,
    /// The group label the name carries ("Laser therapy (Group I)" → "group i").
    pub group: Option<String>,
    /// Role phrases that also name this arm in a two-arm paper ("the
    /// intervention group", "the control group"), lower case; see [`roles`].
    pub roles: Vec<&'static str>,
    /// The name is only the word "control" ("Control", "controls", "the
    /// control group"): it stands for whichever arm is not the intervention
    /// where a table shows exactly two arms (`Name::is_generic_control`).
    pub generic_control: bool,
}

/// Phrases naming the intervention arm by its role.
pub const INTERVENTION_ROLES: [&str; 3] = [
    "intervention group",
    "experimental group",
    "treatment group",
];
/// Phrases naming the comparator arm by its role.
pub const CONTROL_ROLES: [&str; 2] = ["control group", "control arm"];

/// Whether the paper names its two arms by role ("the intervention group …
/// the control group") and shows no sign of more arms ("intervention groups",
/// "three groups"), so that a role phrase can stand for a seeded arm's name.
pub fn roles_name_two_arms(texts: &[&str]) -> bool {
    let (mut int, mut ctl, mut more) = (false, false, false);
    for t in texts {
        let l = t.to_lowercase();
        int |= INTERVENTION_ROLES.iter().any(|r| l.contains(r));
        ctl |= CONTROL_ROLES.iter().any(|r| l.contains(r));
        more |= INTERVENTION_ROLES
            .iter()
            .chain(CONTROL_ROLES.iter())
            .any(|r| l.contains(&format!("{r}s")))
            || [
                "three groups",
                "four groups",
                "3 groups",
                "4 groups",
                "three arms",
                "four arms",
                "each intervention group",
                "all groups",
            ]
            .iter()
            .any(|w| l.contains(w));
    }
    int && ctl && !more
}

impl Name {
    pub fn new(text: &str, abbr: &BTreeMap<String, String>) -> Name {
        let mut stems = content_stems(text);
        // The seed's own words: an abbreviation is the seed's when the seed
        // covers its long form by itself, not through another abbreviation's
        // long form ("MTL+caloric intake" takes MTL, "multiple traffic
        // light", but not TL, "traffic light", of the TL+SNL arm; PMC3475525).
        let own = stems.clone();
        let mut abbrevs = Vec::new();
        let mut abbrev_stems = Vec::new();
        for (key, long) in abbr {
            // A second long form of the same abbreviation is keyed "ABBR␟2".
            let a = key.split(ALT).next().unwrap_or(key);
            if abbrevs.iter().any(|x: &String| x == a) {
                continue;
            }
            let ls = content_stems(long);
            let has_abbr = words(text).iter().any(|w| w == a);
            let covers = !ls.is_empty() && ls.iter().all(|s| own.contains(s));
            // A seed paraphrasing part of a long form ("full course of therapy
            // in the hospital setting" for "IPAT, patients receiving their
            // full course of therapy in the hospital setting").
            let within = own.len() >= 3 && own.iter().all(|s| ls.contains(s));
            if has_abbr || covers || within {
                abbrevs.push(a.to_owned());
                // "White Grape Juice (WGJ)" or "WGJ": the abbreviation stands for the
                // whole name (an empty list says so); "MTL+caloric intake": only part.
                let whole = text.contains(&format!("({a})")) || text.trim() == a || within;
                abbrev_stems.push(if whole { Vec::new() } else { ls.clone() });
                if has_abbr {
                    // The abbreviation itself is not a word of the passage to require.
                    stems.retain(|s| *s != stem(&a.to_lowercase()));
                    for s in ls {
                        if !stems.contains(&s) {
                            stems.push(s);
                        }
                    }
                }
            }
        }
        Name {
            generic_control: Name::is_generic_control(&stems, &abbrevs),
            stems,
            abbrevs,
            abbrev_stems,
            group: super::headers::group_labels(text)
                .first()
                .map(|g| g.1.clone()),
            roles: Vec::new(),
        }
    }

    /// A seed that says only "control" (PMC5541727 seeds "Control" for the arm
    /// the paper calls "HA alone" and "HA controls").
    fn is_generic_control(stems: &[String], abbrevs: &[String]) -> bool {
        abbrevs.is_empty() && matches!(stems, [s] if s == "control")
    }

    /// Share (0–1) of this name found in `passage`: an abbreviation counts as
    /// all of it; otherwise the share of its stems among the passage's stems.
    pub fn score(&self, passage: &str) -> f64 {
        let ws = words(passage);
        let ps: Vec<String> = ws.iter().map(|w| stem(w)).collect();
        self.score_words(&ws, &ps)
    }

    /// `score` over a passage already cut into words and their stems. An
    /// abbreviation in the passage counts as the words it stands for, so
    /// "MTL (n = 98)" matches "MTL+caloric intake" less well than
    /// "MTL+ Caloric Intake (n = 90)" does.
    pub fn score_words(&self, ws: &[String], ps: &[String]) -> f64 {
        if self.role_in(ws) {
            return 1.0;
        }
        let mut covered: Vec<&String> = Vec::new();
        for (a, ls) in self.abbrevs.iter().zip(&self.abbrev_stems) {
            if ws.iter().any(|w| w == a) {
                if ls.is_empty() || self.stems.is_empty() {
                    return 1.0;
                }
                covered.extend(ls);
            }
        }
        if self.stems.is_empty() {
            return 0.0;
        }
        let hit = self
            .stems
            .iter()
            .filter(|s| {
                covered.contains(s)
                    || ps
                        .iter()
                        .any(|p| p == *s || (s.len() >= 5 && p.starts_with(s.as_str())))
            })
            .count();
        hit as f64 / self.stems.len() as f64
    }

    /// Whether the words hold one of the role phrases ("control group").
    fn role_in(&self, ws: &[String]) -> bool {
        self.roles.iter().any(|r| {
            let rw: Vec<&str> = r.split(' ').collect();
            ws.windows(rw.len())
                .any(|w| w.iter().zip(&rw).all(|(a, b)| a.eq_ignore_ascii_case(b)))
        })
    }

    /// Byte offsets in `passage` where this name is mentioned: positions of its
    /// abbreviations or of its rarest stem (the last one, usually the noun), and
    /// of its role phrases.
    pub fn mentions(&self, passage: &str) -> Vec<usize> {
        let mut out = self.role_mentions(passage);
        if !out.is_empty() {
            // "… in the intervention group compared with … in the control
            // group": the role phrase places the arm; the name's own words
            // ("group") would place both.
            return out;
        }
        let mut off = 0;
        for tok in passage.split_inclusive(|c: char| !(c.is_alphanumeric() || c == '.' || c == '-'))
        {
            let w = tok
                .trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '.' || c == '-'))
                .trim_matches(['.', '-']);
            let hit = self.abbrevs.iter().any(|a| a == w)
                || (!w.is_empty()
                    && self.stems.iter().any(|s| {
                        let st = stem(w);
                        st == *s || (s.len() >= 5 && st.starts_with(s.as_str()))
                    }));
            if hit {
                out.push(off);
            }
            off += tok.len();
        }
        out
    }
}

impl Name {
    fn role_mentions(&self, passage: &str) -> Vec<usize> {
        if self.roles.is_empty() {
            return Vec::new();
        }
        let lower = passage.to_lowercase();
        if lower.len() != passage.len() {
            return Vec::new();
        }
        let mut out: Vec<usize> = self
            .roles
            .iter()
            .flat_map(|r| lower.match_indices(r).map(|(k, _)| k))
            .collect();
        out.sort_unstable();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_defined_in_the_paper() {
        // PMC1216327: "white grape juice (WGJ) which contains …".
        let a = abbreviations(&[
            "are poorly absorbed as compared with white grape juice (WGJ) which contains",
        ]);
        assert_eq!(a.get("WGJ").map(String::as_str), Some("white grape juice"));
    }

    #[test]
    fn glossaries_of_table_notes() {
        // PMC2667135 Table 1 notes (run over several rows).
        let a = abbreviations(&[
            "CoPAT, outpatient parenteral antimicrobial therapy in the community setting; IPAT, patients receiving their full course of therapy in the hospital setting; SSP, semi-synthetic penicillin; NA, not applicable",
        ]);
        assert_eq!(
            a.get("IPAT").map(String::as_str),
            Some("patients receiving their full course of therapy in the hospital setting")
        );
        assert_eq!(
            a.get("SSP").map(String::as_str),
            Some("semi-synthetic penicillin")
        );
        // PMC5541727 figure legend (BMC style) and the "=" style.
        let a = abbreviations(&["*HA* hyaluronan, *MPC* mesenchymal precursor cell"]);
        assert_eq!(
            a.get("MPC").map(String::as_str),
            Some("mesenchymal precursor cell")
        );
        let a = abbreviations(&["Data are n (%). ITT=intention to treat."]);
        assert_eq!(a.get("ITT").map(String::as_str), Some("intention to treat"));
        // A seed paraphrasing part of a long form takes its abbreviation.
        let a = abbreviations(&[
            "CoPAT, outpatient parenteral antimicrobial therapy; IPAT, patients receiving their full course of therapy in the hospital setting",
        ]);
        let c = Name::new("full course of therapy in the hospital setting", &a);
        assert_eq!(c.score("IPAT ( n = 97)"), 1.0);
        // PMC2667135: defined in the text as "inpatient antimicrobial therapy
        // (IPAT)", in the table note at more length; the seed paraphrases the note.
        let a = abbreviations(&[
            "patients who received inpatient antimicrobial therapy (IPAT) throughout",
            "CoPAT, outpatient parenteral antimicrobial therapy; IPAT, patients receiving their full course of therapy in the hospital setting",
        ]);
        let c = Name::new("full course of therapy in the hospital setting", &a);
        assert_eq!(c.score("| IPAT ( n = 97) |"), 1.0);
        assert_eq!(
            Name::new("inpatient antimicrobial therapy", &a).score("IPAT"),
            1.0
        );
        // Traps: a prose list is no glossary, and initials must fit.
        let a = abbreviations(&["MRI scans, CT scans and PET images were read blind."]);
        assert!(a.is_empty(), "{a:?}");
        let a = abbreviations(&["In the ITT population, the PP population was smaller."]);
        assert!(a.is_empty(), "{a:?}");
    }

    #[test]
    fn seeded_names_match_headers_and_abbreviations() {
        let a = abbreviations(&["receive White Grape Juice (WGJ) or water (WA)"]);
        let wgj = Name::new("White Grape Juice (WGJ)", &a);
        assert_eq!(wgj.score("WGJ"), 1.0);
        assert!(wgj.score("White Grape Juice n = 30") > 0.99);
        assert!(wgj.score("Apple Juice n = 30") < 0.5);
        let placebo = Name::new("placebo", &a);
        assert_eq!(placebo.score("Placebo (n=656)"), 1.0);
    }
}
