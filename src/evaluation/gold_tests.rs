//! Tests of reading a gold-standard CSV: one per kind of bad file (the exact
//! problem, and nothing produced), the typed reading of every field type, and
//! rows copied from the rct-dev corpus (`gold/numeric_results.csv`) read into
//! the outcome-results preset.

#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};
use uuid::Uuid;

use super::gold::parse_gold_csv;
use super::mapping::{GoldMapping, suggest_mapping};
use super::standard::{GoldDocument, GoldProblem, GoldStandard, ProblemKind};
use crate::forms::model::{ChoiceOption, FieldDef, FieldType, FormDefinition};
use crate::forms::presets::preset_form;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

/// Four rct-dev articles as a project's documents (DOIs and titles from its manifest).
fn documents() -> Vec<GoldDocument> {
    let doc = |n: u128, name: &str, doi: &str, title: &str| GoldDocument {
        id: id(n),
        file_name: name.to_owned(),
        doi: Some(doi.to_owned()),
        title: Some(title.to_owned()),
    };
    vec![
        doc(
            1,
            "PMC57750.pdf",
            "10.1186/cvm-2-4-187",
            "Disagreements between central clinical events committee and site investigator assessments \
             of myocardial infarction endpoints in an international clinical trial: review of the PURSUIT study",
        ),
        doc(
            2,
            "PMC1216327.pdf",
            "10.1186/1475-2891-4-23",
            "Controlled, double-blind, randomized clinical trial to evaluate the impact of fruit juice \
             consumption on the evolution of infants with acute diarrhea",
        ),
        doc(
            3,
            "PMC1863515.pdf",
            "10.1371/journal.pctr.0020011",
            "Zidovudine in pregnancy",
        ),
        doc(4, "PMC2667135.pdf", "10.1186/1471-2334-9-15", "CoPAT"),
    ]
}

fn mapping(document: &str, fields: &[(&str, &str)], ignored: &[&str]) -> GoldMapping {
    GoldMapping {
        document_column: Some(document.to_owned()),
        fields: fields
            .iter()
            .map(|(c, p)| ((*c).to_owned(), (*p).to_owned()))
            .collect(),
        ignored: ignored.iter().map(|s| (*s).to_owned()).collect(),
        identity: Vec::new(),
    }
}

fn problem(
    row: usize,
    column: Option<&str>,
    value: Option<&str>,
    kind: ProblemKind,
    reason: &str,
) -> GoldProblem {
    GoldProblem {
        row,
        column: column.map(str::to_owned),
        value: value.map(str::to_owned),
        kind,
        reason: reason.to_owned(),
    }
}

fn study() -> FormDefinition {
    preset_form("study_characteristics").unwrap()
}

fn study_mapping() -> GoldMapping {
    mapping(
        "document",
        &[
            ("design", "design"),
            ("total_randomised", "total_randomised"),
        ],
        &[],
    )
}

fn parse(
    csv: &str,
    form: &FormDefinition,
    mapping: &GoldMapping,
) -> Result<GoldStandard, Vec<GoldProblem>> {
    parse_gold_csv(csv.as_bytes(), form, &documents(), mapping)
}

fn value_at<'a>(gold: &'a GoldStandard, document: u128, path: &str) -> Option<&'a Value> {
    gold.values
        .iter()
        .find(|v| v.document_id == id(document) && v.field_path == path)
        .and_then(|v| v.value.as_ref())
}

