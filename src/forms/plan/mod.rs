//! The extraction plan: a form decomposed into steps of related fields, each
//! with instructions and a JSON Schema, ordered by dependency; and the checks
//! of a plan, of a schema against the strict structured-output subset of
//! OpenAI-compatible APIs, and of an extractor's answer to a step.
//!
//! Target-independent: the plan editor in the browser checks a user's edits
//! with the same code the server uses before it activates a plan.
//!
//! Steps address top-level fields only; a top-level sub-form is one step whose
//! schema holds its nested sub-forms inline, so the entries of a repeating
//! sub-form are extracted together and never need joining across steps.

mod answer;
mod answer_values;
mod grouping;
mod instructions;
mod schema;
mod strict;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::model::{FieldDef, FieldType, FormDefinition};
use grouping::{group_scalars, order_subforms, scalar_title};
use instructions::instructions;
use schema::object_schema;

pub use answer::parse_step_answer;
pub use strict::{StrictLimits, check_strict_subset, check_strict_subset_with};

/// At most this many scalar fields go in one step: few enough for a model to
/// attend to each, many enough to keep the number of calls per paper low.
pub const MAX_FIELDS_PER_STEP: usize = 8;

/// At most this many answer problems are listed (a runaway answer could
/// otherwise produce thousands, too many for a repair request).
pub const MAX_ANSWER_PROBLEMS: usize = 50;

/// A plan: the steps an extractor runs for each paper, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtractionPlan {
    pub steps: Vec<PlanStep>,
}

/// One step: a group of top-level fields extracted with one request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanStep {
    /// `step_1`, `step_2`, …: stable and unique within the plan.
    pub key: String,
    pub title: String,
    pub instructions: String,
    /// The top-level field keys this step extracts.
    pub field_keys: Vec<String>,
    /// Keys of earlier steps whose answers this step may use as context.
    pub depends_on: Vec<String>,
}

/// The plan eviStream proposes before any LLM is asked: scalar fields in
/// steps of related fields, then one step per top-level sub-form, each after
/// the scalar steps and after the sub-forms it mentions.
pub fn deterministic_plan(form: &FormDefinition) -> ExtractionPlan {
    let scalars: Vec<&FieldDef> = form
        .fields
        .iter()
        .filter(|f| f.field_type != FieldType::Subform)
        .collect();
    let subforms: Vec<&FieldDef> = form
        .fields
        .iter()
        .filter(|f| f.field_type == FieldType::Subform)
        .collect();

    let mut steps: Vec<PlanStep> = Vec::new();
    for group in group_scalars(&scalars) {
        steps.push(PlanStep {
            key: format!("step_{}", steps.len() + 1),
            title: scalar_title(&group),
            instructions: instructions(form, &group),
            field_keys: group.iter().map(|f| f.key.clone()).collect(),
            depends_on: Vec::new(),
        });
    }
    let scalar_steps: Vec<String> = steps.iter().map(|s| s.key.clone()).collect();
    let mut step_of_subform: HashMap<usize, String> = HashMap::new();
    for (index, deps) in order_subforms(&subforms) {
        let field = subforms[index];
        let key = format!("step_{}", steps.len() + 1);
        let mut depends_on = scalar_steps.clone();
        depends_on.extend(deps.iter().filter_map(|d| step_of_subform.get(d).cloned()));
        step_of_subform.insert(index, key.clone());
        steps.push(PlanStep {
            key,
            title: field.label.clone(),
            instructions: instructions(form, &[field]),
            field_keys: vec![field.key.clone()],
            depends_on,
        });
    }
    ExtractionPlan { steps }
}

/// The top-level fields of a step, in the step's order (unknown keys skipped).
pub fn step_fields<'a>(form: &'a FormDefinition, step: &PlanStep) -> Vec<&'a FieldDef> {
    step.field_keys
        .iter()
        .filter_map(|key| form.fields.iter().find(|f| &f.key == key))
        .collect()
}

/// The JSON Schema of a step's answer, within the strict structured-output
/// subset (see [`check_strict_subset`]); the shape is documented in
/// `extraction::answer`.
pub fn step_schema(form: &FormDefinition, step: &PlanStep) -> Value {
    object_schema(&step_fields(form, step), None)
}

/// Problems of a plan (edited by a user or proposed by an LLM) against its form.
pub fn check_plan(form: &FormDefinition, plan: &ExtractionPlan) -> Vec<String> {
    let mut problems = Vec::new();
    if plan.steps.is_empty() {
        problems.push("The plan has no steps".to_owned());
    }
    let top_level: HashSet<&str> = form.fields.iter().map(|f| f.key.as_str()).collect();
    let mut step_of_field: HashMap<&str, &str> = HashMap::new();
    let mut earlier: HashSet<&str> = HashSet::new();
    let mut all_steps: HashSet<&str> = HashSet::new();
    for step in &plan.steps {
        all_steps.insert(step.key.as_str());
    }
    for (i, step) in plan.steps.iter().enumerate() {
        let name = if step.key.trim().is_empty() {
            format!("Step {}", i + 1)
        } else {
            format!("Step \"{}\"", step.key)
        };
        if step.key.trim().is_empty() {
            problems.push(format!("{name} has no key"));
        } else if earlier.contains(step.key.as_str()) {
            problems.push(format!("{name} is used as the key of two steps"));
        }
        if step.title.trim().is_empty() {
            problems.push(format!("{name} has no title"));
        }
        if step.instructions.trim().is_empty() {
            problems.push(format!("{name} has no instructions"));
        }
        if step.field_keys.is_empty() {
            problems.push(format!("{name} has no fields"));
        }
        for key in &step.field_keys {
            if !top_level.contains(key.as_str()) {
                problems.push(format!(
                    "{name} lists \"{key}\", which is not a top-level field of the form"
                ));
            } else if let Some(other) = step_of_field.insert(key.as_str(), step.key.as_str()) {
                if other == step.key {
                    problems.push(format!("{name} lists field \"{key}\" twice"));
                } else {
                    problems.push(format!(
                        "Field \"{key}\" is in two steps, \"{other}\" and \"{}\"",
                        step.key
                    ));
                }
            }
        }
        for dep in &step.depends_on {
            if dep == &step.key {
                problems.push(format!("{name} depends on itself"));
            } else if earlier.contains(dep.as_str()) {
                continue;
            } else if all_steps.contains(dep.as_str()) {
                problems.push(format!(
                    "{name} depends on step \"{dep}\", which comes after it"
                ));
            } else {
                problems.push(format!(
                    "{name} depends on step \"{dep}\", which is not in the plan"
                ));
            }
        }
        earlier.insert(step.key.as_str());
    }
    for field in &form.fields {
        if !step_of_field.contains_key(field.key.as_str()) {
            problems.push(format!("Field \"{}\" is in no step", field.key));
        }
    }
    problems
}
