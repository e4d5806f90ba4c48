//! Field paths and field patterns.
//!
//! A stored value is addressed by the key path of its field, with the entry
//! index after every repeating sub-form, exactly as `extraction::run_job`
//! flattens an answer: `design` (top-level), `effect.measure` (a field of a
//! non-repeating sub-form), `comparisons[2].intervention_events` (the third
//! entry of a repeating one), `comparisons[0].effect_estimate.value` (a
//! non-repeating sub-form inside an entry). A *pattern* names the field
//! whatever the entry: `comparisons[].intervention_events`; gold mappings,
//! tolerances and per-field scores are keyed by patterns.

use crate::forms::model::{FieldDef, FieldType};

/// Which entry a segment names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// The field does not repeat (`design`).
    No,
    /// Any entry (`comparisons[]`, in a pattern).
    Any,
    /// One entry (`comparisons[2]`, in a stored path).
    At(usize),
}

/// One `key`, `key[]` or `key[i]` of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub key: String,
    pub repeat: Repeat,
}

/// Parses a path or a pattern; `None` unless every segment is a key
/// (`[A-Za-z0-9_]+`) optionally followed by `[]` or `[digits]`.
pub fn parse(text: &str) -> Option<Vec<Segment>> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    text.split('.')
        .map(|part| {
            let (key, repeat) = match part.split_once('[') {
                None => (part, Repeat::No),
                Some((key, rest)) => {
                    let inside = rest.strip_suffix(']')?;
                    if inside.is_empty() {
                        (key, Repeat::Any)
                    } else if inside.bytes().all(|b| b.is_ascii_digit()) {
                        (key, Repeat::At(inside.parse().ok()?))
                    } else {
                        return None;
                    }
                }
            };
            let key_ok =
                !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            key_ok.then(|| Segment {
                key: key.to_owned(),
                repeat,
            })
        })
        .collect()
}