#[test]
fn a_wide_file_matches_documents_by_name_doi_or_title() {
    let csv = "document,design,total_randomised\n\
               pmc57750,parallel RCT,\"1,234\"\n\
               https://doi.org/10.1186/1475-2891-4-23,Randomised controlled trial,NR\n\
               ZIDOVUDINE IN PREGNANCY,cluster-randomized,30\n\
               PMC2667135.PDF,,n/a\n";
    let gold = parse(csv, &study(), &study_mapping()).unwrap();
    assert_eq!(gold.documents, vec![id(1), id(2), id(3), id(4)]);
    assert_eq!(gold.fields, vec!["design", "total_randomised"]);
    assert_eq!(gold.values.len(), 8);
    assert_eq!(value_at(&gold, 1, "design"), Some(&json!("parallel RCT")));
    assert_eq!(value_at(&gold, 1, "total_randomised"), Some(&json!(1234)));
    // A synonym resolves to its option's value; "NR" and "n/a" are not reported.
    assert_eq!(value_at(&gold, 2, "design"), Some(&json!("parallel RCT")));
    assert_eq!(value_at(&gold, 2, "total_randomised"), None);
    assert_eq!(value_at(&gold, 3, "design"), Some(&json!("cluster RCT")));
    assert_eq!(value_at(&gold, 4, "design"), None);
    assert!(gold.values.iter().all(|v| v.entry_identity.is_none()));
}

/// A form with one field of every type, and a non-repeating sub-form.
fn typed_form() -> FormDefinition {
    let option = |value: &str, description: &str, synonyms: &[&str]| ChoiceOption {
        value: value.to_owned(),
        description: description.to_owned(),
        synonyms: synonyms.iter().map(|s| (*s).to_owned()).collect(),
    };
    let mut risk = FieldDef::new("risk", "Risk", FieldType::SingleChoice);
    risk.options = vec![
        option("low", "Low risk", &[]),
        option("high", "High risk", &["serious"]),
    ];
    let mut blinded = FieldDef::new("blinded", "Blinded", FieldType::MultipleChoice);
    blinded.options = vec![
        option("participants", "", &["patients"]),
        option("assessors", "Outcome assessors", &[]),
    ];
    let mut effect = FieldDef::new("effect", "Effect", FieldType::Subform);
    effect.fields = vec![FieldDef::new("value", "Value", FieldType::Number)];
    FormDefinition {
        name: "typed".into(),
        description: String::new(),
        fields: vec![
            FieldDef::new("mean", "Mean", FieldType::Number),
            FieldDef::new("n", "N", FieldType::Integer),
            FieldDef::new("funded", "Funded", FieldType::Boolean),
            FieldDef::new("start", "Start", FieldType::Date),
            risk,
            blinded,
            FieldDef::new("setting", "Setting", FieldType::Text),
            FieldDef::new("countries", "Countries", FieldType::TextList),
            effect,
        ],
    }
}

fn typed_mapping() -> GoldMapping {
    mapping(
        "file",
        &[
            ("mean", "mean"),
            ("n", "n"),
            ("funded", "funded"),
            ("start", "start"),
            ("risk", "risk"),
            ("blinded", "blinded"),
            ("setting", "setting"),
            ("countries", "countries"),
            ("effect", "effect.value"),
        ],
        &[],
    )
}

#[test]
fn every_field_type_reads_its_cells() {
    let csv = "file,mean,n,funded,start,risk,blinded,setting,countries,effect\n\
               PMC57750,\u{2212}3.5,12.0,Yes,2019-05,Serious,patients | Outcome assessors,  Primary care ,Kenya; Uganda;,\"1,234.5\"\n\
               PMC1216327,12,0,0,2020,LOW,NR,not reported,N/A,-0.25\n";
    let gold = parse(csv, &typed_form(), &typed_mapping()).unwrap();
    assert_eq!(value_at(&gold, 1, "mean"), Some(&json!(-3.5)));
    assert_eq!(value_at(&gold, 1, "n"), Some(&json!(12)));
    assert_eq!(value_at(&gold, 1, "funded"), Some(&json!(true)));
    assert_eq!(value_at(&gold, 1, "start"), Some(&json!("2019-05")));
    assert_eq!(value_at(&gold, 1, "risk"), Some(&json!("high")));
    assert_eq!(
        value_at(&gold, 1, "blinded"),
        Some(&json!(["participants", "assessors"]))
    );
    assert_eq!(value_at(&gold, 1, "setting"), Some(&json!("Primary care")));
    assert_eq!(
        value_at(&gold, 1, "countries"),
        Some(&json!(["Kenya", "Uganda"]))
    );
    assert_eq!(value_at(&gold, 1, "effect.value"), Some(&json!(1234.5)));
    assert_eq!(value_at(&gold, 2, "mean"), Some(&json!(12)));
    assert_eq!(value_at(&gold, 2, "n"), Some(&json!(0)));
    assert_eq!(value_at(&gold, 2, "funded"), Some(&json!(false)));
    assert_eq!(value_at(&gold, 2, "risk"), Some(&json!("low")));
    for empty in ["blinded", "setting", "countries"] {
        assert_eq!(value_at(&gold, 2, empty), None, "{empty}");
    }
}

