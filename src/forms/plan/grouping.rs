//! The deterministic grouping of a form's fields into steps: related scalar
//! fields packed together, and sub-forms ordered after the sub-forms they
//! mention.

use super::MAX_FIELDS_PER_STEP;
use crate::forms::model::FieldDef;

/// Consecutive scalar fields, grouped by the first word of their key
/// (`intervention_mean`, `intervention_sd`) and packed into steps of about
/// equal size, at most [`MAX_FIELDS_PER_STEP`] each.
pub(super) fn group_scalars<'a>(scalars: &[&'a FieldDef]) -> Vec<Vec<&'a FieldDef>> {
    if scalars.is_empty() {
        return Vec::new();
    }
    let mut families: Vec<Vec<&FieldDef>> = Vec::new();
    for field in scalars {
        let stem = key_stem(&field.key);
        match families.last_mut() {
            Some(family)
                if family.len() < MAX_FIELDS_PER_STEP
                    && family.first().is_some_and(|f| key_stem(&f.key) == stem) =>
            {
                family.push(field)
            }
            _ => families.push(vec![field]),
        }
    }
    let step_count = scalars.len().div_ceil(MAX_FIELDS_PER_STEP);
    let target = scalars.len().div_ceil(step_count);
    let mut steps: Vec<Vec<&FieldDef>> = Vec::new();
    let mut current: Vec<&FieldDef> = Vec::new();
    for family in families {
        let too_big = current.len() + family.len() > target.max(1);
        let over_max = current.len() + family.len() > MAX_FIELDS_PER_STEP;
        if !current.is_empty() && (too_big || over_max) {
            steps.push(std::mem::take(&mut current));
        }
        current.extend(family);
    }
    if !current.is_empty() {
        steps.push(current);
    }
    steps
}

fn key_stem(key: &str) -> &str {
    key.split('_').next().unwrap_or(key)
}

pub(super) fn scalar_title(fields: &[&FieldDef]) -> String {
    let labels: Vec<&str> = fields.iter().map(|f| f.label.trim()).collect();
    match labels.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [first, second] => format!("{first} and {second}"),
        [first, second, third] => format!("{first}, {second} and {third}"),
        [first, second, third, rest @ ..] => {
            format!("{first}, {second}, {third} and {} more", rest.len())
        }
    }
}

/// Sub-forms in dependency order (a sub-form whose keys or labels mention
/// another's key comes after it; otherwise form order), each with the indices
/// of the sub-forms it depends on. A cycle is broken in form order.
pub(super) fn order_subforms(subforms: &[&FieldDef]) -> Vec<(usize, Vec<usize>)> {
    let names: Vec<Vec<Vec<String>>> = subforms.iter().map(|f| names_of(f)).collect();
    let mentions = |i: usize, j: usize| i != j && mentions_key(&names[i], &subforms[j].key);
    let mut placed: Vec<usize> = Vec::new();
    let mut order = Vec::new();
    while placed.len() < subforms.len() {
        let remaining: Vec<usize> = (0..subforms.len())
            .filter(|i| !placed.contains(i))
            .collect();
        let ready = remaining
            .iter()
            .copied()
            .find(|&i| remaining.iter().all(|&j| !mentions(i, j)));
        let next = ready.or_else(|| remaining.first().copied());
        let Some(next) = next else { break };
        let deps: Vec<usize> = placed
            .iter()
            .copied()
            .filter(|&j| mentions(next, j))
            .collect();
        placed.push(next);
        order.push((next, deps));
    }
    order
}

/// The keys and labels of a field and its descendants, each as lowercase words.
fn names_of(field: &FieldDef) -> Vec<Vec<String>> {
    let mut names = Vec::new();
    let mut stack = vec![field];
    while let Some(f) = stack.pop() {
        names.push(words_of(&f.key));
        names.push(words_of(&f.label));
        stack.extend(f.fields.iter());
    }
    names
}

fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

/// Whether one of `names` contains the words of `key` in sequence, or of its
/// singular (`arms` is mentioned by a field `arm_name` or a label "Arm").
fn mentions_key(names: &[Vec<String>], key: &str) -> bool {
    let wanted = words_of(key);
    if wanted.is_empty() {
        return false;
    }
    let mut singular = wanted.clone();
    if let Some(last) = singular.last_mut()
        && last.len() > 3
        && last.ends_with('s')
    {
        last.pop();
    }
    names.iter().any(|words| {
        words
            .windows(wanted.len())
            .any(|w| w == wanted.as_slice() || w == singular.as_slice())
    })
}
