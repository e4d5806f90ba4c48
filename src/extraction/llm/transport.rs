//! The transport below async-openai: non-2xx responses kept as [`HttpFailure`]s with
//! their status, `Retry-After` and body, and the one retry loop that honours them.

use std::fmt;
use std::time::{Duration, Instant, SystemTime};

use async_openai::error::OpenAIError;
use async_openai::middleware::HttpRequestFactory;
use async_openai::types::chat::{CreateChatCompletionRequest, CreateChatCompletionResponse};

use super::{Failure, LlmClient, LlmError, RETRY_AFTER_CEILING, Stats};

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
pub(super) struct HttpFailure {
    pub(super) status: u16,
    pub(super) retry_after: Option<Duration>,
    pub(super) body: String,
}

impl fmt::Display for HttpFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)
    }
}

impl std::error::Error for HttpFailure {}

impl LlmClient {
    /// Sends one request with retries. The permit is held only while a request is in
    /// flight, never while sleeping before the next attempt.
    pub(super) async fn send(
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
}

pub(super) fn without_authorization(request: HttpRequestFactory) -> HttpRequestFactory {
    HttpRequestFactory::new(move || {
        let request = request.clone();
        async move {
            let mut built = request.build().await?;
            built.headers_mut().remove("authorization");
            Ok::<_, OpenAIError>(built)
        }
    })
}

pub(super) fn backoff(base: Duration, max: Duration, attempt: u32) -> Duration {
    base.saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
        .min(max)
}
