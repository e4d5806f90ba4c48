//! Pairing the entries of a repeating sub-form in the gold standard with the
//! entries a run found, by the fields that identify an entry (for outcome
//! results: intervention, comparator and outcome).
//!
//! People and extractors word the same arm or outcome differently ("White
//! Grape Juice (WGJ)" / "white grape juice"), so identities are compared as
//! sets of word tokens ([`tokens`]: normalised text, a few function words
//! dropped). The rule:
//!
//! - a gold entry and a run entry *may* be paired when, for **every**
//!   identifying field, the token overlap `|A ∩ B| / min(|A|, |B|)` is at
//!   least the threshold ([`DEFAULT_ENTRY_THRESHOLD`] = 0.5). Every field must
//!   agree because within one paper the intervention and comparator are often
//!   the same in every entry: an average over fields would pair "fecal
//!   losses" with "duration of illness" on the strength of the arms alone.
//!   Overlap rather than Jaccard at this gate, because one side is often a
//!   shortened form of the other ("zidovudine" / "Zidovudine prophylaxis
//!   initiation": overlap 1, Jaccard 1/3);
//! - among the pairs that may be made, the closest are made first (greedy,
//!   best first), closeness being the mean over identifying fields of the
//!   Jaccard index `|A ∩ B| / |A ∪ B|`, which prefers exact wording ("pain at
//!   6 weeks" goes to "pain at 6 weeks" before "pain at 12 weeks"); ties go to
//!   the earlier gold entry, then the earlier run entry, so the result never
//!   depends on hash order. Greedy is optimal whenever each entry has one
//!   clear counterpart, which is the common case; the entries of one paper
//!   are few, and a wrong pair only moves a value between "incorrect" and
//!   "missed + spurious", never into "correct".
//!
//! A sub-form with no identifying fields is paired by position.

use std::collections::BTreeSet;

use crate::forms::model::{FieldDef, FieldType};

use super::typed::normalise_text;

/// The least token overlap, on every identifying field, for two entries to be
/// paired.
pub const DEFAULT_ENTRY_THRESHOLD: f64 = 0.5;

/// Words that carry no identity ("death *or* myocardial infarction").
const STOPWORDS: [&str; 17] = [
    "a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "per", "the", "to", "versus",
    "vs", "with", "without",
];

/// The identifying child keys of a repeating sub-form when none are
/// configured: its required text fields (the presets mark exactly the
/// identifying ones required: `arms[].name`; `comparisons[]` intervention,
/// comparator, outcome; `results[].result`), else its first text field, else
/// none (entries are then paired by position).
pub fn default_identity(subform: &FieldDef) -> Vec<String> {
    let texts = || {
        subform
            .fields
            .iter()
            .filter(|f| f.field_type == FieldType::Text)
    };
    let required: Vec<String> = texts()
        .filter(|f| f.required)
        .map(|f| f.key.clone())
        .collect();
    if required.is_empty() {
        texts().take(1).map(|f| f.key.clone()).collect()
    } else {
        required
    }
}

/// The word tokens of a text: [`normalise_text`] split on spaces, without
/// [`STOPWORDS`] (unless the text is nothing but stopwords).
pub fn tokens(text: &str) -> BTreeSet<String> {
    let all: BTreeSet<String> = normalise_text(text)
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    let content: BTreeSet<String> = all
        .iter()
        .filter(|t| !STOPWORDS.contains(&t.as_str()))
        .cloned()
        .collect();
    if content.is_empty() { all } else { content }
}

/// `|A ∩ B| / |A ∪ B|`; 1 when both are empty.
pub fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 1.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

/// `|A ∩ B| / min(|A|, |B|)`; 1 when both are empty, 0 when one is.
pub fn overlap(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => 1.0,
        (true, false) | (false, true) => 0.0,
        _ => a.intersection(b).count() as f64 / a.len().min(b.len()) as f64,
    }
}

/// A gold entry paired with a run entry (indexes into the lists given to
/// [`match_entries`]) and their closeness (mean Jaccard over identifying fields).
#[derive(Debug, Clone, PartialEq)]
pub struct EntryMatch {
    pub gold: usize,
    pub run: usize,
    pub similarity: f64,
}

