//! Short text values read at the cues papers use for them: labelled lead-ins
//! ("**Funding.** None.", "Trial registration: NCT…", a "### Funding" heading
//! and the sentence under it), registry identifiers, "funded by …",
//! "trial in six community clinics", "randomly assigned X to A or B" and
//! "the primary outcome was …". The value is a slice of the quote, so the
//! quote states it; the kind of field comes from the words of its label (and
//! key), never from a preset's key.

use super::arms::stem;
use super::document::{Document, Sentence};
use super::places;
use crate::forms::model::FieldDef;

/// What a text field asks for, from the words of its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Funding,
    Registration,
    Setting,
    Countries,
    Population,
    Intervention,
    Comparator,
    Outcomes,
    Other,
}

const KINDS: [(&str, Kind); 17] = [
    ("fund", Kind::Funding),
    ("sponsor", Kind::Funding),
    ("grant", Kind::Funding),
    ("regist", Kind::Registration),
    ("identifier", Kind::Registration),
    ("countr", Kind::Countries),
    ("setting", Kind::Setting),
    ("site", Kind::Setting),
    ("location", Kind::Setting),
    ("population", Kind::Population),
    ("participant", Kind::Population),
    ("intervention", Kind::Intervention),
    ("experimental", Kind::Intervention),
    ("comparator", Kind::Comparator),
    ("control", Kind::Comparator),
    ("outcome", Kind::Outcomes),
    ("endpoint", Kind::Outcomes),
];

pub fn kind(f: &FieldDef) -> Kind {
    for text in [f.label.as_str(), &f.key.replace('_', " ")] {
        let lower = text.to_lowercase();
        if let Some((_, k)) = KINDS.iter().find(|(cue, _)| lower.contains(cue)) {
            return *k;
        }
    }
    Kind::Other
}

/// Words of a label too general to tell headings apart.
const VAGUE: [&str; 14] = [
    "study",
    "trial",
    "number",
    "total",
    "source",
    "type",
    "name",
    "the",
    "of",
    "and",
    "details",
    "information",
    "main",
    "list",
];

/// The distinctive stems of the field's label and key.
pub fn label_stems(f: &FieldDef) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for w in super::arms::words(&format!("{} {}", f.label, f.key.replace('_', " "))) {
        let lw = w.to_lowercase();
        if lw.chars().count() > 2 && !VAGUE.contains(&lw.as_str()) {
            let s = stem(&lw);
            if !v.contains(&s) {
                v.push(s);
            }
        }
    }
    v
}

/// A labelled passage: the heading's title, the text it leads (a verbatim
/// slice) and the quote (heading and text, or the sentence under a heading).
#[derive(Debug, Clone)]
pub struct Lead<'d> {
    pub title: String,
    pub body: &'d str,
    pub quote: &'d str,
    pub page: u32,
    pub order: usize,
}

/// Bold lead-ins inside a sentence ("**Funding.** None."), "Setting: …" at its
/// start, and heading-only sentences with the sentence after them.
pub fn leads(doc: &Document) -> Vec<Lead<'_>> {
    let mut out = Vec::new();
    for (k, s) in doc.sentences.iter().enumerate() {
        let t = s.text.as_str();
        let plain = t.trim_matches(|c: char| c == '*' || c == ':' || c == '.' || c == ' ');
        let heading_only = plain.split_whitespace().count() <= 4
            && !plain.is_empty()
            && plain.chars().next().is_some_and(char::is_uppercase)
            && !plain.contains(['*', '.', ',']);
        if heading_only {
            if let Some(next) = doc.sentences.get(k + 1).filter(|n| n.page == s.page) {
                out.push(Lead {
                    title: plain.to_lowercase(),
                    body: next.text.as_str(),
                    quote: next.text.as_str(),
                    page: s.page,
                    order: next.order,
                });
            }
            continue;
        }
        bold_leads(s, &mut out);
        if let Some(colon) = t.find(": ") {
            let title = t.get(..colon).unwrap_or("").trim_matches('*');
            let n = title.split_whitespace().count();
            if (1..=3).contains(&n)
                && title.chars().next().is_some_and(char::is_uppercase)
                && title.chars().all(|c| c.is_alphabetic() || c == ' ')
            {
                out.push(Lead {
                    title: title.to_lowercase(),
                    body: t.get(colon + 2..).unwrap_or("").trim(),
                    quote: t,
                    page: s.page,
                    order: s.order,
                });
            }
        }
    }
    out
}

