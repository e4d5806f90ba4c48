//! Checking an answer before it is returned: the reply parsed as JSON (code fences
//! tolerated), validated against the schema, then by the caller's check; and the repair
//! prompt that quotes the problems.

use serde_json::Value;

use super::{MAX_PROBLEMS, Reply};

/// OpenAI accepts `[A-Za-z0-9_-]{1,64}` as a schema name.
pub(super) fn schema_identifier(name: &str) -> String {
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    if name.is_empty() {
        "answer".into()
    } else {
        name
    }
}

pub(super) fn repair_prompt(problems: &[String]) -> String {
    let list: String = problems.iter().map(|p| format!("\n- {p}")).collect();
    format!(
        "Your previous answer cannot be used:{list}\nReply again with the corrected JSON \
         object only, valid against the schema, with no other text."
    )
}

/// Parses and validates one answer; the problems are quoted in the repair request.
pub(super) fn validate_reply(
    reply: &Reply,
    schema: &Value,
    check: &(dyn Fn(&Value) -> Vec<String> + Send + Sync),
) -> Result<Value, Vec<String>> {
    let text = strip_code_fence(&reply.text);
    if text.is_empty() {
        return Err(vec![match &reply.refusal {
            Some(refusal) => format!("the model refused to answer: {refusal}"),
            None => "the answer was empty".into(),
        }]);
    }
    let json: Value = match serde_json::from_str(text) {
        Ok(json) => json,
        Err(error) => {
            let mut problems = vec![format!("the answer is not valid JSON ({error})")];
            if reply.cut_off {
                problems
                    .push("the answer was cut off at the token limit; answer more briefly".into());
            }
            return Err(problems);
        }
    };
    let mut problems = Vec::new();
    schema_problems(schema, schema, &json, "$", 0, &mut problems);
    // `check` may assume the schema's shape, so it only sees answers that have it.
    if problems.is_empty() {
        problems = check(&json);
    }
    problems.truncate(MAX_PROBLEMS);
    if problems.is_empty() {
        Ok(json)
    } else {
        Err(problems)
    }
}

/// Local models often wrap JSON in a Markdown fence even in JSON mode.
pub(super) fn strip_code_fence(text: &str) -> &str {
    let text = text.trim();
    let Some(rest) = text.strip_prefix("```") else {
        return text;
    };
    let body = rest
        .split_once('\n')
        .map_or("", |(_, body)| body)
        .trim_end();
    body.strip_suffix("```").unwrap_or(body).trim()
}

/// Checks the subset of JSON Schema that strict structured output allows (type, enum,
/// properties, required, additionalProperties, items, anyOf, local `$ref`). JSON mode
/// and some local servers do not enforce the schema, so the answer is checked here.
pub(super) fn schema_problems(
    root: &Value,
    schema: &Value,
    value: &Value,
    path: &str,
    depth: u32,
    out: &mut Vec<String>,
) {
    let Some(schema) = schema.as_object() else {
        return;
    };
    if depth > 64 || out.len() >= MAX_PROBLEMS {
        return;
    }
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        if let Some(resolved) = target
            .strip_prefix('#')
            .and_then(|pointer| root.pointer(pointer))
        {
            schema_problems(root, resolved, value, path, depth + 1, out);
        }
        return;
    }
    if let Some(options) = schema.get("anyOf").and_then(Value::as_array) {
        let fits = options.iter().any(|option| {
            let mut found = Vec::new();
            schema_problems(root, option, value, path, depth + 1, &mut found);
            found.is_empty()
        });
        if !fits {
            out.push(format!("{path} does not match any allowed form"));
        }
        return;
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(name)) => vec![name.as_str()],
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() && !types.iter().any(|t| has_type(value, t)) {
        out.push(format!(
            "{path} should be {} but is {}",
            types.join(" or "),
            type_of(value)
        ));
        return;
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array)
        && !options.contains(value)
    {
        out.push(format!(
            "{path} must be one of {}",
            Value::Array(options.clone())
        ));
    }
    if let Value::Object(fields) = value {
        let properties = schema.get("properties").and_then(Value::as_object);
        let required = schema.get("required").and_then(Value::as_array);
        for name in required.into_iter().flatten().filter_map(Value::as_str) {
            if !fields.contains_key(name) {
                out.push(format!("{path}.{name} is missing"));
            }
        }
        let extra = schema.get("additionalProperties");
        for (name, field) in fields {
            let field_path = format!("{path}.{name}");
            match (properties.and_then(|p| p.get(name)), extra) {
                (Some(field_schema), _) => {
                    schema_problems(root, field_schema, field, &field_path, depth + 1, out)
                }
                (None, Some(Value::Bool(false))) => {
                    out.push(format!("{field_path} is not allowed"))
                }
                (None, Some(extra @ Value::Object(_))) => {
                    schema_problems(root, extra, field, &field_path, depth + 1, out)
                }
                (None, _) => {}
            }
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (value, schema.get("items")) {
        for (index, item) in items.iter().enumerate() {
            schema_problems(
                root,
                item_schema,
                item,
                &format!("{path}[{index}]"),
                depth + 1,
                out,
            );
        }
    }
}

fn has_type(value: &Value, name: &str) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "number" => value.is_number(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => true,
    }
}

fn type_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
