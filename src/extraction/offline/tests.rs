//! End-to-end tests of `extract_step` on passages copied from the dev papers.

use super::*;
use crate::forms::model::ChoiceOption;

fn opt(v: &str) -> ChoiceOption {
    ChoiceOption {
        value: v.into(),
        description: String::new(),
        synonyms: Vec::new(),
    }
}

/// The outcome-results preset's comparison sub-form, as far as these tests need it.
fn comparisons() -> FieldDef {
    let mut f = FieldDef::new("comparisons", "Comparisons", FieldType::Subform);
    f.repeating = true;
    let mut kids = vec![
        FieldDef::new("intervention", "Intervention", FieldType::Text),
        FieldDef::new("comparator", "Comparator", FieldType::Text),
        FieldDef::new("outcome", "Outcome", FieldType::Text),
    ];
    let mut ty = FieldDef::new("outcome_type", "Outcome type", FieldType::SingleChoice);
    ty.options = vec![opt("binary"), opt("continuous")];
    let mut dir = FieldDef::new("direction_of_effect", "Direction", FieldType::SingleChoice);
    dir.options = vec![
        opt("significantly increased"),
        opt("significantly decreased"),
        opt("no significant difference"),
    ];
    kids.push(ty);
    kids.push(dir);
    for k in [
        "intervention_events",
        "intervention_group_size",
        "comparator_events",
        "comparator_group_size",
    ] {
        kids.push(FieldDef::new(k, k, FieldType::Integer));
    }
    for k in [
        "intervention_mean",
        "intervention_sd",
        "comparator_mean",
        "comparator_sd",
    ] {
        kids.push(FieldDef::new(k, k, FieldType::Number));
    }
    f.fields = kids;
    f
}

fn run(pages: &[PageText], i: &str, c: &str, o: &str) -> BTreeMap<String, AnswerNode> {
    let fields = vec![comparisons()];
    let mut seed = BTreeMap::new();
    seed.insert("intervention".to_owned(), json!(i));
    seed.insert("comparator".to_owned(), json!(c));
    seed.insert("outcome".to_owned(), json!(o));
    let mut seeds = BTreeMap::new();
    seeds.insert("comparisons".to_owned(), vec![seed]);
    let ans = extract_step(&OfflineInput {
        pages,
        fields: &fields,
        seeded_entries: &seeds,
    });
    match ans.get("comparisons") {
        Some(AnswerNode::Entries(e)) => e.first().cloned().unwrap_or_default(),
        _ => BTreeMap::new(),
    }
}

fn val(e: &BTreeMap<String, AnswerNode>, k: &str) -> Option<Value> {
    match e.get(k) {
        Some(AnswerNode::Field(f)) => f.value.clone(),
        _ => None,
    }
}

#[test]
fn respectively_lists_and_abbreviations() {
    // PMC1216327 abstract.
    let text = "Thirty patients with acute diarrhea were fed twice-daily 15 ml/kg of Apple Juice (AJ), 30 received White Grape Juice (WGJ), and 30 were given colored and flavored water (WA) as part of their age appropriate dietary intake. The duration of the illness was longer in the infants fed juice as compared with those given WA (p = 0.006), the mean +/- SD duration in hours was 49.4 ± 32.6, 47.5 ± 38.9 and 26.5 ± 27.4 in patients fed AJ, WGJ and WA respectively.";
    let pages = [PageText {
        page: 1,
        text: text.into(),
    }];
    let e = run(
        &pages,
        "White Grape Juice (WGJ)",
        "colored and flavored water (WA)",
        "The duration of the illness",
    );
    assert_eq!(val(&e, "intervention_mean"), Some(json!(47.5)));
    assert_eq!(val(&e, "intervention_sd"), Some(json!(38.9)));
    assert_eq!(val(&e, "comparator_mean"), Some(json!(26.5)));
    assert_eq!(val(&e, "intervention_group_size"), Some(json!(30)));
    assert_eq!(
        val(&e, "direction_of_effect"),
        Some(json!("significantly increased"))
    );
    // Every quote is a slice of the page.
    for node in e.values() {
        if let AnswerNode::Field(f) = node
            && let Some(ev) = &f.evidence
        {
            assert!(text.contains(&ev.quote), "{}", ev.quote);
        }
    }
}

#[test]
fn table_rows_with_counts_and_percentages() {
    // Shaped like PMC5830087's response table.
    let text = "Table 2. Efficacy outcomes\n\n| Outcome | BTH1677 arm (N = 48) | Control arm (N = 23) | P |\n|---|---|---|---|\n| Objective response rate | 29 (60.4%) | 10 (43.5%) | 0.21 |\n| Disease control rate | 45 (93.8%) | 21 (91.3%) | 0.66 |\n";
    let pages = [PageText {
        page: 4,
        text: text.into(),
    }];
    let e = run(
        &pages,
        "BTH1677 arm",
        "Control arm",
        "objective response rate (ORR)",
    );
    assert_eq!(val(&e, "intervention_events"), Some(json!(29)));
    assert_eq!(val(&e, "intervention_group_size"), Some(json!(48)));
    assert_eq!(val(&e, "comparator_events"), Some(json!(10)));
    assert_eq!(val(&e, "comparator_group_size"), Some(json!(23)));
    assert_eq!(val(&e, "outcome_type"), Some(json!("binary")));
    assert_eq!(
        val(&e, "direction_of_effect"),
        Some(json!("no significant difference"))
    );
}

#[test]
fn percent_without_n_is_derived_only_with_n_and_baseline_tables_are_skipped() {
    let text = "Table 1. Baseline characteristics\n\n| | Drug (n = 40) | Placebo (n = 40) |\n|---|---|---|\n| Pain score | 6.1 ± 1.2 | 6.0 ± 1.1 |\n\nTable 2. Results at 12 weeks\n\n| | Drug (n = 38) | Placebo (n = 39) |\n|---|---|---|\n| Pain score | 3.1 ± 1.4 | 4.9 ± 1.3 |\n| Headache | 25% | 10% |\n";
    let pages = [PageText {
        page: 2,
        text: text.into(),
    }];
    let e = run(&pages, "Drug", "Placebo", "Pain score");
    assert_eq!(val(&e, "intervention_mean"), Some(json!(3.1)));
    assert_eq!(val(&e, "intervention_group_size"), Some(json!(38)));
    let h = run(&pages, "Drug", "Placebo", "Headache");
    // 25% of 38 = 9.5 → 10, marked as derived.
    assert_eq!(val(&h, "intervention_events"), Some(json!(10)));
    match h.get("intervention_events") {
        Some(AnswerNode::Field(f)) => assert!(f.derivation.is_some()),
        _ => panic!("no events"),
    }
}

#[test]
fn se_is_converted_to_sd_with_a_derivation() {
    let text = "Values are mean ± SE.\n\n| Outcome | Active (n = 25) | Sham (n = 25) |\n|---|---|---|\n| Weight loss (kg) | 4.0 ± 1.0 | 2.0 ± 0.8 |\n";
    let pages = [PageText {
        page: 1,
        text: text.into(),
    }];
    let e = run(&pages, "Active", "Sham", "Weight loss");
    assert_eq!(val(&e, "intervention_sd"), Some(json!(5.0)));
}

#[test]
fn silent_papers_get_not_reported_and_nothing_panics() {
    let pages = [PageText {
        page: 1,
        text: "µ ≥ ± − odd text (n = ) 12/ (%) | a | b |\n|---|\n".into(),
    }];
    let e = run(&pages, "X", "Y", "Z");
    match e.get("intervention_mean") {
        Some(AnswerNode::Field(f)) => assert!(f.not_reported),
        _ => panic!("missing"),
    }
    let _ = extract_step(&OfflineInput {
        pages: &[],
        fields: &[comparisons()],
        seeded_entries: &BTreeMap::new(),
    });
}