/// Pairs gold entries with run entries by their identities (one text per
/// identifying field, in the same order on both sides); see the module
/// documentation for the rule. Entries left out are missed (gold) or extra
/// (run). Empty identities (no identifying fields) pair by position.
pub fn match_entries(gold: &[Vec<String>], run: &[Vec<String>], threshold: f64) -> Vec<EntryMatch> {
    let no_identity = gold.iter().chain(run).all(Vec::is_empty);
    if no_identity {
        return (0..gold.len().min(run.len()))
            .map(|i| EntryMatch {
                gold: i,
                run: i,
                similarity: 1.0,
            })
            .collect();
    }
    let tokenised = |entries: &[Vec<String>]| -> Vec<Vec<BTreeSet<String>>> {
        entries
            .iter()
            .map(|e| e.iter().map(|t| tokens(t)).collect())
            .collect()
    };
    let (g, r) = (tokenised(gold), tokenised(run));
    let mut candidates: Vec<EntryMatch> = Vec::new();
    for (gi, ga) in g.iter().enumerate() {
        for (ri, ra) in r.iter().enumerate() {
            if ga.len() != ra.len() {
                continue;
            }
            let eligible = ga.iter().zip(ra).all(|(a, b)| overlap(a, b) >= threshold);
            if eligible {
                let total: f64 = ga.iter().zip(ra).map(|(a, b)| jaccard(a, b)).sum();
                candidates.push(EntryMatch {
                    gold: gi,
                    run: ri,
                    similarity: if ga.is_empty() {
                        1.0
                    } else {
                        total / ga.len() as f64
                    },
                });
            }
        }
    }
    candidates.sort_by(|a, b| {
        b.similarity
            .total_cmp(&a.similarity)
            .then(a.gold.cmp(&b.gold))
            .then(a.run.cmp(&b.run))
    });
    let mut gold_used = vec![false; gold.len()];
    let mut run_used = vec![false; run.len()];
    let mut pairs = Vec::new();
    for candidate in candidates {
        let free = !gold_used.get(candidate.gold).copied().unwrap_or(true)
            && !run_used.get(candidate.run).copied().unwrap_or(true);
        if free {
            if let Some(used) = gold_used.get_mut(candidate.gold) {
                *used = true;
            }
            if let Some(used) = run_used.get_mut(candidate.run) {
                *used = true;
            }
            pairs.push(candidate);
        }
    }
    pairs.sort_by_key(|p| p.gold);
    pairs
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::forms::presets::preset_form;

    fn ids(entries: &[[&str; 3]]) -> Vec<Vec<String>> {
        entries
            .iter()
            .map(|e| e.iter().map(|s| (*s).to_owned()).collect())
            .collect()
    }

    #[test]
    fn default_identity_is_the_required_text_fields() {
        let outcome = preset_form("outcome_results").unwrap();
        assert_eq!(
            default_identity(&outcome.fields[0]),
            vec!["intervention", "comparator", "outcome"]
        );
        let arms = preset_form("arms").unwrap();
        assert_eq!(default_identity(&arms.fields[0]), vec!["name"]);
        let rob2 = preset_form("rob2").unwrap();
        assert_eq!(default_identity(&rob2.fields[0]), vec!["result"]);
    }

    #[test]
    fn token_measures_worked_by_hand() {
        // "Death or myocardial infarction" → {death, myocardial, infarction}
        // ("or" is a stopword); "Myocardial infarction" → {myocardial, infarction}.
        // ∩ = 2, ∪ = 3, min size = 2 → Jaccard 2/3, overlap 2/2 = 1.
        let a = tokens("Death or myocardial infarction");
        let b = tokens("Myocardial infarction");
        assert!((jaccard(&a, &b) - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(overlap(&a, &b), 1.0);
        // Only stopwords: kept, so "or" still equals "or".
        assert_eq!(tokens("or").len(), 1);
        assert_eq!(overlap(&tokens(""), &tokens("x")), 0.0);
        assert_eq!(jaccard(&tokens(""), &tokens("")), 1.0);
    }

    #[test]
    fn entries_pair_best_first_and_every_identifying_field_must_overlap() {
        let gold = ids(&[
            [
                "White Grape Juice (WGJ)",
                "water (WA)",
                "mean body weight gain",
            ],
            ["White Grape Juice (WGJ)", "water (WA)", "fecal losses"],
            [
                "White Grape Juice (WGJ)",
                "water (WA)",
                "duration of the illness",
            ],
        ]);
        let run = ids(&[
            [
                "white grape juice",
                "flavoured water",
                "Duration of illness",
            ],
            ["white grape juice", "flavoured water", "body weight gain"],
            ["white grape juice", "flavoured water", "stool frequency"],
        ]);
        // Per field, gold entry 0 vs run entry 1:
        //   intervention {white, grape, juice, wgj} vs {white, grape, juice}:
        //     overlap 3/3 = 1, Jaccard 3/4;
        //   comparator {water, wa} vs {flavoured, water}: overlap 1/2, Jaccard 1/3;
        //   outcome {mean, body, weight, gain} vs {body, weight, gain}:
        //     overlap 1, Jaccard 3/4.
        //   All overlaps ≥ 0.5 → may pair; similarity (3/4 + 1/3 + 3/4)/3 = 11/18.
        // Gold 2 vs run 0: outcome {duration, illness} both → Jaccard 1;
        //   similarity (3/4 + 1/3 + 1)/3 = 25/36.
        // Gold 1 ("fecal losses") overlaps no run outcome → missed; run 2
        // ("stool frequency") → extra. Every other pair has an outcome overlap of 0.
        let pairs = match_entries(&gold, &run, DEFAULT_ENTRY_THRESHOLD);
        assert_eq!(pairs.len(), 2);
        assert_eq!((pairs[0].gold, pairs[0].run), (0, 1));
        assert!((pairs[0].similarity - 11.0 / 18.0).abs() < 1e-12);
        assert_eq!((pairs[1].gold, pairs[1].run), (2, 0));
        assert!((pairs[1].similarity - 25.0 / 36.0).abs() < 1e-12);
    }

    #[test]
    fn the_closest_wording_wins_a_contested_entry() {
        let gold = ids(&[["drug", "placebo", "pain at 6 weeks"]]);
        let run = ids(&[
            ["drug", "placebo", "pain at 12 weeks"],
            ["drug", "placebo", "pain at 6 weeks"],
        ]);
        // Outcome tokens {pain, 6, weeks} vs {pain, 12, weeks}: overlap 2/3 ≥ 0.5,
        // Jaccard 2/4 → similarity (1 + 1 + 1/2)/3 = 5/6; vs itself → 1. Best first: run 1.
        let pairs = match_entries(&gold, &run, DEFAULT_ENTRY_THRESHOLD);
        assert_eq!(
            pairs,
            vec![EntryMatch {
                gold: 0,
                run: 1,
                similarity: 1.0
            }]
        );
    }

    #[test]
    fn without_identifying_fields_entries_pair_by_position() {
        let gold = vec![vec![], vec![]];
        let run = vec![vec![]];
        let pairs = match_entries(&gold, &run, DEFAULT_ENTRY_THRESHOLD);
        assert_eq!(pairs.len(), 1);
        assert_eq!((pairs[0].gold, pairs[0].run), (0, 0));
    }
}
