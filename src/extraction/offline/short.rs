//! Short text values (and lists) for text fields, by the kind of field its
//! label names (`cues::kind`): the value is a slice of the quote; where no
//! cue holds, nothing is answered rather than a whole sentence.

use super::cues::{self, Kind, Lead, leads_for, phrase_at, registry_ids, setting_phrase, tidy};
use super::document::Document;
use super::places::countries_in;
use crate::forms::model::FieldDef;

/// A value with its quote, page and confidence.
pub type Short = (String, String, u32, f32);

fn short(v: &str, q: &str, page: u32, conf: f32) -> Option<Short> {
    let v = tidy(v);
    let n = v.split_whitespace().count();
    (n > 0 && n <= 40).then(|| (v.to_owned(), q.to_owned(), page, conf))
}

const FUND_CUES: [&str; 10] = [
    "funded by",
    "sponsored by",
    "financed by",
    "funding from",
    "grant from",
    "grants from",
    "support from",
    "supported by",
    "supported in part by",
    "funded in part by",
];

/// "supported by a grant from the Uehara Memorial Foundation" → from the first
/// capitalised word after the cue; "supported by the finding …" is no funder.
fn funder(t: &str) -> Option<&str> {
    let lower = t.to_ascii_lowercase();
    let at = FUND_CUES
        .iter()
        .filter_map(|c| lower.find(c).map(|p| p + c.len()))
        .min()?;
    let rest = t.get(at..)?;
    let mut off = 0;
    for w in rest.split(' ') {
        if w.chars().next().is_some_and(char::is_uppercase) {
            return rest.get(off..).map(|r| r.split(". ").next().unwrap_or(r));
        }
        let lw = w.to_lowercase();
        let skip = [
            "",
            "a",
            "an",
            "the",
            "grant",
            "grants",
            "from",
            "unrestricted",
            "research",
            "educational",
            "funding",
            "in",
            "part",
            "by",
            "of",
        ];
        if !skip.contains(&lw.as_str()) {
            return None;
        }
        off += w.len() + 1;
    }
    None
}

fn funding(doc: &Document, leads: &[Lead]) -> Option<Short> {
    let mut best: Option<(usize, Short)> = None;
    let mut take = |order: usize, s: Option<Short>| {
        if let Some(s) = s
            && best.as_ref().is_none_or(|b| order < b.0)
        {
            best = Some((order, s));
        }
    };
    for l in leads {
        let v =
            funder(l.body).or_else(|| (l.body.split_whitespace().count() <= 25).then_some(l.body));
        take(l.order, v.and_then(|v| short(v, l.quote, l.page, 0.7)));
    }
    for s in &doc.sentences {
        take(
            s.order,
            funder(&s.text).and_then(|v| short(v, &s.text, s.page, 0.65)),
        );
    }
    best.map(|b| b.1)
}

fn registration(doc: &Document, f: &FieldDef, leads: &[Lead]) -> Option<Short> {
    let extra = cues::id_prefixes(f);
    for l in leads {
        let ids = registry_ids(l.body, &extra);
        if !ids.is_empty() {
            return Some((ids.join("; "), l.quote.to_owned(), l.page, 0.8));
        }
    }
    let cued = |t: &str| {
        ["regist", "identifier", "clinicaltrials.gov"]
            .iter()
            .any(|c| t.contains(c))
    };
    let mut fallback = None;
    for s in &doc.sentences {
        let ids = registry_ids(&s.text, &extra);
        if ids.is_empty() {
            continue;
        }
        if cued(&s.lower) {
            return Some((ids.join("; "), s.text.clone(), s.page, 0.75));
        }
        fallback = fallback.or(Some((ids.join("; "), s.text.clone(), s.page, 0.55)));
    }
    fallback
}

fn setting(doc: &Document, leads: &[Lead]) -> Option<Short> {
    let mut best: Option<(usize, Short)> = None;
    for l in leads {
        let v = setting_phrase(l.body, true)
            .or_else(|| (l.body.split_whitespace().count() <= 12).then_some(l.body));
        if let Some(s) = v.and_then(|v| short(v, l.quote, l.page, 0.7)) {
            best = Some((l.order, s));
            break;
        }
    }
    for s in &doc.sentences {
        if best.as_ref().is_some_and(|b| b.0 <= s.order) {
            break;
        }
        if let Some(v) =
            setting_phrase(&s.text, false).and_then(|v| short(v, &s.text, s.page, 0.65))
        {
            best = Some((s.order, v));
            break;
        }
    }
    best.map(|b| b.1)
}

/// "X were randomly assigned to A or B", "We randomly assigned X to A or B":
/// (population, intervention, comparator) slices of the sentence.
fn randomised_to<'a>(t: &'a str) -> Option<(Option<&'a str>, &'a str, &'a str)> {
    let lower = t.to_ascii_lowercase();
    const VERBS: [&str; 6] = [
        "were randomly assigned",
        "were randomized",
        "were randomised",
        "were randomly allocated",
        "randomly assigned",
        "randomly allocated",
    ];
    let (vp, verb) = VERBS.iter().find_map(|v| lower.find(v).map(|p| (p, *v)))?;
    let after = vp + verb.len();
    let to = lower.get(after..)?.find(" to ")? + after;
    let subject_before = verb.starts_with("were");
    let population = if subject_before {
        let head = t.get(..vp)?;
        let head = head.rsplit("**").next().unwrap_or(head);
        let intro = ["in ", "at ", "between ", "during ", "after ", "from "];
        let head = if intro
            .iter()
            .any(|i| head.trim_start().to_lowercase().starts_with(i))
        {
            head.split_once(", ").map_or("", |x| x.1)
        } else {
            head
        };
        Some(tidy(head))
    } else {
        t.get(after..to).map(tidy)
    };
    let arms = t.get(to + 4..)?;
    let arms = arms.split(['.', ';']).next().unwrap_or(arms);
    let (a, b) = arms.split_once(" or ")?;
    if a.contains(", ") && !a.contains('(') || a.split_whitespace().count() > 15 {
        return None;
    }
    let b = b.trim_start().strip_prefix("to ").unwrap_or(b);
    let b = b.split(", ").next().unwrap_or(b);
    let population = population.filter(|p| {
        let n = p.split_whitespace().count();
        (3..=30).contains(&n) && !p.starts_with(|c: char| c.is_ascii_digit())
    });
    let arm = |x: &'a str| {
        let x = tidy(x);
        let x = x.strip_prefix("receive ").unwrap_or(x);
        (x.split_whitespace().count() >= 2 && !x.ends_with('-')).then_some(x)
    };
    Some((population, arm(a)?, arm(b)?))
}