#[test]
fn headerless_blocks_under_a_header_line_baseline_and_follow_up() {
    // PMC2972614 Table 2 as converted: the arm header printed as a plain line,
    // one pipe block per sub-heading, "Baseline" and "Posttreatment" rows, a
    // "p" row, and the last block on the next page under its own header row.
    let p5 = "Pain severity, range of motion (ROM) and functional status were evaluated.\n\n### Table 2\nComparison of mean values of pain severity, ROM and SPADI scores before and after the treatment between the groups.\nGroup I Group II p\n## VAS\n| Baseline (mean±SD) | 7.16±1.64 | 7.59±1.76 | 0.343 |\n| --- | --- | --- | --- |\n| Posttreatment (mean±SD) | 3.76±1.45 | 4.63±2.10 | 0.216 |\n| p | 0.000** | 0.000** |  |\n**Shoulder flexion**\n| Baseline (mean±SD) | 156±30.77 | 167.50±21.14 | 0.284 |\n| --- | --- | --- | --- |\n| Posttreatment (mean±SD) | 168±22.65 | 174.31±14.98 | 0.313 |\n| p | 0.001** | 0.011* |  |\n**Shoulder abduction**\n";
    let p6 = "|  | Group I | Group II | p |\n| --- | --- | --- | --- |\n| Baseline (mean±SD) | 147.16±33.52 | 160.68±30.71 | 0.145 |\n| Posttreatment (mean±SD) | 166.66±21.38 | 172.72±16.67 | 0.140 |\n| p | 0.001* | 0.007** |  |\n";
    let pages = [
        PageText {
            page: 5,
            text: p5.into(),
        },
        PageText {
            page: 6,
            text: p6.into(),
        },
    ];
    let (i, c) = (
        "Laser therapy (Group I)",
        "Placebo laser therapy (Group II)",
    );
    let e = run(&pages, i, c, "Motion range - Shoulder flexion");
    assert_eq!(val(&e, "intervention_mean"), Some(json!(168.0)));
    assert_eq!(val(&e, "intervention_sd"), Some(json!(22.65)));
    assert_eq!(val(&e, "comparator_mean"), Some(json!(174.31)));
    assert_eq!(val(&e, "comparator_sd"), Some(json!(14.98)));
    let e = run(&pages, i, c, "Motion range - Shoulder abduction");
    assert_eq!(val(&e, "intervention_mean"), Some(json!(166.66)));
    assert_eq!(val(&e, "comparator_mean"), Some(json!(172.72)));
    // The baseline row is read only for a baseline outcome.
    let e = run(&pages, i, c, "Shoulder flexion at baseline");
    assert_eq!(val(&e, "intervention_mean"), Some(json!(156.0)));
    // Swapped arms swap the columns.
    let e = run(&pages, c, i, "Motion range - Shoulder flexion");
    assert_eq!(val(&e, "intervention_mean"), Some(json!(174.31)));
}

#[test]
fn layout_table_with_dose_columns() {
    // PMC3169777 Table 1: no cell over the label column, blank lines between rows.
    let text = "### Table 1\n\nOverview of reported adverse events by treatment\n\nAdverse event  Treatment (mg macitentan)\n\n0.2  1  5  25  100  300  600  Placebo\n\nHeadache  0  0  0  2  1  2  5  3\n\nBack pain  0  0  0  0  0  1  0  1\n\nNausea  0  0  0  0  0  0  2  0\n";
    let pages = [PageText {
        page: 4,
        text: text.into(),
    }];
    let o = "adverse event profile - headache";
    let e = run(&pages, "macitentan dose of 600 mg", "placebo", o);
    assert_eq!(val(&e, "intervention_events"), Some(json!(5)));
    assert_eq!(val(&e, "comparator_events"), Some(json!(3)));
    let e = run(&pages, "macitentan doses of 25 mg", "placebo", o);
    assert_eq!(val(&e, "intervention_events"), Some(json!(2)));
    // A row the outcome does not name gives nothing.
    let e = run(&pages, "macitentan doses of 25 mg", "placebo", "dizziness");
    assert_eq!(val(&e, "intervention_events"), None);
}

fn page(text: &str) -> [PageText; 1] {
    [PageText {
        page: 1,
        text: text.into(),
    }]
}

#[test]
fn role_phrases_name_the_arms_of_a_two_arm_trial() {
    // PMC5777645: the seeded names ("peer-led structured patient education",
    // "conventional care alone") are not in the results sentence; the paper
    // calls the arms "the intervention group" and "the control group".
    let text = "Patients were allocated to peer-led structured patient education or conventional care alone. Mean BMI change was -1.65 kg/m2 (SD = 2.5; CI95%: -2.25; -1.06) in the intervention group and +0.05 kg/m2 (SD = 3.2; CI95%: -0.71; 0.81) in the control group, p = 0.002.";
    let e = run(
        &page(text),
        "to peer-led structured patient education",
        "conventional care alone",
        "Mean BMI change",
    );
    assert_eq!(val(&e, "intervention_mean"), Some(json!(-1.65)));
    assert_eq!(val(&e, "intervention_sd"), Some(json!(2.5)));
    assert_eq!(val(&e, "comparator_mean"), Some(json!(0.05)));
    assert_eq!(val(&e, "comparator_sd"), Some(json!(3.2)));
    // Trap: a third arm makes "the intervention group" ambiguous; nothing is read.
    let three = format!(
        "Patients were randomised to three groups: education, coaching or conventional care alone. {text}"
    );
    let e = run(
        &page(&three),
        "to peer-led structured patient education",
        "conventional care alone",
        "Mean BMI change",
    );
    assert_eq!(val(&e, "intervention_mean"), None);
    // Trap: a reversed comparison (the control seeded as the intervention)
    // must not take the intervention group's numbers.
    let e = run(
        &page(text),
        "conventional care alone",
        "to peer-led structured patient education",
        "Mean BMI change",
    );
    assert_ne!(val(&e, "intervention_mean"), Some(json!(-1.65)));
}

#[test]
fn a_change_stated_by_its_verb_keeps_its_sign() {
    // PMC5777645: "decreased by 3.34 cm" is a change of -3.34; "increased by 2.65 cm" +2.65.
    let text = "Patients were allocated to peer-led structured patient education or conventional care alone. Mean waist circumference decreased by 3.34 cm (SD = 9.3; CI95%: -5.56;-1.13) in the intervention group and increased by 2.65 cm (SD = 10.3; CI95%: 0.20; 5.09) in the control group (p<0.001).";
    let e = run(
        &page(text),
        "to peer-led structured patient education",
        "conventional care alone",
        "Mean waist circumference",
    );
    assert_eq!(val(&e, "intervention_mean"), Some(json!(-3.34)));
    assert_eq!(val(&e, "comparator_mean"), Some(json!(2.65)));
    assert_eq!(
        val(&e, "direction_of_effect"),
        Some(json!("significantly decreased"))
    );
    // An outcome named as the decrease keeps the printed (positive) value.
    let e = run(
        &page(text),
        "to peer-led structured patient education",
        "conventional care alone",
        "reduction in mean waist circumference",
    );
    assert_ne!(val(&e, "intervention_mean"), Some(json!(-3.34)));
}

#[test]
fn change_from_baseline_is_read_but_baseline_values_are_not() {
    // PMC5777645 abstract: "From baseline to 12 months, the decrease in HbA1c
    // levels was 1.05% (SD = 2.0; …) in the intervention group compared with
    // 0.15% (SD = 1.7; …) in the control group".
    let text = "Patients were allocated to peer-led structured patient education or conventional care alone. From baseline to 12 months, the decrease in HbA1c levels was 1.05% (SD = 2.0; CI95%: 1.54;-0.56) in the intervention group compared with 0.15% (SD = 1.7; CI95%: -0.56; 0.26) in the control group, p = 0.006.";
    let e = run(
        &page(text),
        "to peer-led structured patient education",
        "conventional care alone",
        "HbA1c levels",
    );
    assert_eq!(val(&e, "intervention_mean"), Some(json!(1.05)));
    assert_eq!(val(&e, "comparator_sd"), Some(json!(1.7)));
    assert_eq!(val(&e, "outcome_type"), Some(json!("continuous")));
    // Trap: baseline values of the same outcome are not results.
    let text = "Patients were allocated to peer-led structured patient education or conventional care alone. At baseline, HbA1c levels were 10.6% (SD = 1.8) in the intervention group and 10.8% (SD = 1.9) in the control group.";
    let e = run(
        &page(text),
        "to peer-led structured patient education",
        "conventional care alone",
        "HbA1c levels",
    );
    assert_eq!(val(&e, "intervention_mean"), None);
}

#[test]
fn randomised_n_is_withheld_when_outcomes_have_other_denominators() {
    // PMC5614421: 398 / 389 women randomised, but infant outcomes are counted
    // over 402 / 388 live-born infants and side effects over 394 / 382.
    let text = "Of the 787 women recruited, 398 (50.6%) were randomised to the progesterone group, and 389 (49.4%) to the placebo group. Women were assigned to vaginal progesterone pessaries (*n* = 398) or placebo (*n* = 389). The risk of respiratory distress syndrome was similar in both study groups, 10.5% (42/402) in the progesterone group and 10.6% (41/388) in the placebo group. In 9.9% (39/394) of the women in the progesterone group and 7.3% (28/382) of the women in the placebo group, treatment was stopped because of side effects.";
    let e = run(
        &page(text),
        "vaginal progesterone",
        "placebo",
        "side effects",
    );
    assert_eq!(val(&e, "intervention_group_size"), None);
    assert_eq!(val(&e, "comparator_group_size"), None);
    // Without the other denominators the randomised n stands (italic n read).
    let text = "Women were assigned to vaginal progesterone pessaries (*n* = 398) or placebo (*n* = 389). No woman was lost to analysis.";
    let e = run(
        &page(text),
        "vaginal progesterone",
        "placebo",
        "side effects",
    );
    assert_eq!(val(&e, "intervention_group_size"), Some(json!(398)));
    assert_eq!(val(&e, "comparator_group_size"), Some(json!(389)));
}

