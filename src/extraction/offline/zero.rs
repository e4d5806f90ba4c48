//! "No events" statements: "No unexpected adverse events … were reported"
//! (PMC3169777), "All patients were able to complete the therapy program
//! without any adverse effects" (PMC2972614). Both arms had zero events of the
//! outcome, when the negation governs the outcome itself — not a subset of it
//! ("no serious adverse events" says nothing of adverse events), not one arm
//! ("no adverse events in the placebo group"), and not a comparison ("no
//! significant difference in adverse events").

use super::arms::{Name, stem, words};
use super::document::{Document, Sentence};
use super::trial::Found;

/// Words that open a "none" statement.
const NEGATIONS: [&str; 3] = ["no", "without", "none"];

/// Words allowed between the negation and the outcome ("no patient
/// experienced any …", "none of the participants had …").
const FILLERS: [&str; 20] = [
    "any",
    "the",
    "of",
    "other",
    "patient",
    "patients",
    "participant",
    "participants",
    "subject",
    "subjects",
    "child",
    "children",
    "woman",
    "women",
    "experienced",
    "had",
    "developed",
    "reported",
    "further",
    "new",
];

/// Sentences comparing arms or grading the events are not "none" statements.
const NOT_NONE: [&str; 10] = [
    "differ",
    "significant",
    "fewer",
    "more ",
    "less ",
    "compared",
    "than",
    "except",
    "other than",
    "apart from",
];

/// A "none" statement about the outcome: both arms' events are zero.
pub fn zero_events(doc: &Document, o: &Name, i: &Name, c: &Name) -> Option<(Found, Found)> {
    if o.stems.is_empty() {
        return None;
    }
    for s in &doc.sentences {
        if NOT_NONE.iter().any(|w| s.lower.contains(w)) || !governs(s, o) {
            continue;
        }
        // One arm named without the other: the statement is about that arm.
        let (ni, nc) = (
            !i.mentions(&s.text).is_empty(),
            !c.mentions(&s.text).is_empty(),
        );
        if ni != nc && !s.lower.contains("either") && !s.lower.contains("both") {
            continue;
        }
        let f = Found::new(0.0, &s.text, s.page, 0.6);
        return Some((f.clone(), f));
    }
    None
}

/// Whether a negation in `s` is followed, through filler words only, by the
/// outcome's words — all of them, and nothing else before them.
fn governs(s: &Sentence, o: &Name) -> bool {
    // "rate of adverse events": the rate is not a word the statement repeats.
    let generic: Vec<String> = [
        "rate",
        "incidence",
        "number",
        "proportion",
        "occurrence",
        "percentage",
    ]
    .iter()
    .map(|w| stem(w))
    .collect();
    let stems: Vec<&String> = o.stems.iter().filter(|s| !generic.contains(s)).collect();
    if stems.is_empty() {
        return false;
    }
    let ws = words(&s.text);
    for (k, w) in ws.iter().enumerate() {
        if !NEGATIONS.contains(&w.to_lowercase().as_str()) {
            continue;
        }
        let mut j = k + 1;
        while ws
            .get(j)
            .is_some_and(|x| FILLERS.contains(&x.to_lowercase().as_str()))
        {
            j += 1;
        }
        // The outcome's words, in a run of at most their number (plus one
        // joining word), with nothing foreign before them.
        let run: Vec<String> = ws
            .iter()
            .skip(j)
            .take(stems.len() + 1)
            .map(|x| stem(x))
            .collect();
        let Some(first) = run.first() else { continue };
        if !stems.contains(&first) {
            continue;
        }
        let all = stems.iter().all(|st| {
            run.iter()
                .any(|r| r == *st || (st.len() >= 5 && r.starts_with(st.as_str())))
        });
        if all {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extraction::offline::PageText;
    use std::collections::BTreeMap;

    fn zero(text: &str, i: &str, c: &str, o: &str) -> Option<f64> {
        let d = Document::parse(&[PageText {
            page: 1,
            text: text.into(),
        }]);
        let a = BTreeMap::new();
        zero_events(&d, &Name::new(o, &a), &Name::new(i, &a), &Name::new(c, &a))
            .map(|(x, _)| x.value)
    }

    #[test]
    fn none_statements_give_zero_events_in_both_arms() {
        // PMC3169777 results.
        let t = "A summary of the adverse events is provided in Table 1. No unexpected adverse events, signs of oedema and/or serious adverse events were reported and all events resolved without sequelae.";
        assert_eq!(
            zero(
                t,
                "macitentan doses of 5 mg",
                "placebo",
                "unexpected adverse events"
            ),
            Some(0.0)
        );
        // PMC2972614 results.
        let t =
            "All patients were able to complete the therapy program without any adverse effects.";
        assert_eq!(
            zero(
                t,
                "Laser therapy (Group I)",
                "Placebo laser therapy (Group II)",
                "Adverse effects"
            ),
            Some(0.0)
        );
    }

    #[test]
    fn subsets_single_arms_and_comparisons_are_not_none() {
        // "No serious adverse events" says nothing of adverse events in general.
        let t = "No serious adverse events were reported.";
        assert_eq!(zero(t, "drug", "placebo", "adverse events"), None);
        // PMC3493722: a comparison, not a none statement.
        let t = "There was no significant difference in the rate of adverse events between the two groups.";
        assert_eq!(zero(t, "drug", "placebo", "rate of adverse events"), None);
        // One arm only.
        let t = "No adverse events occurred in the placebo group.";
        assert_eq!(zero(t, "drug", "placebo", "adverse events"), None);
        // PMC5541727: qualified by words the outcome does not have.
        let t = "No participants experienced treatment-related or treatment-emergent serious adverse events that resulted in death.";
        assert_eq!(zero(t, "MPC", "HA", "serious adverse events"), None);
    }
}