#[test]
fn wrong_types_are_each_reported_with_the_expected_type() {
    let csv = "file,mean,n,funded,start,risk,blinded,setting,countries,effect\n\
               PMC57750,abc,12.5,maybe,2019-13,medium,patients; nurses,ok,ok,12 mg\n";
    let problems = parse(csv, &typed_form(), &typed_mapping()).unwrap_err();
    let wrong = |column: &str, value: &str, reason: &str| {
        problem(2, Some(column), Some(value), ProblemKind::WrongType, reason)
    };
    assert_eq!(
        problems,
        vec![
            wrong(
                "mean",
                "abc",
                "\"abc\" is not a number such as 12, 12.5, 1,234 or −3"
            ),
            wrong(
                "n",
                "12.5",
                "\"12.5\" is not a whole number such as 12 or 1,234"
            ),
            wrong(
                "funded",
                "maybe",
                "\"maybe\" is not yes or no (also true/false, 1/0)"
            ),
            wrong(
                "start",
                "2019-13",
                "\"2019-13\" is not a date as YYYY, YYYY-MM or YYYY-MM-DD"
            ),
            wrong(
                "risk",
                "medium",
                "\"medium\" is not one of the options \"low\", \"high\""
            ),
            wrong(
                "blinded",
                "patients; nurses",
                "\"nurses\" is not among the options \"participants\", \"assessors\""
            ),
            wrong(
                "effect",
                "12 mg",
                "\"12 mg\" is not a number such as 12, 12.5, 1,234 or −3"
            ),
        ]
    );
}

#[test]
fn an_unknown_document_is_reported_with_its_row_and_cell() {
    let csv = "document,design,total_randomised\nPMC57750,cohort,10\nPMC999,cohort,10\n";
    assert_eq!(
        parse(csv, &study(), &study_mapping()).unwrap_err(),
        vec![problem(
            3,
            Some("document"),
            Some("PMC999"),
            ProblemKind::UnknownDocument,
            "No document of this project has the file name, DOI or title \"PMC999\""
        )]
    );
}

#[test]
fn a_title_shared_by_two_documents_is_ambiguous() {
    let mut docs = documents();
    docs[3].title = docs[2].title.clone();
    let csv = "document,design,total_randomised\nZidovudine in pregnancy,cohort,10\n";
    assert_eq!(
        parse_gold_csv(csv.as_bytes(), &study(), &docs, &study_mapping()).unwrap_err(),
        vec![problem(
            2,
            Some("document"),
            Some("Zidovudine in pregnancy"),
            ProblemKind::AmbiguousDocument,
            "\"Zidovudine in pregnancy\" names 2 documents (PMC1863515.pdf, PMC2667135.pdf); use the file name"
        )]
    );
}

#[test]
fn an_unmapped_column_is_reported_unless_ignored() {
    let csv = "document,design,total_randomised,notes\nPMC57750,cohort,10,checked twice\n";
    assert_eq!(
        parse(csv, &study(), &study_mapping()).unwrap_err(),
        vec![problem(
            1,
            Some("notes"),
            None,
            ProblemKind::UnmappedColumn,
            "Column \"notes\" is not mapped; map it to a field or ignore it"
        )]
    );
    let mut ignoring = study_mapping();
    ignoring.ignored.push("notes".into());
    assert!(parse(csv, &study(), &ignoring).is_ok());
}