#[test]
fn statistics_in_the_order_the_arms_were_named() {
    // PMC5971365 abstract (the abbreviation) and results.
    let text = "The Symbol Digit Modalities Test (SDMT) was administered at baseline and at 24-week intervals. Significantly greater mean improvement from baseline in SDMT scores was observed with daclizumab beta compared with IM IFN beta-1a at week 96 (mean (SD) change from baseline: 4.1 (12.4) vs 2.9 (12.7); *p* = 0.0274), as reported previously (Figure 1).";
    let e = run(
        &page(text),
        "daclizumab beta",
        "intramuscular (IM) interferon (IFN) beta-1a",
        "Symbol Digit Modalities Test (SDMT) score at week 96",
    );
    assert_eq!(val(&e, "intervention_mean"), Some(json!(4.1)));
    assert_eq!(val(&e, "intervention_sd"), Some(json!(12.4)));
    assert_eq!(val(&e, "comparator_mean"), Some(json!(2.9)));
    assert_eq!(val(&e, "comparator_sd"), Some(json!(12.7)));
    // The arms named the other way round swap the statistics.
    let swapped = text.replace(
        "with daclizumab beta compared with IM IFN beta-1a",
        "with IM IFN beta-1a compared with daclizumab beta",
    );
    let e = run(
        &page(&swapped),
        "daclizumab beta",
        "intramuscular (IM) interferon (IFN) beta-1a",
        "Symbol Digit Modalities Test (SDMT) score at week 96",
    );
    assert_eq!(val(&e, "intervention_mean"), Some(json!(2.9)));
    // Trap: the week-96 numbers are not the week-144 outcome's (PMC5971365
    // gives those in the next sentence, 6.3 (12.6) vs 3.1 (13.2)). The
    // citation glued to the full stop (".18 This") still ends the sentence.
    let both = format!(
        "{text}18 This effect was sustained at week 144 (6.3 (12.6) vs 3.1 (13.2); *p* = 0.0024) in a limited number of patients."
    );
    let e = run(
        &page(&both),
        "daclizumab beta",
        "intramuscular (IM) interferon (IFN) beta-1a",
        "Symbol Digit Modalities Test (SDMT) score at week 144 in limited patients",
    );
    assert_eq!(val(&e, "intervention_mean"), None);
    let e = run(
        &page(&both),
        "daclizumab beta",
        "intramuscular (IM) interferon (IFN) beta-1a",
        "Symbol Digit Modalities Test (SDMT) score at week 96",
    );
    assert_eq!(val(&e, "comparator_sd"), Some(json!(12.7)));
}

#[test]
fn one_arm_per_sentence_with_itt_and_pp_analyses() {
    // PMC3493722 abstract: each arm in its own sentence, both analyses in one list.
    let text = "The 1-week group achieved 83.5% (71/85) and 87.7% (71/81) eradication rates in the intention to treat (ITT) and per-protocol (PP) analyses, respectively. The 2-week group obtained 87.7% (72/84) and 88.9% (72/81) eradication rate in the ITT and PP analyses, respectively. There was no significant difference in the eradication rate, patient compliance or rate of adverse events between the two groups.";
    let itt = run(
        &page(text),
        "1-week quadruple rescue therapy",
        "2-week quadruple rescue therapy",
        "eradication rate of H. pylori in ITT",
    );
    assert_eq!(val(&itt, "intervention_events"), Some(json!(71)));
    assert_eq!(val(&itt, "intervention_group_size"), Some(json!(85)));
    assert_eq!(val(&itt, "comparator_events"), Some(json!(72)));
    assert_eq!(val(&itt, "comparator_group_size"), Some(json!(84)));
    let pp = run(
        &page(text),
        "1-week quadruple rescue therapy",
        "2-week quadruple rescue therapy",
        "eradication rate of H. pylori in PP",
    );
    assert_eq!(val(&pp, "intervention_group_size"), Some(json!(81)));
    assert_eq!(val(&pp, "comparator_group_size"), Some(json!(81)));
    // Trap: an outcome naming neither analysis cannot choose between the two.
    let neither = run(
        &page(text),
        "1-week quadruple rescue therapy",
        "2-week quadruple rescue therapy",
        "eradication rate of H. pylori",
    );
    assert_eq!(val(&neither, "intervention_events"), None);
}

#[test]
fn another_studys_findings_are_not_this_trials() {
    // PMC3493722 discussion: numbers and significance of an earlier trial.
    let text = "In that report, the eradication rates were 72/112 (64.3%) in the 1-week group, compared to 95/115 (82.6%) in the 2-week group (p = 0.003).";
    let e = run(
        &page(text),
        "1-week quadruple rescue therapy",
        "2-week quadruple rescue therapy",
        "eradication rate of H. pylori in ITT",
    );
    assert_eq!(val(&e, "intervention_events"), None);
    assert_eq!(val(&e, "direction_of_effect"), None);
}

#[test]
fn statistics_bracketed_after_their_arm() {
    // PMC1216327 abstract: three arms, each statistic in a bracket after its
    // arm; the middle one (AJ) belongs to neither seeded arm.
    let text = "Thirty patients with acute diarrhea were fed twice-daily 15 ml/kg of Apple Juice (AJ), 30 received White Grape Juice (WGJ), and 30 were given colored and flavored water (WA). The mean body weight gain was greater among patients receiving WGJ (+ 50.7 gm) as compared with the patients in the AJ group (+ 18.3 gm) or the patients fed WA (- 0.7 gm) (p = 0.08).";
    let e = run(
        &page(text),
        "White Grape Juice (WGJ)",
        "colored and flavored water (WA)",
        "The mean body weight gain",
    );
    assert_eq!(val(&e, "intervention_mean"), Some(json!(50.7)));
    // The sign set apart after the bracket is kept, and AJ's 18.3 is not WA's.
    assert_eq!(val(&e, "comparator_mean"), Some(json!(-0.7)));
    let e = run(
        &page(text),
        "Apple Juice (AJ)",
        "colored and flavored water (WA)",
        "The mean body weight gain",
    );
    // Its numbers sit too far from the outcome's words to be read here; they
    // are never another arm's.
    let got = val(&e, "intervention_mean");
    assert!(got.is_none() || got == Some(json!(18.3)), "{got:?}");
    assert_ne!(val(&e, "comparator_mean"), Some(json!(18.3)));
}

#[test]
fn statistics_after_a_colon_naming_their_arm() {
    // Shaped like PMC5777645's results: "(intervention: … ; control: …)".
    let text = "Patients were allocated to peer-led structured patient education or conventional care alone. Mean waist circumference fell more with education (intervention group: -3.34 ± 9.3 cm; control group: 2.65 ± 10.3 cm; p < 0.001).";
    let e = run(
        &page(text),
        "to peer-led structured patient education",
        "conventional care alone",
        "Mean waist circumference",
    );
    assert_eq!(val(&e, "intervention_mean"), Some(json!(-3.34)));
    assert_eq!(val(&e, "comparator_sd"), Some(json!(10.3)));
    // Trap: a label that is no arm ("mean: …") places nothing.
    let text = "Patients were allocated to peer-led structured patient education or conventional care alone. Mean waist circumference (mean: -3.34 ± 9.3 cm; median: 2.65 ± 10.3 cm).";
    let e = run(
        &page(text),
        "to peer-led structured patient education",
        "conventional care alone",
        "Mean waist circumference",
    );
    assert_eq!(val(&e, "intervention_mean"), None);
}

