//! The LLM client against a scripted OpenAI-compatible server that each test starts on
//! 127.0.0.1:0: a queue of canned responses, a record of what arrived, and a count of
//! requests in flight.
#![cfg(feature = "ssr")]
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use evistream::extraction::llm::*;
use serde_json::{Value, json};

const MODEL: &str = "test-model";
const KEY: &str = "test-key-7f3a9c";

#[derive(Clone)]
struct Canned {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
    delay: Duration,
}

impl Canned {
    fn answer(content: &str, tokens_in: u32, tokens_out: u32) -> Self {
        let body = json!({
            "id": "chatcmpl-1", "object": "chat.completion", "created": 1_700_000_000, "model": MODEL,
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": tokens_in, "completion_tokens": tokens_out,
                      "total_tokens": tokens_in + tokens_out}
        });
        Self {
            status: 200,
            headers: Vec::new(),
            body: body.to_string(),
            delay: Duration::ZERO,
        }
    }

    fn good() -> Self {
        Self::answer(r#"{"sample_size": 120}"#, 100, 20)
    }

    fn error(status: u16, message: &str) -> Self {
        let body =
            json!({"error": {"message": message, "type": "error", "param": null, "code": null}});
        Self {
            status,
            headers: Vec::new(),
            body: body.to_string(),
            delay: Duration::ZERO,
        }
    }

    fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }

    fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

struct Received {
    body: Value,
    authorization: Option<String>,
    at: Instant,
}

#[derive(Default)]
struct Script {
    queue: Mutex<VecDeque<Canned>>,
    /// Served once the queue is empty.
    repeat: Mutex<Option<Canned>>,
    received: Mutex<Vec<Received>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

struct Server {
    url: String,
    script: Arc<Script>,
}

impl Server {
    async fn start(responses: Vec<Canned>) -> Self {
        Self::start_repeating(responses, None).await
    }

