//! Tests of scoring: each metric on a small case worked out by hand (the
//! working is in the comments).

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use serde_json::{Value, json};
use uuid::Uuid;

use super::metrics::{
    EntryOutcome, Evaluation, EvaluationSettings, FieldScore, Outcome, RunValue, Tolerance,
    evaluate,
};
use super::standard::{GoldStandard, GoldValue, ReviewedValue};
use crate::forms::model::{ChoiceOption, FieldDef, FieldType, FormDefinition};
use crate::forms::presets::preset_form;

fn doc(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn g(document: u128, path: &str, value: Option<Value>) -> GoldValue {
    GoldValue {
        document_id: doc(document),
        field_path: path.to_owned(),
        entry_identity: None,
        value,
    }
}

fn gold(fields: &[&str], values: Vec<GoldValue>) -> GoldStandard {
    let mut documents = Vec::new();
    for v in &values {
        if !documents.contains(&v.document_id) {
            documents.push(v.document_id);
        }
    }
    GoldStandard {
        documents,
        fields: fields.iter().map(|s| (*s).to_owned()).collect(),
        values,
    }
}

/// A run value; `None` is an answer of "not reported".
fn r(document: u128, path: &str, value: Option<Value>, verified: bool) -> RunValue {
    RunValue {
        document_id: doc(document),
        field_path: path.to_owned(),
        not_reported: value.is_none(),
        value,
        verified,
    }
}

fn field<'a>(evaluation: &'a Evaluation, pattern: &str) -> &'a FieldScore {
    evaluation
        .all_values
        .fields
        .iter()
        .find(|f| f.field == pattern)
        .unwrap()
}

fn close(got: Option<f64>, want: f64) {
    let got = got.unwrap();
    assert!((got - want).abs() < 1e-12, "got {got}, want {want}");
}

fn option(value: &str, description: &str, synonyms: &[&str]) -> ChoiceOption {
    ChoiceOption {
        value: value.to_owned(),
        description: description.to_owned(),
        synonyms: synonyms.iter().map(|s| (*s).to_owned()).collect(),
    }
}

/// One top-level field of every type.
fn typed_form() -> FormDefinition {
    let mut blinded = FieldDef::new("blinded", "Blinded", FieldType::MultipleChoice);
    blinded.options = vec![
        option("participants", "", &["patients"]),
        option("assessors", "", &[]),
        option("personnel", "", &[]),
    ];
    let mut form = preset_form("study_characteristics").unwrap();
    form.fields.extend([
        FieldDef::new("mean", "Mean", FieldType::Number),
        FieldDef::new("n", "N", FieldType::Integer),
        FieldDef::new("funded", "Funded", FieldType::Boolean),
        FieldDef::new("start", "Start", FieldType::Date),
        blinded,
    ]);
    form
}

#[test]
fn precision_recall_and_f1_of_one_field() {
    // 3 gold values (10, 20, 30); the run answers 2 (10 right, 21 wrong) and
    // says not reported for the third.
    // precision = correct / answered = 1/2; recall = correct / gold = 1/3;
    // F1 = 2·(1/2·1/3)/(1/2+1/3) = (1/3)/(5/6) = 0.4
    // (= 2·correct / (answered + gold) = 2/5); accuracy = 1/3 (no gold blanks).
    let gold = gold(
        &["n"],
        vec![
            g(1, "n", Some(json!(10))),
            g(2, "n", Some(json!(20))),
            g(3, "n", Some(json!(30))),
        ],
    );
    let run = [
        r(1, "n", Some(json!(10)), true),
        r(2, "n", Some(json!(21)), true),
        r(3, "n", None, false),
    ];
    let e = evaluate(&typed_form(), &gold, &run, &EvaluationSettings::default());
    let n = field(&e, "n");
    assert_eq!(
        (
            n.counts.gold_values,
            n.counts.run_values,
            n.counts.correct,
            n.counts.incorrect,
            n.counts.missed
        ),
        (3, 2, 1, 1, 1)
    );
    close(n.ratios.precision, 0.5);
    close(n.ratios.recall, 1.0 / 3.0);
    close(n.ratios.f1, 0.4);
    close(n.ratios.accuracy, 1.0 / 3.0);
}