/// The text of a path or pattern.
pub fn format(segments: &[Segment]) -> String {
    segments
        .iter()
        .map(|s| match s.repeat {
            Repeat::No => s.key.clone(),
            Repeat::Any => format!("{}[]", s.key),
            Repeat::At(i) => format!("{}[{i}]", s.key),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// The pattern of a path: every entry index becomes `[]`.
pub fn pattern(segments: &[Segment]) -> String {
    let general: Vec<Segment> = segments
        .iter()
        .map(|s| Segment {
            key: s.key.clone(),
            repeat: match s.repeat {
                Repeat::At(_) => Repeat::Any,
                other => other,
            },
        })
        .collect();
    format(&general)
}

/// The pattern of a path given as text, if it parses.
pub fn pattern_of(path: &str) -> Option<String> {
    parse(path).map(|segments| pattern(&segments))
}

/// The fields a path goes through, from the top-level field to the value's
/// own field, or why the path names no value of the form. `[]` and `[i]` are
/// both accepted after a repeating sub-form and required there.
pub fn resolve<'a>(
    fields: &'a [FieldDef],
    segments: &[Segment],
) -> Result<Vec<&'a FieldDef>, String> {
    let mut chain: Vec<&'a FieldDef> = Vec::new();
    let mut siblings = fields;
    for (i, segment) in segments.iter().enumerate() {
        let Some(field) = siblings.iter().find(|f| f.key == segment.key) else {
            return Err(match chain.last() {
                None => format!("the form has no field \"{}\"", segment.key),
                Some(parent) => format!(
                    "sub-form \"{}\" has no field \"{}\" (its fields: {})",
                    parent.key,
                    segment.key,
                    parent
                        .fields
                        .iter()
                        .map(|f| f.key.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        };
        let last = i + 1 == segments.len();
        let repeats = field.field_type == FieldType::Subform && field.repeating;
        match (repeats, segment.repeat) {
            (true, Repeat::No) => {
                return Err(format!(
                    "\"{}\" repeats (one entry per …); write {}[]",
                    field.key, field.key
                ));
            }
            (false, Repeat::Any | Repeat::At(_)) => {
                return Err(format!(
                    "\"{}\" does not repeat; remove the brackets",
                    field.key
                ));
            }
            _ => {}
        }
        chain.push(field);
        if field.field_type == FieldType::Subform {
            if last {
                let example = field
                    .fields
                    .first()
                    .map(|child| {
                        let mut with_child = segments.to_vec();
                        with_child.push(Segment {
                            key: child.key.clone(),
                            repeat: Repeat::No,
                        });
                        format!(" such as {}", pattern(&with_child))
                    })
                    .unwrap_or_default();
                return Err(format!(
                    "\"{}\" is a sub-form; name one of its fields{example}",
                    field.key
                ));
            }
            siblings = &field.fields;
        } else if !last {
            return Err(format!("\"{}\" is not a sub-form", field.key));
        }
    }
    Ok(chain)
}

/// The labels of a chain of fields, outermost first ("Comparisons › Intervention events").
pub fn label(chain: &[&FieldDef]) -> String {
    chain
        .iter()
        .map(|f| f.label.as_str())
        .collect::<Vec<_>>()
        .join(" › ")
}

/// Every value-holding field of a form with its pattern and chain, in form
/// order (sub-forms are walked, not listed).
pub fn leaves(fields: &[FieldDef]) -> Vec<(String, Vec<&FieldDef>)> {
    let mut out = Vec::new();
    walk(fields, &mut Vec::new(), &mut Vec::new(), &mut out);
    out
}

fn walk<'a>(
    fields: &'a [FieldDef],
    segments: &mut Vec<Segment>,
    chain: &mut Vec<&'a FieldDef>,
    out: &mut Vec<(String, Vec<&'a FieldDef>)>,
) {
    for field in fields {
        segments.push(Segment {
            key: field.key.clone(),
            repeat: if field.field_type == FieldType::Subform && field.repeating {
                Repeat::Any
            } else {
                Repeat::No
            },
        });
        chain.push(field);
        if field.field_type == FieldType::Subform {
            walk(&field.fields, segments, chain, out);
        } else {
            out.push((format(segments), chain.clone()));
        }
        chain.pop();
        segments.pop();
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::forms::presets::preset_form;

    #[test]
    fn paths_and_patterns_round_trip() {
        let path = parse("comparisons[2].effect_estimate.value").unwrap();
        assert_eq!(path[0].repeat, Repeat::At(2));
        assert_eq!(format(&path), "comparisons[2].effect_estimate.value");
        assert_eq!(pattern(&path), "comparisons[].effect_estimate.value");
        assert_eq!(pattern_of("design").as_deref(), Some("design"));
        for bad in ["", "a..b", "a[x].b", "a[1", "a b", "a[]]"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn resolution_follows_the_form_and_explains_refusals() {
        let form = preset_form("outcome_results").unwrap();
        let ok = resolve(
            &form.fields,
            &parse("comparisons[].effect_estimate.measure").unwrap(),
        )
        .unwrap();
        assert_eq!(ok.len(), 3);
        assert_eq!(label(&ok), "Comparisons › Effect estimate › Effect measure");
        assert!(resolve(&form.fields, &parse("comparisons[4].outcome").unwrap()).is_ok());
        let why = |p: &str| resolve(&form.fields, &parse(p).unwrap()).unwrap_err();
        assert_eq!(why("design"), "the form has no field \"design\"");
        assert_eq!(
            why("comparisons.outcome"),
            "\"comparisons\" repeats (one entry per …); write comparisons[]"
        );
        assert_eq!(
            why("comparisons[].effect_estimate[].value"),
            "\"effect_estimate\" does not repeat; remove the brackets"
        );
        assert_eq!(
            why("comparisons[].effect_estimate"),
            "\"effect_estimate\" is a sub-form; name one of its fields such as comparisons[].effect_estimate.measure"
        );
        assert_eq!(
            why("comparisons[].outcome.x"),
            "\"outcome\" is not a sub-form"
        );
        assert!(
            why("comparisons[].colour")
                .starts_with("sub-form \"comparisons\" has no field \"colour\"")
        );
    }

    #[test]
    fn leaves_walk_sub_forms() {
        let form = preset_form("outcome_results").unwrap();
        let patterns: Vec<String> = leaves(&form.fields).into_iter().map(|(p, _)| p).collect();
        assert_eq!(patterns[0], "comparisons[].intervention");
        assert!(patterns.contains(&"comparisons[].effect_estimate.p_value".to_owned()));
        assert!(!patterns.iter().any(|p| p.ends_with("effect_estimate")));
    }
}