#[test]
fn a_mean_with_its_range_compared_with_the_other_arms() {
    // PMC2667135 (results): the intervention is the sentence's subject, the
    // comparator named after its own value; the ranges are no spreads.
    let gloss = "IPAT, patients receiving their full course of therapy in the hospital setting; CoPAT, patients receiving some portion of therapy outside of the hospital.";
    let text = format!(
        "{gloss} CoPAT patients received longer courses of study antibiotics with a mean of 25.4 days (range 9–74 days) compared with 13.5 days (range 1–43) in the IPAT group (*P* < 0.001), and a higher proportion of CoPAT patients completed therapy as part of the study (90.3% versus 45.4%, *P* < 0.001)."
    );
    let (i, c) = (
        "some portion of therapy outside of the hospital (CoPAT)",
        "full course of therapy in the hospital setting",
    );
    let o = "number of days with received courses of antibiotics";
    let e = run(&page(&text), i, c, o);
    assert_eq!(val(&e, "intervention_mean"), Some(json!(25.4)));
    assert_eq!(val(&e, "comparator_mean"), Some(json!(13.5)));
    assert_eq!(val(&e, "intervention_sd"), None);
    // PMC2667135: "there were 53 (54.6%) versus 10 (9.7%) in the CoPAT group",
    // the first value the IPAT patients' named before it.
    let text = format!(
        "{gloss} The shorter duration of study treatment for IPAT patients was influenced by early discontinuations: there were 53 (54.6%) versus 10 (9.7%) in the CoPAT group."
    );
    let e = run(&page(&text), i, c, "early discontinuations");
    assert_eq!(val(&e, "intervention_events"), Some(json!(10)));
    assert_eq!(val(&e, "comparator_events"), Some(json!(53)));
    // Trap: the first value's clause names the same arm as the second's.
    let text = format!(
        "{gloss} Among CoPAT patients early discontinuations were 53 (54.6%) versus 10 (9.7%) in the CoPAT group."
    );
    let e = run(&page(&text), i, c, "early discontinuations");
    assert_eq!(val(&e, "comparator_events"), None);
    // Trap: medians with their ranges stay unread.
    let text = format!(
        "{gloss} CoPAT patients received longer courses of study antibiotics with a median of 25.4 days (range 9–74 days) compared with 13.5 days (range 1–43) in the IPAT group."
    );
    let e = run(&page(&text), i, c, o);
    assert_eq!(val(&e, "intervention_mean"), None);
    assert_eq!(val(&e, "comparator_mean"), None);
}

#[test]
fn statistics_before_the_arms_named_with_their_n() {
    // PMC5971365 (results): the values come first, the arms after them with
    // the n those values are on (fewer than randomised; dropouts are stated).
    let text = "Cognitive processing speed was assessed by Symbol Digit Modalities Test (SDMT). A total of 1841 patients were randomized (daclizumab beta, *n* = 919; IM IFN beta-1a, *n* = 922). Because the dropout rate in the IM IFN beta-1a group was higher, LOCF was used. Significantly greater mean improvement from baseline in SDMT scores was observed with daclizumab beta compared with IM IFN beta-1a at week 96 (mean (SD) change from baseline: 4.1 (12.4) vs 2.9 (12.7); *p* = 0.0274), as reported previously (Figure 1).18 This effect was sustained at week 144 (6.3 (12.6) vs 3.1 (13.2); *p* = 0.0024) in a limited number of patients completing 144 weeks of treatment with available SDMT scores (daclizumab beta, *n* = 287; IM IFN beta-1a, *n* = 277).";
    let (i, c) = (
        "daclizumab beta",
        "intramuscular (IM) interferon (IFN) beta-1a",
    );
    let o = "Symbol Digit Modalities Test (SDMT) score at week 144 in limited patients";
    let e = run(&page(text), i, c, o);
    // "week 144 (6.3 …" is no mean of 144 with an SD of 6.3.
    assert_eq!(val(&e, "intervention_mean"), Some(json!(6.3)));
    assert_eq!(val(&e, "intervention_sd"), Some(json!(12.6)));
    assert_eq!(val(&e, "comparator_mean"), Some(json!(3.1)));
    assert_eq!(val(&e, "comparator_sd"), Some(json!(13.2)));
    assert_eq!(val(&e, "intervention_group_size"), Some(json!(287)));
    assert_eq!(val(&e, "comparator_group_size"), Some(json!(277)));
    // The arms listed the other way round swap the values.
    let swapped = text.replace(
        "(daclizumab beta, *n* = 287; IM IFN beta-1a, *n* = 277)",
        "(IM IFN beta-1a, *n* = 277; daclizumab beta, *n* = 287)",
    );
    let e = run(&page(&swapped), i, c, o);
    assert_eq!(val(&e, "intervention_mean"), Some(json!(3.1)));
    assert_eq!(val(&e, "intervention_group_size"), Some(json!(287)));
    // Trap: arms named in remarks after the values, not in a list.
    let remark = text.replace(
        "(daclizumab beta, *n* = 287; IM IFN beta-1a, *n* = 277)",
        "and this favoured daclizumab beta; patients on IM IFN beta-1a dropped out more often",
    );
    let e = run(&page(&remark), i, c, o);
    assert_eq!(val(&e, "intervention_mean"), None);
    // Trap: only one arm named after the values; nothing is read, and the
    // randomised n is withheld (dropouts stated).
    let one = text.replace(
        "(daclizumab beta, *n* = 287; IM IFN beta-1a, *n* = 277)",
        "(daclizumab beta, *n* = 287)",
    );
    let e = run(&page(&one), i, c, o);
    assert_eq!(val(&e, "intervention_mean"), None);
    assert_eq!(val(&e, "intervention_group_size"), None);
}

#[test]
fn percentages_of_people_become_events_with_n() {
    // PMC4357072 (results), its n from the abstract's allocation.
    let text = "Subjects were randomized to pimecrolimus (n = 15) or triamcinolone acetonide (n = 15). After the posttreatment follow-up of 2 months, the erythematous areas reappeared in 6.7% and 33.3% subjects in the pimecrolimus and triamcinolone acetonide groups, respectively, but no statistical difference was found (*P* = 0.07).";
    let o = "reappearance of erythematous areas after 2 months posttreatment";
    let e = run(&page(text), "pimecrolimus", "triamcinolone acetonide", o);
    assert_eq!(val(&e, "intervention_events"), Some(json!(1)));
    assert_eq!(val(&e, "comparator_events"), Some(json!(5)));
    // Trap: percentages of a score, not of people, stay percentages.
    let text = "Subjects were randomized to pimecrolimus (n = 15) or triamcinolone acetonide (n = 15). After the posttreatment follow-up of 2 months, the erythematous areas reappeared by 6.7% and 33.3% in the pimecrolimus and triamcinolone acetonide groups, respectively.";
    let e = run(&page(text), "pimecrolimus", "triamcinolone acetonide", o);
    assert_eq!(val(&e, "intervention_events"), None);
}

#[test]
fn sds_derived_from_a_95_ci_or_an_se_once_n_is_known() {
    // Shaped like PMC5777645's results, with each arm's mean and its 95% CI
    // (Cochrane Handbook 6.5.2.3): n = 76 and 75, so SD = √n × width / 3.92.
    let text = "Patients were randomised to the peer-led intervention (n = 76) or conventional care alone (n = 75). Mean HbA1c fell by 0.60 (95% CI 0.40–0.80) in the peer-led intervention group and by 0.10 (95% CI -0.10 to 0.30) in the conventional care alone group.";
    let e = run(
        &page(text),
        "peer-led intervention",
        "conventional care alone",
        "Mean HbA1c",
    );
    // "fell by" makes the change negative, the interval with it.
    assert_eq!(val(&e, "intervention_mean"), Some(json!(-0.6)));
    assert_eq!(val(&e, "comparator_mean"), Some(json!(-0.1)));
    let sd = |k: &str| val(&e, k).and_then(|v| v.as_f64()).unwrap_or(f64::NAN);
    // √76 × 0.40 / 3.92 = 0.8896; √75 × 0.40 / 3.92 = 0.8837.
    assert!((sd("intervention_sd") - 0.8896).abs() < 0.001, "{e:?}");
    assert!((sd("comparator_sd") - 0.8837).abs() < 0.001);
    // Marked derived, with its inputs.
    match e.get("intervention_sd") {
        Some(AnswerNode::Field(f)) => {
            let d = f.derivation.as_ref().expect("derivation");
            assert_eq!(d.inputs.len(), 3);
            assert!(d.formula.contains("3.92"));
        }
        other => panic!("{other:?}"),
    }
    // Small groups use 2 × t(n − 1): n = 20 → t = 2.093.
    let small = text
        .replace("(n = 76)", "(n = 20)")
        .replace("(n = 75)", "(n = 20)");
    let e = run(
        &page(&small),
        "peer-led intervention",
        "conventional care alone",
        "Mean HbA1c",
    );
    let sd = val(&e, "intervention_sd")
        .and_then(|v| v.as_f64())
        .unwrap_or(f64::NAN);
    assert!(
        (sd - 20f64.sqrt() * 0.4 / (2.0 * 2.093)).abs() < 0.001,
        "{sd}"
    );
    // Trap: the 95 of "95% CI" is never an SD, and without n no SD is given.
    let no_n = text.replace(" (n = 76)", "").replace(" (n = 75)", "");
    let e = run(
        &page(&no_n),
        "peer-led intervention",
        "conventional care alone",
        "Mean HbA1c",
    );
    assert_eq!(val(&e, "intervention_sd"), None);
    assert_ne!(val(&e, "comparator_sd"), Some(json!(95.0)));
    // Trap: a median's CI gives neither a mean nor an SD.
    let median = text.replace("Mean HbA1c fell by", "Median HbA1c fell by");
    let e = run(
        &page(&median),
        "peer-led intervention",
        "conventional care alone",
        "Median HbA1c",
    );
    assert_eq!(val(&e, "intervention_mean"), None);
    assert_eq!(val(&e, "intervention_sd"), None);
    // An SE in a sentence without n becomes an SD with the allocation n.
    let se = "Patients were randomised to the peer-led intervention (n = 76) or conventional care alone (n = 75). Mean HbA1c change was -0.60 (SE 0.10) in the peer-led intervention group and -0.10 (SE 0.12) in the conventional care alone group.";
    let e = run(
        &page(se),
        "peer-led intervention",
        "conventional care alone",
        "Mean HbA1c change",
    );
    let sd = val(&e, "intervention_sd")
        .and_then(|v| v.as_f64())
        .unwrap_or(f64::NAN);
    assert!((sd - 0.1 * 76f64.sqrt()).abs() < 0.001, "{sd}");
}