#[test]
fn not_reported_agreement_spurious_answers_and_misses() {
    // doc 1: gold 10, run 10        → correct
    // doc 2: gold 20, run 21        → incorrect
    // doc 3: gold 30, run NR        → missed
    // doc 4: gold NR, run 5         → spurious ("answered where the paper is silent")
    // doc 5: gold NR, run NR        → not-reported agreement (true negative)
    // gold slots 5 (3 values + 2 blanks); run answers 3 (10, 21, 5).
    // accuracy = (correct 1 + agree 1) / 5 = 0.4; precision = 1/3; recall = 1/3;
    // F1 = 2·1/(3+3) = 1/3.
    let gold = gold(
        &["n"],
        vec![
            g(1, "n", Some(json!(10))),
            g(2, "n", Some(json!(20))),
            g(3, "n", Some(json!(30))),
            g(4, "n", None),
            g(5, "n", None),
        ],
    );
    let run = [
        r(1, "n", Some(json!(10)), true),
        r(2, "n", Some(json!(21)), true),
        r(3, "n", None, false),
        r(4, "n", Some(json!(5)), true),
        r(5, "n", None, false),
    ];
    let e = evaluate(&typed_form(), &gold, &run, &EvaluationSettings::default());
    let c = field(&e, "n").counts;
    assert_eq!(
        (c.gold_values, c.gold_not_reported, c.run_values),
        (3, 2, 3)
    );
    assert_eq!(
        (
            c.correct,
            c.incorrect,
            c.missed,
            c.spurious,
            c.not_reported_agree
        ),
        (1, 1, 1, 1, 1)
    );
    let ratios = field(&e, "n").ratios;
    close(ratios.accuracy, 0.4);
    close(ratios.precision, 1.0 / 3.0);
    close(ratios.recall, 1.0 / 3.0);
    close(ratios.f1, 1.0 / 3.0);
    // The differences table lists the three that are not right, in document order.
    let outcomes: Vec<(Uuid, Outcome)> = e
        .differences
        .iter()
        .map(|d| (d.document_id, d.outcome))
        .collect();
    assert_eq!(
        outcomes,
        vec![
            (doc(2), Outcome::Incorrect),
            (doc(3), Outcome::Missed),
            (doc(4), Outcome::Spurious)
        ]
    );
    assert_eq!(e.differences[0].gold, Some(json!(20)));
    assert_eq!(e.differences[0].run, Some(json!(21)));
    assert_eq!(e.differences[2].gold, None);
}

#[test]
fn a_run_that_answers_nothing_has_f1_zero_and_no_precision() {
    // 2 gold values, no answers: precision 0/0 → undefined; recall 0/2 = 0;
    // F1 = 2·0/(0+2) = 0.
    let gold = gold(
        &["n"],
        vec![g(1, "n", Some(json!(1))), g(2, "n", Some(json!(2)))],
    );
    let e = evaluate(&typed_form(), &gold, &[], &EvaluationSettings::default());
    let ratios = field(&e, "n").ratios;
    assert_eq!(ratios.precision, None);
    close(ratios.recall, 0.0);
    close(ratios.f1, 0.0);
}