#[test]
fn two_columns_mapped_to_one_field_are_reported() {
    let csv = "document,design,n,N randomised\nPMC57750,cohort,10,10\n";
    let both = mapping(
        "document",
        &[
            ("design", "design"),
            ("n", "total_randomised"),
            ("N randomised", "total_randomised"),
        ],
        &[],
    );
    assert_eq!(
        parse(csv, &study(), &both).unwrap_err(),
        vec![problem(
            1,
            Some("N randomised"),
            None,
            ProblemKind::SameField,
            "Columns \"n\" and \"N randomised\" are both mapped to total_randomised"
        )]
    );
}

#[test]
fn a_mapping_to_a_path_the_form_does_not_have_is_reported() {
    let csv = "document,design,colour,events\nPMC57750,cohort,red,3\n";
    let wrong = mapping(
        "document",
        &[
            ("design", "design"),
            ("colour", "colour"),
            ("events", "design.events"),
        ],
        &[],
    );
    assert_eq!(
        parse(csv, &study(), &wrong).unwrap_err(),
        vec![
            problem(
                1,
                Some("colour"),
                None,
                ProblemKind::UnknownField,
                "Column \"colour\" is mapped to colour, but the form has no field \"colour\""
            ),
            problem(
                1,
                Some("events"),
                None,
                ProblemKind::UnknownField,
                "Column \"events\" is mapped to design.events, but \"design\" is not a sub-form"
            ),
        ]
    );
}

#[test]
fn a_mapping_naming_a_column_the_file_lacks_is_reported() {
    let csv = "document,design\nPMC57750,cohort\n";
    assert_eq!(
        parse(csv, &study(), &study_mapping()).unwrap_err(),
        vec![problem(
            1,
            Some("total_randomised"),
            None,
            ProblemKind::UnknownColumn,
            "The mapping names column \"total_randomised\", which the file does not have"
        )]
    );
}

#[test]
fn a_second_row_for_a_document_is_a_duplicate_in_a_wide_file() {
    // The same document by file name, then by DOI.
    let csv =
        "document,design,total_randomised\nPMC57750,cohort,10\n10.1186/CVM-2-4-187,cohort,10\n";
    assert_eq!(
        parse(csv, &study(), &study_mapping()).unwrap_err(),
        vec![problem(
            3,
            Some("document"),
            Some("10.1186/CVM-2-4-187"),
            ProblemKind::DuplicateRow,
            "Row 2 is already this document's row; give one row per document"
        )]
    );
}

#[test]
fn a_missing_document_column_is_reported() {
    let csv = "design,total_randomised\ncohort,10\n";
    let mut none = study_mapping();
    none.document_column = None;
    assert_eq!(
        parse(csv, &study(), &none).unwrap_err(),
        vec![problem(
            1,
            None,
            None,
            ProblemKind::MissingDocumentColumn,
            "Choose the column that names each row's document (file name, DOI or title)"
        )]
    );
    assert_eq!(
        parse(csv, &study(), &study_mapping()).unwrap_err(),
        vec![problem(
            1,
            Some("document"),
            None,
            ProblemKind::MissingDocumentColumn,
            "The document column \"document\" is not in the file"
        )]
    );
}

#[test]
fn duplicate_headers_ragged_rows_and_unreadable_bytes_are_reported() {
    let csv = "document,design,design\nPMC57750,cohort\n";
    let mut m = study_mapping();
    m.fields.remove("total_randomised");
    assert_eq!(
        parse(csv, &study(), &m).unwrap_err(),
        vec![
            problem(
                1,
                Some("design"),
                None,
                ProblemKind::DuplicateHeader,
                "Two columns are named \"design\"; rename one so the mapping can tell them apart"
            ),
            problem(
                1,
                Some("design"),
                None,
                ProblemKind::SameField,
                "Columns \"design\" and \"design\" are both mapped to design"
            ),
            problem(
                2,
                None,
                None,
                ProblemKind::RaggedRow,
                "The row has 2 cells but the header has 3 columns"
            ),
        ]
    );
    let bytes = b"document,design\nPMC57750,coh\xFFort\n";
    let problems = parse_gold_csv(bytes, &study(), &documents(), &m).unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_eq!(
        (problems[0].row, problems[0].kind),
        (2, ProblemKind::Unreadable)
    );
    assert_eq!(
        parse("", &study(), &m).unwrap_err(),
        vec![problem(
            1,
            None,
            None,
            ProblemKind::Unreadable,
            "The file is empty; it needs a header row naming its columns"
        )]
    );
}

