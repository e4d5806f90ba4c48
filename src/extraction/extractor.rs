//! The extractors a run can use, behind one enum: the built-in offline
//! extractor and an OpenAI-compatible model. Both answer one plan step for one
//! document in the shape of the step's schema (`answer.rs`); grounding happens
//! afterwards, the same way for both.

use std::collections::BTreeMap;

use serde_json::Value;

use super::answer::StepAnswer;
use super::llm::{LlmClient, LlmError};
use super::offline::{self, OfflineInput, PageText};
use crate::forms::model::FormDefinition;
use crate::forms::plan::{self, PlanStep};

/// Seeded entries of one document: sub-form key → entries with known child values.
pub type Seeds = BTreeMap<String, Vec<BTreeMap<String, Value>>>;

/// A chunk of a document's text, as stored for search.
#[derive(Debug, Clone)]
pub struct Chunk {
    pub index: i32,
    pub page: i32,
    pub content: String,
}

/// Everything an extractor gets for one step of one document.
pub struct StepRequest<'a> {
    pub definition: &'a FormDefinition,
    pub step: &'a PlanStep,
    pub pages: &'a [PageText],
    pub chunks: &'a [Chunk],
    /// Chunks ranked by the full-text index for this step's words, best first.
    pub ranked_chunks: &'a [i32],
    pub seeds: &'a Seeds,
}

/// One step's answer and what producing it cost.
#[derive(Debug, Clone)]
pub struct StepOutput {
    pub answer: StepAnswer,
    /// The answer as it came (the LLM's JSON; the offline answer serialised).
    pub raw: Value,
    /// The chunks sent as context (empty: the whole document was sent).
    pub context_chunks: Vec<i32>,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub cost_usd: f64,
}

/// Why a step could not be answered; `retryable` failures are worth a retry of
/// the step later (an outage), the others are not (a refused request).
#[derive(Debug, Clone)]
pub struct StepFailure {
    pub reason: String,
    pub retryable: bool,
}

impl From<LlmError> for StepFailure {
    fn from(err: LlmError) -> Self {
        StepFailure {
            retryable: err.is_retryable(),
            reason: err.reason(),
        }
    }
}

#[derive(Clone)]
pub enum Extractor {
    Offline,
    OpenAi {
        client: LlmClient,
        /// How much paper text one step may send, in tokens (≈ 4 characters each).
        context_tokens: usize,
    },
}

impl Extractor {
    pub fn model(&self) -> String {
        match self {
            Extractor::Offline => "offline".to_owned(),
            Extractor::OpenAi { client, .. } => client.model().to_owned(),
        }
    }

    pub async fn extract(&self, request: &StepRequest<'_>) -> Result<StepOutput, StepFailure> {
        match self {
            Extractor::Offline => {
                let fields: Vec<_> = plan::step_fields(request.definition, request.step)
                    .into_iter()
                    .cloned()
                    .collect();
                let input = OfflineInput {
                    pages: request.pages,
                    fields: &fields,
                    seeded_entries: request.seeds,
                };
                let answer = offline::extract_step(&input);
                let raw = serde_json::to_value(&answer).unwrap_or(Value::Null);
                Ok(StepOutput {
                    answer,
                    raw,
                    context_chunks: Vec::new(),
                    tokens_in: 0,
                    tokens_out: 0,
                    cost_usd: 0.0,
                })
            }
            Extractor::OpenAi {
                client,
                context_tokens,
            } => extract_with_llm(client, *context_tokens, request).await,
        }
    }
}

const SYSTEM_PROMPT: &str = "You extract data from one research paper for a systematic review. \
Answer only from the paper text given, which is marked with [page N] lines. For every field give: \
`value` (typed as the schema says), `not_reported` (true when the paper does not state it — then \
`value` and `evidence` are null; never guess), `evidence` (`quote`: a short passage copied \
character for character from the text that states the value; `page`: the page it is on), and \
`confidence` (0 to 1). Every quote is checked against the paper; a quote that is not in the paper \
or does not state the value is rejected.";

