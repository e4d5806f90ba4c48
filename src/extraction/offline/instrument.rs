//! The instrument an outcome is measured with, as a second name for it:
//! "Pain severity was assessed by using visual analogue scale" (PMC2972614)
//! makes the table block headed "VAS" the one for "Severity of pain". The
//! instrument's acronym is its initials when the paper does not define one.

use super::arms::{Name, words};
use super::document::Document;

/// Verbs linking an outcome to its instrument.
const VERBS: [&str; 6] = [
    " assessed ",
    " measured ",
    " evaluated ",
    " rated ",
    " scored ",
    " quantified ",
];

/// Words introducing the instrument after the verb, longest first.
const BY: [&str; 6] = ["by using ", "using ", "by means of ", "by ", "with ", "on "];

/// Names of the instruments the paper measures the outcome with (the
/// instrument and, for several words, their initials: "VAS").
pub fn instrument_names(doc: &Document, o: &Name) -> Vec<String> {
    let mut out = Vec::new();
    if o.stems.is_empty() {
        return out;
    }
    for s in &doc.sentences {
        for verb in VERBS {
            let Some(at) = s.lower.find(verb) else {
                continue;
            };
            // The clause before the verb names the outcome, and only it.
            let subject = s
                .lower
                .get(..at)
                .unwrap_or("")
                .rsplit([',', ';', ':', '.'])
                .next()
                .unwrap_or("");
            let subject = subject
                .trim()
                .trim_end_matches(" was")
                .trim_end_matches(" were")
                .trim_end_matches(" is")
                .trim_end_matches(" are");
            if words(subject).len() > 5 || o.score(subject) < 0.99 {
                continue;
            }
            let rest = s.text.get(at + verb.len()..).unwrap_or("");
            let lower_rest = rest.to_lowercase();
            let Some(by) = BY.iter().find(|b| lower_rest.starts_with(*b)) else {
                continue;
            };
            let tail = rest.get(by.len()..).unwrap_or("");
            let end = tail
                .find(['.', ',', ';', '(', ')'])
                .unwrap_or(tail.len())
                .min(tail.find(" and ").unwrap_or(tail.len()));
            let phrase = tail.get(..end).unwrap_or("").trim();
            let phrase = phrase
                .strip_prefix("a ")
                .or_else(|| phrase.strip_prefix("an "))
                .or_else(|| phrase.strip_prefix("the "))
                .unwrap_or(phrase);
            let ws = words(phrase);
            if ws.is_empty() || ws.len() > 5 {
                continue;
            }
            out.push(phrase.to_owned());
            if ws.len() >= 2 {
                let initials: String = ws
                    .iter()
                    .filter_map(|w| w.chars().next())
                    .flat_map(char::to_uppercase)
                    .collect();
                out.push(initials);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extraction::offline::PageText;
    use std::collections::BTreeMap;

    fn names(text: &str, outcome: &str) -> Vec<String> {
        let d = Document::parse(&[PageText {
            page: 1,
            text: text.into(),
        }]);
        instrument_names(&d, &Name::new(outcome, &BTreeMap::new()))
    }

    #[test]
    fn the_instrument_and_its_initials_name_the_outcome() {
        // PMC2972614 abstract.
        let t = "Pain severity was assessed by using visual analogue scale. Range of motion was measured by goniometer.";
        assert_eq!(
            names(t, "Severity of pain"),
            vec!["visual analogue scale".to_owned(), "VAS".to_owned()]
        );
        // Trap: the range of motion's instrument is not the pain's.
        assert!(!names(t, "Severity of pain").contains(&"goniometer".to_owned()));
        // Trap: a long subject naming more than the outcome is no link.
        let t = "Pain, function, quality of life and satisfaction with care were assessed using questionnaires.";
        assert!(names(t, "pain").is_empty());
    }
}