#[test]
fn a_byte_order_mark_does_not_hide_the_first_column() {
    let csv = "\u{feff}document,design,total_randomised\nPMC57750,cohort,10\n";
    assert!(parse(csv, &study(), &study_mapping()).is_ok());
}

#[test]
fn every_problem_is_collected_not_just_the_first() {
    let csv = "document,design,total_randomised,notes\n\
               PMC999,cohort,ten,a\n\
               PMC57750,spaceship,10,b\n";
    let problems = parse(csv, &study(), &study_mapping()).unwrap_err();
    let kinds: Vec<(usize, ProblemKind)> = problems.iter().map(|p| (p.row, p.kind)).collect();
    assert_eq!(
        kinds,
        vec![
            (1, ProblemKind::UnmappedColumn),
            (2, ProblemKind::UnknownDocument),
            (2, ProblemKind::WrongType),
            (3, ProblemKind::WrongType),
        ]
    );
}

fn outcome_form() -> FormDefinition {
    preset_form("outcome_results").unwrap()
}

fn ico_mapping() -> GoldMapping {
    mapping(
        "study",
        &[
            ("intervention", "comparisons[].intervention"),
            ("comparator", "comparisons[].comparator"),
            ("outcome", "comparisons[].outcome"),
            ("events", "comparisons[].intervention_events"),
        ],
        &[],
    )
}

#[test]
fn a_repeated_entry_is_a_duplicate_in_a_long_file() {
    // Same identity after normalisation (case, spacing).
    let csv = "study,intervention,comparator,outcome,events\n\
               PMC57750,eptifibatide,placebo,Myocardial infarction,3\n\
               PMC57750,Eptifibatide ,placebo,myocardial  infarction,4\n";
    assert_eq!(
        parse(csv, &outcome_form(), &ico_mapping()).unwrap_err(),
        vec![problem(
            3,
            None,
            None,
            ProblemKind::DuplicateEntry,
            "Row 2 already has this entry (Eptifibatide / placebo / myocardial  infarction) of this document"
        )]
    );
}

#[test]
fn an_entry_needs_every_identifying_column_mapped_and_filled() {
    let csv = "study,intervention,outcome,events\nPMC57750,eptifibatide,,3\n";
    let mut m = ico_mapping();
    m.fields.remove("comparator");
    assert_eq!(
        parse(csv, &outcome_form(), &m).unwrap_err(),
        vec![
            problem(
                1,
                None,
                None,
                ProblemKind::MissingIdentity,
                "Entries of comparisons are identified by intervention, comparator, outcome, but no column is mapped to comparisons[].comparator"
            ),
            problem(
                2,
                Some("outcome"),
                None,
                ProblemKind::EmptyIdentity,
                "This cell identifies the entry and cannot be empty"
            ),
        ]
    );
    // A chosen identity replaces the default.
    m.identity = vec!["intervention".into()];
    let csv = "study,intervention,outcome,events\nPMC57750,eptifibatide,,3\n";
    assert!(parse(csv, &outcome_form(), &m).is_ok());
}

#[test]
fn one_file_holds_the_entries_of_one_repeating_sub_form() {
    let mut arms = FieldDef::new("arms", "Arms", FieldType::Subform);
    arms.repeating = true;
    arms.fields = vec![FieldDef::new("name", "Name", FieldType::Text)];
    let mut form = outcome_form();
    form.fields.push(arms);
    let csv = "study,intervention,comparator,outcome,events,arm\nPMC57750,a,b,c,1,x\n";
    let mut m = ico_mapping();
    m.fields.insert("arm".into(), "arms[].name".into());
    assert_eq!(
        parse(csv, &form, &m).unwrap_err(),
        vec![problem(
            1,
            Some("arm"),
            None,
            ProblemKind::MixedSubforms,
            "Column \"arm\" fills arms[] but column \"intervention\" fills comparisons[]; one file holds the entries of one repeating sub-form"
        )]
    );
}

