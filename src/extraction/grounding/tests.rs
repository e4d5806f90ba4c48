use super::*;
use serde_json::json;

fn page(page: u32, text: &str) -> PageText<'_> {
    PageText { page, text }
}

fn option(value: &str, description: &str, synonyms: &[&str]) -> ChoiceOption {
    ChoiceOption {
        value: value.to_owned(),
        description: description.to_owned(),
        synonyms: synonyms.iter().map(|s| (*s).to_owned()).collect(),
    }
}

fn supports(value: serde_json::Value, field_type: FieldType, quote: &str) -> bool {
    quote_supports(&value, field_type, &[], quote)
}

#[test]
fn numbers_are_whole_tokens_in_any_written_form() {
    use FieldType::{Integer, Number};
    assert!(supports(json!(12), Integer, "12 (34%)"));
    assert!(supports(json!(34), Number, "12 (34%)"));
    assert!(supports(json!(0.34), Number, "12 (34%)"));
    assert!(supports(json!(0.345), Number, "n = 12 (34.5 %)"));
    assert!(!supports(json!(12), Integer, "123 patients"));
    assert!(!supports(json!(12), Number, "1.25 mg"));
    assert!(!supports(json!(12), Number, "0.12 mg"));
    assert!(!supports(json!(12), Number, "HbA12 rose"));
    assert!(supports(json!(12.5), Number, "a mean of 12·5 days"));
    assert!(supports(json!(12.5), Number, "12.50 days"));
    assert!(supports(json!(12.5), Number, "12,5 days"));
    assert!(!supports(json!(12.5), Number, "12.55 days"));
    assert!(supports(json!(1200), Integer, "1,200 screened"));
    assert!(supports(json!(1200), Integer, "1\u{a0}200 screened"));
    assert!(supports(json!(1200), Integer, "1200 screened"));
    assert!(!supports(json!(1.2), Number, "1,200 screened"));
    assert!(supports(
        json!(-0.7),
        Number,
        "difference −0.7 (95% CI −1.2 to −0.2)"
    ));
    assert!(supports(json!(-0.7), Number, "difference -0.7"));
    assert!(!supports(json!(0.7), Number, "difference −0.7"));
    assert!(!supports(json!(-0.7), Number, "a range of 0.2-0.7"));
    assert!(supports(json!(0.7), Number, "a range of 0.2-0.7"));
    assert!(supports(json!(19), Integer, "during covid-19"));
    assert!(supports(json!(0.5), Number, "p = .5"));
    assert!(!supports(json!(5), Number, "p = .5"));
    assert!(supports(json!(12), Integer, "12.0 kg"));
    assert!(supports(json!("12"), Integer, "we enrolled 12 women"));
    assert!(!supports(json!(null), Integer, "we enrolled 12 women"));
    assert!(supports(json!(12), Integer, "≥ 12 µg"));
}

#[test]
fn number_forms_lists_the_printed_variants() {
    let forms = number_forms(1200.0);
    for f in ["1200", "1,200", "1 200", "1200.0"] {
        assert!(forms.iter().any(|x| x == f), "{f} in {forms:?}");
    }
    let forms = number_forms(12.5);
    for f in ["12.5", "12·5", "12,5", "12.50"] {
        assert!(forms.iter().any(|x| x == f), "{f} in {forms:?}");
    }
    let forms = number_forms(-0.5);
    for f in ["-0.5", "−0.5", "-.5", "−.5"] {
        assert!(forms.iter().any(|x| x == f), "{f} in {forms:?}");
    }
    assert!(number_forms(0.25).iter().any(|x| x == "25%"));
    assert!(number_forms(f64::NAN).is_empty());
}

#[test]
fn choices_texts_dates_and_booleans() {
    let options = [
        option("parallel", "Parallel group", &[]),
        option("crossover", "Cross-over", &["crossed over"]),
        option("PY", "Probably yes", &["likely"]),
    ];
    let choice =
        |v: serde_json::Value, q: &str| quote_supports(&v, FieldType::SingleChoice, &options, q);
    assert!(choice(
        json!("crossover"),
        "patients crossed over after 4 weeks"
    ));
    assert!(choice(json!("crossover"), "a randomised cross-over trial"));
    assert!(choice(json!("parallel"), "In this parallel-group trial"));
    assert!(!choice(json!("parallel"), "In this crossover trial"));
    assert!(
        !choice(json!("factorial"), "a factorial trial"),
        "not an option"
    );
    let multi =
        |v: serde_json::Value, q: &str| quote_supports(&v, FieldType::MultipleChoice, &options, q);
    assert!(multi(
        json!(["parallel", "crossover"]),
        "parallel arms that crossed over"
    ));
    assert!(!multi(json!(["parallel", "crossover"]), "parallel arms"));
    assert!(!multi(json!([]), "parallel arms"));

    assert!(supports(
        json!("mean age 54 years"),
        FieldType::Text,
        "The mean age was 54 years."
    ));
    assert!(supports(
        json!("metformin"),
        FieldType::Text,
        "Patients received metformin 500 mg."
    ));
    assert!(!supports(
        json!("insulin glargine"),
        FieldType::Text,
        "Patients received metformin."
    ));
    assert!(!supports(
        json!("12 weeks"),
        FieldType::Text,
        "follow-up lasted 8 weeks"
    ));
    assert!(supports(
        json!(["Spain", "Italy"]),
        FieldType::TextList,
        "centres in Spain and Italy"
    ));
    assert!(!supports(
        json!(["Spain", "France"]),
        FieldType::TextList,
        "centres in Spain and Italy"
    ));

    assert!(supports(
        json!("2019"),
        FieldType::Date,
        "between 2019 and 2020"
    ));
    assert!(!supports(json!("2019"), FieldType::Date, "in 20190 cells"));
    assert!(supports(
        json!("2019-03"),
        FieldType::Date,
        "recruited from March 2019"
    ));
    assert!(supports(
        json!("2019-09-01"),
        FieldType::Date,
        "from 1 Sept 2019"
    ));
    assert!(supports(
        json!("2019-03-15"),
        FieldType::Date,
        "on 15/03/2019"
    ));
    assert!(!supports(
        json!("2019-04"),
        FieldType::Date,
        "recruited from March 2019"
    ));

    assert!(supports(
        json!(true),
        FieldType::Boolean,
        "Outcome assessors were blinded."
    ));
    assert!(supports(
        json!(false),
        FieldType::Boolean,
        "An open-label trial."
    ));
    assert!(!supports(json!(true), FieldType::Subform, "anything"));
}