#[test]
fn table_cells_under_a_mean_95_ci_header_give_derived_sds() {
    // No dev paper prints arms' CIs; the layout is that of PMC5830087's
    // Table 2 (arm headers with N) with a "mean (95% CI)" row label.
    let table = "Table 2 Outcomes at 12 months\n\n| Outcome | BTH1677 arm (N = 11) | Control arm (N = 6) |\n|---|---|---|\n| Tibial bone area change, mean (95% CI) | -0.7 (-1.7 to 0.3) | 1.0 (-0.2 to 2.2) |\n| Tibial bone area change, median (IQR) | -0.5 (-1.2 to 0.1) | 0.9 (0.1 to 1.9) |\n";
    let e = run(
        &page(table),
        "BTH1677 arm",
        "Control arm",
        "Tibial bone area change",
    );
    assert_eq!(val(&e, "intervention_mean"), Some(json!(-0.7)));
    assert_eq!(val(&e, "comparator_mean"), Some(json!(1.0)));
    let sd = |k: &str| val(&e, k).and_then(|v| v.as_f64()).unwrap_or(f64::NAN);
    // n = 11: √11 × 2.0 / (2 × 2.228); n = 6: √6 × 2.4 / (2 × 2.571).
    assert!((sd("intervention_sd") - 11f64.sqrt() * 2.0 / (2.0 * 2.228)).abs() < 0.001);
    assert!((sd("comparator_sd") - 6f64.sqrt() * 2.4 / (2.0 * 2.571)).abs() < 0.001);
    // Trap: the same cells under a median (IQR) label are not read, nor
    // under "Mean difference (95% CI)".
    let median = table.replace(
        "| Tibial bone area change, mean (95% CI) | -0.7 (-1.7 to 0.3) | 1.0 (-0.2 to 2.2) |\n",
        "",
    );
    let e = run(
        &page(&median),
        "BTH1677 arm",
        "Control arm",
        "Tibial bone area change",
    );
    assert_eq!(val(&e, "intervention_mean"), None);
    let diff = table.replace("mean (95% CI)", "mean difference (95% CI)");
    let e = run(
        &page(&diff),
        "BTH1677 arm",
        "Control arm",
        "Tibial bone area change",
    );
    assert_eq!(val(&e, "intervention_sd"), None);
}

#[test]
fn group_labels_defined_by_the_seeded_descriptions() {
    // PMC3510731: the seeds are the methods' descriptions of Group A and
    // Group B; Table 1's header is flattened into "Group A Group B (N = 6051)
    // (N = 5892)".
    let methods = "All 11,943 participants were randomly assigned to one of two methods of debriefing: Group A received the debriefing information in the body of an email with links to protocol and results pages; Group B was presented with these links after clicking on an initial link in the body of the email to view the debriefing information on a website.";
    let text = format!(
        "{methods}\n\nTable 1\n\nAll outcome data.\n\nGroup A Group B (N = 6051) (N = 5892)\n\n**Clicked on Results link** a a\n\n247 (4.1%) 515 (8.7%)\n"
    );
    let i = "received the debriefing information in the body of an email with links to protocol and results pages;";
    let c = "received these links after clicking on an initial link in the body of the email to view the debriefing information on a website.";
    let e = run(&page(&text), i, c, "Clicked on Results link");
    assert_eq!(val(&e, "intervention_group_size"), Some(json!(6051)));
    assert_eq!(val(&e, "comparator_group_size"), Some(json!(5892)));
    // Seeded the other way round, the sizes follow the descriptions.
    let e = run(&page(&text), c, i, "Clicked on Results link");
    assert_eq!(val(&e, "intervention_group_size"), Some(json!(5892)));
    // Trap: a run of labels with fewer sizes is not zipped.
    let short = text.replace("(N = 6051) (N = 5892)", "(N = 6051)");
    let e = run(&page(&short), i, c, "Clicked on Results link");
    assert_eq!(val(&e, "intervention_group_size"), None);
    assert_eq!(val(&e, "comparator_group_size"), None);
    // Trap: seeds that fit both descriptions alike get no label.
    let e = run(
        &page(&text),
        "the debriefing information in the body of the email",
        "links to the debriefing information",
        "Clicked on Results link",
    );
    assert_eq!(val(&e, "intervention_group_size"), None);
}

#[test]
fn the_size_of_a_decrease_gives_the_direction_the_other_way() {
    // PMC5777645 abstract: both values are sizes of a decrease, so the arm
    // with the larger one has the lower HbA1c.
    let head = "Patients were allocated to peer-led structured patient education (n = 76) or conventional care alone (n = 75). The intervention group received 1 year of culturally tailored structured patient education. ";
    let text = format!(
        "{head}From baseline to 12 months, the decrease in HbA1c levels was 1.05% (SD = 2.0; CI95%: 1.54;-0.56) in the intervention group compared with 0.15% (SD = 1.7; CI95%: -0.56; 0.26) in the control group, p = 0.006."
    );
    let e = run(
        &page(&text),
        "to peer-led structured patient education",
        "conventional care alone",
        "HbA1c levels",
    );
    assert_eq!(val(&e, "intervention_mean"), Some(json!(1.05)));
    assert_eq!(val(&e, "comparator_mean"), Some(json!(0.15)));
    assert_eq!(
        val(&e, "direction_of_effect"),
        Some(json!("significantly decreased"))
    );
    // Trap: the control arm named first; the word "decrease" then says
    // nothing about which arm is lower, and the numbers alone are not used
    // against the wording: no direction rather than a wrong one.
    let text = format!(
        "{head}From baseline to 12 months, the decrease in HbA1c levels was 0.15% (SD = 1.7) in the control group compared with 1.05% (SD = 2.0) in the intervention group, p = 0.006."
    );
    let e = run(
        &page(&text),
        "to peer-led structured patient education",
        "conventional care alone",
        "HbA1c levels",
    );
    assert_eq!(val(&e, "intervention_mean"), Some(json!(1.05)));
    assert_ne!(
        val(&e, "direction_of_effect"),
        Some(json!("significantly increased"))
    );
}

#[test]
fn ama_style_mean_sd_brackets_after_each_arm() {
    // Shaped like PMC3475525's abstract (JAMA-style "(mean [SD], x [y])",
    // square brackets escaped by the converter), the outcome named first.
    let head = "Adult participants (N = 480) were randomized to 1 of 5 groups: 1) no label; 2) multiple traffic light (MTL); 3) MTL plus daily caloric requirement icon (MTL+caloric intake); 4) traffic light with specific nutrients to limit (TL+SNL); or 5) the Choices logo. ";
    let text = format!(
        "{head}Healthier product quiz scores: MTL+caloric intake group (mean \\[SD\\], 73.3% \\[6.9%\\]) and Choices group (72.5% \\[13.2%\\]) significantly outperformed the no label group (67.8% \\[10.3%\\]) and the TL+SNL group (65.8% \\[7.3%\\])."
    );
    let e = run(
        &page(&text),
        "MTL+caloric intake group",
        "No label group",
        "healthier product quiz",
    );
    assert_eq!(val(&e, "intervention_mean"), Some(json!(73.3)));
    assert_eq!(val(&e, "intervention_sd"), Some(json!(6.9)));
    assert_eq!(val(&e, "comparator_mean"), Some(json!(67.8)));
    assert_eq!(val(&e, "comparator_sd"), Some(json!(10.3)));
    // Arms whose values sit further from the outcome's words are left
    // unanswered rather than guessed (another outcome may come between).
    let e = run(
        &page(&text),
        "choices group",
        "TL+SNL group",
        "healthier product quiz",
    );
    assert_ne!(val(&e, "intervention_mean"), Some(json!(73.3)));
    // Trap: without the "mean [SD]" declaration a percentage with a
    // bracketed percentage is not read as a mean and its SD.
    let text = format!(
        "{head}Healthier product quiz scores: MTL+caloric intake group (73.3% \\[6.9%\\]) and the no label group (67.8% \\[10.3%\\])."
    );
    let e = run(
        &page(&text),
        "MTL+caloric intake group",
        "No label group",
        "healthier product quiz",
    );
    assert_eq!(val(&e, "intervention_mean"), None);
    assert_eq!(val(&e, "intervention_sd"), None);
}

