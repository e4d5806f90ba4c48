//! Publisher papers (two-column layouts converted by the app, pages copied to
//! `tests/data/offline/`): values read from the papers by hand, expected from
//! the extractor with quotes that are verbatim slices of their page.

use super::*;
use crate::forms::model::ChoiceOption;

fn pages(raw: &str) -> Vec<PageText> {
    let v: Value = serde_json::from_str(raw).unwrap_or(Value::Null);
    v.as_array()
        .into_iter()
        .flatten()
        .map(|p| PageText {
            page: p["page"].as_u64().unwrap_or(0) as u32,
            text: p["text"].as_str().unwrap_or("").to_owned(),
        })
        .collect()
}

fn field(ans: &StepAnswer, key: &str) -> FieldAnswer {
    match ans.get(key) {
        Some(AnswerNode::Field(f)) => f.clone(),
        other => panic!("{key}: {other:?}"),
    }
}

/// The quote is a verbatim slice of the page it names.
fn grounded(pages: &[PageText], f: &FieldAnswer) {
    let ev = f.evidence.as_ref().expect("evidence");
    let page = pages.iter().find(|p| p.page == ev.page).expect("page");
    assert!(page.text.contains(&ev.quote), "not on page: {}", ev.quote);
}

fn run(pages: &[PageText], fields: &[FieldDef]) -> StepAnswer {
    extract_step(&OfflineInput {
        pages,
        fields,
        seeded_entries: &BTreeMap::new(),
    })
}

fn participants() -> FieldDef {
    FieldDef::new("participants", "Number of participants", FieldType::Integer)
}

#[test]
fn cermine_example1_participants() {
    // Int Psychogeriatrics 2014, p. 1: "The study involved 2,462 dementia-free
    // participants aged 55 years and older."
    let p = pages(include_str!(
        "../../../tests/data/offline/cermine_example1.json"
    ));
    let a = field(&run(&p, &[participants()]), "participants");
    assert_eq!(a.value, Some(json!(2462)));
    assert!(
        a.evidence
            .as_ref()
            .is_some_and(|e| e.quote.contains("2,462"))
    );
    grounded(&p, &a);
}

#[test]
fn cermine_test5_meta_analysis_participants() {
    // H. pylori / IDA meta-analysis, p. 3: "Our meta-analysis involved 450 participants".
    let p = pages(include_str!(
        "../../../tests/data/offline/cermine_test5.json"
    ));
    let a = field(&run(&p, &[participants()]), "participants");
    assert_eq!(a.value, Some(json!(450)));
    grounded(&p, &a);
}

#[test]
fn robotreviewer_rct_direction_and_estimate() {
    // BMJ 2015 smoking-cessation RCT, abstract: "No significant difference was
    // found in rates of smoking abstinence at end of pregnancy between the
    // physical activity and control groups (8% v 6%; odds ratio 1.21, 95%
    // confidence interval 0.70 to 2.10)." 789 were randomised.
    let p = pages(include_str!(
        "../../../tests/data/offline/robotreviewer_example.json"
    ));
    let opt = |v: &str| ChoiceOption {
        value: v.into(),
        description: String::new(),
        synonyms: Vec::new(),
    };
    let mut f = FieldDef::new("comparisons", "Comparisons", FieldType::Subform);
    f.repeating = true;
    let mut dir = FieldDef::new("direction_of_effect", "Direction", FieldType::SingleChoice);
    dir.options = vec![
        opt("significantly increased"),
        opt("significantly decreased"),
        opt("no significant difference"),
    ];
    f.fields = vec![
        FieldDef::new("intervention", "Intervention", FieldType::Text),
        FieldDef::new("comparator", "Comparator", FieldType::Text),
        FieldDef::new("outcome", "Outcome", FieldType::Text),
        dir,
        FieldDef::new("intervention_events", "Events", FieldType::Integer),
    ];
    let mut seed = BTreeMap::new();
    seed.insert("intervention".to_owned(), json!("physical activity"));
    seed.insert("comparator".to_owned(), json!("control"));
    seed.insert(
        "outcome".to_owned(),
        json!("smoking abstinence at end of pregnancy"),
    );
    let mut seeds = BTreeMap::new();
    seeds.insert("comparisons".to_owned(), vec![seed]);
    let fields = vec![f];
    let ans = extract_step(&OfflineInput {
        pages: &p,
        fields: &fields,
        seeded_entries: &seeds,
    });
    let Some(AnswerNode::Entries(e)) = ans.get("comparisons") else {
        panic!("no entries");
    };
    let e = e.first().expect("entry");
    let get = |k: &str| match e.get(k) {
        Some(AnswerNode::Field(f)) => f.clone(),
        other => panic!("{k}: {other:?}"),
    };
    let d = get("direction_of_effect");
    assert_eq!(d.value, Some(json!("no significant difference")));
    grounded(&p, &d);
    // The seed comes back as given, certain.
    let i = get("intervention");
    assert_eq!(i.value, Some(json!("physical activity")));
    assert!(!i.not_reported && (i.confidence - 1.0).abs() < 1e-6);
    // "8% v 6%" are percentages without n: no event count is made up.
    assert!(get("intervention_events").not_reported);
}

#[test]
fn cermine_test2_word_numbers_are_not_guessed() {
    // Hindawi 2010 qualitative study: "fifteen participants (men, n = 12)".
    // The total is spelt out; the extractor must not offer another number.
    let p = pages(include_str!(
        "../../../tests/data/offline/cermine_test2.json"
    ));
    let a = field(&run(&p, &[participants()]), "participants");
    assert!(a.not_reported || a.value == Some(json!(15)), "{a:?}");
}

#[test]
fn cermine_example2_text_answers_are_verbatim() {
    // BMC HSR 2014 situational analysis (Kamuzu Central Hospital, Malawi):
    // no participant count on pages 1-2; the aim is quoted, not invented.
    let p = pages(include_str!(
        "../../../tests/data/offline/cermine_example2.json"
    ));
    let ans = run(
        &p,
        &[
            participants(),
            FieldDef::new("aim", "Aim of the study", FieldType::Text),
        ],
    );
    assert!(field(&ans, "participants").not_reported);
    let aim = field(&ans, "aim");
    grounded(&p, &aim);
    assert!(
        aim.evidence
            .as_ref()
            .is_some_and(|e| e.quote.contains("Kamuzu Central Hospital"))
    );
}
