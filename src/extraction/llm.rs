//! The server's client for OpenAI-compatible chat endpoints (OpenAI, Azure OpenAI's v1
//! API, vLLM, llama.cpp's `llama-server`, Ollama, …). It asks for one structured JSON
//! answer at a time and owns everything around that request: the per-request timeout,
//! retries that honour `Retry-After`, a process-wide concurrency limit, a JSON-mode
//! fallback for endpoints without JSON Schema support, one repair round for answers that
//! do not validate, and token, cost and latency accounting.
//!
//! Transport: async-openai 0.43's default executor wraps every request in its own retry
//! layer (measured: 4 requests in ~0.7 s on a 429) and the error it hands back has lost
//! the response headers, so `Retry-After` cannot be honoured above it. The client is
//! therefore built with `Client::with_http_service` (feature `middleware`) around the
//! plain `ReqwestService`, which has no retry layer, plus a thin adapter that turns any
//! non-2xx response into an `HttpFailure` carrying the status, the retry delay and the
//! error body. The retry policy lives in `LlmClient::send`, in one place.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use async_openai::middleware::{HttpRequestFactory, ReqwestService};
use async_openai::types::chat::{
    ChatCompletionRequestAssistantMessage, ChatCompletionRequestMessage,
    ChatCompletionRequestSystemMessage, ChatCompletionRequestUserMessage,
    CreateChatCompletionRequest, CreateChatCompletionResponse, FinishReason, ResponseFormat,
    ResponseFormatJsonSchema,
};
use serde_json::Value;
use tokio::sync::Semaphore;
use tower::ServiceExt as _;

/// A `Retry-After` longer than this is cut short: a job holding its slot for longer than
/// ten minutes is worse than one more refusal from the endpoint.
const RETRY_AFTER_CEILING: Duration = Duration::from_secs(600);
/// Error messages from endpoints are quoted to users; a page of HTML is not useful.
const MAX_MESSAGE_CHARS: usize = 300;
/// The repair request quotes the problems; past this many, more do not help the model.
const MAX_PROBLEMS: usize = 20;

/// Where and how to reach the model. Loaded once from configuration.
#[derive(Clone)]
pub struct LlmSettings {
    /// Base URL including the version path, e.g. `https://api.openai.com/v1`.
    pub base_url: String,
    /// Sent as `Authorization: Bearer …`; `None` for local servers (no header at all).
    pub api_key: Option<String>,
    /// Model name (a deployment name on Azure).
    pub model: String,
    pub temperature: f32,
    /// Upper bound on the answer's tokens.
    pub max_tokens: u32,
    /// Limit for one HTTP request, from sending to the last byte of the answer.
    pub request_timeout: Duration,
    /// Total attempts for retryable failures (429, 5xx, timeouts, connection errors).
    pub max_attempts: u32,
    /// First retry delay, doubled on each attempt up to `backoff_max`; a `Retry-After`
    /// from the endpoint replaces it.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// Requests in flight at once across every job of the process.
    pub concurrency: usize,
    pub structured_output: StructuredOutput,
    /// Per model name: US dollars per million tokens. Unknown models cost 0.
    pub prices: BTreeMap<String, Price>,
}

impl LlmSettings {
    /// Settings with conservative defaults for everything but the endpoint and model.
    pub fn new(base_url: impl Into<String>, model: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            api_key: None,
            model: model.into(),
            temperature: 0.0,
            max_tokens: 4096,
            request_timeout: Duration::from_secs(120),
            max_attempts: 4,
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(30),
            concurrency: 4,
            structured_output: StructuredOutput::Auto,
            prices: BTreeMap::new(),
        }
    }
}

// Hand-written so that the key can never reach a log line through `{:?}`.
impl fmt::Debug for LlmSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LlmSettings")
            .field("base_url", &without_userinfo(&self.base_url))
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("model", &self.model)
            .field("temperature", &self.temperature)
            .field("max_tokens", &self.max_tokens)
            .field("request_timeout", &self.request_timeout)
            .field("max_attempts", &self.max_attempts)
            .field("backoff_base", &self.backoff_base)
            .field("backoff_max", &self.backoff_max)
            .field("concurrency", &self.concurrency)
            .field("structured_output", &self.structured_output)
            .field("prices", &self.prices)
            .finish()
    }
}

/// US dollars per million tokens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Price {
    pub input_per_million: f64,
    pub output_per_million: f64,
}