#[test]
fn numbers_within_absolute_or_relative_tolerance() {
    // Default for numbers: absolute 0.01 OR relative 0.005 of the gold.
    //   3.59 vs 3.60: |d| = 0.01 ≤ 0.01                       → correct (binary-fraction edge)
    //   3.59 vs 3.61: |d| = 0.02 > 0.01 and > 0.005·3.59 = 0.018 → incorrect
    //   8818 vs 8860: |d| = 42 ≤ 0.005·8818 = 44.09              → correct
    //   8818 vs 8870: |d| = 52 > 44.09                          → incorrect
    //   −0.4 vs "−0.4" (text with a Unicode minus)              → correct
    // 3 correct of 5 answered → precision 3/5.
    let gold = gold(
        &["mean"],
        vec![
            g(1, "mean", Some(json!(3.59))),
            g(2, "mean", Some(json!(3.59))),
            g(3, "mean", Some(json!(8818))),
            g(4, "mean", Some(json!(8818))),
            g(5, "mean", Some(json!(-0.4))),
        ],
    );
    let run = [
        r(1, "mean", Some(json!(3.6)), true),
        r(2, "mean", Some(json!(3.61)), true),
        r(3, "mean", Some(json!(8860)), true),
        r(4, "mean", Some(json!(8870)), true),
        r(5, "mean", Some(json!("\u{2212}0.4")), true),
    ];
    let e = evaluate(&typed_form(), &gold, &run, &EvaluationSettings::default());
    assert_eq!(field(&e, "mean").counts.correct, 3);
    close(field(&e, "mean").ratios.precision, 0.6);
    let wrong: Vec<Uuid> = e.differences.iter().map(|d| d.document_id).collect();
    assert_eq!(wrong, vec![doc(2), doc(4)]);
}

#[test]
fn whole_numbers_are_exact_unless_a_tolerance_is_set() {
    // 754 vs 754 → correct; 754 vs 755 → incorrect by default (exact), so
    // precision 1/2; with an absolute tolerance of 1 for `n`, 755 is correct → 2/2.
    let gold = gold(
        &["n"],
        vec![g(1, "n", Some(json!(754))), g(2, "n", Some(json!(754)))],
    );
    let run = [
        r(1, "n", Some(json!(754)), true),
        r(2, "n", Some(json!(755)), true),
    ];
    let e = evaluate(&typed_form(), &gold, &run, &EvaluationSettings::default());
    close(field(&e, "n").ratios.precision, 0.5);
    assert_eq!(
        field(&e, "n").exact_matches,
        None,
        "only text fields count exact matches"
    );
    let mut settings = EvaluationSettings::default();
    settings.tolerances.insert(
        "n".into(),
        Tolerance {
            absolute: 1.0,
            relative: 0.0,
        },
    );
    let e = evaluate(&typed_form(), &gold, &run, &settings);
    close(field(&e, "n").ratios.precision, 1.0);
}

#[test]
fn text_is_correct_when_normalised_and_exact_matches_are_counted_apart() {
    // "Primary care" vs "Primary care"     → correct, exact
    // "Primary care" vs "primary  CARE."   → correct (case, spacing, punctuation), not exact
    // "Primary care" vs "Hospital"         → incorrect
    // correct 2 of 3 → precision 2/3; exact matches 1.
    let gold = gold(
        &["setting"],
        vec![
            g(1, "setting", Some(json!("Primary care"))),
            g(2, "setting", Some(json!("Primary care"))),
            g(3, "setting", Some(json!("Primary care"))),
        ],
    );
    let run = [
        r(1, "setting", Some(json!("Primary care")), true),
        r(2, "setting", Some(json!("primary  CARE.")), true),
        r(3, "setting", Some(json!("Hospital")), true),
    ];
    let e = evaluate(&typed_form(), &gold, &run, &EvaluationSettings::default());
    let setting = field(&e, "setting");
    assert_eq!(setting.counts.correct, 2);
    assert_eq!(setting.exact_matches, Some(1));
    close(setting.ratios.precision, 2.0 / 3.0);
}

#[test]
fn single_choices_compare_after_resolving_synonyms_and_descriptions() {
    // "parallel RCT" vs "randomized controlled trial" (a synonym)      → correct
    // "cohort" vs "Observational cohort study" (the description)        → correct
    // "cohort" vs "case-control"                                        → incorrect
    // precision 2/3.
    let gold = gold(
        &["design"],
        vec![
            g(1, "design", Some(json!("parallel RCT"))),
            g(2, "design", Some(json!("cohort"))),
            g(3, "design", Some(json!("cohort"))),
        ],
    );
    let run = [
        r(
            1,
            "design",
            Some(json!("randomized controlled trial")),
            true,
        ),
        r(2, "design", Some(json!("Observational cohort study")), true),
        r(3, "design", Some(json!("case-control")), true),
    ];
    let e = evaluate(&typed_form(), &gold, &run, &EvaluationSettings::default());
    close(field(&e, "design").ratios.precision, 2.0 / 3.0);
}