/// PMC5541727 Tables 4 and 5 as converted: a change-from-baseline table cut
/// into blocks by sub-headings, rows that are bare time points, a header line
/// "MPC + HA HA alone p" above header-less blocks, and on the next page the
/// rest of Table 5 under its own header row (its caption ended page 9).
fn change_tables() -> [PageText; 2] {
    let p9 = "Patients were randomized to a single injection of allogeneic human mesenchymal precursor cells (MPCs) suspended in hyaluronan (HA) or HA alone.\n\nStudy flowchart. *HA* hyaluronan, *MPC* mesenchymal precursor cell\n\n### Table 4\n\nAnnual percentage change from baseline in tibial cartilage volume over 24 months\n\n**MPC + HA HA alone** ***p*****\\***\n\nMedial tibia\n\n| 6 months | 0.7 (5.9) | –4.0 (3.9) | 0.10 |\n| --- | --- | --- | --- |\n| 12 months | 0.3 (6.3) | –2.4 (3.1) | 0.36 |\n| 24 months | –1.4 (4.2) | –3.3 (5.3) | 0.54 |\n\nLateral tibia\n\n| 6 months | –1.4 (5.3) | –2.7 (4.4) | 0.65 |\n| --- | --- | --- | --- |\n| 12 months | –4.7 (3.4) | –2.6 (2.5) | 0.25 |\n| 24 months | –3.7 (3.4) | –0.8 (3.5) | 0.22 |\n\nData are reported as mean (SD)\n\n- For difference between two groups using independent samples *t* test *HA* hyaluronan, *MPC* mesenchymal precursor cell\n\n### Effect of MPCs on tibial bone expansion over 24 months\n\nThe rate of total tibial bone expansion was lower in the MPC + HA group over the first 6 months post-treatment (Table 5).\n\n### Table 5\n\nAnnual percentage tibial bone expansion from baseline over 24 months\n\n**MPC + HA HA alone** ***p*****\\***\n\nMedial tibial plateau 6 months 0.8 (3.9) 4.2 (3.4) 0.13";
    let p10 = "|  | MPC + HA | HA alone | p * |\n| --- | --- | --- | --- |\n| 12 months | –1.9 (4.0) | 1.5 (3.6) | 0.17 |\n| 24 months | 0.1 (1.7) | 0.8 (0.9) | 0.43 |\n\nLateral tibial plateau\n\n| 6 months | 0.4 (4.2) | 3.6 (3.6) | 0.17 |\n| --- | --- | --- | --- |\n| 12 months | –0.2 (4.0) | 1.9 (2.8) | 0.35 |\n| 24 months | –1.8 (2.6) | 1.2 (3.5) | 0.16 |\n\nTotal tibial plateau\n\n| 6 months | 0.5 (2.4) | 4.0 (2.3) | 0.02 |\n| --- | --- | --- | --- |\n| 12 months | –1.2 (2.8) | 1.7 (2.0) | 0.09 |\n| 24 months | –0.7 (1.5) | 1.0 (1.1) | 0.09 |\n\nData are reported as mean (SD)\n";
    [
        PageText {
            page: 9,
            text: p9.into(),
        },
        PageText {
            page: 10,
            text: p10.into(),
        },
    ]
}

#[test]
fn time_point_rows_of_change_from_baseline_blocks() {
    let pages = change_tables();
    let mpc = "Allogeneic mesenchymal precursor cells";
    // A change from baseline is no baseline table; the block's sub-heading and
    // the caption name the outcome of its bare time-point rows; with no time
    // point in the outcome the latest one (the end of follow-up) is read; the
    // arm seeded only as "Control" is the one other column of the header.
    let e = run(
        &pages,
        mpc,
        "Control",
        "medial tibial cartilage volume loss",
    );
    assert_eq!(val(&e, "intervention_mean"), Some(json!(-1.4)));
    assert_eq!(val(&e, "intervention_sd"), Some(json!(4.2)));
    assert_eq!(val(&e, "comparator_mean"), Some(json!(-3.3)));
    assert_eq!(val(&e, "comparator_sd"), Some(json!(5.3)));
    // The second block is not read through the first block's sub-heading,
    // which the converter left at the end of the caption.
    let e = run(
        &pages,
        mpc,
        "Control",
        "lateral tibial cartilage volume loss",
    );
    assert_eq!(val(&e, "intervention_mean"), Some(json!(-3.7)));
    assert_eq!(val(&e, "comparator_mean"), Some(json!(-0.8)));
    // A time point the outcome names wins over the latest.
    let e = run(
        &pages,
        mpc,
        "Control",
        "medial tibial cartilage volume loss at 6 months",
    );
    assert_eq!(val(&e, "intervention_mean"), Some(json!(0.7)));
    assert_eq!(val(&e, "comparator_mean"), Some(json!(-4.0)));
    // Seeds swapped: the "Control" arm is still the other column.
    let e = run(
        &pages,
        "Control",
        mpc,
        "medial tibial cartilage volume loss",
    );
    assert_eq!(val(&e, "intervention_mean"), Some(json!(-3.3)));
    assert_eq!(val(&e, "comparator_mean"), Some(json!(-1.4)));
    // Trap: blocks that fit the outcome equally well (medial, lateral) and
    // no total among them: which one is meant is not known, so none is read.
    let e = run(&pages, mpc, "Control", "tibial cartilage volume loss");
    assert_eq!(val(&e, "intervention_mean"), None);
    assert_eq!(val(&e, "comparator_mean"), None);
    // The caption that ended page 9 heads the table at the top of page 10;
    // of the medial, lateral and total blocks the total is read.
    let e = run(&pages, mpc, "Control", "Tibial bone expansion");
    assert_eq!(val(&e, "intervention_mean"), Some(json!(-0.7)));
    assert_eq!(val(&e, "intervention_sd"), Some(json!(1.5)));
    assert_eq!(val(&e, "comparator_mean"), Some(json!(1.0)));
    assert_eq!(val(&e, "comparator_sd"), Some(json!(1.1)));
    // Trap: a block whose sub-heading names another outcome, under a
    // caption naming both.
    let text = "Study flowchart. *HA* hyaluronan, *MPC* mesenchymal precursor cell\n\n### Table 4\n\nAdverse event score and body weight over 24 months, mean (SD)\n\n**MPC + HA HA alone** ***p***\n\nAdverse event score\n\n| 6 months | 2.0 (1.8) | 1.0 (1.7) | 0.9 |\n| --- | --- | --- | --- |\n| 24 months | 3.0 (2.7) | 1.0 (1.7) | 0.6 |\n";
    let e = run(&page(text), mpc, "Control", "body weight");
    assert_eq!(val(&e, "intervention_mean"), None);
    assert_eq!(val(&e, "intervention_events"), None);
    // Trap: a seeded comparator that names an arm the table does not show
    // is not taken to be the other column.
    let e = run(
        &pages,
        mpc,
        "Placebo",
        "medial tibial cartilage volume loss",
    );
    assert_eq!(val(&e, "comparator_mean"), None);
}

#[test]
fn a_mean_with_its_ci_after_a_semicolon_is_no_mean_and_sd() {
    // PMC5777645 Table 2 (changes from baseline to 12 months, mean (95% CI)
    // with a semicolon): "-1.54" is the lower limit, not an SD.
    let text = "### Table 2\n\nChanges from baseline to 12 months\n\n|  | Intervention group | Control group | p-value |\n| --- | --- | --- | --- |\n|  | (n = 70) | (n = 70) |  |\n| HbA1c, % | -1.05 (-1.54; -0.56) | -0.15 (-0.56; 0.26) | 0.006 |\n";
    let e = run(
        &page(text),
        "Intervention group",
        "Control group",
        "HbA1c levels",
    );
    assert_eq!(val(&e, "intervention_sd"), None);
    assert_eq!(val(&e, "comparator_sd"), None);
    assert_ne!(val(&e, "intervention_mean"), Some(json!(-1.05)));
}