/// How the answer's shape is requested from the endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StructuredOutput {
    /// JSON Schema (strict); JSON mode for endpoints that refuse it.
    #[default]
    Auto,
    /// JSON Schema only; an endpoint that refuses it is an error.
    JsonSchema,
    /// `{"type":"json_object"}` with the schema quoted in the system message.
    JsonMode,
}

impl StructuredOutput {
    /// Parses the configuration spelling: `auto`, `json_schema` or `json_mode`.
    pub fn parse(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "auto" => Some(Self::Auto),
            "json_schema" => Some(Self::JsonSchema),
            "json_mode" | "json_object" => Some(Self::JsonMode),
            _ => None,
        }
    }
}

/// One validated answer and what it cost.
#[derive(Debug, Clone, PartialEq)]
pub struct LlmAnswer {
    pub json: Value,
    /// The answer's text as the model wrote it (the repaired one after a repair).
    pub raw_text: String,
    /// Summed over every request of the call, repair included.
    pub tokens_in: u32,
    pub tokens_out: u32,
    pub cost_usd: f64,
    /// HTTP requests made for this answer: retries, fallbacks and the repair included.
    pub attempts: u32,
    pub repaired: bool,
    pub used_json_mode: bool,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LlmError {
    #[error("the model endpoint did not answer in time")]
    Timeout,
    #[error("the model endpoint is rate limiting requests: {message}")]
    RateLimited {
        retry_after: Option<Duration>,
        message: String,
    },
    #[error("the model endpoint failed with HTTP {status}: {message}")]
    Server {
        status: u16,
        message: String,
        retry_after: Option<Duration>,
    },
    #[error("could not reach the model endpoint: {0}")]
    Connection(String),
    #[error("the model's answer is unusable: {}", problems.join("; "))]
    Malformed { problems: Vec<String> },
    /// A 4xx other than 429 (and 429 for an exhausted quota): sending again will not help.
    #[error("the model endpoint rejected the request with HTTP {status}: {message}")]
    Rejected { status: u16, message: String },
    #[error("invalid model settings: {0}")]
    Config(String),
}

impl LlmError {
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::Timeout | Self::RateLimited { .. } | Self::Server { .. } | Self::Connection(_)
        )
    }

    /// A sentence for users. Messages were cleaned of keys when the error was made.
    pub fn reason(&self) -> String {
        match self {
            Self::Timeout => "The language model did not answer within the time limit.".into(),
            Self::RateLimited { .. } => {
                "The language model service is rate limiting requests; try again later.".into()
            }
            Self::Server { status, .. } => {
                format!("The language model service failed (HTTP {status}); try again later.")
            }
            Self::Connection(detail) => {
                format!("The language model service could not be reached ({detail}).")
            }
            Self::Malformed { problems } => format!(
                "The language model's answer did not have the expected form, even after a \
                 repair request: {}.",
                problems.join("; ")
            ),
            Self::Rejected {
                status: 401 | 403, ..
            } => "The language model service refused \
                 the credentials; check the API key setting."
                .into(),
            Self::Rejected {
                status: 404,
                message,
            } => {
                format!("The language model service does not know this model or address: {message}")
            }
            Self::Rejected { status, message } => {
                format!(
                    "The language model service rejected the request (HTTP {status}): {message}"
                )
            }
            Self::Config(detail) => format!("The language model settings are invalid: {detail}."),
        }
    }

    /// Retry delay the endpoint asked for, if any.
    fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after, .. } | Self::Server { retry_after, .. } => {
                *retry_after
            }
            _ => None,
        }
    }

    /// The `outcome` label of the metrics.
    fn outcome(&self) -> &'static str {
        match self {
            Self::Timeout => "timeout",
            Self::RateLimited { .. } => "rate_limited",
            Self::Server { .. } => "server_error",
            Self::Connection(_) => "connection_error",
            Self::Malformed { .. } => "malformed",
            Self::Rejected { .. } => "rejected",
            Self::Config(_) => "config_error",
        }
    }
}

