//! What can go wrong with a call, and how an endpoint's error response becomes an
//! [`LlmError`] that is safe to show: the key and URL credentials are removed and long
//! bodies cut short.

use std::time::Duration;

use async_openai::error::OpenAIError;
use serde_json::Value;

use super::transport::HttpFailure;
use super::{Failure, LlmClient, MAX_MESSAGE_CHARS};

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
    pub(super) fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after, .. } | Self::Server { retry_after, .. } => {
                *retry_after
            }
            _ => None,
        }
    }

    /// The `outcome` label of the metrics.
    pub(super) fn outcome(&self) -> &'static str {
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

impl LlmClient {
    pub(super) fn failure(&self, error: OpenAIError) -> Failure {
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
}

/// Turns a non-2xx response into an error; `param` is kept to decide fallbacks.
pub(super) fn classify(http: HttpFailure, key: Option<&str>) -> Failure {
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
pub(super) fn clean(message: &str, key: Option<&str>) -> String {
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