fn bold_leads<'d>(s: &'d Sentence, out: &mut Vec<Lead<'d>>) {
    let t = s.text.as_str();
    let mut from = 0;
    while let Some(open) = t.get(from..).and_then(|r| r.find("**")).map(|p| p + from) {
        let Some(close) = t
            .get(open + 2..)
            .and_then(|r| r.find("**"))
            .map(|p| p + open + 2)
        else {
            break;
        };
        let title = t.get(open + 2..close).unwrap_or("");
        let clean = title.trim().trim_end_matches(['.', ':']).trim();
        let after = close + 2;
        let body_end = t
            .get(after..)
            .and_then(|r| r.find("**"))
            .map_or(t.len(), |p| p + after);
        let body = t.get(after..body_end).unwrap_or("").trim();
        let words = clean.split_whitespace().count();
        if (1..=5).contains(&words) && !body.is_empty() {
            out.push(Lead {
                title: clean.to_lowercase(),
                body,
                quote: t.get(open..body_end).unwrap_or("").trim(),
                page: s.page,
                order: s.order,
            });
        }
        from = after;
    }
}

/// The leads whose title shares a distinctive word with the field's label.
pub fn leads_for<'d>(doc: &'d Document, f: &FieldDef) -> Vec<Lead<'d>> {
    let stems = label_stems(f);
    leads(doc)
        .into_iter()
        .filter(|l| {
            super::arms::words(&l.title)
                .iter()
                .any(|w| stems.contains(&stem(&w.to_lowercase())))
        })
        .collect()
}

/// `text` without trailing punctuation and markup.
pub fn tidy(text: &str) -> &str {
    text.trim()
        .trim_end_matches(['.', ';', ',', ':', '*', ' '])
        .trim_start_matches(['*', ' ', ':'])
}

/// Registry identifiers: a prefix of capitals (from the field's hints and
/// example, and the usual registries) followed by digits, e.g. NCT01234567,
/// ISRCTN20269066, ACTRN12610000846022.
pub fn registry_ids(text: &str, extra: &[String]) -> Vec<String> {
    const PREFIXES: [&str; 11] = [
        "NCT", "ISRCTN", "ACTRN", "ChiCTR", "CTRI", "DRKS", "UMIN", "JPRN", "IRCT", "PACTR", "NTR",
    ];
    let mut out: Vec<String> = Vec::new();
    for tok in text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '/')) {
        let tok = tok.trim_matches(['-', '/']);
        let prefix_ok = PREFIXES
            .iter()
            .map(|p| (*p).to_owned())
            .chain(extra.iter().cloned())
            .any(|p| {
                tok.strip_prefix(p.as_str()).is_some_and(|rest| {
                    let digits = rest.chars().filter(char::is_ascii_digit).count();
                    digits >= 6 && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                })
            });
        if prefix_ok && !out.iter().any(|o| o == tok) {
            out.push(tok.to_owned());
        }
    }
    out
}

/// Capitalised prefixes of identifiers in the field's hints and example ("NCT01234567" → "NCT").
pub fn id_prefixes(f: &FieldDef) -> Vec<String> {
    format!("{} {} {}", f.hints, f.description, f.example)
        .split(|c: char| !c.is_alphanumeric())
        .filter_map(|w| {
            let p: String = w.chars().take_while(|c| c.is_alphabetic()).collect();
            let rest = w.get(p.len()..).unwrap_or("");
            (p.len() >= 3
                && p.chars().filter(char::is_ascii_uppercase).count() >= 2
                && rest.len() >= 6)
                .then_some(p)
        })
        .collect()
}