#[test]
fn outcome_named_after_the_arms_values() {
    // PMC3475525 abstract, as converted (escaped brackets), with its methods'
    // list of the five groups.
    let text = "Adult participants (N = 480) were randomized to 1 of 5 groups: 1) no label; 2) multiple traffic light (MTL); 3) MTL plus daily caloric requirement icon (MTL+caloric intake); 4) traffic light with specific nutrients to limit based on food category (TL+SNL); or 5) the Choices logo.\n\n### Results\n\nThe MTL+caloric intake group (mean \\[standard deviation\\], 73.3% \\[6.9%\\]) and Choices group (72.5% \\[13.2%\\]) significantly outperformed the no label group (67.8% \\[10.3%\\]) and the TL+SNL group (65.8% \\[7.3%\\]) in selecting the more healthful product on the healthier product quiz. The MTL and MTL+caloric intake groups achieved average scores of more than 90% on the saturated fat, sugar, and sodium quizzes.";
    let o = "Correct selection of the healthier product";
    for (i, c, mi, si, mc, sc) in [
        (
            "MTL+caloric intake group",
            "No label group",
            73.3,
            6.9,
            67.8,
            10.3,
        ),
        (
            "MTL+caloric intake group",
            "TL+SNL group",
            73.3,
            6.9,
            65.8,
            7.3,
        ),
        ("choices group", "No label group", 72.5, 13.2, 67.8, 10.3),
        ("choices group", "TL+SNL group", 72.5, 13.2, 65.8, 7.3),
    ] {
        let e = run(&page(text), i, c, o);
        assert_eq!(val(&e, "intervention_mean"), Some(json!(mi)), "{i} vs {c}");
        assert_eq!(val(&e, "intervention_sd"), Some(json!(si)), "{i} vs {c}");
        assert_eq!(val(&e, "comparator_mean"), Some(json!(mc)), "{i} vs {c}");
        assert_eq!(val(&e, "comparator_sd"), Some(json!(sc)), "{i} vs {c}");
        // Seeds swapped.
        let e = run(&page(text), c, i, o);
        assert_eq!(val(&e, "intervention_mean"), Some(json!(mc)), "{c} vs {i}");
    }
    // Trap: an outcome named before the values as well is another outcome's
    // sentence unless it is named well ("… saturated fat quiz: X (…) …
    // in selecting …" gives nothing for the half-named product outcome).
    let other = "On the saturated fat quiz, the MTL+caloric intake group (92.3% \\[15.1%\\]) outperformed the no label group (33.6% \\[16.3%\\]), mean (SD), as did others in selecting the healthier product.";
    let e = run(
        &page(other),
        "MTL+caloric intake group",
        "No label group",
        o,
    );
    assert_eq!(val(&e, "intervention_mean"), None);
    // Trap: a sentence that opens with something else than an arm.
    let other = "Scores were higher: the MTL+caloric intake group (mean \\[SD\\], 73.3% \\[6.9%\\]) outperformed the no label group (67.8% \\[10.3%\\]) in selecting the healthier product.";
    let e = run(
        &page(other),
        "MTL+caloric intake group",
        "No label group",
        o,
    );
    assert_eq!(val(&e, "intervention_mean"), None);
}

#[test]
fn baseline_and_follow_up_sub_columns_and_label_rows() {
    // The trap of baseline vs follow-up columns: PMC2972614 Table 2's
    // baseline and post-treatment values laid out as sub-columns under each
    // arm (the converter may take the "12 weeks" sub-header row for data).
    // The span of an arm holds two values; the latest follow-up is read, the
    // baseline only for a baseline outcome.
    let text = "### Table 2\n\nOutcomes by group\n\n|  | Exercise (n = 30) |  | Control (n = 30) |  |\n| --- | --- | --- | --- | --- |\n|  | Baseline | 12 weeks | Baseline | 12 weeks |\n| Pain score, mean (SD) | 6.1 (1.2) | 3.2 (1.4) | 6.0 (1.3) | 5.1 (1.5) |\n";
    let e = run(&page(text), "Exercise", "Control", "Pain score");
    assert_eq!(val(&e, "intervention_mean"), Some(json!(3.2)));
    assert_eq!(val(&e, "intervention_sd"), Some(json!(1.4)));
    assert_eq!(val(&e, "comparator_mean"), Some(json!(5.1)));
    assert_eq!(val(&e, "comparator_sd"), Some(json!(1.5)));
    assert_eq!(val(&e, "intervention_group_size"), Some(json!(30)));
    let e = run(&page(text), "Exercise", "Control", "Pain score at baseline");
    assert_eq!(val(&e, "intervention_mean"), Some(json!(6.1)));
    assert_eq!(val(&e, "comparator_mean"), Some(json!(6.0)));
    // The outcome as a label-only header row over time-point rows (as
    // PMC2972614's blocks, with the sub-heading inside the table).
    let text = "### Table 2\n\nOutcomes by group\n\n|  | Exercise (n = 30) | Control (n = 30) |\n| --- | --- | --- |\n| Pain score, mean (SD) |  |  |\n| Baseline | 6.1 (1.2) | 6.0 (1.3) |\n| 12 weeks | 3.2 (1.4) | 5.1 (1.5) |\n| 24 weeks | 3.0 (1.4) | 5.0 (1.5) |\n";
    let e = run(&page(text), "Exercise", "Control", "Pain score");
    assert_eq!(val(&e, "intervention_mean"), Some(json!(3.0)));
    assert_eq!(val(&e, "comparator_mean"), Some(json!(5.0)));
    let e = run(&page(text), "Exercise", "Control", "Pain score at 12 weeks");
    assert_eq!(val(&e, "intervention_mean"), Some(json!(3.2)));
    assert_eq!(val(&e, "comparator_sd"), Some(json!(1.5)));
}

#[test]
fn arms_as_rows_and_outcomes_as_columns() {
    // Arms as rows, as PMC4467620 Table 2 prints its conditions ("Hot",
    // "Hot + Cooling") with the measures across (there flattened by the
    // converter, so not read); here as a pipe table with an n column.
    let text = "### Table 3\n\nOutcomes after 12 weeks (mean ± SD)\n\n| Group | n | Body weight (kg) | Waist circumference (cm) |\n| --- | --- | --- | --- |\n| Exercise | 30 | 70.1 ± 5.2 | 88.2 ± 6.1 |\n| Control | 29 | 74.3 ± 6.0 | 92.5 ± 7.3 |\n";
    let e = run(&page(text), "Exercise", "Control", "Body weight");
    assert_eq!(val(&e, "intervention_mean"), Some(json!(70.1)));
    assert_eq!(val(&e, "intervention_sd"), Some(json!(5.2)));
    assert_eq!(val(&e, "comparator_mean"), Some(json!(74.3)));
    assert_eq!(val(&e, "comparator_sd"), Some(json!(6.0)));
    assert_eq!(val(&e, "intervention_group_size"), Some(json!(30)));
    assert_eq!(val(&e, "comparator_group_size"), Some(json!(29)));
    let e = run(&page(text), "Control", "Exercise", "Waist circumference");
    assert_eq!(val(&e, "intervention_mean"), Some(json!(92.5)));
    assert_eq!(val(&e, "comparator_mean"), Some(json!(88.2)));
    // Trap: two columns name the outcome as well (baseline and week 12):
    // which one is meant is not known.
    let text = "### Table 3\n\nBody weight (mean ± SD)\n\n| Group | Body weight (kg), week 0 | Body weight (kg), week 12 |\n| --- | --- | --- |\n| Exercise | 71.0 ± 5.0 | 70.1 ± 5.2 |\n| Control | 74.0 ± 6.1 | 74.3 ± 6.0 |\n";
    let e = run(&page(text), "Exercise", "Control", "Body weight");
    assert_eq!(val(&e, "intervention_mean"), None);
    // Trap: two rows name the intervention (two doses): none is chosen.
    let text = "### Table 3\n\nOutcomes (mean ± SD)\n\n| Group | Body weight (kg) | Waist (cm) |\n| --- | --- | --- |\n| Exercise, low | 70.1 ± 5.2 | 88.2 ± 6.1 |\n| Exercise, high | 69.0 ± 5.0 | 87.0 ± 6.0 |\n| Control | 74.3 ± 6.0 | 92.5 ± 7.3 |\n";
    let e = run(&page(text), "Exercise", "Control", "Body weight");
    assert_eq!(val(&e, "intervention_mean"), None);
}

