//! The JSON Schema of a step's answer, generated within the strict
//! structured-output subset checked by `strict`.

use serde_json::{Map, Value, json};

use crate::forms::model::{FieldDef, FieldType};

pub(super) fn object_schema(fields: &[&FieldDef], description: Option<String>) -> Value {
    let mut properties = Map::new();
    for field in fields {
        properties.insert(field.key.clone(), field_schema(field));
    }
    let required: Vec<Value> = fields
        .iter()
        .map(|f| Value::String(f.key.clone()))
        .collect();
    let mut schema = json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    });
    if let (Some(description), Some(object)) = (description, schema.as_object_mut()) {
        object.insert("description".to_owned(), Value::String(description));
    }
    schema
}

fn schema_description(field: &FieldDef) -> String {
    let mut text = field.label.trim().to_owned();
    if !text.ends_with(['.', '?', '!', ':']) {
        text.push('.');
    }
    let description = field.description.trim();
    if !description.is_empty() {
        text.push(' ');
        text.push_str(description);
    }
    if !field.unit.trim().is_empty() {
        text.push_str(&format!(" Unit: {}.", field.unit.trim()));
    }
    text
}

fn field_schema(field: &FieldDef) -> Value {
    if field.field_type == FieldType::Subform {
        let children: Vec<&FieldDef> = field.fields.iter().collect();
        return if field.repeating {
            json!({
                "type": "array",
                "description": schema_description(field),
                "items": object_schema(&children, None),
            })
        } else {
            object_schema(&children, Some(schema_description(field)))
        };
    }
    json!({
        "type": "object",
        "description": schema_description(field),
        "properties": {
            "value": value_schema(field),
            "not_reported": {
                "type": "boolean",
                "description": "True when the paper does not report this; then value and evidence are null."
            },
            "evidence": {
                "anyOf": [
                    {
                        "type": "object",
                        "properties": {
                            "quote": {
                                "type": "string",
                                "description": "The passage stating the value, copied verbatim from the paper."
                            },
                            "page": {
                                "type": "integer",
                                "description": "The PDF page the quote is on; the first page is 1."
                            }
                        },
                        "required": ["quote", "page"],
                        "additionalProperties": false
                    },
                    { "type": "null" }
                ]
            },
            "confidence": {
                "type": "number",
                "description": "From 0 to 1: how clearly the quote states the value."
            }
        },
        "required": ["value", "not_reported", "evidence", "confidence"],
        "additionalProperties": false,
    })
}

pub(super) fn option_values(field: &FieldDef) -> Vec<Value> {
    field
        .options
        .iter()
        .map(|o| Value::String(o.value.clone()))
        .collect()
}

fn value_schema(field: &FieldDef) -> Value {
    match field.field_type {
        FieldType::Text => json!({"type": ["string", "null"]}),
        FieldType::Date => json!({
            "type": ["string", "null"],
            "description": "YYYY-MM-DD, or YYYY-MM or YYYY when that is all the paper gives."
        }),
        FieldType::Number => json!({"type": ["number", "null"]}),
        FieldType::Integer => json!({"type": ["integer", "null"]}),
        FieldType::Boolean => json!({"type": ["boolean", "null"]}),
        FieldType::SingleChoice => {
            let mut values = option_values(field);
            values.push(Value::Null);
            json!({"type": ["string", "null"], "enum": values})
        }
        FieldType::MultipleChoice => json!({
            "type": ["array", "null"],
            "items": {"type": "string", "enum": option_values(field)}
        }),
        FieldType::TextList => json!({
            "type": ["array", "null"],
            "items": {"type": "string"}
        }),
        // Sub-forms have no value of their own (see `field_schema`).
        FieldType::Subform => json!({"type": "null"}),
    }
}