#[test]
fn booleans_and_dates_at_the_gold_precision() {
    // funded: true vs "yes" → correct; false vs true → incorrect → precision 1/2.
    // start:  2019-05 vs 2019-05-14 → correct (gold precision: month)
    //         2019 vs 2019-12-01    → correct (gold precision: year)
    //         2019-05-14 vs 2019-05 → incorrect (the run is less precise than the gold)
    //         2019-05 vs 2019-06-01 → incorrect
    //         → precision 2/4.
    let gold = gold(
        &["funded", "start"],
        vec![
            g(1, "funded", Some(json!(true))),
            g(1, "start", Some(json!("2019-05"))),
            g(2, "funded", Some(json!(false))),
            g(2, "start", Some(json!("2019"))),
            g(3, "start", Some(json!("2019-05-14"))),
            g(4, "start", Some(json!("2019-05"))),
        ],
    );
    let run = [
        r(1, "funded", Some(json!("yes")), true),
        r(1, "start", Some(json!("2019-05-14")), true),
        r(2, "funded", Some(json!(true)), true),
        r(2, "start", Some(json!("2019-12-01")), true),
        r(3, "start", Some(json!("2019-05")), true),
        r(4, "start", Some(json!("2019-06-01")), true),
    ];
    let e = evaluate(&typed_form(), &gold, &run, &EvaluationSettings::default());
    close(field(&e, "funded").ratios.precision, 0.5);
    close(field(&e, "start").ratios.precision, 0.5);
    assert_eq!(field(&e, "start").counts.correct, 2);
}

#[test]
fn lists_score_items_with_precision_recall_and_f1() {
    // blinded (multiple choice; "patients" is a synonym of participants):
    //   doc 1: gold {participants, assessors} vs run {patients, assessors}
    //          → same set → correct; items gold 2, run 2, both 2
    //   doc 2: gold {participants, assessors, personnel} vs run {participants}
    //          → incorrect; items 3, 1, 1
    //   doc 3: gold NR vs run {personnel} → spurious; items 0, 1, 0
    //   items: gold 5, run 4, matched 3 → precision 3/4, recall 3/5,
    //   F1 = 2·(3/4·3/5)/(3/4+3/5) = 0.9/1.35 = 2/3.
    //   values: correct 1 of 3 answered → precision 1/3; recall 1/2.
    // countries (text list): ["Kenya", "Uganda"] vs "uganda; kenya" → correct, items 2/2/2.
    let gold = gold(
        &["countries", "blinded"],
        vec![
            g(1, "blinded", Some(json!(["participants", "assessors"]))),
            g(1, "countries", Some(json!(["Kenya", "Uganda"]))),
            g(
                2,
                "blinded",
                Some(json!(["participants", "assessors", "personnel"])),
            ),
            g(3, "blinded", None),
        ],
    );
    let run = [
        r(1, "blinded", Some(json!(["patients", "assessors"])), true),
        r(1, "countries", Some(json!("uganda; kenya")), true),
        r(2, "blinded", Some(json!(["participants"])), true),
        r(3, "blinded", Some(json!(["personnel"])), true),
    ];
    let e = evaluate(&typed_form(), &gold, &run, &EvaluationSettings::default());
    let blinded = field(&e, "blinded");
    let items = blinded.items.unwrap();
    assert_eq!(
        (items.gold_items, items.run_items, items.matched_items),
        (5, 4, 3)
    );
    close(items.precision, 0.75);
    close(items.recall, 0.6);
    close(items.f1, 2.0 / 3.0);
    close(blinded.ratios.precision, 1.0 / 3.0);
    close(blinded.ratios.recall, 0.5);
    let countries = field(&e, "countries").items.unwrap();
    assert_eq!(
        (
            countries.gold_items,
            countries.run_items,
            countries.matched_items
        ),
        (2, 2, 2)
    );
    // Overall items: gold 5+2 = 7, run 4+2 = 6, matched 3+2 = 5 → precision 5/6, recall 5/7.
    let all = e.all_values.items.unwrap();
    close(all.precision, 5.0 / 6.0);
    close(all.recall, 5.0 / 7.0);
}

