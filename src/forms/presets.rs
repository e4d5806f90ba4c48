//! Ready-made forms for common extraction needs: study characteristics, PICO,
//! arms, outcome results (the columns a meta-analysis needs) and Cochrane RoB 2.
//!
//! A user starts a form from a preset and edits it freely. Labels,
//! descriptions and hints are written for two readers: the reviewer filling
//! or checking the form, and the extractor (an LLM or the offline extractor)
//! that must find the value in a paper. Option synonyms are the other ways
//! papers state an option, used by extractors and by grounding.

use super::model::{ChoiceOption, FieldDef, FieldType, FormDefinition};

/// A preset as listed in the "start from a preset" menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    pub id: &'static str,
    pub name: &'static str,
    pub summary: &'static str,
}

const PRESETS: [Preset; 5] = [
    Preset {
        id: "study_characteristics",
        name: "Study characteristics",
        summary: "Design, setting, countries, funding, trial registration and number randomised.",
    },
    Preset {
        id: "pico",
        name: "PICO",
        summary: "Population, intervention, comparator and outcomes of the study.",
    },
    Preset {
        id: "arms",
        name: "Study arms",
        summary: "One entry per arm: name, description, number randomised and analysed.",
    },
    Preset {
        id: "outcome_results",
        name: "Outcome results",
        summary: "One entry per intervention, comparator and outcome: events, means, SDs, \
                  group sizes, direction and effect estimate (ready for metafor's escalc).",
    },
    Preset {
        id: "rob2",
        name: "Risk of bias (RoB 2)",
        summary: "Cochrane RoB 2 for individually randomised parallel-group trials: signalling \
                  questions and judgements of the five domains, per result (robvis layout).",
    },
];

/// Every preset, in menu order.
pub fn presets() -> Vec<Preset> {
    PRESETS.to_vec()
}

/// The form of a preset, or `None` for an unknown id.
pub fn preset_form(id: &str) -> Option<FormDefinition> {
    match id {
        "study_characteristics" => Some(study_characteristics()),
        "pico" => Some(pico()),
        "arms" => Some(arms()),
        "outcome_results" => Some(outcome_results()),
        "rob2" => Some(rob2()),
        _ => None,
    }
}

fn form(id: &str, description: &str, fields: Vec<FieldDef>) -> FormDefinition {
    let name = PRESETS.iter().find(|p| p.id == id).map_or(id, |p| p.name);
    FormDefinition {
        name: name.to_owned(),
        description: description.to_owned(),
        fields,
    }
}

fn field(
    key: &str,
    label: &str,
    field_type: FieldType,
    description: &str,
    hints: &str,
) -> FieldDef {
    let mut f = FieldDef::new(key, label, field_type);
    f.description = description.to_owned();
    f.hints = hints.to_owned();
    f
}

fn with_unit(mut f: FieldDef, unit: &str) -> FieldDef {
    f.unit = unit.to_owned();
    f
}

fn with_example(mut f: FieldDef, example: &str) -> FieldDef {
    f.example = example.to_owned();
    f
}

fn required(mut f: FieldDef) -> FieldDef {
    f.required = true;
    f
}

