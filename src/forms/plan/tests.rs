use serde_json::{Map, json};

use super::answer_values::is_partial_date;
use super::schema::option_values;
use super::*;
use crate::extraction::answer::{AnswerNode, Evidence};
use crate::forms::model::ChoiceOption;
use crate::forms::presets::{preset_form, presets};

fn option(value: &str) -> ChoiceOption {
    ChoiceOption {
        value: value.to_owned(),
        description: String::new(),
        synonyms: Vec::new(),
    }
}

fn subform(key: &str, repeating: bool, fields: Vec<FieldDef>) -> FieldDef {
    let mut f = FieldDef::new(key, key, FieldType::Subform);
    f.repeating = repeating;
    f.fields = fields;
    f
}

fn choice(key: &str, field_type: FieldType) -> FieldDef {
    let mut f = FieldDef::new(key, key, field_type);
    f.options = vec![option("A"), option("B")];
    f
}

/// One field of every scalar type, a repeating sub-form holding a
/// repeating sub-form holding a non-repeating one (two levels below the
/// top), and a top-level non-repeating sub-form.
fn every_shape() -> FormDefinition {
    let mut dose = FieldDef::new("x", "Dose", FieldType::Number);
    dose.unit = "mg".to_owned();
    FormDefinition {
        name: "Every shape".to_owned(),
        description: String::new(),
        fields: vec![
            FieldDef::new("t", "Text", FieldType::Text),
            dose,
            FieldDef::new("n", "Count", FieldType::Integer),
            FieldDef::new("b", "Flag", FieldType::Boolean),
            FieldDef::new("d", "Date", FieldType::Date),
            choice("sc", FieldType::SingleChoice),
            choice("mc", FieldType::MultipleChoice),
            FieldDef::new("tl", "List", FieldType::TextList),
            subform(
                "arms",
                true,
                vec![
                    FieldDef::new("name", "Name", FieldType::Text),
                    subform(
                        "doses",
                        true,
                        vec![
                            FieldDef::new("amount", "Amount", FieldType::Number),
                            subform(
                                "timing",
                                false,
                                vec![FieldDef::new("day", "Day", FieldType::Integer)],
                            ),
                        ],
                    ),
                ],
            ),
            subform("site", false, vec![choice("kind", FieldType::SingleChoice)]),
        ],
    }
}

fn whole_form_step(form: &FormDefinition) -> PlanStep {
    PlanStep {
        key: "step_1".to_owned(),
        title: "All".to_owned(),
        instructions: "Extract.".to_owned(),
        field_keys: form.fields.iter().map(|f| f.key.clone()).collect(),
        depends_on: Vec::new(),
    }
}

fn good_value(field: &FieldDef) -> Value {
    match field.field_type {
        FieldType::Text => json!("abc"),
        FieldType::Number => json!(1.5),
        FieldType::Integer => json!(3),
        FieldType::Boolean => json!(true),
        FieldType::Date => json!("2020-01"),
        FieldType::SingleChoice => json!(field.options[0].value),
        FieldType::MultipleChoice => Value::Array(option_values(field)),
        FieldType::TextList => json!(["x", "y"]),
        FieldType::Subform => Value::Null,
    }
}

fn good_answer(fields: &[FieldDef]) -> Value {
    let mut object = Map::new();
    for field in fields {
        let node = match (field.field_type, field.repeating) {
            (FieldType::Subform, true) => {
                json!([good_answer(&field.fields), good_answer(&field.fields)])
            }
            (FieldType::Subform, false) => good_answer(&field.fields),
            _ => json!({
                "value": good_value(field),
                "not_reported": false,
                "evidence": {"quote": "as printed", "page": 2},
                // Exact in f32, so the parsed answer serialises back unchanged.
                "confidence": 0.75
            }),
        };
        object.insert(field.key.clone(), node);
    }
    Value::Object(object)
}