/// Registers descriptions for the metrics this module records; call once at start-up.
pub fn describe_metrics() {
    metrics::describe_counter!(
        "llm_calls_total",
        "Structured LLM calls, by model and outcome."
    );
    metrics::describe_counter!(
        "llm_tokens_total",
        "LLM tokens, by model and kind (input|output)."
    );
    metrics::describe_counter!(
        "llm_cost_usd_total",
        "Estimated LLM spend in MICRO-dollars (divide by 1e6), from the configured prices."
    );
    metrics::describe_histogram!(
        "llm_request_duration_seconds",
        metrics::Unit::Seconds,
        "Duration of single HTTP requests to the LLM endpoint, by model and outcome."
    );
}

/// Parses a `Retry-After` value: delta-seconds or an HTTP date (a date in the past
/// means "now").
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A non-2xx response, made by the transport adapter so that the status, the retry
/// delay and the body survive async-openai's error handling.
#[derive(Debug)]
struct HttpFailure {
    status: u16,
    retry_after: Option<Duration>,
    body: String,
}

impl fmt::Display for HttpFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)
    }
}

impl std::error::Error for HttpFailure {}

/// A failed request with the parameter the endpoint blamed, which decides fallbacks.
struct Failure {
    error: LlmError,
    param: Option<String>,
}

impl From<LlmError> for Failure {
    fn from(error: LlmError) -> Self {
        Self { error, param: None }
    }
}

/// One turn after the system message.
enum Turn {
    User(String),
    Assistant(String),
}

/// The text of one answer and what the endpoint said about it.
struct Reply {
    text: String,
    refusal: Option<String>,
    cut_off: bool,
}

#[derive(Default)]
struct Stats {
    requests: u32,
    tokens_in: u32,
    tokens_out: u32,
    used_json_mode: bool,
}

/// Cheap to clone; every clone shares the connection pool, the concurrency limit and
/// what was learnt about the endpoint.
#[derive(Clone)]
pub struct LlmClient {
    inner: Arc<Inner>,
}

struct Inner {
    api: async_openai::Client<OpenAIConfig>,
    settings: LlmSettings,
    permits: Semaphore,
    // What the endpoint refused once is not sent again for the life of the process.
    json_schema_refused: AtomicBool,
    max_tokens_refused: AtomicBool,
    temperature_refused: AtomicBool,
}

impl fmt::Debug for LlmClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LlmClient")
            .field("settings", &self.inner.settings)
            .finish()
    }
}

