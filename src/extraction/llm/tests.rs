use super::errors::{classify, clean};
use super::transport::{HttpFailure, backoff};
use super::validate::{schema_identifier, schema_problems, strip_code_fence};
use super::*;
use serde_json::json;

#[test]
fn retry_after_reads_seconds_and_http_dates() {
    let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
    assert_eq!(
        parse_retry_after("120", now),
        Some(Duration::from_secs(120))
    );
    assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now),
        Some(Duration::from_secs(30))
    );
    // A date already past means "retry now".
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now),
        Some(Duration::ZERO)
    );
    assert_eq!(parse_retry_after("-5", now), None);
    assert_eq!(parse_retry_after("soon", now), None);
}

#[test]
fn backoff_doubles_up_to_the_cap() {
    let (base, max) = (Duration::from_millis(100), Duration::from_millis(500));
    let delays: Vec<_> = (1..=5).map(|a| backoff(base, max, a).as_millis()).collect();
    assert_eq!(delays, [100, 200, 400, 500, 500]);
    // Far attempts saturate instead of overflowing.
    assert_eq!(backoff(base, max, 80), max);
}

#[test]
fn error_bodies_of_the_usual_servers_are_understood() {
    let openai = r#"{"error":{"message":"Invalid parameter: 'response_format'","type":"invalid_request_error","param":"response_format","code":null}}"#;
    let failure = classify(
        HttpFailure {
            status: 400,
            retry_after: None,
            body: openai.into(),
        },
        None,
    );
    assert_eq!(failure.param.as_deref(), Some("response_format"));
    assert!(
        matches!(failure.error, LlmError::Rejected { status: 400, ref message } if message.contains("response_format"))
    );

    let vllm =
        r#"{"object":"error","message":"boom","type":"BadRequestError","param":null,"code":400}"#;
    let failure = classify(
        HttpFailure {
            status: 503,
            retry_after: Some(Duration::from_secs(2)),
            body: vllm.into(),
        },
        None,
    );
    assert_eq!(
        failure.error,
        LlmError::Server {
            status: 503,
            message: "boom".into(),
            retry_after: Some(Duration::from_secs(2))
        }
    );

    let quota = r#"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}"#;
    let failure = classify(
        HttpFailure {
            status: 429,
            retry_after: None,
            body: quota.into(),
        },
        None,
    );
    assert!(!failure.error.is_retryable());

    let plain = classify(
        HttpFailure {
            status: 429,
            retry_after: None,
            body: "slow down".into(),
        },
        None,
    );
    assert!(plain.error.is_retryable());
}

#[test]
fn messages_never_carry_the_key() {
    let message = "Incorrect API key provided: sk-proj-abc***wxyz. Key my-secret-key-123 rejected";
    let cleaned = clean(message, Some("my-secret-key-123"));
    assert!(!cleaned.contains("sk-proj"), "{cleaned}");
    assert!(!cleaned.contains("my-secret"), "{cleaned}");
    assert!(clean(&"x".repeat(1000), None).chars().count() <= MAX_MESSAGE_CHARS + 1);
    assert_eq!(
        without_userinfo("https://u:pw@h:1/v1?x=1"),
        "https://[redacted]@h:1/v1?x=1"
    );
    assert_eq!(without_userinfo("http://h/v1"), "http://h/v1");
    let settings = LlmSettings {
        api_key: Some("hunter22".into()),
        ..LlmSettings::new("http://x/v1", "m")
    };
    assert!(!format!("{settings:?}").contains("hunter22"));
}

#[test]
fn code_fences_are_removed() {
    assert_eq!(strip_code_fence("```json\n{\"a\":1}\n```"), "{\"a\":1}");
    assert_eq!(strip_code_fence("  {\"a\":1} "), "{\"a\":1}");
    assert_eq!(strip_code_fence("```\n[1]\n```\n"), "[1]");
}

#[test]
fn schema_subset_is_checked() {
    let schema = json!({
        "type": "object", "additionalProperties": false, "required": ["n", "kind", "items"],
        "properties": {
            "n": {"type": "integer"},
            "kind": {"type": "string", "enum": ["a", "b"]},
            "items": {"type": "array", "items": {"$ref": "#/$defs/item"}}
        },
        "$defs": {"item": {"anyOf": [{"type": "string"}, {"type": "null"}]}}
    });
    let mut found = Vec::new();
    schema_problems(
        &schema,
        &schema,
        &json!({"n": 2, "kind": "a", "items": ["x", null]}),
        "$",
        0,
        &mut found,
    );
    assert!(found.is_empty(), "{found:?}");
    schema_problems(
        &schema,
        &schema,
        &json!({"n": 2.5, "kind": "c", "items": [1], "extra": 0}),
        "$",
        0,
        &mut found,
    );
    assert_eq!(found.len(), 4, "{found:?}");
    assert!(
        found
            .iter()
            .any(|p| p == "$.items[0] does not match any allowed form")
    );
    assert!(found.iter().any(|p| p == "$.extra is not allowed"));
}

#[test]
fn settings_are_validated() {
    let bad = |change: fn(&mut LlmSettings)| {
        let mut settings = LlmSettings::new("http://127.0.0.1:1/v1", "m");
        change(&mut settings);
        matches!(LlmClient::new(settings), Err(LlmError::Config(_)))
    };
    assert!(bad(|s| s.base_url = "127.0.0.1:1/v1".into()));
    assert!(bad(|s| s.api_key = Some("two words".into())));
    assert!(bad(|s| s.concurrency = 0));
    assert!(bad(|s| s.max_attempts = 0));
    assert!(!bad(|s| s.api_key = Some("  ".into())));
    assert_eq!(schema_identifier("field answers/v2"), "field_answers_v2");
    assert_eq!(
        StructuredOutput::parse("json-mode"),
        Some(StructuredOutput::JsonMode)
    );
}