/// JSON pointers of every field answer in `good_answer(fields)`.
fn answer_pointers(fields: &[FieldDef], prefix: &str, out: &mut Vec<(String, FieldDef)>) {
    for field in fields {
        let here = format!("{prefix}/{}", field.key);
        match (field.field_type, field.repeating) {
            (FieldType::Subform, true) => {
                for i in 0..2 {
                    answer_pointers(&field.fields, &format!("{here}/{i}"), out);
                }
            }
            (FieldType::Subform, false) => answer_pointers(&field.fields, &here, out),
            _ => out.push((here, field.clone())),
        }
    }
}

fn wrong_type(field: &FieldDef) -> Value {
    match field.field_type {
        FieldType::Text | FieldType::Date => json!(5),
        FieldType::Number => json!("1.5"),
        FieldType::Integer => json!(2.5),
        FieldType::Boolean => json!("yes"),
        FieldType::SingleChoice => json!(1),
        FieldType::MultipleChoice | FieldType::TextList => json!("A"),
        FieldType::Subform => json!(1),
    }
}

/// Every malformed variant of the good answer, with what was broken.
fn malformed(form: &FormDefinition) -> Vec<(String, Value)> {
    let good = good_answer(&form.fields);
    let mut pointers = Vec::new();
    answer_pointers(&form.fields, "", &mut pointers);
    let mut broken = Vec::new();
    let mut variant = |label: String, change: &dyn Fn(&mut Value)| {
        let mut answer = good.clone();
        change(&mut answer);
        broken.push((label, answer));
    };
    for (pointer, field) in &pointers {
        let wrong = wrong_type(field);
        variant(format!("wrong type at {pointer}"), &|a| {
            *a.pointer_mut(&format!("{pointer}/value")).unwrap() = wrong.clone();
        });
        variant(format!("no evidence at {pointer}"), &|a| {
            a.pointer_mut(pointer)
                .unwrap()
                .as_object_mut()
                .unwrap()
                .remove("evidence");
        });
        variant(format!("extra property at {pointer}"), &|a| {
            a.pointer_mut(pointer)
                .unwrap()
                .as_object_mut()
                .unwrap()
                .insert("note".to_owned(), json!("x"));
        });
        variant(format!("extra evidence property at {pointer}"), &|a| {
            a.pointer_mut(&format!("{pointer}/evidence"))
                .unwrap()
                .as_object_mut()
                .unwrap()
                .insert("line".to_owned(), json!(3));
        });
        variant(format!("page as text at {pointer}"), &|a| {
            *a.pointer_mut(&format!("{pointer}/evidence/page")).unwrap() = json!("2");
        });
        if field.field_type == FieldType::SingleChoice {
            variant(format!("unknown option at {pointer}"), &|a| {
                *a.pointer_mut(&format!("{pointer}/value")).unwrap() = json!("C");
            });
        }
        if field.field_type == FieldType::MultipleChoice {
            variant(format!("unknown option at {pointer}"), &|a| {
                *a.pointer_mut(&format!("{pointer}/value")).unwrap() = json!(["A", "C"]);
            });
        }
    }
    for pointer in [
        "",
        "/arms/1",
        "/arms/0/doses/1",
        "/arms/0/doses/0/timing",
        "/site",
    ] {
        if good.pointer(pointer).is_some() {
            variant(format!("extra field at {pointer:?}"), &|a| {
                a.pointer_mut(pointer)
                    .unwrap()
                    .as_object_mut()
                    .unwrap()
                    .insert("extra".to_owned(), json!(1));
            });
        }
    }
    for (pointer, replacement) in [
        ("/arms", json!({})),
        ("/site", json!([])),
        ("/arms/0/doses/0/timing", json!(null)),
    ] {
        if good.pointer(pointer).is_some() {
            variant(format!("wrong shape at {pointer}"), &|a| {
                *a.pointer_mut(pointer).unwrap() = replacement.clone();
            });
        }
    }
    if let Some(first) = form.fields.first() {
        let key = first.key.clone();
        variant(format!("missing field {key}"), &|a| {
            a.as_object_mut().unwrap().remove(&key);
        });
    }
    broken
}