#[test]
fn overall_scores_are_micro_averaged() {
    // setting: 1 answer, right (precision 1). n: 3 answers, all wrong (precision 0).
    // Micro: (1 + 0) correct / (1 + 3) answered = 1/4 (a macro average would say 1/2).
    // Recall: 1 / 4 gold values = 1/4; F1 = 2·1/(4+4) = 1/4; accuracy 1/4.
    let gold = gold(
        &["setting", "n"],
        vec![
            g(1, "setting", Some(json!("home"))),
            g(1, "n", Some(json!(1))),
            g(2, "n", Some(json!(2))),
            g(3, "n", Some(json!(3))),
        ],
    );
    let run = [
        r(1, "setting", Some(json!("home")), true),
        r(1, "n", Some(json!(9)), true),
        r(2, "n", Some(json!(9)), true),
        r(3, "n", Some(json!(9)), true),
    ];
    let e = evaluate(&typed_form(), &gold, &run, &EvaluationSettings::default());
    assert_eq!(e.all_values.counts.run_values, 4);
    close(e.all_values.ratios.precision, 0.25);
    close(e.all_values.ratios.recall, 0.25);
    close(e.all_values.ratios.f1, 0.25);
    close(e.all_values.ratios.accuracy, 0.25);
    assert_eq!(
        e.all_values
            .fields
            .iter()
            .map(|f| f.field.as_str())
            .collect::<Vec<_>>(),
        vec!["setting", "n"],
        "fields in form order"
    );
}

#[test]
fn verified_only_treats_unverified_answers_as_unanswered() {
    // doc 1: gold 10, run 10 verified     → correct in both passes
    // doc 2: gold 20, run 20 unverified   → correct; verified-only: missed
    // doc 3: gold 30, run 31 unverified   → incorrect; verified-only: missed
    // doc 4: gold NR, run 7 unverified    → spurious; verified-only: agreement
    // All values: precision 2/4 = 0.5, recall 2/3, accuracy 2/4.
    // Verified only: answered 1, correct 1 → precision 1, recall 1/3,
    //   F1 = 2·(1·1/3)/(1+1/3) = 0.5, accuracy (1 + 1)/4 = 0.5.
    let gold = gold(
        &["n"],
        vec![
            g(1, "n", Some(json!(10))),
            g(2, "n", Some(json!(20))),
            g(3, "n", Some(json!(30))),
            g(4, "n", None),
        ],
    );
    let run = [
        r(1, "n", Some(json!(10)), true),
        r(2, "n", Some(json!(20)), false),
        r(3, "n", Some(json!(31)), false),
        r(4, "n", Some(json!(7)), false),
    ];
    let e = evaluate(&typed_form(), &gold, &run, &EvaluationSettings::default());
    close(e.all_values.ratios.precision, 0.5);
    close(e.all_values.ratios.recall, 2.0 / 3.0);
    close(e.all_values.ratios.accuracy, 0.5);
    let v = &e.verified_only;
    assert_eq!(
        (v.counts.run_values, v.counts.correct, v.counts.missed),
        (1, 1, 2)
    );
    assert_eq!(v.counts.not_reported_agree, 1);
    close(v.ratios.precision, 1.0);
    close(v.ratios.recall, 1.0 / 3.0);
    close(v.ratios.f1, 0.5);
    close(v.ratios.accuracy, 0.5);
    // Differences come from the all-values pass and say whether the run value was verified.
    assert_eq!(e.differences.len(), 2);
    assert!(!e.differences[0].verified);
}

