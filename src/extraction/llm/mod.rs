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

mod client;
mod errors;
mod stream;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
mod transport;
mod validate;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use async_openai::config::OpenAIConfig;
use serde_json::Value;
use tokio::sync::Semaphore;

pub use errors::LlmError;
pub use stream::StreamedText;
pub use transport::parse_retry_after;

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