#[test]
fn schemas_accept_good_answers_and_reject_malformed_ones() {
    let form = every_shape();
    let step = whole_form_step(&form);
    let schema = step_schema(&form, &step);
    assert_eq!(check_strict_subset(&schema), Vec::<String>::new());
    let validator = jsonschema::validator_for(&schema).unwrap();

    let good = good_answer(&form.fields);
    assert!(
        validator.is_valid(&good),
        "{:?}",
        validator
            .iter_errors(&good)
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    );
    let parsed = parse_step_answer(&form, &step, &good).unwrap();
    assert_eq!(parsed.len(), form.fields.len());

    // Not reported, for every field answer at once.
    let mut silent = good.clone();
    let mut pointers = Vec::new();
    answer_pointers(&form.fields, "", &mut pointers);
    for (pointer, _) in &pointers {
        *silent.pointer_mut(pointer).unwrap() =
            json!({"value": null, "not_reported": true, "evidence": null, "confidence": 0.7});
    }
    assert!(validator.is_valid(&silent));
    assert!(parse_step_answer(&form, &step, &silent).is_ok());

    let broken = malformed(&form);
    assert!(broken.len() > 100, "{}", broken.len());
    for (label, answer) in broken {
        assert!(!validator.is_valid(&answer), "the schema accepted: {label}");
        assert!(
            parse_step_answer(&form, &step, &answer).is_err(),
            "the parser accepted: {label}"
        );
    }
}

#[test]
fn preset_schemas_accept_good_answers_and_reject_malformed_ones() {
    for preset in presets() {
        let form = preset_form(preset.id).unwrap();
        let plan = deterministic_plan(&form);
        for step in &plan.steps {
            let fields: Vec<FieldDef> = step_fields(&form, step).into_iter().cloned().collect();
            let step_form = FormDefinition {
                fields,
                ..form.clone()
            };
            let schema = step_schema(&form, step);
            let validator = jsonschema::validator_for(&schema).unwrap();
            let good = good_answer(&step_form.fields);
            assert!(validator.is_valid(&good), "{} {}", preset.id, step.key);
            assert!(
                parse_step_answer(&form, step, &good).is_ok(),
                "{} {}",
                preset.id,
                step.key
            );
            for (label, answer) in malformed(&step_form) {
                assert!(
                    !validator.is_valid(&answer),
                    "{} {}: {label}",
                    preset.id,
                    step.key
                );
                assert!(
                    parse_step_answer(&form, step, &answer).is_err(),
                    "{} {}: {label}",
                    preset.id,
                    step.key
                );
            }
        }
    }
}

#[test]
fn schema_shapes() {
    let form = every_shape();
    let schema = step_schema(&form, &whole_form_step(&form));
    let properties = &schema["properties"];
    assert_eq!(
        properties["sc"]["properties"]["value"],
        json!({"type": ["string", "null"], "enum": ["A", "B", null]})
    );
    assert_eq!(
        properties["mc"]["properties"]["value"],
        json!({"type": ["array", "null"], "items": {"type": "string", "enum": ["A", "B"]}})
    );
    assert_eq!(
        properties["n"]["properties"]["value"],
        json!({"type": ["integer", "null"]})
    );
    assert_eq!(properties["x"]["description"], json!("Dose. Unit: mg."));
    assert_eq!(properties["arms"]["type"], json!("array"));
    assert_eq!(
        properties["arms"]["items"]["properties"]["doses"]["items"]["properties"]["timing"]["type"],
        json!("object")
    );
    assert_eq!(properties["site"]["type"], json!("object"));
    assert_eq!(
        schema["required"].as_array().unwrap().len(),
        form.fields.len()
    );
}