fn pico(doc: &Document, k: Kind) -> Option<Short> {
    for s in &doc.sentences {
        let Some((p, i, c)) = randomised_to(&s.text) else {
            continue;
        };
        let v = match k {
            Kind::Population => p,
            Kind::Intervention => Some(i),
            _ => Some(c),
        };
        if let Some(v) = v {
            return short(v, &s.text, s.page, 0.6);
        }
    }
    None
}

/// "<label words> was/were/included X": X up to ";" (or the sentence end).
fn copula(doc: &Document, f: &FieldDef) -> Option<Short> {
    let stems = cues::label_stems(f);
    let outcomes = cues::kind(f) == Kind::Outcomes;
    for s in &doc.sentences {
        // Outcomes: only the trial's own ("the primary outcome was …").
        if outcomes && !(s.lower.contains("primary") || s.lower.contains("main outcome")) {
            continue;
        }
        let ws: Vec<&str> = s.text.split(' ').collect();
        for (k, w) in ws.iter().enumerate() {
            let lw = super::arms::stem(
                w.to_lowercase()
                    .trim_matches(|c: char| !c.is_alphanumeric()),
            );
            if !stems.contains(&lw) {
                continue;
            }
            let Some(c) = ws.iter().skip(k + 1).take(3).position(|x| {
                matches!(*x, "was" | "were" | "is" | "are" | "included" | "includes")
            }) else {
                continue;
            };
            let start: usize = ws.iter().take(k + 2 + c).map(|x| x.len() + 1).sum();
            let rest = s.text.get(start..).unwrap_or("");
            let v = rest.split("; ").next().unwrap_or(rest);
            let v = v.split(". ").next().unwrap_or(v);
            if v.starts_with(|ch: char| ch.is_lowercase() || ch.is_uppercase()) {
                return short(v, &s.text, s.page, 0.6);
            }
        }
    }
    None
}

/// The short value of a text field, or `None`.
pub fn text(doc: &Document, f: &FieldDef) -> Option<Short> {
    let leads = leads_for(doc, f);
    match cues::kind(f) {
        Kind::Funding => funding(doc, &leads),
        Kind::Registration => registration(doc, f, &leads),
        Kind::Setting => setting(doc, &leads),
        k @ (Kind::Population | Kind::Intervention | Kind::Comparator) => pico(doc, k),
        Kind::Outcomes => copula(doc, f),
        Kind::Countries | Kind::Other => leads
            .iter()
            .find_map(|l| {
                (l.body.split_whitespace().count() <= 25)
                    .then(|| short(l.body, l.quote, l.page, 0.6))?
            })
            .or_else(|| copula(doc, f)),
    }
}

/// Items of a list: ", " and " and " at bracket depth 0.
fn split_items(v: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut depth, mut last) = (0i32, 0usize);
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for (i, c) in v.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' if depth == 0 => cuts.push((i, i + 1)),
            ' ' if depth == 0 && v.get(i..).is_some_and(|r| r.starts_with(" and ")) => {
                cuts.push((i, i + 5))
            }
            _ => {}
        }
    }
    for (a, b) in cuts.into_iter().chain([(v.len(), v.len())]) {
        let item = tidy(v.get(last..a).unwrap_or("")).trim_start_matches("and ");
        if !item.trim().is_empty() {
            out.push(item.trim().to_owned());
        }
        last = b;
    }
    out
}

/// The items of a list field with the quote that names them all.
pub fn list(doc: &Document, f: &FieldDef) -> Option<(Vec<String>, String, u32, f32)> {
    if cues::kind(f) == Kind::Countries {
        for s in &doc.sentences {
            if let Some(p) = setting_phrase(&s.text, false) {
                let cs = countries_in(p);
                if !cs.is_empty() {
                    return Some((cs, s.text.clone(), s.page, 0.65));
                }
            }
        }
        return None;
    }
    let (v, q, page, conf) = text(doc, f)?;
    let mut items = vec![v.clone()];
    let lower = q.to_ascii_lowercase();
    if let Some(p) = lower
        .find("secondary")
        .filter(|_| lower.contains("primary"))
    {
        let tail = q.get(p..).unwrap_or("");
        if let Some(c) = [" were ", " included ", " include "]
            .iter()
            .filter_map(|w| tail.find(w).map(|x| x + w.len()))
            .min()
        {
            let rest = phrase_rest(tail.get(c..).unwrap_or(""));
            items.retain(|i| !i.to_ascii_lowercase().contains("secondary"));
            if let Some(first) = items.first_mut() {
                *first = tidy(first.split("; ").next().unwrap_or(first)).to_owned();
            }
            items.extend(split_items(rest));
        }
    }
    Some((items, q, page, conf))
}

fn phrase_rest(t: &str) -> &str {
    let _ = phrase_at;
    t.split(". ").next().unwrap_or(t)
}