async fn extract_with_llm(
    client: &LlmClient,
    context_tokens: usize,
    request: &StepRequest<'_>,
) -> Result<StepOutput, StepFailure> {
    let (context, context_chunks) = build_context(request, context_tokens);
    let mut user = String::new();
    user.push_str(&format!(
        "Step: {}\n\nInstructions:\n{}\n\n",
        request.step.title, request.step.instructions
    ));
    for key in &request.step.field_keys {
        if let Some(entries) = request.seeds.get(key)
            && !entries.is_empty()
        {
            let seeds = serde_json::to_string_pretty(entries).unwrap_or_default();
            user.push_str(&format!(
                "Give exactly one entry of `{key}` for each of these {} entries, in this order, \
                 with the given values copied unchanged and the other fields extracted:\n{seeds}\n\n",
                entries.len()
            ));
        }
    }
    user.push_str("Paper text:\n");
    user.push_str(&context);
    let schema = plan::step_schema(request.definition, request.step);
    let definition = request.definition;
    let step = request.step;
    let check = move |json: &Value| match plan::parse_step_answer(definition, step, json) {
        Ok(_) => Vec::new(),
        Err(problems) => problems,
    };
    let answer = client
        .complete_json(SYSTEM_PROMPT, &user, &request.step.key, &schema, &check)
        .await?;
    let parsed = plan::parse_step_answer(definition, step, &answer.json).map_err(|problems| {
        StepFailure {
            reason: format!("the model's answer is not valid: {}", problems.join("; ")),
            retryable: false,
        }
    })?;
    Ok(StepOutput {
        answer: parsed,
        raw: answer.json,
        context_chunks,
        tokens_in: i64::from(answer.tokens_in),
        tokens_out: i64::from(answer.tokens_out),
        cost_usd: answer.cost_usd,
    })
}

/// The paper text for a step: the whole document when it fits the budget,
/// otherwise the best-ranked chunks with their neighbours (so a passage cut
/// at a chunk or page boundary is not lost), in reading order, with page markers.
pub fn build_context(request: &StepRequest<'_>, context_tokens: usize) -> (String, Vec<i32>) {
    let budget_chars = context_tokens.saturating_mul(4);
    let total: usize = request.pages.iter().map(|p| p.text.len() + 12).sum();
    if total <= budget_chars || request.chunks.is_empty() {
        let mut text = String::with_capacity(total);
        for page in request.pages {
            text.push_str(&format!("[page {}]\n{}\n", page.page, page.text));
        }
        return (text, Vec::new());
    }
    let mut chosen: Vec<i32> = Vec::new();
    let mut used = 0usize;
    let size = |index: i32| {
        request
            .chunks
            .iter()
            .find(|c| c.index == index)
            .map_or(0, |c| c.content.len() + 12)
    };
    // Best chunks first; then the rest in order, so a short paper whose words
    // the index misses still gets text.
    let order = request
        .ranked_chunks
        .iter()
        .copied()
        .chain(request.chunks.iter().map(|c| c.index));
    for index in order {
        for candidate in [index, index - 1, index + 1] {
            if chosen.contains(&candidate) || size(candidate) == 0 {
                continue;
            }
            if used + size(candidate) > budget_chars {
                continue;
            }
            used += size(candidate);
            chosen.push(candidate);
        }
        if used >= budget_chars {
            break;
        }
    }
    chosen.sort_unstable();
    let mut text = String::with_capacity(used);
    let mut last_page = -1;
    for chunk in request.chunks.iter().filter(|c| chosen.contains(&c.index)) {
        if chunk.page != last_page {
            text.push_str(&format!("[page {}]\n", chunk.page));
            last_page = chunk.page;
        }
        text.push_str(&chunk.content);
        text.push('\n');
    }
    (text, chosen)
}

/// The words of a step's fields (labels, descriptions, hints, options) as a
/// `to_tsquery` expression that matches any of them.
pub fn step_query(definition: &FormDefinition, step: &PlanStep) -> String {
    let mut words: Vec<String> = Vec::new();
    fn collect(field: &crate::forms::model::FieldDef, words: &mut Vec<String>) {
        let texts = [
            field.label.as_str(),
            field.description.as_str(),
            field.hints.as_str(),
        ];
        for text in texts
            .into_iter()
            .chain(field.options.iter().map(|o| o.value.as_str()))
        {
            for word in text.split(|c: char| !c.is_alphanumeric()) {
                let word = word.to_lowercase();
                if word.chars().count() >= 3 && word.chars().all(|c| c.is_alphanumeric()) {
                    words.push(word);
                }
            }
        }
        for child in &field.fields {
            collect(child, words);
        }
    }
    for field in plan::step_fields(definition, step) {
        collect(field, &mut words);
    }
    words.sort();
    words.dedup();
    words.truncate(200);
    words.join(" | ")
}