/// Words that end a noun phrase in running text.
const PHRASE_STOP: [&str; 22] = [
    "with",
    "between",
    "from",
    "using",
    "where",
    "during",
    "to",
    "for",
    "who",
    "which",
    "that",
    "was",
    "were",
    "and",
    "after",
    "over",
    "by",
    "on",
    "under",
    "as",
    "following",
    "whose",
];

/// The noun phrase starting at byte `at` of `t`: up to punctuation or a
/// clause word; ", Capitalised" continues a place ("Melbourne, Australia").
pub fn phrase_at(t: &str, at: usize) -> &str {
    let rest = t.get(at..).unwrap_or("");
    let mut end = 0;
    let mut words = 0;
    let mut word_start = 0;
    for (i, c) in rest.char_indices() {
        if matches!(c, '.' | ';' | '(' | ':' | '[')
            && !rest
                .get(i + 1..)
                .unwrap_or("")
                .starts_with(|d: char| d.is_ascii_digit())
        {
            break;
        }
        if c == ',' {
            let next = rest.get(i + 1..).unwrap_or("").trim_start();
            let place = next.chars().next().is_some_and(char::is_uppercase)
                && rest
                    .get(..i)
                    .unwrap_or("")
                    .split_whitespace()
                    .last()
                    .is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase));
            if !place {
                break;
            }
        }
        if c == ' ' {
            let w = rest.get(word_start..i).unwrap_or("").trim();
            if !w.is_empty() {
                words += 1;
            }
            word_start = i + 1;
            let next: String = rest
                .get(i + 1..)
                .unwrap_or("")
                .split(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or("")
                .to_lowercase();
            if PHRASE_STOP.contains(&next.as_str()) && words > 0 {
                let upcoming_place = next == "and"
                    && rest
                        .get(i + 5..)
                        .unwrap_or("")
                        .trim_start()
                        .starts_with(|d: char| d.is_uppercase());
                if !upcoming_place {
                    end = i;
                    break;
                }
            }
        }
        end = i + c.len_utf8();
    }
    tidy(rest.get(..end).unwrap_or(""))
}

/// Where the study took place: "trial in six community physiotherapy clinics",
/// "conducted through 23 primary care practices", "randomized at five centers
/// in Korea". The phrase must name a kind of place (or a place name after
/// "conducted/performed in").
pub fn setting_phrase(t: &str, under_heading: bool) -> Option<&str> {
    const CUES: [&str; 14] = [
        "trial",
        "study",
        "conducted",
        "performed",
        "done",
        "undertaken",
        "out",
        "place",
        "randomized",
        "randomised",
        "enrolled",
        "recruited",
        "based",
        "trials",
    ];
    const OTHER: [&str; 6] = ["a", "one", "another", "previous", "other", "few"];
    let lower = t.to_ascii_lowercase();
    for prep in [" in ", " at ", " through ", " across "] {
        let mut from = 0;
        while let Some(p) = lower
            .get(from..)
            .and_then(|r| r.find(prep))
            .map(|p| p + from)
        {
            from = p + prep.len();
            let before: Vec<&str> = lower
                .get(..p)
                .unwrap_or("")
                .split_whitespace()
                .rev()
                .take(3)
                .collect();
            let cue = before
                .iter()
                .take(2)
                .position(|w| CUES.contains(&w.trim_matches(',')));
            let ours = cue.is_some_and(|k| before.get(k + 1).is_none_or(|w| !OTHER.contains(w)));
            if !(ours || under_heading) {
                continue;
            }
            let phrase = phrase_at(t, p + prep.len());
            let n = phrase.split_whitespace().count();
            if n == 0 || n > 10 {
                continue;
            }
            if places::names_place_kind(phrase) || !places::countries_in(phrase).is_empty() {
                return Some(phrase);
            }
        }
    }
    None
}