fn entry_gold() -> GoldStandard {
    let mut values = Vec::new();
    let entries: [(&str, Option<f64>, Option<f64>); 3] = [
        ("mean body weight gain", Some(50.6), None),
        ("fecal losses", Some(3.59), Some(2.35)),
        ("duration of the illness", Some(47.5), Some(38.9)),
    ];
    for (i, (outcome, mean, sd)) in entries.iter().enumerate() {
        let at = |k: &str| format!("comparisons[{i}].{k}");
        values.push(g(
            2,
            &at("intervention"),
            Some(json!("White Grape Juice (WGJ)")),
        ));
        values.push(g(2, &at("comparator"), Some(json!("water (WA)"))));
        values.push(g(2, &at("outcome"), Some(json!(outcome))));
        values.push(g(2, &at("intervention_mean"), mean.map(|m| json!(m))));
        values.push(g(2, &at("intervention_sd"), sd.map(|s| json!(s))));
    }
    gold(
        &[
            "comparisons[].intervention",
            "comparisons[].comparator",
            "comparisons[].outcome",
            "comparisons[].intervention_mean",
            "comparisons[].intervention_sd",
        ],
        values,
    )
}

fn entry_run() -> Vec<RunValue> {
    let mut run = Vec::new();
    let entries: [(&str, Option<f64>, Option<f64>); 3] = [
        ("Duration of illness", Some(47.5), Some(38.9)),
        ("body weight gain", Some(50.7), Some(5.1)),
        ("stool frequency", Some(3.6), None),
    ];
    for (i, (outcome, mean, sd)) in entries.iter().enumerate() {
        let at = |k: &str| format!("comparisons[{i}].{k}");
        run.push(r(
            2,
            &at("intervention"),
            Some(json!("white grape juice")),
            true,
        ));
        run.push(r(
            2,
            &at("comparator"),
            Some(json!("flavoured water")),
            true,
        ));
        run.push(r(2, &at("outcome"), Some(json!(outcome)), true));
        run.push(r(2, &at("intervention_mean"), mean.map(|m| json!(m)), true));
        run.push(r(2, &at("intervention_sd"), sd.map(|s| json!(s)), true));
    }
    run
}