/// (value, description, synonyms)
type OptionSpec<'a> = (&'a str, &'a str, &'a [&'a str]);

fn options(specs: &[OptionSpec<'_>]) -> Vec<ChoiceOption> {
    specs
        .iter()
        .map(|(value, description, synonyms)| ChoiceOption {
            value: (*value).to_owned(),
            description: (*description).to_owned(),
            synonyms: synonyms.iter().map(|s| (*s).to_owned()).collect(),
        })
        .collect()
}

fn single_choice(
    key: &str,
    label: &str,
    description: &str,
    hints: &str,
    specs: &[OptionSpec<'_>],
) -> FieldDef {
    let mut f = field(key, label, FieldType::SingleChoice, description, hints);
    f.options = options(specs);
    f
}

fn subform(
    key: &str,
    label: &str,
    description: &str,
    repeating: bool,
    fields: Vec<FieldDef>,
) -> FieldDef {
    let mut f = FieldDef::new(key, label, FieldType::Subform);
    f.description = description.to_owned();
    f.repeating = repeating;
    f.fields = fields;
    f
}

fn study_characteristics() -> FormDefinition {
    let design = single_choice(
        "design",
        "Study design",
        "How participants were allocated to the groups compared.",
        "Look in the title, abstract (\"Design:\") and the first paragraph of the methods.",
        &[
            (
                "parallel RCT",
                "Individually randomised trial with parallel groups",
                &[
                    "randomised controlled trial",
                    "randomized controlled trial",
                    "parallel-group",
                    "parallel group",
                ],
            ),
            (
                "cluster RCT",
                "Groups of people (clusters such as schools, practices, villages) were randomised",
                &[
                    "cluster randomised",
                    "cluster-randomized",
                    "cluster randomized",
                ],
            ),
            (
                "crossover RCT",
                "Each participant received the interventions in a randomised order",
                &["crossover", "cross-over", "randomised crossover"],
            ),
            (
                "non-randomised",
                "Controlled trial without random allocation",
                &[
                    "non-randomized",
                    "quasi-randomised",
                    "quasi-experimental",
                    "controlled before-after",
                ],
            ),
            (
                "cohort",
                "Observational cohort study",
                &[
                    "prospective cohort",
                    "retrospective cohort",
                    "longitudinal study",
                ],
            ),
            (
                "case-control",
                "Observational case-control study",
                &["case control", "case–control"],
            ),
            (
                "cross-sectional",
                "Observational cross-sectional study or survey",
                &["cross sectional", "survey"],
            ),
            (
                "other",
                "Any other design; say which in the evidence quote",
                &[],
            ),
        ],
    );
    let setting = field(
        "setting",
        "Setting",
        FieldType::Text,
        "Where the study took place: type of care (primary care, hospital, community, school…) and sites.",
        "Methods, usually \"Setting\" or \"Participants\"; keep the paper's wording.",
    );
    let countries = with_example(
        field(
            "countries",
            "Countries",
            FieldType::TextList,
            "Every country where participants were recruited, one per item.",
            "Methods or the affiliations of the sites; not the authors' affiliations unless the paper says the sites are there.",
        ),
        "Kenya, Uganda",
    );
    let funding = field(
        "funding",
        "Funding source",
        FieldType::Text,
        "Who funded the study, including industry funding or support in kind (e.g. drugs supplied).",
        "\"Funding\", \"Acknowledgements\" or \"Role of the funding source\", often at the end or on the first page.",
    );
    let registration = with_example(
        field(
            "trial_registration",
            "Trial registration",
            FieldType::Text,
            "The trial's registry identifier(s).",
            "NCT numbers (ClinicalTrials.gov, NCT followed by 8 digits), ISRCTN numbers (ISRCTN followed by 8 digits), \
             ACTRN, ChiCTR, CTRI, EudraCT or DRKS identifiers; usually at the end of the abstract or in the methods.",
        ),
        "NCT01234567",
    );
    let total = with_unit(
        field(
            "total_randomised",
            "Total randomised",
            FieldType::Integer,
            "Number of participants randomised (or allocated, in a non-randomised study) across all groups.",
            "The flow diagram (CONSORT), the first paragraph of the results or the abstract; not the number screened or analysed.",
        ),
        "participants",
    );
    form(
        "study_characteristics",
        "General characteristics of each study.",
        vec![design, setting, countries, funding, registration, total],
    )
}

fn pico() -> FormDefinition {
    form(
        "pico",
        "Population, intervention, comparator and outcomes, as the paper states them.",
        vec![
            field(
                "population",
                "Population",
                FieldType::Text,
                "Who took part: condition, age, sex and other eligibility criteria.",
                "Abstract (\"Participants\"), methods (\"Eligibility\", \"Inclusion criteria\").",
            ),
            field(
                "intervention",
                "Intervention",
                FieldType::Text,
                "What the experimental group received: drug, dose, schedule, duration or programme.",
                "Abstract and methods (\"Interventions\"); keep the paper's name for it.",
            ),
            field(
                "comparator",
                "Comparator",
                FieldType::Text,
                "What the control group received: placebo, usual care, no treatment or an active alternative.",
                "Abstract and methods (\"Interventions\", \"Control\").",
            ),
            field(
                "outcomes",
                "Outcomes",
                FieldType::TextList,
                "Every outcome measured, one per item; the primary outcome first.",
                "Methods (\"Outcomes\", \"Primary and secondary outcomes\") and the results tables.",
            ),
        ],
    )
}

fn arms() -> FormDefinition {
    let arm_fields = vec![
        required(field(
            "name",
            "Arm name",
            FieldType::Text,
            "The arm's name as the paper uses it; identifies the entry.",
            "Methods (\"Interventions\") and the column headings of the baseline table.",
        )),
        field(
            "description",
            "Description",
            FieldType::Text,
            "What this arm received: intervention, dose, frequency, duration.",
            "Methods (\"Interventions\").",
        ),
        with_unit(
            field(
                "n_randomised",
                "Number randomised",
                FieldType::Integer,
                "Participants randomised (allocated) to this arm.",
                "The CONSORT flow diagram (\"allocated to\", \"randomised to\") or the baseline table's column header (n = …).",
            ),
            "participants",
        ),
        with_unit(
            field(
                "n_analysed",
                "Number analysed",
                FieldType::Integer,
                "Participants of this arm included in the main analysis.",
                "The CONSORT flow diagram (\"analysed\") or the n of the main results table.",
            ),
            "participants",
        ),
    ];
    form(
        "arms",
        "The groups of each study.",
        vec![subform(
            "arms",
            "Study arms",
            "One entry per arm (group) of the study, including control arms.",
            true,
            arm_fields,
        )],
    )
}

fn outcome_results() -> FormDefinition {
    let text = |key: &str, label: &str, description: &str, hints: &str| {
        required(field(key, label, FieldType::Text, description, hints))
    };
    let count = |key: &str, label: &str, description: &str, unit: &str| {
        with_unit(
            field(
                key,
                label,
                FieldType::Integer,
                description,
                "Results tables first, then the text and the abstract; a percentage alone is not a count.",
            ),
            unit,
        )
    };
    let number = |key: &str, label: &str, description: &str| {
        field(
            key,
            label,
            FieldType::Number,
            description,
            "Results tables (\"mean (SD)\", \"mean ± SD\"); keep the outcome's own unit. \
             Give the value only if printed; a standard error or confidence interval is not an SD.",
        )
    };
    let effect_estimate = subform(
        "effect_estimate",
        "Effect estimate",
        "The effect of the intervention against the comparator on this outcome, as the paper reports it.",
        false,
        vec![
            single_choice(
                "measure",
                "Effect measure",
                "The measure of the reported effect estimate.",
                "Results text and tables, usually next to the confidence interval.",
                &[
                    (
                        "risk ratio",
                        "Risk ratio (relative risk)",
                        &["RR", "relative risk"],
                    ),
                    ("odds ratio", "Odds ratio", &["OR"]),
                    (
                        "risk difference",
                        "Risk difference (absolute risk reduction)",
                        &["RD", "ARR", "absolute risk reduction"],
                    ),
                    (
                        "mean difference",
                        "Mean difference",
                        &["MD", "difference in means", "WMD"],
                    ),
                    (
                        "standardised mean difference",
                        "Standardised mean difference",
                        &["SMD", "Cohen's d", "Hedges' g"],
                    ),
                    ("hazard ratio", "Hazard ratio", &["HR"]),
                    ("other", "Any other measure", &[]),
                ],
            ),
            number_plain("value", "Estimate", "The point estimate."),
            number_plain(
                "ci_lower",
                "Lower confidence limit",
                "Lower limit of the confidence interval (usually 95 %).",
            ),
            number_plain(
                "ci_upper",
                "Upper confidence limit",
                "Upper limit of the confidence interval (usually 95 %).",
            ),
            with_example(
                field(
                    "p_value",
                    "P value",
                    FieldType::Text,
                    "The p value of the comparison, as printed (papers write \"<0.001\" or \"NS\").",
                    "Results text and tables; copy the printed value including < or =.",
                ),
                "<0.001",
            ),
        ],
    );
    let comparison_fields = vec![
        text(
            "intervention",
            "Intervention",
            "The intervention compared, as the paper names it. Identifies the entry together with comparator and outcome.",
            "Methods (\"Interventions\") and results table headings.",
        ),
        text(
            "comparator",
            "Comparator",
            "What the intervention is compared against (placebo, usual care, another intervention). \
             Identifies the entry together with intervention and outcome.",
            "Methods (\"Interventions\") and results table headings.",
        ),
        text(
            "outcome",
            "Outcome",
            "The outcome measured, with its time point if the paper gives several. \
             Identifies the entry together with intervention and comparator.",
            "Results tables and the methods (\"Outcomes\").",
        ),
        single_choice(
            "outcome_type",
            "Outcome type",
            "Binary outcomes are counted as events in a group; continuous outcomes are summarised by a mean and SD.",
            "Decide from how the result is reported: n (%) is binary, mean (SD) is continuous.",
            &[
                (
                    "binary",
                    "Events out of a group size",
                    &["dichotomous", "categorical"],
                ),
                (
                    "continuous",
                    "Mean and standard deviation",
                    &["numeric", "scale"],
                ),
            ],
        ),
        single_choice(
            "direction_of_effect",
            "Direction of effect",
            "What the paper concludes about the intervention's effect on the outcome relative to the comparator, \
             judged by statistical significance.",
            "Results and abstract: look for p values, confidence intervals and words such as \"significantly\".",
            &[
                (
                    "significantly increased",
                    "The outcome was significantly higher with the intervention",
                    &[
                        "significantly increase",
                        "significantly higher",
                        "significantly greater",
                        "significant increase",
                    ],
                ),
                (
                    "significantly decreased",
                    "The outcome was significantly lower with the intervention",
                    &[
                        "significantly decrease",
                        "significantly lower",
                        "significantly reduced",
                        "significant reduction",
                    ],
                ),
                (
                    "no significant difference",
                    "No statistically significant difference between groups",
                    &[
                        "not significant",
                        "no difference",
                        "similar",
                        "NS",
                        "did not differ",
                    ],
                ),
            ],
        ),
        count(
            "intervention_events",
            "Intervention events",
            "Binary outcomes: participants with the event in the intervention group.",
            "participants",
        ),
        count(
            "intervention_group_size",
            "Intervention group size",
            "Participants in the intervention group for this outcome (the denominator, or the n of the mean).",
            "participants",
        ),
        count(
            "comparator_events",
            "Comparator events",
            "Binary outcomes: participants with the event in the comparator group.",
            "participants",
        ),
        count(
            "comparator_group_size",
            "Comparator group size",
            "Participants in the comparator group for this outcome (the denominator, or the n of the mean).",
            "participants",
        ),
        number(
            "intervention_mean",
            "Intervention mean",
            "Continuous outcomes: mean in the intervention group.",
        ),
        number(
            "intervention_sd",
            "Intervention SD",
            "Continuous outcomes: standard deviation in the intervention group.",
        ),
        number(
            "comparator_mean",
            "Comparator mean",
            "Continuous outcomes: mean in the comparator group.",
        ),
        number(
            "comparator_sd",
            "Comparator SD",
            "Continuous outcomes: standard deviation in the comparator group.",
        ),
        effect_estimate,
    ];
    form(
        "outcome_results",
        "Outcome data per comparison, in the columns meta-analysis software needs.",
        vec![subform(
            "comparisons",
            "Comparisons",
            "One entry per intervention × comparator × outcome reported in the paper.",
            true,
            comparison_fields,
        )],
    )
}

fn number_plain(key: &str, label: &str, description: &str) -> FieldDef {
    field(
        key,
        label,
        FieldType::Number,
        description,
        "Results text and tables, e.g. \"RR 0.82 (95% CI 0.70 to 0.96)\".",
    )
}

/// RoB 2 answers to a signalling question; `conditional` questions (asked
/// only after certain answers to earlier ones) may also be "not applicable".
fn rob2_answers(conditional: bool) -> Vec<ChoiceOption> {
    let mut specs: Vec<OptionSpec<'static>> = vec![
        ("Y", "Yes", &["yes"]),
        ("PY", "Probably yes", &["probably yes"]),
        ("PN", "Probably no", &["probably no"]),
        ("N", "No", &["no"]),
        (
            "NI",
            "No information",
            &["no information", "not reported", "unclear"],
        ),
    ];
    if conditional {
        specs.push(("NA", "Not applicable", &["not applicable"]));
    }
    options(&specs)
}

fn rob2_question(key: &str, number: &str, question: &str, condition: Option<&str>) -> FieldDef {
    let label = format!("{number} {question}");
    let description = match condition {
        Some(condition) => {
            format!("RoB 2 signalling question {number}, answered only {condition}; otherwise NA.")
        }
        None => format!("RoB 2 signalling question {number}."),
    };
    let mut f = field(
        key,
        &label,
        FieldType::SingleChoice,
        &description,
        "Methods (randomisation, allocation, blinding, outcome measurement, statistical analysis), \
         the CONSORT flow diagram, the trial registration and protocol. Answer NI when the paper says nothing.",
    );
    f.options = rob2_answers(condition.is_some());
    f
}

fn rob2_judgement(key: &str, label: &str, description: &str) -> FieldDef {
    let mut f = field(
        key,
        label,
        FieldType::SingleChoice,
        description,
        "Follow the RoB 2 algorithm from the answers to the domain's signalling questions.",
    );
    f.options = options(&[
        ("Low", "Low risk of bias", &["low risk"]),
        (
            "Some concerns",
            "Some concerns",
            &["unclear risk", "moderate"],
        ),
        ("High", "High risk of bias", &["high risk"]),
    ]);
    f
}

fn rob2() -> FormDefinition {
    let q = rob2_question;
    let result_fields = vec![
        required(field(
            "result",
            "Result assessed",
            FieldType::Text,
            "The outcome and numerical result assessed (outcome, time point, effect measure); identifies the entry.",
            "Results section and tables; name it as the paper does.",
        )),
        q("q1_1", "1.1", "Was the allocation sequence random?", None),
        q(
            "q1_2",
            "1.2",
            "Was the allocation sequence concealed until participants were enrolled and assigned to interventions?",
            None,
        ),
        q(
            "q1_3",
            "1.3",
            "Did baseline differences between intervention groups suggest a problem with the randomization process?",
            None,
        ),
        rob2_judgement(
            "d1",
            "Domain 1: risk of bias arising from the randomization process",
            "D1 judgement.",
        ),
        q(
            "q2_1",
            "2.1",
            "Were participants aware of their assigned intervention during the trial?",
            None,
        ),
        q(
            "q2_2",
            "2.2",
            "Were carers and people delivering the interventions aware of participants' assigned intervention during the trial?",
            None,
        ),
        q(
            "q2_3",
            "2.3",
            "Were there deviations from the intended intervention that arose because of the trial context?",
            Some("if Y, PY or NI to 2.1 or 2.2"),
        ),
        q(
            "q2_4",
            "2.4",
            "Were these deviations likely to have affected the outcome?",
            Some("if Y or PY to 2.3"),
        ),
        q(
            "q2_5",
            "2.5",
            "Were these deviations from intended intervention balanced between groups?",
            Some("if Y, PY or NI to 2.4"),
        ),
        q(
            "q2_6",
            "2.6",
            "Was an appropriate analysis used to estimate the effect of assignment to intervention?",
            None,
        ),
        q(
            "q2_7",
            "2.7",
            "Was there potential for a substantial impact (on the result) of the failure to analyse participants \
             in the group to which they were randomized?",
            Some("if N, PN or NI to 2.6"),
        ),
        rob2_judgement(
            "d2",
            "Domain 2: risk of bias due to deviations from the intended interventions",
            "D2 judgement (effect of assignment to intervention).",
        ),
        q(
            "q3_1",
            "3.1",
            "Were data for this outcome available for all, or nearly all, participants randomized?",
            None,
        ),
        q(
            "q3_2",
            "3.2",
            "Is there evidence that the result was not biased by missing outcome data?",
            Some("if N, PN or NI to 3.1"),
        ),
        q(
            "q3_3",
            "3.3",
            "Could missingness in the outcome depend on its true value?",
            Some("if N or PN to 3.2"),
        ),
        q(
            "q3_4",
            "3.4",
            "Is it likely that missingness in the outcome depended on its true value?",
            Some("if Y, PY or NI to 3.3"),
        ),
        rob2_judgement(
            "d3",
            "Domain 3: risk of bias due to missing outcome data",
            "D3 judgement.",
        ),
        q(
            "q4_1",
            "4.1",
            "Was the method of measuring the outcome inappropriate?",
            None,
        ),
        q(
            "q4_2",
            "4.2",
            "Could measurement or ascertainment of the outcome have differed between intervention groups?",
            None,
        ),
        q(
            "q4_3",
            "4.3",
            "Were outcome assessors aware of the intervention received by study participants?",
            Some("if N, PN or NI to 4.1 and 4.2"),
        ),
        q(
            "q4_4",
            "4.4",
            "Could assessment of the outcome have been influenced by knowledge of intervention received?",
            Some("if Y, PY or NI to 4.3"),
        ),
        q(
            "q4_5",
            "4.5",
            "Is it likely that assessment of the outcome was influenced by knowledge of intervention received?",
            Some("if Y, PY or NI to 4.4"),
        ),
        rob2_judgement(
            "d4",
            "Domain 4: risk of bias in measurement of the outcome",
            "D4 judgement.",
        ),
        q(
            "q5_1",
            "5.1",
            "Were the data that produced this result analysed in accordance with a pre-specified analysis plan \
             that was finalized before unblinded outcome data were available for analysis?",
            None,
        ),
        q(
            "q5_2",
            "5.2",
            "Is the numerical result being assessed likely to have been selected, on the basis of the results, \
             from multiple eligible outcome measurements (e.g. scales, definitions, time points) within the outcome domain?",
            None,
        ),
        q(
            "q5_3",
            "5.3",
            "Is the numerical result being assessed likely to have been selected, on the basis of the results, \
             from multiple eligible analyses of the data?",
            None,
        ),
        rob2_judgement(
            "d5",
            "Domain 5: risk of bias in selection of the reported result",
            "D5 judgement.",
        ),
        rob2_judgement(
            "overall",
            "Overall risk of bias",
            "Low if all domains are low; High if any domain is high, or several domains have some concerns \
             that together lower confidence substantially; otherwise Some concerns.",
        ),
    ];
    form(
        "rob2",
        "Cochrane RoB 2 (version of 22 August 2019) for individually randomised, parallel-group trials, \
         effect of assignment to intervention. Judgement keys d1 to d5 and overall match robvis's D1 to D5 and Overall.",
        vec![subform(
            "results",
            "Results assessed",
            "One entry per result assessed for risk of bias (usually one per outcome).",
            true,
            result_fields,
        )],
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::forms::validate::validate;

    fn child<'a>(fields: &'a [FieldDef], key: &str) -> &'a FieldDef {
        fields.iter().find(|f| f.key == key).unwrap()
    }

    #[test]
    fn every_preset_validates_clean_and_ids_match() {
        let list = presets();
        assert_eq!(list.len(), 5);
        for preset in &list {
            let form = preset_form(preset.id).unwrap();
            assert_eq!(validate(&form), vec![], "{}", preset.id);
            assert_eq!(form.name, preset.name);
            assert!(!preset.summary.is_empty());
        }
        assert_eq!(preset_form("nope"), None);
    }

    /// The data columns of `gold/numeric_results.csv` (the other columns are
    /// annotation bookkeeping: ids, data-quality flags, notes, split).
    const NUMERIC_RESULTS_COLUMNS: [&str; 12] = [
        "outcome",
        "intervention",
        "comparator",
        "outcome_type",
        "intervention_events",
        "intervention_group_size",
        "comparator_events",
        "comparator_group_size",
        "intervention_mean",
        "intervention_sd",
        "comparator_mean",
        "comparator_sd",
    ];
    const NUMERIC_RESULTS_BOOKKEEPING: [&str; 9] = [
        "pmcid",
        "ei_prompt_id",
        "yun_id",
        "is_data_complete",
        "is_relevant_data_in_table",
        "is_data_in_figure_graphics",
        "is_table_in_graphic_format",
        "notes",
        "yun_split",
    ];

    #[test]
    fn outcome_results_holds_every_gold_column() {
        let form = preset_form("outcome_results").unwrap();
        let comparisons = child(&form.fields, "comparisons");
        assert!(comparisons.repeating);
        for column in NUMERIC_RESULTS_COLUMNS {
            let f = child(&comparisons.fields, column);
            let expected = match column {
                "outcome" | "intervention" | "comparator" => FieldType::Text,
                "outcome_type" => FieldType::SingleChoice,
                c if c.ends_with("_events") || c.ends_with("_size") => FieldType::Integer,
                _ => FieldType::Number,
            };
            assert_eq!(f.field_type, expected, "{column}");
        }
        let outcome_type = child(&comparisons.fields, "outcome_type");
        let values: Vec<&str> = outcome_type
            .options
            .iter()
            .map(|o| o.value.as_str())
            .collect();
        assert_eq!(values, ["binary", "continuous"]);
        // The identifying fields say so, for extractors and for seeding entries.
        for key in ["intervention", "comparator", "outcome"] {
            assert!(
                child(&comparisons.fields, key)
                    .description
                    .contains("Identifies the entry")
            );
        }
        let estimate = child(&comparisons.fields, "effect_estimate");
        assert!(!estimate.repeating);
        let keys: Vec<&str> = estimate.fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(
            keys,
            ["measure", "value", "ci_lower", "ci_upper", "p_value"]
        );

        // When the corpus is beside the code, its header must be exactly the
        // columns above, so a new gold column is not silently left out.
        let candidates = [
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../shared/corpus/rct-dev/gold/numeric_results.csv"
            ),
            "/work/shared/corpus/rct-dev/gold/numeric_results.csv",
        ];
        if let Some(text) = candidates
            .iter()
            .find_map(|p| std::fs::read_to_string(p).ok())
        {
            let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
            for column in header {
                assert!(
                    NUMERIC_RESULTS_COLUMNS.contains(&column)
                        || NUMERIC_RESULTS_BOOKKEEPING.contains(&column),
                    "new gold column {column}"
                );
            }
        }
    }

    #[test]
    fn outcome_results_matches_the_ico_gold_labels() {
        let form = preset_form("outcome_results").unwrap();
        let direction = child(
            &child(&form.fields, "comparisons").fields,
            "direction_of_effect",
        );
        let values: Vec<&str> = direction.options.iter().map(|o| o.value.as_str()).collect();
        assert_eq!(
            values,
            [
                "significantly increased",
                "significantly decreased",
                "no significant difference"
            ]
        );
        // The gold file has one misspelt label; it must map to an option.
        assert!(
            direction.options[0]
                .synonyms
                .iter()
                .any(|s| s == "significantly increase")
        );
    }

    #[test]
    fn rob2_has_every_signalling_question_and_robvis_judgements() {
        let form = preset_form("rob2").unwrap();
        let results = child(&form.fields, "results");
        assert!(results.repeating);
        let counts = [3, 7, 4, 5, 3];
        for (domain, count) in counts.iter().enumerate() {
            for q in 1..=*count {
                let key = format!("q{}_{q}", domain + 1);
                let f = child(&results.fields, &key);
                assert!(
                    f.label.starts_with(&format!("{}.{q} ", domain + 1)),
                    "{}",
                    f.label
                );
                let values: Vec<&str> = f.options.iter().map(|o| o.value.as_str()).collect();
                assert_eq!(&values[..5], ["Y", "PY", "PN", "N", "NI"]);
            }
        }
        let conditional: Vec<&str> = results
            .fields
            .iter()
            .filter(|f| f.options.iter().any(|o| o.value == "NA"))
            .map(|f| f.key.as_str())
            .collect();
        assert_eq!(
            conditional,
            [
                "q2_3", "q2_4", "q2_5", "q2_7", "q3_2", "q3_3", "q3_4", "q4_3", "q4_4", "q4_5"
            ]
        );
        for key in ["d1", "d2", "d3", "d4", "d5", "overall"] {
            let values: Vec<String> = child(&results.fields, key)
                .options
                .iter()
                .map(|o| o.value.clone())
                .collect();
            assert_eq!(values, ["Low", "Some concerns", "High"]);
        }
    }
}