    async fn start_repeating(responses: Vec<Canned>, repeat: Option<Canned>) -> Self {
        let script = Arc::new(Script::default());
        script.queue.lock().unwrap().extend(responses);
        *script.repeat.lock().unwrap() = repeat;
        let app = Router::new()
            .route("/v1/chat/completions", post(reply))
            .with_state(script.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/v1", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, script }
    }

    fn requests(&self) -> usize {
        self.script.received.lock().unwrap().len()
    }

    fn body(&self, index: usize) -> Value {
        self.script.received.lock().unwrap()[index].body.clone()
    }
}

/// Decrements the in-flight count even when the client gives up and the handler is dropped.
struct InFlight(Arc<Script>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn reply(
    State(script): State<Arc<Script>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap().to_owned());
    script.received.lock().unwrap().push(Received {
        body,
        authorization,
        at: Instant::now(),
    });
    let now = script.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    script.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let _guard = InFlight(script.clone());
    let next = script.queue.lock().unwrap().pop_front();
    let canned = next
        .or_else(|| script.repeat.lock().unwrap().clone())
        .unwrap_or_else(|| Canned::error(500, "script exhausted"));
    tokio::time::sleep(canned.delay).await;
    let mut response = (StatusCode::from_u16(canned.status).unwrap(), canned.body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
    for (name, value) in canned.headers {
        response.headers_mut().insert(name, value.parse().unwrap());
    }
    response
}

fn settings(server: &Server) -> LlmSettings {
    LlmSettings {
        api_key: Some(KEY.into()),
        request_timeout: Duration::from_secs(5),
        max_attempts: 3,
        backoff_base: Duration::from_millis(10),
        backoff_max: Duration::from_millis(40),
        prices: BTreeMap::from([(
            MODEL.to_owned(),
            Price {
                input_per_million: 2.0,
                output_per_million: 10.0,
            },
        )]),
        ..LlmSettings::new(server.url.clone(), MODEL)
    }
}

fn schema() -> Value {
    json!({
        "type": "object", "additionalProperties": false, "required": ["sample_size"],
        "properties": {"sample_size": {"type": ["integer", "null"]}}
    })
}

fn no_check(_: &Value) -> Vec<String> {
    Vec::new()
}

fn not_negative(answer: &Value) -> Vec<String> {
    match answer["sample_size"].as_i64() {
        Some(n) if n < 0 => vec!["sample_size must not be negative".into()],
        _ => Vec::new(),
    }
}

async fn ask(client: &LlmClient) -> Result<LlmAnswer, LlmError> {
    client
        .complete_json(
            "You extract data.",
            "Paper text",
            "trial",
            &schema(),
            &no_check,
        )
        .await
}

#[tokio::test]
async fn a_good_answer_reports_tokens_and_cost() {
    let server = Server::start(vec![Canned::answer(r#"{"sample_size": 120}"#, 1000, 200)]).await;
    let client = LlmClient::new(settings(&server)).unwrap();
    let answer = ask(&client).await.unwrap();

    assert_eq!(answer.json, json!({"sample_size": 120}));
    assert_eq!((answer.tokens_in, answer.tokens_out), (1000, 200));
    // 1000 × $2/M + 200 × $10/M.
    assert!(
        (answer.cost_usd - 0.004).abs() < 1e-12,
        "{}",
        answer.cost_usd
    );
    assert_eq!(answer.attempts, 1);
    assert!(!answer.repaired && !answer.used_json_mode);

    let body = server.body(0);
    assert_eq!(body["model"], MODEL);
    assert_eq!(body["response_format"]["type"], "json_schema");
    assert_eq!(body["response_format"]["json_schema"]["name"], "trial");
    assert_eq!(body["response_format"]["json_schema"]["strict"], true);
    assert_eq!(body["response_format"]["json_schema"]["schema"], schema());
    assert_eq!(body["messages"][0]["role"], "system");
    assert_eq!(body["messages"][1]["content"], "Paper text");
    let authorization = server.script.received.lock().unwrap()[0]
        .authorization
        .clone();
    assert_eq!(
        authorization.as_deref(),
        Some(format!("Bearer {KEY}").as_str())
    );
}

#[tokio::test]
async fn a_keyless_client_sends_no_authorization_and_unknown_models_cost_nothing() {
    let server = Server::start(vec![Canned::good()]).await;
    let client = LlmClient::new(LlmSettings {
        api_key: None,
        prices: BTreeMap::new(),
        ..settings(&server)
    })
    .unwrap();
    let answer = ask(&client).await.unwrap();
    assert_eq!(answer.cost_usd, 0.0);
    assert_eq!(
        server.script.received.lock().unwrap()[0].authorization,
        None
    );
}

#[tokio::test]
async fn rate_limiting_waits_for_retry_after() {
    let limited = Canned::error(429, "Rate limit reached").header("retry-after", "1");
    let server = Server::start(vec![limited, Canned::good()]).await;
    let client = LlmClient::new(settings(&server)).unwrap();
    let answer = ask(&client).await.unwrap();

    assert_eq!(server.requests(), 2);
    assert_eq!(answer.attempts, 2);
    let received = server.script.received.lock().unwrap();
    let waited = received[1].at - received[0].at;
    assert!(
        waited >= Duration::from_millis(950),
        "waited only {waited:?}"
    );
}

#[tokio::test]
async fn a_timeout_is_retried() {
    let slow = Canned::good().after(Duration::from_secs(2));
    let server = Server::start(vec![slow.clone(), slow, Canned::good()]).await;
    let client = LlmClient::new(LlmSettings {
        request_timeout: Duration::from_millis(300),
        ..settings(&server)
    })
    .unwrap();
    let started = Instant::now();
    let answer = ask(&client).await.unwrap();
    assert_eq!(answer.attempts, 3);
    assert_eq!(server.requests(), 3);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn timeouts_until_max_attempts_end_in_timeout() {
    let slow = Canned::good().after(Duration::from_secs(2));
    let server = Server::start_repeating(Vec::new(), Some(slow)).await;
    let client = LlmClient::new(LlmSettings {
        request_timeout: Duration::from_millis(200),
        max_attempts: 2,
        ..settings(&server)
    })
    .unwrap();
    let error = ask(&client).await.unwrap_err();
    assert_eq!(error, LlmError::Timeout);
    assert!(error.is_retryable());
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn server_errors_then_success() {
    let server = Server::start(vec![
        Canned::error(500, "internal"),
        Canned::error(502, "bad gateway"),
        Canned::good(),
    ])
    .await;
    let client = LlmClient::new(settings(&server)).unwrap();
    let answer = ask(&client).await.unwrap();
    assert_eq!(answer.attempts, 3);
    assert_eq!(answer.json, json!({"sample_size": 120}));
}

#[tokio::test]
async fn server_errors_until_max_attempts_end_in_server_error() {
    let server = Server::start_repeating(Vec::new(), Some(Canned::error(500, "internal"))).await;
    let client = LlmClient::new(settings(&server)).unwrap();
    let error = ask(&client).await.unwrap_err();
    assert!(
        matches!(error, LlmError::Server { status: 500, .. }),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn an_unreachable_endpoint_is_a_connection_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    drop(listener);
    let client = LlmClient::new(LlmSettings {
        api_key: Some(KEY.into()),
        max_attempts: 2,
        backoff_base: Duration::from_millis(10),
        ..LlmSettings::new(url, MODEL)
    })
    .unwrap();
    let error = ask(&client).await.unwrap_err();
    assert!(matches!(error, LlmError::Connection(_)), "{error:?}");
    assert!(error.is_retryable());
    assert!(!error.reason().contains(KEY));
}

#[tokio::test]
async fn an_answer_that_is_not_json_is_repaired() {
    let server = Server::start(vec![
        Canned::answer("Sure! The sample size was 120.", 100, 10),
        Canned::answer(r#"{"sample_size": 120}"#, 150, 10),
    ])
    .await;
    let client = LlmClient::new(settings(&server)).unwrap();
    let answer = ask(&client).await.unwrap();
    assert!(answer.repaired);
    assert_eq!(answer.attempts, 2);
    assert_eq!((answer.tokens_in, answer.tokens_out), (250, 20));

    let messages = server.body(1)["messages"].as_array().unwrap().clone();
    assert_eq!(messages.len(), 4);
    assert_eq!(messages[2]["role"], "assistant");
    assert_eq!(messages[2]["content"], "Sure! The sample size was 120.");
    assert_eq!(messages[3]["role"], "user");
    let repair = messages[3]["content"].as_str().unwrap();
    assert!(repair.contains("not valid JSON"), "{repair}");
}

#[tokio::test]
async fn an_answer_failing_the_check_is_repaired() {
    let server = Server::start(vec![
        Canned::answer(r#"{"sample_size": -3}"#, 100, 10),
        Canned::answer(r#"{"sample_size": 40}"#, 100, 10),
    ])
    .await;
    let client = LlmClient::new(settings(&server)).unwrap();
    let answer = client
        .complete_json(
            "You extract data.",
            "Paper text",
            "trial",
            &schema(),
            &not_negative,
        )
        .await
        .unwrap();
    assert!(answer.repaired);
    assert_eq!(answer.json, json!({"sample_size": 40}));
    let repair = server.body(1)["messages"][3]["content"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        repair.contains("sample_size must not be negative"),
        "{repair}"
    );
}

#[tokio::test]
async fn an_answer_still_wrong_after_the_repair_is_malformed() {
    let server = Server::start(vec![
        Canned::answer(r#"{"sample_size": "many"}"#, 100, 10),
        Canned::answer(r#"{"sample_size": "lots"}"#, 100, 10),
    ])
    .await;
    let client = LlmClient::new(settings(&server)).unwrap();
    let error = ask(&client).await.unwrap_err();
    let LlmError::Malformed { problems } = &error else {
        panic!("expected Malformed, got {error:?}");
    };
    assert_eq!(
        problems,
        &["$.sample_size should be integer or null but is string"]
    );
    assert!(!error.is_retryable());
    assert_eq!(server.requests(), 2);
    let repair = server.body(1)["messages"][3]["content"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(repair.contains("should be integer or null"), "{repair}");
}

#[tokio::test]
async fn an_endpoint_refusing_json_schema_gets_json_mode() {
    let refusal = Canned::error(
        400,
        "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.",
    );
    let server = Server::start(vec![refusal, Canned::good(), Canned::good()]).await;
    let client = LlmClient::new(settings(&server)).unwrap();
    let answer = ask(&client).await.unwrap();
    assert!(answer.used_json_mode);
    assert_eq!(answer.attempts, 2);

    let fallback = server.body(1);
    assert_eq!(fallback["response_format"], json!({"type": "json_object"}));
    let system = fallback["messages"][0]["content"].as_str().unwrap();
    assert!(system.starts_with("You extract data."), "{system}");
    assert!(
        system.contains("JSON Schema") && system.contains("sample_size"),
        "{system}"
    );

    // The client remembers: the next call goes straight to JSON mode.
    let again = ask(&client).await.unwrap();
    assert_eq!(again.attempts, 1);
    assert_eq!(server.body(2)["response_format"]["type"], "json_object");
}

#[tokio::test]
async fn json_schema_only_settings_do_not_fall_back() {
    let refusal = Canned::error(400, "response_format json_schema is not supported");
    let server = Server::start(vec![refusal]).await;
    let client = LlmClient::new(LlmSettings {
        structured_output: StructuredOutput::JsonSchema,
        ..settings(&server)
    })
    .unwrap();
    let error = ask(&client).await.unwrap_err();
    assert!(
        matches!(error, LlmError::Rejected { status: 400, .. }),
        "{error:?}"
    );
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn json_mode_settings_quote_the_schema() {
    let server = Server::start(vec![Canned::answer(
        "```json\n{\"sample_size\": null}\n```",
        1,
        1,
    )])
    .await;
    let client = LlmClient::new(LlmSettings {
        structured_output: StructuredOutput::JsonMode,
        ..settings(&server)
    })
    .unwrap();
    let answer = ask(&client).await.unwrap();
    assert!(answer.used_json_mode && !answer.repaired);
    assert_eq!(answer.json, json!({"sample_size": null}));
    assert_eq!(server.body(0)["response_format"]["type"], "json_object");
}

#[tokio::test]
async fn parameters_a_model_does_not_support_are_dropped() {
    // What OpenAI's reasoning models answer to `max_tokens` and `temperature: 0`.
    let unsupported = |param: &str, message: &str| Canned {
        body: json!({"error": {"message": message, "type": "invalid_request_error",
                               "param": param, "code": "unsupported_parameter"}})
        .to_string(),
        ..Canned::error(400, "")
    };
    let server = Server::start(vec![
        unsupported("max_tokens", "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead."),
        unsupported("temperature", "Unsupported value: 'temperature' does not support 0 with this model."),
        Canned::good(),
    ])
    .await;
    let client = LlmClient::new(settings(&server)).unwrap();
    let answer = ask(&client).await.unwrap();
    assert_eq!(answer.attempts, 3);
    assert!(!answer.used_json_mode);
    let first = server.body(0);
    assert_eq!(first["max_tokens"], 4096);
    assert_eq!(first["max_completion_tokens"], 4096);
    let last = server.body(2);
    assert!(
        last.get("max_tokens").is_none() && last.get("temperature").is_none(),
        "{last}"
    );
    assert_eq!(last["max_completion_tokens"], 4096);
}

#[tokio::test]
async fn a_limit_that_is_too_large_stays_an_error() {
    let too_large = Canned::error(
        400,
        "'max_tokens' or 'max_completion_tokens' is too large: 4096.",
    );
    let server = Server::start(vec![too_large]).await;
    let client = LlmClient::new(settings(&server)).unwrap();
    let error = ask(&client).await.unwrap_err();
    assert!(
        matches!(error, LlmError::Rejected { status: 400, .. }),
        "{error:?}"
    );
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn an_unauthorised_request_is_rejected_without_retry() {
    let denied = Canned::error(401, &format!("Incorrect API key provided: {KEY}."));
    let server = Server::start(vec![denied, Canned::good()]).await;
    let client = LlmClient::new(settings(&server)).unwrap();
    let error = ask(&client).await.unwrap_err();
    assert!(
        matches!(error, LlmError::Rejected { status: 401, .. }),
        "{error:?}"
    );
    assert!(!error.is_retryable());
    assert_eq!(server.requests(), 1);
    assert!(error.reason().contains("API key"), "{}", error.reason());
    assert!(
        !error.reason().contains(KEY) && !error.to_string().contains(KEY),
        "{error}"
    );
}

#[tokio::test]
async fn concurrency_is_limited_across_calls() {
    let slow = Canned::good().after(Duration::from_millis(300));
    let server = Server::start_repeating(Vec::new(), Some(slow)).await;
    let client = LlmClient::new(LlmSettings {
        concurrency: 2,
        ..settings(&server)
    })
    .unwrap();
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..6 {
        let client = client.clone();
        calls.spawn(async move { ask(&client).await });
    }
    while let Some(result) = calls.join_next().await {
        result.unwrap().unwrap();
    }
    assert_eq!(server.requests(), 6);
    assert_eq!(server.script.max_in_flight.load(Ordering::SeqCst), 2);
}