impl LlmClient {
    pub fn new(mut settings: LlmSettings) -> Result<Self, LlmError> {
        settings.base_url = settings.base_url.trim().trim_end_matches('/').to_owned();
        settings.api_key = settings
            .api_key
            .map(|key| key.trim().to_owned())
            .filter(|k| !k.is_empty());
        validate(&settings)?;
        // Every field is set explicitly: `OpenAIConfig::new()` reads OPENAI_* variables,
        // and this client must use only what the configuration says.
        let config = OpenAIConfig::new()
            .with_api_base(settings.base_url.clone())
            .with_api_key(settings.api_key.clone().unwrap_or_default())
            .with_org_id("")
            .with_project_id("");
        let keyless = settings.api_key.is_none();
        let transport = ReqwestService::default();
        let service = tower::service_fn(move |request: HttpRequestFactory| {
            let transport = transport.clone();
            async move {
                // Without a key async-openai would still send "Bearer ", which some
                // proxies in front of local servers reject.
                let request = if keyless {
                    without_authorization(request)
                } else {
                    request
                };
                let response = transport.oneshot(request).await?;
                let status = response.status();
                if status.is_success() {
                    return Ok(response);
                }
                let header = |name: &str| {
                    response
                        .headers()
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned)
                };
                // Azure and OpenAI may send the finer `retry-after-ms`; it wins.
                let retry_after = header("retry-after-ms")
                    .and_then(|ms| ms.trim().parse::<f64>().ok())
                    .and_then(|ms| Duration::try_from_secs_f64(ms / 1000.0).ok())
                    .or_else(|| {
                        header("retry-after").and_then(|v| parse_retry_after(&v, SystemTime::now()))
                    });
                let body = response.text().await.unwrap_or_default();
                let failure = HttpFailure {
                    status: status.as_u16(),
                    retry_after,
                    body,
                };
                Err(OpenAIError::Boxed(Box::new(failure)))
            }
        });
        let api = async_openai::Client::with_config(config).with_http_service(service);
        Ok(Self {
            inner: Arc::new(Inner {
                api,
                permits: Semaphore::new(settings.concurrency),
                settings,
                json_schema_refused: AtomicBool::new(false),
                max_tokens_refused: AtomicBool::new(false),
                temperature_refused: AtomicBool::new(false),
            }),
        })
    }

    pub fn model(&self) -> &str {
        &self.inner.settings.model
    }

    /// One structured answer: JSON valid against `schema` that also passes `check`
    /// (which returns the problems it finds). An answer that fails either gets one repair
    /// request quoting the problems; a second failure is [`LlmError::Malformed`].
    #[tracing::instrument(skip_all, fields(model = %self.model(), schema = schema_name), err(Display))]
    pub async fn complete_json(
        &self,
        system: &str,
        user: &str,
        schema_name: &str,
        schema: &Value,
        check: &(dyn Fn(&Value) -> Vec<String> + Send + Sync),
    ) -> Result<LlmAnswer, LlmError> {
        let mut stats = Stats::default();
        let result = self
            .answer(system, user, schema_name, schema, check, &mut stats)
            .await;
        let cost = self.cost(stats.tokens_in, stats.tokens_out);
        let model = self.model().to_owned();
        let outcome = match &result {
            Ok(answer) if answer.repaired => "repaired",
            Ok(_) => "ok",
            Err(error) => error.outcome(),
        };
        metrics::counter!("llm_calls_total", "model" => model.clone(), "outcome" => outcome)
            .increment(1);
        metrics::counter!("llm_tokens_total", "model" => model.clone(), "kind" => "input")
            .increment(u64::from(stats.tokens_in));
        metrics::counter!("llm_tokens_total", "model" => model.clone(), "kind" => "output")
            .increment(u64::from(stats.tokens_out));
        // Counters are integers: micro-dollars keep the precision of tiny requests.
        metrics::counter!("llm_cost_usd_total", "model" => model).increment(micro_dollars(cost));
        tracing::info!(
            outcome,
            requests = stats.requests,
            tokens_in = stats.tokens_in,
            tokens_out = stats.tokens_out,
            cost_usd = cost,
            json_mode = stats.used_json_mode,
            "llm call finished"
        );
        result
    }

    async fn answer(
        &self,
        system: &str,
        user: &str,
        schema_name: &str,
        schema: &Value,
        check: &(dyn Fn(&Value) -> Vec<String> + Send + Sync),
        stats: &mut Stats,
    ) -> Result<LlmAnswer, LlmError> {
        let mut turns = vec![Turn::User(user.to_owned())];
        let first = self
            .exchange(system, &turns, schema_name, schema, stats)
            .await?;
        let problems = match validate_reply(&first, schema, check) {
            Ok(json) => return Ok(self.finish(json, first.text, stats, false)),
            Err(problems) => problems,
        };
        tracing::info!(?problems, "answer did not validate; asking for a repair");
        turns.push(Turn::Assistant(first.text));
        turns.push(Turn::User(repair_prompt(&problems)));
        let second = self
            .exchange(system, &turns, schema_name, schema, stats)
            .await?;
        match validate_reply(&second, schema, check) {
            Ok(json) => Ok(self.finish(json, second.text, stats, true)),
            Err(problems) => Err(LlmError::Malformed { problems }),
        }
    }

    fn finish(&self, json: Value, raw_text: String, stats: &Stats, repaired: bool) -> LlmAnswer {
        LlmAnswer {
            json,
            raw_text,
            tokens_in: stats.tokens_in,
            tokens_out: stats.tokens_out,
            cost_usd: self.cost(stats.tokens_in, stats.tokens_out),
            attempts: stats.requests,
            repaired,
            used_json_mode: stats.used_json_mode,
        }
    }

    /// One request/answer round, adapting the request when the endpoint refuses a
    /// parameter (each adaptation happens at most once per process, so this ends).
    async fn exchange(
        &self,
        system: &str,
        turns: &[Turn],
        schema_name: &str,
        schema: &Value,
        stats: &mut Stats,
    ) -> Result<Reply, LlmError> {
        loop {
            let json_mode = self.json_mode();
            let request = self.request(system, turns, schema_name, schema, json_mode);
            match self.send(&request, stats).await {
                Ok(response) => {
                    stats.used_json_mode |= json_mode;
                    return Ok(self.reply(response, stats));
                }
                Err(failure) => match self.refused_parameter(&failure, &request) {
                    Some((flag, what)) => {
                        tracing::warn!(error = %failure.error, "endpoint refused {what}; adapting the request");
                        flag.store(true, Ordering::Relaxed);
                    }
                    None => return Err(failure.error),
                },
            }
        }
    }

    fn json_mode(&self) -> bool {
        match self.inner.settings.structured_output {
            StructuredOutput::JsonMode => true,
            StructuredOutput::JsonSchema => false,
            StructuredOutput::Auto => self.inner.json_schema_refused.load(Ordering::Relaxed),
        }
    }

    /// The flag to set when a 400 blames a parameter that this request carried and that
    /// the client can do without. Decided on the request itself, so that a flag set by a
    /// concurrent call meanwhile cannot turn a fallback into a failure.
    #[allow(deprecated)] // reads `max_tokens`, see `request`
    fn refused_parameter(
        &self,
        failure: &Failure,
        request: &CreateChatCompletionRequest,
    ) -> Option<(&AtomicBool, &'static str)> {
        let LlmError::Rejected {
            status: 400 | 422,
            message,
        } = &failure.error
        else {
            return None;
        };
        let message = message.to_ascii_lowercase();
        let param = failure.param.as_deref();
        let mentions = |name: &str| param == Some(name) || message.contains(name);
        // "max_tokens is too large" must stay an error; only "not supported" is dropped.
        let unsupported = |name: &str| {
            param == Some(name) || (message.contains(name) && message.contains("support"))
        };
        let inner = &self.inner;
        let asked_json_schema = matches!(
            request.response_format,
            Some(ResponseFormat::JsonSchema { .. })
        );
        if asked_json_schema
            && inner.settings.structured_output == StructuredOutput::Auto
            && (mentions("response_format") || mentions("json_schema"))
        {
            return Some((
                &inner.json_schema_refused,
                "json_schema; falling back to JSON mode",
            ));
        }
        if request.max_tokens.is_some() && unsupported("max_tokens") {
            return Some((&inner.max_tokens_refused, "max_tokens"));
        }
        if request.temperature.is_some() && unsupported("temperature") {
            return Some((&inner.temperature_refused, "temperature"));
        }
        None
    }

    // `max_tokens` is deprecated upstream in favour of `max_completion_tokens`, but it is
    // the only limit older local servers read; both are sent until one is refused.
    #[allow(deprecated)]
    fn request(
        &self,
        system: &str,
        turns: &[Turn],
        schema_name: &str,
        schema: &Value,
        json_mode: bool,
    ) -> CreateChatCompletionRequest {
        let settings = &self.inner.settings;
        let (system, response_format) = if json_mode {
            let schema_text = serde_json::to_string_pretty(schema).unwrap_or_default();
            let system = format!(
                "{system}\n\nReply with one JSON object and nothing else. It must be valid \
                 against this JSON Schema (\"{schema_name}\"):\n{schema_text}"
            );
            (system, ResponseFormat::JsonObject)
        } else {
            let json_schema = ResponseFormatJsonSchema {
                description: None,
                name: schema_identifier(schema_name),
                schema: schema.clone(),
                strict: Some(true),
            };
            (
                system.to_owned(),
                ResponseFormat::JsonSchema { json_schema },
            )
        };
        let mut messages: Vec<ChatCompletionRequestMessage> =
            vec![ChatCompletionRequestSystemMessage::from(system).into()];
        for turn in turns {
            messages.push(match turn {
                Turn::User(text) => ChatCompletionRequestUserMessage::from(text.as_str()).into(),
                Turn::Assistant(text) => {
                    ChatCompletionRequestAssistantMessage::from(text.as_str()).into()
                }
            });
        }
        let send_max_tokens = !self.inner.max_tokens_refused.load(Ordering::Relaxed);
        let send_temperature = !self.inner.temperature_refused.load(Ordering::Relaxed);
        CreateChatCompletionRequest {
            model: settings.model.clone(),
            messages,
            temperature: send_temperature.then_some(settings.temperature),
            max_completion_tokens: Some(settings.max_tokens),
            max_tokens: send_max_tokens.then_some(settings.max_tokens),
            response_format: Some(response_format),
            ..Default::default()
        }
    }

    /// Sends one request with retries. The permit is held only while a request is in
    /// flight, never while sleeping before the next attempt.
    async fn send(
        &self,
        request: &CreateChatCompletionRequest,
        stats: &mut Stats,
    ) -> Result<CreateChatCompletionResponse, Failure> {
        let settings = &self.inner.settings;
        let max_attempts = settings.max_attempts.max(1);
        let mut attempt = 0;
        loop {
            attempt += 1;
            stats.requests += 1;
            let result = {
                let _permit = self.inner.permits.acquire().await.map_err(|_| {
                    LlmError::Config("the client's request limiter was closed".into())
                })?;
                let started = Instant::now();
                let chat = self.inner.api.chat();
                let call = chat.create(request.clone());
                let result = match tokio::time::timeout(settings.request_timeout, call).await {
                    Ok(Ok(response)) => Ok(response),
                    Ok(Err(error)) => Err(self.failure(error)),
                    Err(_) => Err(Failure::from(LlmError::Timeout)),
                };
                let outcome = result.as_ref().map_or_else(|f| f.error.outcome(), |_| "ok");
                metrics::histogram!("llm_request_duration_seconds",
                    "model" => settings.model.clone(), "outcome" => outcome)
                .record(started.elapsed().as_secs_f64());
                result
            };
            match result {
                Ok(response) => return Ok(response),
                Err(failure) if failure.error.is_retryable() && attempt < max_attempts => {
                    let delay = failure.error.retry_after().map_or_else(
                        || backoff(settings.backoff_base, settings.backoff_max, attempt),
                        |asked| asked.min(RETRY_AFTER_CEILING),
                    );
                    tracing::warn!(
                        attempt,
                        max_attempts,
                        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                        error = %failure.error,
                        "llm request failed; retrying"
                    );
                    tokio::time::sleep(delay).await;
                }
                Err(failure) => return Err(failure),
            }
        }
    }

    fn failure(&self, error: OpenAIError) -> Failure {
        let key = self.inner.settings.api_key.as_deref();
        match error {
            OpenAIError::Boxed(boxed) => match boxed.downcast::<HttpFailure>() {
                Ok(http) => classify(*http, key),
                Err(other) => LlmError::Connection(clean(&error_chain(&*other), key)).into(),
            },
            OpenAIError::Reqwest(error) if error.is_timeout() => LlmError::Timeout.into(),
            // The URL is left out: it is in the settings, and userinfo in it is a secret.
            OpenAIError::Reqwest(error) => {
                LlmError::Connection(clean(&error_chain(&error.without_url()), key)).into()
            }
            OpenAIError::JSONDeserialize(error, _) => LlmError::Config(format!(
                "the endpoint's reply is not an OpenAI chat completion ({error}); check the base URL"
            ))
            .into(),
            OpenAIError::ApiError(api) => {
                let body = serde_json::json!({ "error": api.api_error }).to_string();
                classify(HttpFailure { status: api.status_code.as_u16(), retry_after: None, body }, key)
            }
            OpenAIError::InvalidArgument(message) => LlmError::Config(message).into(),
            other => LlmError::Connection(clean(&other.to_string(), key)).into(),
        }
    }

    fn reply(&self, response: CreateChatCompletionResponse, stats: &mut Stats) -> Reply {
        if let Some(usage) = &response.usage {
            stats.tokens_in = stats.tokens_in.saturating_add(usage.prompt_tokens);
            stats.tokens_out = stats.tokens_out.saturating_add(usage.completion_tokens);
        }
        match response.choices.into_iter().next() {
            Some(choice) => Reply {
                text: choice.message.content.unwrap_or_default(),
                refusal: choice.message.refusal,
                cut_off: choice.finish_reason == Some(FinishReason::Length),
            },
            None => Reply {
                text: String::new(),
                refusal: None,
                cut_off: false,
            },
        }
    }

    fn cost(&self, tokens_in: u32, tokens_out: u32) -> f64 {
        self.inner
            .settings
            .prices
            .get(self.model())
            .map_or(0.0, |price| {
                f64::from(tokens_in) / 1e6 * price.input_per_million
                    + f64::from(tokens_out) / 1e6 * price.output_per_million
            })
    }
}