#[test]
fn document_level_columns_of_a_long_file_must_agree() {
    let mut form = outcome_form();
    form.fields.insert(
        0,
        FieldDef::new("total_randomised", "Total", FieldType::Integer),
    );
    let mut m = ico_mapping();
    m.fields.insert("total".into(), "total_randomised".into());
    let agreeing = "study,total,intervention,comparator,outcome,events\n\
                    PMC57750,100,a,b,death,1\n\
                    PMC57750,,a,b,stroke,2\n\
                    PMC57750,100,a,b,bleeding,3\n";
    let gold = parse(agreeing, &form, &m).unwrap();
    assert_eq!(value_at(&gold, 1, "total_randomised"), Some(&json!(100)));
    assert_eq!(
        value_at(&gold, 1, "comparisons[2].intervention_events"),
        Some(&json!(3))
    );
    let differing = agreeing.replace("PMC57750,100,a,b,bleeding", "PMC57750,90,a,b,bleeding");
    assert_eq!(
        parse(&differing, &form, &m).unwrap_err(),
        vec![problem(
            4,
            Some("total"),
            Some("90"),
            ProblemKind::ConflictingValue,
            "Row 2 gives this document \"100\"; a document-level column must agree across the document's rows"
        )]
    );
}

#[test]
fn a_row_without_entry_cells_says_the_document_has_no_entries() {
    let csv = "study,intervention,comparator,outcome,events\nPMC57750,,,,\n";
    let gold = parse(csv, &outcome_form(), &ico_mapping()).unwrap();
    assert_eq!(gold.documents, vec![id(1)]);
    assert!(gold.values.is_empty());
}

/// Rows copied from `/work/shared/corpus/rct-dev/gold/numeric_results.csv`
/// (header and rows 2–4, 7–8 and 13: a binary prompt without numbers,
/// continuous outcomes with and without SDs, negative changes and a binary
/// outcome with counts).
const NUMERIC_RESULTS: &str = "\
pmcid,ei_prompt_id,yun_id,outcome,intervention,comparator,outcome_type,intervention_events,intervention_group_size,comparator_events,comparator_group_size,intervention_mean,intervention_sd,comparator_mean,comparator_sd,is_data_complete,is_relevant_data_in_table,is_data_in_figure_graphics,is_table_in_graphic_format,notes,yun_split
PMC57750,11248,1,Death or myocardial infarction,eptifibatide,placebo,binary,,,,,,,,,False,False,False,False,Group sizes are not given so the events cannot calculate using the percentages.,DEV
PMC1216327,11266,3,The mean body weight gain,White Grape Juice (WGJ),colored and flavored water (WA),continuous,,30,,30,50.6,,-0.7,,False,True,False,False,Missing standard deviations,DEV
PMC1216327,11267,4,The duration of the illness,White Grape Juice (WGJ),colored and flavored water (WA),continuous,,30,,30,47.5,38.9,26.5,27.4,True,True,False,False,,DEV
PMC1863515,11602,615,haemoglobin level between 26 and 35 wk,Zidovudine prophylaxis initiation,placebo,continuous,,754,,656,-0.4,,0,,False,True,True,True,\"given as estimated change and no std given, also in figure and graphic format\",TEST
PMC1863515,11602,616,leucocyte count between 26 and 35 wk,Zidovudine prophylaxis initiation,placebo,continuous,,754,,656,-423,,0,,False,True,True,True,\"given as estimated change and no std given, also in figure and graphic format\",TEST
PMC2667135,12633,13,proportion of patients completed therapy,some portion of therapy outside of the hospital (CoPAT),full course of therapy in the hospital setting,binary,93,103,44,97,,,,,True,True,False,False,,TEST
";