#[test]
fn ground_checks_support_against_the_paper_text() {
    let pages = [
        page(1, "Methods"),
        page(2, "In total, 123 patients were randomised to the two arms."),
    ];
    let g = ground(
        &pages,
        FieldType::Integer,
        &[],
        &json!(123),
        "123 patients were randomised",
        None,
    );
    assert!(g.grounded && g.supported);
    assert_eq!(g.support(), Some(Support::Supported));
    assert_eq!(g.located.map(|l| l.page), Some(2));
    // A near match that changes a digit is not grounded at all.
    let g = ground(
        &pages,
        FieldType::Integer,
        &[],
        &json!(124),
        "124 patients were randomised to the two",
        None,
    );
    assert!(!g.grounded && !g.supported && g.support().is_none());
    let g = ground(
        &pages,
        FieldType::Integer,
        &[],
        &json!(12),
        "123 patients were randomised",
        None,
    );
    assert!(g.grounded && !g.supported);
}

#[test]
fn locates_with_offsets_in_the_original_page() {
    let text = "## Results\n\nThe ﬁrst dose (≥ 12 µg) was well tolerated; **treat-\nment** effects were\u{a0}large (P < 0.001).";
    let pages = [page(3, "Intro text."), page(4, text)];
    let cases = [
        (
            "the first dose (≥ 12 µg) was well tolerated",
            1.0,
            "The ﬁrst dose (≥ 12 µg) was well tolerated",
        ),
        (
            "treatment effects were large",
            1.0,
            "treat-\nment** effects were\u{a0}large",
        ),
        (
            "effects were large (P<0.001)",
            SQUEEZED_SCORE,
            "effects were\u{a0}large (P < 0.001)",
        ),
    ];
    for (quote, score, original) in cases {
        let l = locate_quote(&pages, quote, None).unwrap();
        assert_eq!((l.page, l.score), (4, score), "{quote}");
        assert_eq!(&text[l.start..l.end], original);
    }
    let l = locate_quote(&pages, "The first dose ... was well tolerated", Some(4)).unwrap();
    assert_eq!(
        &text[l.start..l.end],
        "The ﬁrst dose (≥ 12 µg) was well tolerated"
    );
    let l = locate_quote(&pages, "The frst dose (≥ 12 µg) was wel tolerated", Some(4)).unwrap();
    assert!(l.score >= FUZZY_THRESHOLD && l.score < 1.0);
    assert_eq!(
        &text[l.start..l.end],
        "The ﬁrst dose (≥ 12 µg) was well tolerated"
    );
    assert_eq!(
        locate_quote(&pages, "The first dose (≥ 13 µg) was well tolerated", None),
        None
    );
    assert_eq!(locate_quote(&pages, "", None), None);
    assert_eq!(locate_quote(&[], "anything at all", None), None);
}

#[test]
fn short_quotes_must_be_unique_whole_words() {
    let pages = [
        page(1, "Placebo, 12 patients."),
        page(2, "Placebo and 123 patients; placebo."),
    ];
    assert_eq!(
        locate_quote(&pages, "12", None).map(|l| (l.page, l.start)),
        Some((1, 9))
    );
    assert_eq!(
        locate_quote(&pages, "placebo", Some(1)).map(|l| l.page),
        Some(1)
    );
    assert_eq!(
        locate_quote(&pages, "placebo", Some(2)),
        None,
        "twice on the hint page"
    );
    assert_eq!(
        locate_quote(&pages, "placebo", None),
        None,
        "three times in the paper"
    );
    assert_eq!(
        locate_quote(&pages, "lacebo", None),
        None,
        "not a whole word"
    );
}

#[test]
fn finds_quotes_over_a_page_break_and_prefers_the_hint_page() {
    let pages = [
        page(
            1,
            "Baseline characteristics were similar. All patients gave consent.",
        ),
        page(2, "Adverse events were rare and mild in both treat-"),
        page(3, "ment groups. All patients gave consent."),
    ];
    let l = locate_quote(&pages, "rare and mild in both treatment groups", None).unwrap();
    assert_eq!(
        (l.page, l.start, l.end, l.score),
        (2, 20, pages[1].text.len(), 1.0)
    );
    assert_eq!(
        locate_quote(&pages, "All patients gave consent", Some(3)).map(|l| l.page),
        Some(3)
    );
    assert_eq!(
        locate_quote(&pages, "All patients gave consent", None).map(|l| l.page),
        Some(1)
    );
}
