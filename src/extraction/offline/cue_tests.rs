//! Unit tests of the general path's cues, on sentences of the demo reports
//! (/tmp/ev/converted_demo) and real trials (/tmp/ev/converted).

use super::PageText;
use super::document::Document;
use super::short;
use super::totals;
use crate::forms::model::{FieldDef, FieldType};

fn doc(t: &str) -> Document {
    Document::parse(&[PageText {
        page: 1,
        text: t.into(),
    }])
}

fn field(key: &str, label: &str, t: FieldType, d: &str, h: &str) -> FieldDef {
    let mut f = FieldDef::new(key, label, t);
    f.description = d.into();
    f.hints = h.into();
    f
}

fn total_field() -> FieldDef {
    field(
        "total_randomised",
        "Total randomised",
        FieldType::Integer,
        "Number of participants randomised (or allocated, in a non-randomised study) across all groups.",
        "not the number screened or analysed.",
    )
}

#[test]
fn totals_randomised_not_screened_nor_ages() {
    let f = total_field();
    // demo-vitamin-d-falls-trial.json
    let d = doc("A total of 612 participants were randomized (306 per arm).");
    assert_eq!(totals::total(&d, &f).map(|x| x.0), Some(612.0));
    // demo-nicotine-patch-pregnancy-trial.json
    let d = doc("Of 403 women randomized, 201 received nicotine and 202 placebo.");
    assert_eq!(totals::total(&d, &f).map(|x| x.0), Some(403.0));
    // demo-exercise-knee-osteoarthritis-trial.json
    let d = doc(
        "Adults aged ≥ 45 years with symptomatic knee osteoarthritis were randomly assigned to exercise. Of 248 participants, 124 were assigned to each arm. Between January 2020 and May 2021, 412 people were screened and 248 randomized.",
    );
    assert_eq!(totals::total(&d, &f).map(|x| x.0), Some(248.0));
    // PMC3493722
    let d = doc("A total 169 patients were randomized at five centers in Korea.");
    assert_eq!(totals::total(&d, &f).map(|x| x.0), Some(169.0));
}

#[test]
fn funding_after_a_bold_lead_in() {
    let f = field(
        "funding",
        "Funding source",
        FieldType::Text,
        "Who funded the study",
        "",
    );
    // demo reports, conclusions paragraph.
    let d = doc(
        "In older adults, vitamin D3 did not reduce falls over 12 months. **Funding.** None. This fictional report was written to demonstrate eviStream.",
    );
    let a = short::text(&d, &f);
    assert_eq!(a.as_ref().map(|x| x.0.as_str()), Some("None"));
    assert_eq!(a.map(|x| x.1), Some("**Funding.** None.".to_owned()));
    // PMC5541727: a "### Funding" heading and the sentence under it.
    let d = doc(
        "### Funding\n\nThis study was sponsored by Mesoblast Ltd. However, the sponsor had no role.",
    );
    assert_eq!(
        short::text(&d, &f).map(|x| x.0),
        Some("Mesoblast Ltd".to_owned())
    );
}

#[test]
fn registration_setting_and_countries() {
    let mut reg = field(
        "trial_registration",
        "Trial registration",
        FieldType::Text,
        "The trial's registry identifier(s).",
        "",
    );
    reg.example = "NCT01234567".into();
    // PMC5830087
    let d = doc(
        "**Trial registration** ClinicalTrials.gov registration ID: NCT00874107. Registered 2 April 2009.",
    );
    assert_eq!(
        short::text(&d, &reg).map(|x| x.0),
        Some("NCT00874107".to_owned())
    );
    let setting = field(
        "setting",
        "Setting",
        FieldType::Text,
        "Where the study took place",
        "",
    );
    // demo-nicotine-patch-pregnancy-trial.json
    let d = doc(
        "**Design and setting.** LANTERN was a parallel-group, double-blind, placebo-controlled trial in 11 maternity units.",
    );
    assert_eq!(
        short::text(&d, &setting).map(|x| x.0),
        Some("11 maternity units".to_owned())
    );
    // demo-exercise-knee-osteoarthritis-trial.json: "settings" alone is no setting.
    let d = doc("Roughly one pregnant woman in eight still smokes in many high-income settings.");
    assert_eq!(short::text(&d, &setting), None);
    let countries = field(
        "countries",
        "Countries",
        FieldType::TextList,
        "Every country",
        "",
    );
    // PMC3493722
    let d = doc("A total 169 patients were randomized at five centers in Korea.");
    assert_eq!(
        short::list(&d, &countries).map(|x| x.0),
        Some(vec!["Korea".to_owned()])
    );
}

#[test]
fn pico_from_the_randomisation_sentence() {
    // demo-vitamin-d-falls-trial.json
    let d = doc(
        "We randomly assigned adults aged ≥ 70 years living in the community, with at least one fall in the previous year, to oral vitamin D3 60,000 IU monthly or matching placebo for 12 months.",
    );
    let get = |label: &str| {
        short::text(
            &d,
            &field(&label.to_lowercase(), label, FieldType::Text, "", ""),
        )
        .map(|x| x.0)
    };
    assert_eq!(
        get("Intervention").as_deref(),
        Some("oral vitamin D3 60,000 IU monthly")
    );
    assert_eq!(
        get("Comparator").as_deref(),
        Some("matching placebo for 12 months")
    );
    assert_eq!(
        get("Population").as_deref(),
        Some(
            "adults aged ≥ 70 years living in the community, with at least one fall in the previous year"
        )
    );
}