fn validate(settings: &LlmSettings) -> Result<(), LlmError> {
    let problem = if !(settings.base_url.starts_with("http://")
        || settings.base_url.starts_with("https://"))
    {
        Some("the base URL must start with http:// or https://")
    } else if settings.model.trim().is_empty() {
        Some("the model name is empty")
    } else if settings
        .api_key
        .as_deref()
        .is_some_and(|k| !k.bytes().all(|b| b.is_ascii_graphic()))
    {
        Some("the API key contains characters that cannot be sent in an HTTP header")
    } else if settings.max_attempts == 0 {
        Some("max attempts must be at least 1")
    } else if settings.concurrency == 0 {
        Some("concurrency must be at least 1")
    } else if settings.request_timeout.is_zero() {
        Some("the request timeout must be longer than zero")
    } else if !settings.temperature.is_finite() || settings.max_tokens == 0 {
        Some("temperature must be a number and max tokens at least 1")
    } else {
        None
    };
    problem.map_or(Ok(()), |p| Err(LlmError::Config(p.into())))
}

/// `https://user:secret@host/v1` → `https://[redacted]@host/v1`, for logs.
fn without_userinfo(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority = rest.split('/').next().unwrap_or_default();
    match authority.rsplit_once('@') {
        Some((_, host)) => format!("{scheme}://[redacted]@{host}{}", &rest[authority.len()..]),
        None => url.to_owned(),
    }
}