#[test]
fn rct_dev_numeric_results_read_as_outcome_results_entries() {
    let form = outcome_form();
    let headers: Vec<String> = NUMERIC_RESULTS
        .lines()
        .next()
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    let suggestions = suggest_mapping(&headers, &form);
    let mut m = GoldMapping::from_suggestions(&suggestions);
    // The columns eviStream's form has no field for: the source's ids, flags and notes.
    m.ignored = suggestions
        .iter()
        .filter(|s| s.target.is_none())
        .map(|s| s.column.clone())
        .collect();
    assert_eq!(
        m.ignored,
        vec![
            "ei_prompt_id",
            "yun_id",
            "is_data_complete",
            "is_relevant_data_in_table",
            "is_data_in_figure_graphics",
            "is_table_in_graphic_format",
            "notes",
            "yun_split"
        ]
    );
    assert_eq!(m.document_column.as_deref(), Some("pmcid"));
    let gold = parse(NUMERIC_RESULTS, &form, &m).unwrap();

    assert_eq!(gold.documents, vec![id(1), id(2), id(3), id(4)]);
    // 12 mapped columns × 6 entries.
    assert_eq!(gold.values.len(), 72);
    assert_eq!(gold.fields.len(), 12);
    assert_eq!(gold.fields[0], "comparisons[].intervention");

    let identity = |doc: u128, path: &str| {
        gold.values
            .iter()
            .find(|v| v.document_id == id(doc) && v.field_path == path)
            .and_then(|v| v.entry_identity.clone())
    };
    assert_eq!(
        identity(2, "comparisons[1].intervention_sd"),
        Some(vec![
            "White Grape Juice (WGJ)".to_owned(),
            "colored and flavored water (WA)".to_owned(),
            "The duration of the illness".to_owned()
        ])
    );
    // PMC57750: a binary outcome without numbers → every number not reported.
    assert_eq!(
        value_at(&gold, 1, "comparisons[0].outcome_type"),
        Some(&json!("binary"))
    );
    assert_eq!(
        value_at(&gold, 1, "comparisons[0].intervention_events"),
        None
    );
    assert_eq!(
        value_at(&gold, 1, "comparisons[0].intervention"),
        Some(&json!("eptifibatide"))
    );
    // PMC1216327: entries numbered per document in file order.
    assert_eq!(
        value_at(&gold, 2, "comparisons[0].intervention_mean"),
        Some(&json!(50.6))
    );
    assert_eq!(value_at(&gold, 2, "comparisons[0].intervention_sd"), None);
    assert_eq!(
        value_at(&gold, 2, "comparisons[0].comparator_mean"),
        Some(&json!(-0.7))
    );
    assert_eq!(
        value_at(&gold, 2, "comparisons[1].comparator_sd"),
        Some(&json!(27.4))
    );
    assert_eq!(
        value_at(&gold, 2, "comparisons[1].intervention_group_size"),
        Some(&json!(30))
    );
    // PMC1863515: negative changes and a zero.
    assert_eq!(
        value_at(&gold, 3, "comparisons[0].intervention_mean"),
        Some(&json!(-0.4))
    );
    assert_eq!(
        value_at(&gold, 3, "comparisons[1].intervention_mean"),
        Some(&json!(-423))
    );
    assert_eq!(
        value_at(&gold, 3, "comparisons[1].comparator_mean"),
        Some(&json!(0))
    );
    // PMC2667135: counts as whole numbers.
    assert_eq!(
        value_at(&gold, 4, "comparisons[0].intervention_events"),
        Some(&json!(93))
    );
    assert_eq!(
        value_at(&gold, 4, "comparisons[0].comparator_group_size"),
        Some(&json!(97))
    );
    // Nothing outside the mapped columns; no index beyond the document's entries.
    assert!(
        gold.values
            .iter()
            .all(|v| !v.field_path.contains("effect_estimate"))
    );
    assert!(value_at(&gold, 2, "comparisons[2].intervention_mean").is_none());
}