#[test]
fn n_and_statistic_sub_columns_under_each_arm() {
    // Trap: "| | n | Mean (SD) |" sub-columns under each arm (the layout of
    // outcome tables with analysed n per outcome, as PMC3751573 Table 2's
    // "(n=19) … Mean ± SD" sub-headers before the converter flattens them):
    // "28 3.2 (1.4)" read as one cell was a mean of 28 with an SD of 3.2.
    let text = "### Table 2\n\nOutcomes at 12 weeks\n\n|  | Exercise |  | Control |  |\n| --- | --- | --- | --- | --- |\n|  | n | Mean (SD) | n | Mean (SD) |\n| Pain score | 28 | 3.2 (1.4) | 27 | 5.1 (1.5) |\n| Falls | 28 | 5 (17.9) | 27 | 9 (33.3) |\n";
    let e = run(&page(text), "Exercise", "Control", "Pain score");
    assert_eq!(val(&e, "intervention_mean"), Some(json!(3.2)));
    assert_eq!(val(&e, "intervention_sd"), Some(json!(1.4)));
    assert_eq!(val(&e, "comparator_mean"), Some(json!(5.1)));
    assert_eq!(val(&e, "comparator_sd"), Some(json!(1.5)));
    assert_eq!(val(&e, "intervention_group_size"), Some(json!(28)));
    assert_eq!(val(&e, "comparator_group_size"), Some(json!(27)));
    let e = run(&page(text), "Exercise", "Control", "Falls");
    assert_eq!(val(&e, "intervention_events"), Some(json!(5)));
    assert_eq!(val(&e, "comparator_events"), Some(json!(9)));
    assert_eq!(val(&e, "comparator_group_size"), Some(json!(27)));
    // Split "Mean | SD" sub-columns are still one mean and its SD.
    let text = "### Table 2\n\nOutcomes at 12 weeks\n\n|  | Exercise |  | Control |  |\n| --- | --- | --- | --- | --- |\n|  | Mean | SD | Mean | SD |\n| Pain score | 3.2 | 1.4 | 5.1 | 1.5 |\n";
    let e = run(&page(text), "Exercise", "Control", "Pain score");
    assert_eq!(val(&e, "intervention_mean"), Some(json!(3.2)));
    assert_eq!(val(&e, "intervention_sd"), Some(json!(1.4)));
    assert_eq!(val(&e, "comparator_sd"), Some(json!(1.5)));
}

#[test]
fn arms_listed_before_a_respectively_and_long_arm_names_before_the_values() {
    // Common shapes of results sentences, beside the corpus's own ("in AJ,
    // WGJ and WA respectively", PMC1216327; "higher … in the intervention
    // group (…) than in the control group (…)", PMC5777645): the arms listed
    // before the statistics of a "respectively", and an outcome named before
    // the arms' long names and the values in a bracket.
    let head = "Patients were randomized to exercise or control. ";
    for t in [
        "In the exercise and control groups, mean pain scores were 5.1 (1.2) and 6.3 (1.4), respectively.",
        "The exercise and control groups had mean pain scores of 5.1 (1.2) and 6.3 (1.4), respectively.",
    ] {
        let e = run(
            &page(&format!("{head}{t}")),
            "Exercise",
            "Control",
            "Pain score",
        );
        assert_eq!(val(&e, "intervention_mean"), Some(json!(5.1)), "{t}");
        assert_eq!(val(&e, "intervention_sd"), Some(json!(1.2)), "{t}");
        assert_eq!(val(&e, "comparator_mean"), Some(json!(6.3)), "{t}");
        assert_eq!(val(&e, "comparator_sd"), Some(json!(1.4)), "{t}");
        // The list's order, not the seeds', places the values.
        let e = run(
            &page(&format!("{head}{t}")),
            "Control",
            "Exercise",
            "Pain score",
        );
        assert_eq!(val(&e, "intervention_mean"), Some(json!(6.3)), "{t}");
    }
    let t = "The control and exercise groups had mean pain scores of 6.3 (1.4) and 5.1 (1.2), respectively.";
    let e = run(
        &page(&format!("{head}{t}")),
        "Exercise",
        "Control",
        "Pain score",
    );
    assert_eq!(val(&e, "intervention_mean"), Some(json!(5.1)));
    let t = "The mean pain score was lower in the exercise group than in the control group (5.1 ± 1.2 vs 6.3 ± 1.4, p = 0.01).";
    let e = run(
        &page(&format!("{head}{t}")),
        "Exercise",
        "Control",
        "Pain score",
    );
    assert_eq!(val(&e, "intervention_mean"), Some(json!(5.1)));
    assert_eq!(val(&e, "comparator_mean"), Some(json!(6.3)));
    // Traps: three statistics for two listed arms; arms not listed together
    // ("exercise … than control"); other outcomes named between the
    // outcome and the values.
    let t = "In the exercise and control groups, mean pain scores were 5.1 (1.2), 6.3 (1.4) and 7.0 (1.1), respectively.";
    let e = run(
        &page(&format!("{head}{t}")),
        "Exercise",
        "Control",
        "Pain score",
    );
    assert_eq!(val(&e, "intervention_mean"), None);
    let t = "The exercise group reported more sessions than control, and mean pain scores were 5.1 (1.2) and 6.3 (1.4), respectively.";
    let e = run(
        &page(&format!("{head}{t}")),
        "Exercise",
        "Control",
        "Pain score",
    );
    assert_eq!(val(&e, "intervention_mean"), None);
    let t = "The mean pain score, sleep quality and fatigue index were lower in the exercise group than in the control group (5.1 ± 1.2 vs 6.3 ± 1.4).";
    let e = run(
        &page(&format!("{head}{t}")),
        "Exercise",
        "Control",
        "Pain score",
    );
    assert_eq!(val(&e, "intervention_mean"), None);
}

#[test]
fn time_points_and_baseline_named_in_row_labels() {
    // Rows naming the outcome with its time point, as PMC5541727's abstract
    // names "over 6 months" and its tables "24 months": the latest follow-up
    // unless the outcome names one. Trap: "Pain score at baseline" is a
    // baseline row though its label does not open with "Baseline" (it was
    // read for "Pain score").
    let text = "### Table 2\n\nOutcomes, mean (SD)\n\n|  | Exercise (n = 30) | Control (n = 30) | p |\n| --- | --- | --- | --- |\n| Pain score at baseline | 6.1 (1.2) | 6.0 (1.3) | 0.8 |\n| Pain score at 6 weeks | 4.2 (1.4) | 5.6 (1.5) | 0.01 |\n| Pain score at 12 weeks | 3.2 (1.4) | 5.1 (1.5) | 0.01 |\n";
    let e = run(&page(text), "Exercise", "Control", "Pain score");
    assert_eq!(val(&e, "intervention_mean"), Some(json!(3.2)));
    assert_eq!(val(&e, "comparator_mean"), Some(json!(5.1)));
    let e = run(&page(text), "Exercise", "Control", "Pain score at 6 weeks");
    assert_eq!(val(&e, "intervention_mean"), Some(json!(4.2)));
    assert_eq!(val(&e, "comparator_mean"), Some(json!(5.6)));
    let e = run(&page(text), "Exercise", "Control", "Pain score at baseline");
    assert_eq!(val(&e, "intervention_mean"), Some(json!(6.1)));
    // A change from baseline is no baseline row.
    let text = "### Table 2\n\nOutcomes, mean (SD)\n\n|  | Exercise (n = 30) | Control (n = 30) | p |\n| --- | --- | --- | --- |\n| Pain score, change from baseline | -2.9 (1.3) | -0.9 (1.2) | 0.01 |\n";
    let e = run(&page(text), "Exercise", "Control", "Pain score");
    assert_eq!(val(&e, "intervention_mean"), Some(json!(-2.9)));
}

#[test]
fn outcome_type_of_event_and_responder_outcomes_without_numbers() {
    // PMC57750 ("Myocardial infarction"), PMC5614421 ("side effects"),
    // PMC5971365 ("clinically meaningful improvement … (⩾3-point increase on
    // the SDMT)"): no numbers read, the outcome's words say binary.
    let text = "Patients were randomized to eptifibatide or placebo. Myocardial infarction and side effects were recorded at each visit. A clinically meaningful improvement at week 144 was a 3-point increase on the SDMT. The SDMT score was measured at week 144.";
    for o in [
        "Myocardial infarction",
        "side effects",
        "clinically meaningful improvement at week 144 (⩾3-point increase on the SDMT)",
    ] {
        let e = run(&page(text), "eptifibatide", "placebo", o);
        assert_eq!(val(&e, "outcome_type"), Some(json!("binary")), "{o}");
    }
    // A score stays continuous.
    let e = run(&page(text), "eptifibatide", "placebo", "SDMT score");
    assert_eq!(val(&e, "outcome_type"), Some(json!("continuous")));
}