fn without_authorization(request: HttpRequestFactory) -> HttpRequestFactory {
    HttpRequestFactory::new(move || {
        let request = request.clone();
        async move {
            let mut built = request.build().await?;
            built.headers_mut().remove("authorization");
            Ok::<_, OpenAIError>(built)
        }
    })
}

/// Turns a non-2xx response into an error; `param` is kept to decide fallbacks.
fn classify(http: HttpFailure, key: Option<&str>) -> Failure {
    let body: Option<Value> = serde_json::from_str(&http.body).ok();
    let error = body.as_ref().and_then(|b| b.get("error"));
    let field = |name: &str| {
        error
            .and_then(|e| e.get(name))
            .or_else(|| body.as_ref().and_then(|b| b.get(name)))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    // OpenAI and Ollama: {"error":{"message":…}}; vLLM: {"message":…}; others: a string.
    let message = field("message")
        .or_else(|| error.and_then(Value::as_str).map(str::to_owned))
        .or_else(|| field("detail"))
        .unwrap_or_else(|| http.body.trim().to_owned());
    let message = clean(&message, key);
    let param = field("param");
    let quota = [field("code"), field("type")]
        .iter()
        .flatten()
        .any(|c| c == "insufficient_quota");
    let error = match http.status {
        429 if quota => LlmError::Rejected {
            status: 429,
            message,
        },
        429 => LlmError::RateLimited {
            retry_after: http.retry_after,
            message,
        },
        408 => LlmError::Timeout,
        500..=599 => LlmError::Server {
            status: http.status,
            message,
            retry_after: http.retry_after,
        },
        status => LlmError::Rejected { status, message },
    };
    Failure { error, param }
}

/// Removes secrets from a message quoted to users, and keeps it short.
fn clean(message: &str, key: Option<&str>) -> String {
    let mut text = message.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(key) = key.filter(|k| k.len() >= 4) {
        text = text.replace(key, "[redacted]");
    }
    // Providers echo part of a wrong key back ("Incorrect API key provided: sk-ab***yz").
    let text = text
        .split(' ')
        .map(|word| {
            let bare = word.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '*');
            if bare.len() > 8 && (bare.starts_with("sk-") || bare.starts_with("sk_")) {
                "[redacted]"
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    match text.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn backoff(base: Duration, max: Duration, attempt: u32) -> Duration {
    base.saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
        .min(max)
}

fn micro_dollars(cost: f64) -> u64 {
    let micro = (cost * 1e6).round();
    if micro.is_finite() && micro > 0.0 {
        micro as u64
    } else {
        0
    }
}

/// OpenAI accepts `[A-Za-z0-9_-]{1,64}` as a schema name.
fn schema_identifier(name: &str) -> String {
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

fn repair_prompt(problems: &[String]) -> String {
    let list: String = problems.iter().map(|p| format!("\n- {p}")).collect();
    format!(
        "Your previous answer cannot be used:{list}\nReply again with the corrected JSON \
         object only, valid against the schema, with no other text."
    )
}

/// Parses and validates one answer; the problems are quoted in the repair request.
fn validate_reply(
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
fn strip_code_fence(text: &str) -> &str {
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
fn schema_problems(
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
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

        let vllm = r#"{"object":"error","message":"boom","type":"BadRequestError","param":null,"code":400}"#;
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
        let message =
            "Incorrect API key provided: sk-proj-abc***wxyz. Key my-secret-key-123 rejected";
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
}