#[test]
fn parser_checks_what_the_schema_cannot() {
    let form = every_shape();
    let step = whole_form_step(&form);
    let good = good_answer(&form.fields);
    let problems_after = |pointer: &str, replacement: Value| {
        let mut answer = good.clone();
        *answer.pointer_mut(pointer).unwrap() = replacement;
        parse_step_answer(&form, &step, &answer).unwrap_err()
    };
    assert_eq!(
        problems_after("/n/value", json!(null)),
        ["n.value: is null but not_reported is false; give the value, or set not_reported to true"]
    );
    assert_eq!(
        problems_after("/t/not_reported", json!(true)),
        [
            "t.value: must be null when not_reported is true",
            "t.evidence: must be null when not_reported is true"
        ]
    );
    assert_eq!(
        problems_after("/t/evidence", json!(null)),
        [
            "t.evidence: is null but a value is reported; quote the passage that states it and give its page"
        ]
    );
    assert_eq!(
        problems_after("/t/evidence/page", json!(0)),
        ["t.evidence.page: must be a page number from 1, got 0"]
    );
    assert_eq!(
        problems_after("/t/confidence", json!(1.5)),
        ["t.confidence: must be between 0 and 1, got 1.5"]
    );
    assert_eq!(
        problems_after("/d/value", json!("2020-13-01")),
        ["d.value: \"2020-13-01\" is not a date as YYYY-MM-DD, YYYY-MM or YYYY"]
    );
    assert_eq!(
        problems_after("/arms/1/doses/0/timing/day/value", json!(2.5)),
        ["arms[1].doses[0].timing.day.value: must be a whole number, got 2.5"]
    );
    assert_eq!(
        problems_after("/sc/value", json!("C")),
        ["sc.value: \"C\" is not one of the options \"A\", \"B\""]
    );
    assert_eq!(
        problems_after("/tl/value", json!(["x", "x"])),
        ["tl.value[1]: \"x\" is listed twice"]
    );
    assert_eq!(
        problems_after("/t/evidence/quote", json!(" ")),
        ["t.evidence.quote: is empty; copy the passage that states the value"]
    );

    // Whole numbers written as 3.0 are stored as 3.
    let mut answer = good.clone();
    *answer.pointer_mut("/n/value").unwrap() = json!(3.0);
    let parsed = parse_step_answer(&form, &step, &answer).unwrap();
    match &parsed["n"] {
        AnswerNode::Field(f) => {
            assert_eq!(f.value, Some(json!(3)));
            assert_eq!(
                f.evidence,
                Some(Evidence {
                    quote: "as printed".to_owned(),
                    page: 2
                })
            );
        }
        other => panic!("{other:?}"),
    }
    match &parsed["arms"] {
        AnswerNode::Entries(entries) => {
            assert_eq!(entries.len(), 2);
            assert!(matches!(entries[0]["doses"], AnswerNode::Entries(_)));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(parsed["site"], AnswerNode::Object(_)));

    // The parsed answer serialises to the JSON it came from.
    assert_eq!(serde_json::to_value(&parsed).unwrap(), good);
}

#[test]
fn parser_lists_every_problem_with_its_path() {
    let form = every_shape();
    let step = whole_form_step(&form);
    let mut answer = good_answer(&form.fields);
    *answer.pointer_mut("/x/value").unwrap() = json!("many");
    answer
        .pointer_mut("/arms/1/name")
        .unwrap()
        .as_object_mut()
        .unwrap()
        .remove("evidence");
    answer
        .as_object_mut()
        .unwrap()
        .insert("typo".to_owned(), json!(1));
    assert_eq!(
        parse_step_answer(&form, &step, &answer).unwrap_err(),
        [
            "x.value: expected a number, got \"many\"",
            "arms[1].name.evidence: missing; give {\"quote\", \"page\"} or null",
            "typo: unknown field; remove it",
        ]
    );
    assert_eq!(
        parse_step_answer(&form, &step, &json!([])).unwrap_err(),
        ["(root): expected an object keyed by field, got an array"]
    );
}

fn scalar_form(keys: &[&str]) -> FormDefinition {
    FormDefinition {
        name: "Scalars".to_owned(),
        description: String::new(),
        fields: keys
            .iter()
            .map(|k| FieldDef::new(k, k, FieldType::Text))
            .collect(),
    }
}

fn keys_per_step(plan: &ExtractionPlan) -> Vec<Vec<&str>> {
    plan.steps
        .iter()
        .map(|s| s.field_keys.iter().map(String::as_str).collect())
        .collect()
}

#[test]
fn scalar_fields_are_grouped_evenly_and_families_kept_together() {
    let keys: Vec<String> = (1..=20).map(|i| format!("f{i}")).collect();
    let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    let plan = deterministic_plan(&scalar_form(&refs));
    let sizes: Vec<usize> = plan.steps.iter().map(|s| s.field_keys.len()).collect();
    assert_eq!(sizes, [7, 7, 6]);

    let form = scalar_form(&[
        "a",
        "b",
        "c",
        "d",
        "e",
        "dose_mean",
        "dose_sd",
        "dose_n",
        "f",
        "g",
    ]);
    let plan = deterministic_plan(&form);
    assert_eq!(
        keys_per_step(&plan),
        [
            vec!["a", "b", "c", "d", "e"],
            vec!["dose_mean", "dose_sd", "dose_n", "f", "g"]
        ]
    );
    assert_eq!(plan.steps[0].title, "a, b, c and 2 more");
    assert_eq!(check_plan(&form, &plan), Vec::<String>::new());
}

#[test]
fn sub_forms_come_after_scalars_and_after_the_sub_forms_they_mention() {
    let mut comparisons = subform(
        "comparisons",
        true,
        vec![FieldDef::new("arm", "Arm", FieldType::Text)],
    );
    comparisons.label = "Comparisons".to_owned();
    let arms = subform(
        "arms",
        true,
        vec![FieldDef::new("name", "Name", FieldType::Text)],
    );
    let form = FormDefinition {
        name: "Mixed".to_owned(),
        description: String::new(),
        fields: vec![
            comparisons,
            FieldDef::new("title", "Title", FieldType::Text),
            arms,
        ],
    };
    let plan = deterministic_plan(&form);
    assert_eq!(
        keys_per_step(&plan),
        [vec!["title"], vec!["arms"], vec!["comparisons"]]
    );
    assert_eq!(plan.steps[1].depends_on, ["step_1"]);
    assert_eq!(plan.steps[2].depends_on, ["step_1", "step_2"]);
    assert_eq!(plan.steps[2].title, "Comparisons");
    assert!(
        plan.steps[2]
            .instructions
            .contains("comparisons: One entry per comparisons reported in the paper.")
    );
    assert_eq!(check_plan(&form, &plan), Vec::<String>::new());

    // Two sub-forms that mention each other keep the form's order.
    let a = subform(
        "alphas",
        true,
        vec![FieldDef::new("beta", "Beta", FieldType::Text)],
    );
    let b = subform(
        "betas",
        true,
        vec![FieldDef::new("alpha", "Alpha", FieldType::Text)],
    );
    let form = FormDefinition {
        name: "Cycle".to_owned(),
        description: String::new(),
        fields: vec![a, b],
    };
    let plan = deterministic_plan(&form);
    assert_eq!(keys_per_step(&plan), [vec!["alphas"], vec!["betas"]]);
    assert_eq!(plan.steps[1].depends_on, ["step_1"]);
}

#[test]
fn instructions_name_fields_options_and_rules() {
    let form = preset_form("study_characteristics").unwrap();
    let plan = deterministic_plan(&form);
    assert_eq!(plan.steps.len(), 1);
    let text = &plan.steps[0].instructions;
    assert!(text.starts_with("This step fills part of the form \"Study characteristics\""));
    assert!(
        text.contains("- Total randomised (`total_randomised`, whole number, in participants): ")
    );
    assert!(text.contains("  - \"cluster RCT\": "));
    assert!(text.contains("NCT"));
    assert!(text.contains("verbatim"));
    assert!(text.contains("not_reported: true"));
    let rob2 = preset_form("rob2").unwrap();
    let text = &deterministic_plan(&rob2).steps[0].instructions;
    assert!(text.contains("results: One entry per result assessed"));
    assert!(text.contains("  - 1.1 Was the allocation sequence random? (`q1_1`"));
}

#[test]
fn preset_plans_are_sound_and_strict() {
    let mut summary = Vec::new();
    for preset in presets() {
        let form = preset_form(preset.id).unwrap();
        let plan = deterministic_plan(&form);
        assert_eq!(
            check_plan(&form, &plan),
            Vec::<String>::new(),
            "{}",
            preset.id
        );
        for step in &plan.steps {
            let schema = step_schema(&form, step);
            assert_eq!(
                check_strict_subset(&schema),
                Vec::<String>::new(),
                "{} {}",
                preset.id,
                step.key
            );
            let legacy = check_strict_subset_with(&schema, &StrictLimits::OPENAI_2024);
            // Scalar steps fit even the 2024 limits.
            if step_fields(&form, step)
                .iter()
                .all(|f| f.field_type != FieldType::Subform)
            {
                assert_eq!(legacy, Vec::<String>::new());
            }
            summary.push(format!(
                "{} {} {:?} legacy-ok={}",
                preset.id,
                step.key,
                step.field_keys,
                legacy.is_empty()
            ));
        }
    }
    println!("{}", summary.join("\n"));
    // A plan survives a round trip through JSON (it is stored as JSONB).
    let plan = deterministic_plan(&preset_form("outcome_results").unwrap());
    let back: ExtractionPlan =
        serde_json::from_value(serde_json::to_value(&plan).unwrap()).unwrap();
    assert_eq!(back, plan);
}

#[test]
fn check_plan_finds_every_problem() {
    let form = scalar_form(&["a", "b", "c", "d"]);
    let step = |key: &str, fields: &[&str], deps: &[&str]| PlanStep {
        key: key.to_owned(),
        title: "T".to_owned(),
        instructions: "I".to_owned(),
        field_keys: fields.iter().map(|s| s.to_string()).collect(),
        depends_on: deps.iter().map(|s| s.to_string()).collect(),
    };
    let mut empty_instructions = step("step_3", &["c"], &["step_1"]);
    empty_instructions.instructions = " ".to_owned();
    let plan = ExtractionPlan {
        steps: vec![
            step("step_1", &["a", "zz", "a"], &["step_2"]),
            step("step_2", &["b", "a"], &["step_1", "nope", "step_2"]),
            empty_instructions,
            step("step_1", &[], &[]),
        ],
    };
    assert_eq!(
        check_plan(&form, &plan),
        [
            "Step \"step_1\" lists \"zz\", which is not a top-level field of the form",
            "Step \"step_1\" lists field \"a\" twice",
            "Step \"step_1\" depends on step \"step_2\", which comes after it",
            "Field \"a\" is in two steps, \"step_1\" and \"step_2\"",
            "Step \"step_2\" depends on step \"nope\", which is not in the plan",
            "Step \"step_2\" depends on itself",
            "Step \"step_3\" has no instructions",
            "Step \"step_1\" is used as the key of two steps",
            "Step \"step_1\" has no fields",
            "Field \"d\" is in no step",
        ]
    );
    assert_eq!(
        check_plan(&form, &ExtractionPlan { steps: vec![] }),
        [
            "The plan has no steps",
            "Field \"a\" is in no step",
            "Field \"b\" is in no step",
            "Field \"c\" is in no step",
            "Field \"d\" is in no step",
        ]
    );
}

#[test]
fn strict_subset_problems_are_caught() {
    let form = scalar_form(&["a"]);
    let step = &deterministic_plan(&form).steps[0];
    let good = step_schema(&form, step);
    assert_eq!(check_strict_subset(&good), Vec::<String>::new());

    let mut with_minimum = good.clone();
    with_minimum["properties"]["a"]["properties"]["confidence"]["minimum"] = json!(0);
    assert_eq!(
        check_strict_subset(&with_minimum),
        ["a.confidence: keyword \"minimum\" is outside the strict subset"]
    );

    let mut missing_required = good.clone();
    missing_required["properties"]["a"]["required"] = json!(["value", "not_reported", "evidence"]);
    assert_eq!(
        check_strict_subset(&missing_required),
        [
            "a: property \"confidence\" is not listed in required (strict mode needs every property required; make it nullable instead)"
        ]
    );

    let mut open_object = good.clone();
    open_object["properties"]["a"]["properties"]["evidence"]["anyOf"][0]
        .as_object_mut()
        .unwrap()
        .remove("additionalProperties");
    assert_eq!(
        check_strict_subset(&open_object),
        ["a.evidence.anyOf[0]: an object must have \"additionalProperties\": false"]
    );

    let mut formatted = good.clone();
    formatted["properties"]["a"]["properties"]["value"]["format"] = json!("date");
    assert_eq!(check_strict_subset(&formatted).len(), 1);

    let not_object = json!({"type": "array", "items": {"type": "string"}});
    assert_eq!(
        check_strict_subset(&not_object),
        ["(root): the root schema must have \"type\": \"object\""]
    );
}

#[test]
fn strict_limits_are_enforced() {
    // Eleven nested objects.
    let mut deep =
        json!({"type": "object", "properties": {}, "required": [], "additionalProperties": false});
    for _ in 0..10 {
        deep = json!({"type": "object", "properties": {"x": deep}, "required": ["x"], "additionalProperties": false});
    }
    assert_eq!(
        check_strict_subset(&deep),
        ["(root): objects are nested 11 levels deep; at most 10 are allowed"]
    );
    // Arrays do not add levels.
    let arrays = json!({"type": "object", "properties": {"l": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}}},
        "required": ["l"], "additionalProperties": false});
    assert_eq!(check_strict_subset(&arrays), Vec::<String>::new());

    let names: Vec<String> = (0..101).map(|i| format!("p{i}")).collect();
    let properties: Map<String, Value> = names
        .iter()
        .map(|n| (n.clone(), json!({"type": "string"})))
        .collect();
    let wide = json!({"type": "object", "properties": properties, "required": names, "additionalProperties": false});
    assert_eq!(check_strict_subset(&wide), Vec::<String>::new());
    assert_eq!(
        check_strict_subset_with(&wide, &StrictLimits::OPENAI_2024),
        ["(root): 101 properties in all; at most 100 are allowed"]
    );

    let values: Vec<String> = (0..501).map(|i| format!("v{i}")).collect();
    let big_enum = json!({"type": "object", "properties": {"e": {"type": "string", "enum": values}},
        "required": ["e"], "additionalProperties": false});
    assert_eq!(
        check_strict_subset(&big_enum),
        ["e: enum has 501 values; at most 500 are allowed"]
    );
}

#[test]
fn dates() {
    for good in ["2020", "2020-02", "2020-02-29"] {
        assert!(is_partial_date(good), "{good}");
    }
    for bad in [
        "20",
        "2020-2",
        "2020-00",
        "2020-01-32",
        "2020/01/01",
        "2020-01-01-01",
        "",
    ] {
        assert!(!is_partial_date(bad), "{bad}");
    }
}
