//! The flow of one structured call: building the request, the repair round, the
//! fallbacks for parameters an endpoint refuses, and token, cost and latency
//! accounting.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

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

use super::transport::{HttpFailure, parse_retry_after, without_authorization};
use super::validate::{repair_prompt, schema_identifier, validate_reply};
use super::{
    Failure, Inner, LlmAnswer, LlmClient, LlmError, LlmSettings, Reply, Stats, StructuredOutput,
    Turn, validate,
};

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

    pub(super) fn cost(&self, tokens_in: u32, tokens_out: u32) -> f64 {
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

fn micro_dollars(cost: f64) -> u64 {
    let micro = (cost * 1e6).round();
    if micro.is_finite() && micro > 0.0 {
        micro as u64
    } else {
        0
    }
}