#[test]
fn entries_are_paired_and_values_compared_within_pairs() {
    // Gold entries g0 body weight gain, g1 fecal losses, g2 duration of illness;
    // run entries r0 duration of illness, r1 body weight gain, r2 stool frequency.
    // Pairs (see matching's tests for the similarities): g0↔r1, g2↔r0;
    // g1 missed, r2 extra. Entries: gold 3, run 3, matched 2 →
    // precision 2/3, recall 2/3, F1 = 2·2/(3+3) = 2/3.
    //
    // intervention_mean:
    //   g0/r1 50.6 vs 50.7: |d| 0.1 ≤ 0.005·50.6 = 0.253 → correct
    //   g1    3.59, no run entry                           → missed
    //   g2/r0 47.5 vs 47.5                                 → correct
    //   r2    3.6 in an entry the gold lacks               → spurious
    //   gold values 3, run answers 3, correct 2 → precision 2/3, recall 2/3,
    //   accuracy 2/4 (the extra entry's slot counts as a gold blank).
    // intervention_sd:
    //   g0/r1 NR vs 5.1  → spurious;  g1 2.35 → missed;  g2/r0 38.9 → correct;
    //   r2 NR where the gold has no slot → not scored.
    //   precision 1/2, recall 1/2, accuracy 1/3.
    // The identifying fields are not scored as values.
    let form = preset_form("outcome_results").unwrap();
    let e = evaluate(
        &form,
        &entry_gold(),
        &entry_run(),
        &EvaluationSettings::default(),
    );
    assert_eq!(e.entries.len(), 1);
    let entries = &e.entries[0];
    assert_eq!(entries.subform, "comparisons");
    assert_eq!(entries.label, "Comparisons");
    assert_eq!(
        (
            entries.gold_entries,
            entries.run_entries,
            entries.matched,
            entries.missed,
            entries.extra
        ),
        (3, 3, 2, 1, 1)
    );
    close(entries.precision, 2.0 / 3.0);
    close(entries.recall, 2.0 / 3.0);
    close(entries.f1, 2.0 / 3.0);
    let pairs: Vec<(Option<&str>, Option<&str>, EntryOutcome)> = e
        .pairings
        .iter()
        .map(|p| (p.gold_entry.as_deref(), p.run_entry.as_deref(), p.outcome))
        .collect();
    assert_eq!(
        pairs,
        vec![
            (
                Some("comparisons[0]"),
                Some("comparisons[1]"),
                EntryOutcome::Matched
            ),
            (Some("comparisons[1]"), None, EntryOutcome::Missed),
            (
                Some("comparisons[2]"),
                Some("comparisons[0]"),
                EntryOutcome::Matched
            ),
            (None, Some("comparisons[2]"), EntryOutcome::Extra),
        ]
    );

    assert_eq!(
        e.all_values
            .fields
            .iter()
            .map(|f| f.field.as_str())
            .collect::<Vec<_>>(),
        vec![
            "comparisons[].intervention_mean",
            "comparisons[].intervention_sd"
        ]
    );
    let mean = field(&e, "comparisons[].intervention_mean");
    assert_eq!(
        (
            mean.counts.correct,
            mean.counts.missed,
            mean.counts.spurious,
            mean.counts.gold_not_reported
        ),
        (2, 1, 1, 1)
    );
    close(mean.ratios.precision, 2.0 / 3.0);
    close(mean.ratios.recall, 2.0 / 3.0);
    close(mean.ratios.accuracy, 0.5);
    let sd = field(&e, "comparisons[].intervention_sd");
    assert_eq!(
        (sd.counts.correct, sd.counts.missed, sd.counts.spurious),
        (1, 1, 1)
    );
    close(sd.ratios.precision, 0.5);
    close(sd.ratios.recall, 0.5);
    close(sd.ratios.accuracy, 1.0 / 3.0);

    let differences: Vec<(Option<&str>, Option<&str>, Outcome)> = e
        .differences
        .iter()
        .map(|d| (d.gold_path.as_deref(), d.run_path.as_deref(), d.outcome))
        .collect();
    assert_eq!(
        differences,
        vec![
            (
                Some("comparisons[0].intervention_sd"),
                Some("comparisons[1].intervention_sd"),
                Outcome::Spurious
            ),
            (
                Some("comparisons[1].intervention_mean"),
                None,
                Outcome::Missed
            ),
            (
                Some("comparisons[1].intervention_sd"),
                None,
                Outcome::Missed
            ),
            (
                None,
                Some("comparisons[2].intervention_mean"),
                Outcome::Spurious
            ),
        ]
    );
    // 15 run values: 9 identifying, 5 scored, 1 "not reported" with no gold slot.
    assert_eq!(e.unscored_run_values, 10);
}

#[test]
fn a_run_scored_against_its_own_reviewed_values_is_perfect() {
    // Every slot agrees: precision = recall = F1 = accuracy = 1; all entries matched.
    let form = preset_form("outcome_results").unwrap();
    let run = entry_run();
    let reviewed: Vec<ReviewedValue> = run
        .iter()
        .map(|v| ReviewedValue {
            document_id: v.document_id,
            field_path: v.field_path.clone(),
            value: v.value.clone(),
            not_reported: v.not_reported,
        })
        .collect();
    let gold = GoldStandard::from_reviewed(&form, &BTreeMap::new(), &reviewed);
    let e = evaluate(&form, &gold, &run, &EvaluationSettings::default());
    close(e.all_values.ratios.precision, 1.0);
    close(e.all_values.ratios.recall, 1.0);
    close(e.all_values.ratios.accuracy, 1.0);
    assert_eq!(e.entries[0].matched, 3);
    assert!(e.differences.is_empty());
}

