//! A written answer streamed as the model generates it (questions to the
//! documents). Retries happen only before the first piece of text arrives:
//! once a reader has seen part of an answer, starting it again would show
//! them a different one.

use std::time::Instant;

use async_openai::types::chat::{
    ChatCompletionRequestMessage, ChatCompletionRequestSystemMessage,
    ChatCompletionRequestUserMessage, ChatCompletionStreamOptions, CreateChatCompletionRequest,
};
use futures::StreamExt;

use super::transport::backoff;
use super::{LlmClient, LlmError, RETRY_AFTER_CEILING};

/// A streamed answer and what it cost.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamedText {
    pub text: String,
    pub tokens_in: u32,
    pub tokens_out: u32,
    pub cost_usd: f64,
    /// True when the endpoint sent no usage: the tokens are estimated from
    /// the lengths (about four characters a token).
    pub estimated_usage: bool,
}

impl LlmClient {
    /// Upper bound of what one request with a prompt of `prompt_chars`
    /// characters may cost: three characters a token (a generous count) and
    /// the longest answer allowed. Budgets reserve this before the call.
    pub fn ceiling_cost(&self, prompt_chars: usize) -> f64 {
        let tokens_in = u32::try_from(prompt_chars / 3 + 200).unwrap_or(u32::MAX);
        self.cost(tokens_in, self.inner.settings.max_tokens)
    }

    /// Streams a plain-text answer, calling `on_text` with each piece as it
    /// arrives.
    #[allow(deprecated)] // max_tokens: see `request` in client.rs
    pub async fn stream_text(
        &self,
        system: &str,
        user: &str,
        mut on_text: impl FnMut(&str) + Send,
    ) -> Result<StreamedText, LlmError> {
        let settings = &self.inner.settings;
        let messages: Vec<ChatCompletionRequestMessage> = vec![
            ChatCompletionRequestSystemMessage::from(system).into(),
            ChatCompletionRequestUserMessage::from(user).into(),
        ];
        let request = CreateChatCompletionRequest {
            model: settings.model.clone(),
            messages,
            temperature: Some(settings.temperature),
            max_completion_tokens: Some(settings.max_tokens),
            max_tokens: Some(settings.max_tokens),
            stream: Some(true),
            stream_options: Some(ChatCompletionStreamOptions {
                include_usage: Some(true),
                include_obfuscation: None,
            }),
            ..Default::default()
        };
        let max_attempts = settings.max_attempts.max(1);
        let mut attempt = 0;
        let started = Instant::now();
        // The permit is held for the whole answer: a stream is a request in flight.
        let _permit = self
            .inner
            .permits
            .acquire()
            .await
            .map_err(|_| LlmError::Config("the client's request limiter was closed".into()))?;
        let mut stream = loop {
            attempt += 1;
            let opened = tokio::time::timeout(
                settings.request_timeout,
                self.inner.api.chat().create_stream(request.clone()),
            )
            .await;
            let error = match opened {
                Ok(Ok(stream)) => break stream,
                Ok(Err(error)) => self.failure(error).error,
                Err(_) => LlmError::Timeout,
            };
            if !error.is_retryable() || attempt >= max_attempts {
                self.record_stream(started, error.outcome(), 0, 0);
                return Err(error);
            }
            let delay = error.retry_after().map_or_else(
                || backoff(settings.backoff_base, settings.backoff_max, attempt),
                |asked| asked.min(RETRY_AFTER_CEILING),
            );
            tracing::warn!(attempt, error = %error, "streamed llm request failed; retrying");
            tokio::time::sleep(delay).await;
        };
        let mut text = String::new();
        let mut usage = None;
        loop {
            // Each piece must come within the request timeout; a stalled
            // stream is not waited on for ever.
            let next = tokio::time::timeout(settings.request_timeout, stream.next()).await;
            let chunk = match next {
                Err(_) => {
                    self.record_stream(started, "timeout", 0, 0);
                    return Err(LlmError::Timeout);
                }
                Ok(None) => break,
                Ok(Some(Err(error))) => {
                    let error = self.failure(error).error;
                    self.record_stream(started, error.outcome(), 0, 0);
                    return Err(error);
                }
                Ok(Some(Ok(chunk))) => chunk,
            };
            if let Some(found) = chunk.usage {
                usage = Some((found.prompt_tokens, found.completion_tokens));
            }
            for choice in chunk.choices {
                if let Some(piece) = choice.delta.content
                    && !piece.is_empty()
                {
                    text.push_str(&piece);
                    on_text(&piece);
                }
            }
        }
        let estimated_usage = usage.is_none();
        let (tokens_in, tokens_out) = usage.unwrap_or_else(|| {
            let estimate = |chars: usize| u32::try_from(chars / 4).unwrap_or(u32::MAX);
            (estimate(system.len() + user.len()), estimate(text.len()))
        });
        self.record_stream(started, "ok", tokens_in, tokens_out);
        Ok(StreamedText {
            cost_usd: self.cost(tokens_in, tokens_out),
            text,
            tokens_in,
            tokens_out,
            estimated_usage,
        })
    }

    fn record_stream(
        &self,
        started: Instant,
        outcome: &'static str,
        tokens_in: u32,
        tokens_out: u32,
    ) {
        let model = self.model().to_owned();
        metrics::histogram!("llm_request_duration_seconds",
            "model" => model.clone(), "outcome" => outcome)
        .record(started.elapsed().as_secs_f64());
        metrics::counter!("llm_calls_total", "model" => model.clone(), "outcome" => outcome)
            .increment(1);
        metrics::counter!("llm_tokens_total", "model" => model.clone(), "kind" => "input")
            .increment(u64::from(tokens_in));
        metrics::counter!("llm_tokens_total", "model" => model, "kind" => "output")
            .increment(u64::from(tokens_out));
    }
}