#[test]
fn nested_repeating_entries_pair_level_by_level() {
    // arms[] (identified by name) each with doses[] (identified by label).
    // Gold: arm "Drug" with doses low 10 mg, high 20 mg.
    // Run:  arm "drug" with doses high 20 mg, low 11 mg (the other order).
    // Arms pair; within them low↔doses[1], high↔doses[0].
    // mg: low 10 vs 11 → incorrect; high 20 vs 20 → correct → precision 1/2.
    let mut doses = FieldDef::new("doses", "Doses", FieldType::Subform);
    doses.repeating = true;
    doses.fields = vec![
        FieldDef::new("label", "Label", FieldType::Text),
        FieldDef::new("mg", "mg", FieldType::Number),
    ];
    let mut arms = FieldDef::new("arms", "Arms", FieldType::Subform);
    arms.repeating = true;
    arms.fields = vec![FieldDef::new("name", "Name", FieldType::Text), doses];
    let form = FormDefinition {
        name: "nested".into(),
        description: String::new(),
        fields: vec![arms],
    };
    let gold = gold(
        &["arms[].name", "arms[].doses[].label", "arms[].doses[].mg"],
        vec![
            g(1, "arms[0].name", Some(json!("Drug"))),
            g(1, "arms[0].doses[0].label", Some(json!("low"))),
            g(1, "arms[0].doses[0].mg", Some(json!(10))),
            g(1, "arms[0].doses[1].label", Some(json!("high"))),
            g(1, "arms[0].doses[1].mg", Some(json!(20))),
        ],
    );
    let run = [
        r(1, "arms[0].name", Some(json!("drug")), true),
        r(1, "arms[0].doses[0].label", Some(json!("high")), true),
        r(1, "arms[0].doses[0].mg", Some(json!(20)), true),
        r(1, "arms[0].doses[1].label", Some(json!("low")), true),
        r(1, "arms[0].doses[1].mg", Some(json!(11)), true),
    ];
    let e = evaluate(&form, &gold, &run, &EvaluationSettings::default());
    let subforms: Vec<(&str, usize)> = e
        .entries
        .iter()
        .map(|s| (s.subform.as_str(), s.matched))
        .collect();
    assert_eq!(subforms, vec![("arms", 1), ("arms[].doses", 2)]);
    assert_eq!(e.entries[1].label, "Arms › Doses");
    close(field(&e, "arms[].doses[].mg").ratios.precision, 0.5);
    assert_eq!(e.differences.len(), 1);
    assert_eq!(
        e.differences[0].gold_path.as_deref(),
        Some("arms[0].doses[0].mg")
    );
    assert_eq!(
        e.differences[0].run_path.as_deref(),
        Some("arms[0].doses[1].mg")
    );
}

#[test]
fn only_the_documents_and_fields_of_the_gold_are_scored() {
    // Gold: doc 1, field n. The run's value for doc 9 and for `mean` (not in
    // the gold) and an unknown path are not scored: 1 slot, correct.
    let gold = gold(&["n"], vec![g(1, "n", Some(json!(5)))]);
    let run = [
        r(1, "n", Some(json!(5)), true),
        r(1, "mean", Some(json!(1.5)), true),
        r(9, "n", Some(json!(5)), true),
        r(1, "colour", Some(json!("red")), true),
    ];
    let e = evaluate(&typed_form(), &gold, &run, &EvaluationSettings::default());
    assert_eq!(e.documents, 1);
    assert_eq!(e.all_values.counts.run_values, 1);
    assert_eq!(e.unscored_run_values, 3);
    assert_eq!(e.all_values.fields.len(), 1);
}

#[test]
fn an_evaluation_round_trips_through_json() {
    let form = preset_form("outcome_results").unwrap();
    let e = evaluate(
        &form,
        &entry_gold(),
        &entry_run(),
        &EvaluationSettings::default(),
    );
    let stored = serde_json::to_value(&e).unwrap();
    assert_eq!(stored["differences"][0]["outcome"], json!("spurious"));
    assert_eq!(stored["pairings"][1]["outcome"], json!("missed"));
    assert!(stored["verified_only"]["ratios"]["precision"].is_number());
    let back: Evaluation = serde_json::from_value(stored).unwrap();
    assert_eq!(back, e);
    let settings: EvaluationSettings =
        serde_json::from_value(json!({"entry_threshold": 0.5})).unwrap();
    assert_eq!(settings, EvaluationSettings::default());
}
