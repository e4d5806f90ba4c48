//! The `extraction.run` job: fans a run out into document × step work under a
//! concurrency limit shared by every run of the process, grounds every value,
//! and stores each finished step at once in its own transaction (unique per
//! run, document and step), so a restarted run resumes without redoing or
//! duplicating anything. A failing step never fails the run: it is recorded
//! with its reason and can be retried.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::Instant;

use futures::StreamExt;
use serde::Deserialize;
use serde_json::Value;
use sqlx::PgPool;
use tokio::sync::Semaphore;
use uuid::Uuid;

use super::answer::{AnswerNode, FieldAnswer, StepAnswer};
use super::extractor::{Chunk, Extractor, Seeds, StepOutput, StepRequest, step_query};
use super::grounding::{self, Paper};
use super::offline::PageText;
use super::runs::RUN_KIND;
use crate::forms::model::{FieldDef, FormDefinition};
use crate::forms::plan::{self, ExtractionPlan, PlanStep};
use crate::jobs::worker::{JobContext, JobError, JobResult, Registry};
use crate::spending::server::{self as spending, Purpose};

/// What the run job needs besides the database: the configured model (if any)
/// and the process-wide limit on extraction work in flight.
#[derive(Clone)]
pub struct ExtractionServices {
    pub llm: Option<Extractor>,
    pub slots: Arc<Semaphore>,
}

pub fn register(registry: &mut Registry, services: &ExtractionServices) {
    let services = services.clone();
    registry.register(RUN_KIND, move |ctx| {
        let services = services.clone();
        async move { run(ctx, services).await }
    });
}

#[derive(Deserialize)]
struct Payload {
    run_id: Uuid,
}

fn retry(err: sqlx::Error) -> JobError {
    JobError::Retry(format!("database: {err}"))
}

struct Loaded {
    project: Uuid,
    /// Who started the run: its model calls are recorded as theirs.
    started_by: Option<Uuid>,
    definition: FormDefinition,
    plan: ExtractionPlan,
    form_version: Uuid,
    extractor: Extractor,
    model: String,
    documents: Vec<(Uuid, Seeds)>,
}

async fn load(
    ctx: &JobContext,
    services: &ExtractionServices,
    run: Uuid,
) -> Result<Option<Loaded>, JobError> {
    let row = sqlx::query!(
        r#"SELECT r.status, r.extractor, r.form_version_id, r.project_id, r.created_by,
                  v.definition, v.plan
           FROM extraction_runs r JOIN form_versions v ON v.id = r.form_version_id
           WHERE r.id = $1"#,
        run
    )
    .fetch_optional(&ctx.db)
    .await
    .map_err(retry)?;
    let Some(row) = row else {
        ctx.log("The run no longer exists.").await;
        return Ok(None);
    };
    if row.status == "cancelled" {
        return Ok(None);
    }
    let definition: FormDefinition = serde_json::from_value(row.definition)
        .map_err(|err| JobError::Fail(format!("the form version cannot be read: {err}")))?;
    let plan: ExtractionPlan = row
        .plan
        .map(serde_json::from_value)
        .transpose()
        .map_err(|err| JobError::Fail(format!("the plan cannot be read: {err}")))?
        .ok_or_else(|| JobError::Fail("the form version has no plan".to_owned()))?;
    let extractor = match row.extractor.as_str() {
        "openai" => services.llm.clone().ok_or_else(|| {
            JobError::Fail("no language model endpoint is configured any more".to_owned())
        })?,
        _ => Extractor::Offline,
    };
    let model = extractor.model();
    let documents = sqlx::query!(
        "SELECT document_id, seeds FROM run_documents WHERE run_id = $1 ORDER BY document_id",
        run
    )
    .fetch_all(&ctx.db)
    .await
    .map_err(retry)?
    .into_iter()
    .map(|r| {
        (
            r.document_id,
            serde_json::from_value(r.seeds).unwrap_or_default(),
        )
    })
    .collect();
    Ok(Some(Loaded {
        project: row.project_id,
        started_by: row.created_by,
        definition,
        plan,
        form_version: row.form_version_id,
        extractor,
        model,
        documents,
    }))
}

async fn run(ctx: JobContext, services: ExtractionServices) -> JobResult {
    let Payload { run_id } = ctx.payload()?;
    let Some(loaded) = load(&ctx, &services, run_id).await? else {
        return Ok(());
    };
    sqlx::query!(
        r#"UPDATE extraction_runs SET status = 'running', started_at = coalesce(started_at, now())
           WHERE id = $1 AND status IN ('queued', 'running')"#,
        run_id
    )
    .execute(&ctx.db)
    .await
    .map_err(retry)?;
    let finished: HashSet<(Uuid, String)> = sqlx::query!(
        "SELECT document_id, step_key FROM run_steps WHERE run_id = $1",
        run_id
    )
    .fetch_all(&ctx.db)
    .await
    .map_err(retry)?
    .into_iter()
    .map(|r| (r.document_id, r.step_key))
    .collect();
    let total = (loaded.documents.len() * loaded.plan.steps.len()) as i32;
    let done = Arc::new(AtomicI32::new(finished.len() as i32));
    ctx.progress(done.load(Ordering::Relaxed), total, "Starting")
        .await?;
    ctx.log(&format!(
        "Extracting {} steps from {} documents with {} ({} already done).",
        loaded.plan.steps.len(),
        loaded.documents.len(),
        loaded.model,
        finished.len()
    ))
    .await;
    let loaded = Arc::new(loaded);
    let finished = Arc::new(finished);
    let budget = Arc::new(BudgetStop::default());
    // Documents in parallel; the shared semaphore bounds the steps in flight.
    let parallel_documents = services.slots.available_permits().max(1);
    let errors: Vec<JobError> = futures::stream::iter(loaded.documents.clone())
        .map(|(document, seeds)| {
            let ctx = ctx.clone();
            let loaded = loaded.clone();
            let finished = finished.clone();
            let done = done.clone();
            let slots = services.slots.clone();
            let budget = budget.clone();
            async move {
                let work = Work {
                    ctx: &ctx,
                    loaded: &loaded,
                    slots: &slots,
                    budget: &budget,
                    run_id,
                    finished: &finished,
                    done: &done,
                    total,
                };
                run_document(&work, document, &seeds).await
            }
        })
        .buffer_unordered(parallel_documents)
        .filter_map(|result| async move { result.err() })
        .collect()
        .await;
    if ctx.is_cancelled() {
        // Stopped either because someone cancelled the run, or because another
        // worker took the job over (this one was presumed dead): only the
        // first is the run's end; the new holder owns the run's status.
        let requested = sqlx::query_scalar!(
            "SELECT cancel_requested FROM jobs WHERE id = $1",
            ctx.job.id
        )
        .fetch_optional(&ctx.db)
        .await
        .map_err(retry)?
        .unwrap_or(false);
        if requested {
            mark_finished(&ctx.db, run_id, "cancelled").await?;
        }
        return Err(JobError::Cancelled);
    }
    if let Some(err) = errors.into_iter().next() {
        // Database trouble: the job is retried and resumes from the stored steps.
        return Err(err);
    }
    if let Some(reason) = budget.reason() {
        // The steps not done stay undone: resuming the run (once the budget
        // is raised) does exactly them.
        mark_finished(&ctx.db, run_id, "budget_reached").await?;
        let left = i64::from(total) - i64::from(done.load(Ordering::Relaxed));
        ctx.log(&format!(
            "Run stopped: {reason} {left} steps are left; resume the run once the budget is raised."
        ))
        .await;
        return Ok(());
    }
    let failed = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM run_steps WHERE run_id = $1 AND status = 'failed'"#,
        run_id
    )
    .fetch_one(&ctx.db)
    .await
    .map_err(retry)?;
    let status = if failed == 0 {
        "succeeded"
    } else if failed >= i64::from(total) {
        "failed"
    } else {
        "partial"
    };
    mark_finished(&ctx.db, run_id, status).await?;
    ctx.log(&format!("Run finished: {status}, {failed} failed steps."))
        .await;
    Ok(())
}

async fn mark_finished(pool: &PgPool, run: Uuid, status: &str) -> JobResult {
    // A finished run is never finished again by a late worker.
    sqlx::query!(
        r#"UPDATE extraction_runs SET status = $2, finished_at = now()
           WHERE id = $1 AND status IN ('queued', 'running')"#,
        run,
        status
    )
    .execute(pool)
    .await
    .map_err(retry)?;
    Ok(())
}

/// The converted text of a document, loaded once for all its steps.
struct DocumentText {
    name: String,
    /// Length of the text, for the ceiling of a model call's cost.
    chars: usize,
    text_version: i32,
    pages: Vec<PageText>,
    chunks: Vec<Chunk>,
}

async fn load_text(pool: &PgPool, document: Uuid) -> Result<Option<DocumentText>, sqlx::Error> {
    let Some(doc) = sqlx::query!(
        "SELECT original_name, text_version, status FROM documents WHERE id = $1",
        document
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let pages: Vec<PageText> = sqlx::query!(
        "SELECT page_number, markdown FROM document_pages WHERE document_id = $1 ORDER BY page_number",
        document
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|p| PageText {
        page: p.page_number.max(1) as u32,
        text: p.markdown,
    })
    .collect();
    let chunks = sqlx::query!(
        "SELECT chunk_index, page_number, content FROM document_chunks WHERE document_id = $1 ORDER BY chunk_index",
        document
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|c| Chunk {
        index: c.chunk_index,
        page: c.page_number,
        content: c.content,
    })
    .collect();
    let chars = pages.iter().map(|p: &PageText| p.text.len()).sum();
    Ok(Some(DocumentText {
        name: doc.original_name,
        chars,
        text_version: doc.text_version,
        pages,
        chunks,
    }))
}

/// Set when a budget refused a model call: no further step starts.
#[derive(Default)]
struct BudgetStop(std::sync::Mutex<Option<String>>);

impl BudgetStop {
    fn reason(&self) -> Option<String> {
        self.0.lock().ok().and_then(|r| r.clone())
    }

    fn stop(&self, reason: String) {
        if let Ok(mut r) = self.0.lock() {
            r.get_or_insert(reason);
        }
    }
}

/// What every document of a run shares.
struct Work<'a> {
    ctx: &'a JobContext,
    loaded: &'a Loaded,
    slots: &'a Semaphore,
    budget: &'a BudgetStop,
    run_id: Uuid,
    finished: &'a HashSet<(Uuid, String)>,
    done: &'a AtomicI32,
    total: i32,
}

async fn run_document(work: &Work<'_>, document: Uuid, seeds: &Seeds) -> JobResult {
    let Work {
        ctx,
        loaded,
        slots,
        budget,
        run_id,
        finished,
        done,
        total,
    } = *work;
    let steps: Vec<&PlanStep> = loaded
        .plan
        .steps
        .iter()
        .filter(|s| !finished.contains(&(document, s.key.clone())))
        .collect();
    if steps.is_empty() {
        return Ok(());
    }
    let text = load_text(&ctx.db, document).await.map_err(retry)?;
    let text = match text {
        Some(text) if !text.pages.is_empty() => text,
        _ => {
            for step in steps {
                store_failure(
                    &ctx.db,
                    run_id,
                    document,
                    &step.key,
                    "the document has no converted text",
                )
                .await?;
                done.fetch_add(1, Ordering::Relaxed);
            }
            return Ok(());
        }
    };
    let grounding_pages: Vec<grounding::PageText> = text
        .pages
        .iter()
        .map(|p| grounding::PageText {
            page: p.page,
            text: &p.text,
        })
        .collect();
    let paper = Paper::new(&grounding_pages);
    // The steps of a document run at once, each waiting for a slot of the
    // process-wide semaphore, so slots never idle while work is left.
    let paper = &paper;
    let text = &text;
    let results = futures::future::join_all(steps.into_iter().map(|step| async move {
        if ctx.is_cancelled() {
            return Ok(());
        }
        let ranked = rank_chunks(&ctx.db, document, &step_query(&loaded.definition, step))
            .await
            .map_err(retry)?;
        let request = StepRequest {
            definition: &loaded.definition,
            step,
            pages: &text.pages,
            chunks: &text.chunks,
            ranked_chunks: &ranked,
            seeds,
        };
        let started = Instant::now();
        let outcome = {
            let _permit = slots
                .acquire()
                .await
                .map_err(|_| JobError::Retry("the process is shutting down".to_owned()))?;
            if budget.reason().is_some() {
                return Ok(());
            }
            // A model call first reserves its ceiling in the budgets (after
            // the slot: a step waiting for one holds no share of them).
            let reservation = match &loaded.extractor {
                Extractor::OpenAi {
                    client,
                    context_tokens,
                } => {
                    let purpose = Purpose {
                        project: loaded.project,
                        run: Some(run_id),
                        question: None,
                        user: loaded.started_by,
                    };
                    let prompt_chars = text.chars.min(context_tokens.saturating_mul(4)) + 6_000;
                    let ceiling = client.ceiling_cost(prompt_chars);
                    match spending::reserve(&ctx.db, purpose, &loaded.model, ceiling, || {
                        ctx.is_cancelled()
                    })
                    .await
                    .map_err(retry)?
                    {
                        Ok(reservation) => Some(reservation),
                        Err(reached) => {
                            budget.stop(reached.message());
                            return Ok(());
                        }
                    }
                }
                Extractor::Offline => None,
            };
            let outcome = loaded.extractor.extract(&request).await;
            if let Some(reservation) = reservation {
                let (tokens_in, tokens_out, cost) = match &outcome {
                    Ok(output) => (output.tokens_in, output.tokens_out, output.cost_usd),
                    Err(_) => (0, 0, 0.0),
                };
                spending::settle(&ctx.db, reservation, tokens_in, tokens_out, cost)
                    .await
                    .map_err(retry)?;
            }
            outcome
        };
        let elapsed_ms = started.elapsed().as_millis().min(i32::MAX as u128) as i32;
        match outcome {
            Ok(output) => {
                let values = ground_answer(&loaded.definition, step, &output.answer, seeds, paper);
                store_step(
                    &ctx.db,
                    StoredStep {
                        run: run_id,
                        document,
                        form_version: loaded.form_version,
                        step: &step.key,
                        model: &loaded.model,
                        text_version: text.text_version,
                        output: &output,
                        values: &values,
                        elapsed_ms,
                    },
                )
                .await?;
            }
            Err(failure) => {
                ctx.log(&format!(
                    "{} · {}: {}",
                    text.name, step.title, failure.reason
                ))
                .await;
                store_failure(&ctx.db, run_id, document, &step.key, &failure.reason).await?;
            }
        }
        let now = done.fetch_add(1, Ordering::Relaxed) + 1;
        ctx.progress(now, total, &format!("{} · {}", text.name, step.title))
            .await?;
        Ok(())
    }))
    .await;
    results.into_iter().collect::<JobResult>()?;
    Ok(())
}

async fn rank_chunks(pool: &PgPool, document: Uuid, query: &str) -> Result<Vec<i32>, sqlx::Error> {
    if query.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_scalar!(
        r#"SELECT chunk_index FROM document_chunks, to_tsquery('english', $2) q
           WHERE document_id = $1 AND search @@ q
           ORDER BY ts_rank_cd(search, q) DESC, chunk_index
           LIMIT 200"#,
        document,
        query
    )
    .fetch_all(pool)
    .await
}

/// One value ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct GroundedValue {
    pub path: String,
    pub answer: FieldAnswer,
    pub grounded: bool,
    pub supported: bool,
    pub seeded: bool,
    pub page: Option<u32>,
    pub start: Option<usize>,
    pub end: Option<usize>,
}

/// Flattens a step's answer into values addressed by key path with entry
/// indexes, and grounds each against the paper. Values of a seeded entry's
/// given fields are the user's, marked seeded.
pub fn ground_answer(
    definition: &FormDefinition,
    step: &PlanStep,
    answer: &StepAnswer,
    seeds: &Seeds,
    paper: &Paper,
) -> Vec<GroundedValue> {
    let mut out = Vec::new();
    for field in plan::step_fields(definition, step) {
        if let Some(node) = answer.get(&field.key) {
            let seeded_entries = seeds.get(&field.key);
            flatten(
                field,
                node,
                &field.key,
                seeded_entries.map(Vec::as_slice),
                paper,
                &mut out,
            );
        }
    }
    out
}

fn flatten(
    field: &FieldDef,
    node: &AnswerNode,
    path: &str,
    seeded: Option<&[BTreeMap<String, Value>]>,
    paper: &Paper,
    out: &mut Vec<GroundedValue>,
) {
    match node {
        AnswerNode::Field(answer) => out.push(ground_one(field, answer, path, false, paper)),
        AnswerNode::Entries(entries) => {
            for (i, entry) in entries.iter().enumerate() {
                let given = seeded.and_then(|s| s.get(i));
                flatten_entry(field, entry, &format!("{path}[{i}]"), given, paper, out);
            }
        }
        AnswerNode::Object(entry) => flatten_entry(field, entry, path, None, paper, out),
    }
}

fn flatten_entry(
    field: &FieldDef,
    entry: &BTreeMap<String, AnswerNode>,
    path: &str,
    given: Option<&BTreeMap<String, Value>>,
    paper: &Paper,
    out: &mut Vec<GroundedValue>,
) {
    for child in &field.fields {
        let Some(node) = entry.get(&child.key) else {
            continue;
        };
        let child_path = format!("{path}.{}", child.key);
        match (node, given.and_then(|g| g.get(&child.key))) {
            (AnswerNode::Field(answer), Some(seed)) => {
                // The user's own value stands, whatever the extractor echoed.
                let mut answer = answer.clone();
                answer.value = Some(seed.clone());
                answer.not_reported = false;
                out.push(ground_one(child, &answer, &child_path, true, paper));
            }
            _ => flatten(child, node, &child_path, None, paper, out),
        }
    }
}

fn ground_one(
    field: &FieldDef,
    answer: &FieldAnswer,
    path: &str,
    seeded: bool,
    paper: &Paper,
) -> GroundedValue {
    let mut value = GroundedValue {
        path: path.to_owned(),
        answer: answer.clone(),
        grounded: false,
        supported: false,
        seeded,
        page: None,
        start: None,
        end: None,
    };
    if answer.not_reported {
        return value;
    }
    if let Some(derivation) = &answer.derivation {
        // A derived value is verified only when each of its inputs is found in
        // the paper and states its number.
        let all = derivation.inputs.iter().all(|input| {
            let number = serde_json::Number::from_f64(input.value).map(Value::Number);
            number.is_some_and(|n| {
                paper
                    .ground(
                        crate::forms::model::FieldType::Number,
                        &[],
                        &n,
                        &input.evidence.quote,
                        Some(input.evidence.page),
                    )
                    .supported
            })
        });
        value.grounded = all;
        value.supported = all;
    }
    let (Some(evidence), Some(v)) = (&answer.evidence, &answer.value) else {
        return value;
    };
    let grounding = paper.ground(
        field.field_type,
        &field.options,
        v,
        &evidence.quote,
        Some(evidence.page),
    );
    if answer.derivation.is_none() {
        value.grounded = grounding.grounded;
        value.supported = grounding.supported;
    }
    if let Some(located) = grounding.located {
        value.page = Some(located.page);
        value.start = Some(located.start);
        value.end = Some(located.end);
    }
    value
}

struct StoredStep<'a> {
    run: Uuid,
    document: Uuid,
    form_version: Uuid,
    step: &'a str,
    model: &'a str,
    text_version: i32,
    output: &'a StepOutput,
    values: &'a [GroundedValue],
    elapsed_ms: i32,
}

/// Stores a finished step and its values in one transaction. A step that is
/// already stored (a worker presumed dead finished it meanwhile) is left as it is.
async fn store_step(pool: &PgPool, step: StoredStep<'_>) -> JobResult {
    let mut tx = pool.begin().await.map_err(retry)?;
    let inserted = sqlx::query!(
        r#"INSERT INTO run_steps (run_id, document_id, step_key, status, raw_answer, context_chunks,
                                  tokens_in, tokens_out, cost_usd, duration_ms)
           VALUES ($1, $2, $3, 'done', $4, $5, $6, $7, $8, $9)
           ON CONFLICT (run_id, document_id, step_key) DO NOTHING"#,
        step.run,
        step.document,
        step.step,
        step.output.raw,
        &step.output.context_chunks,
        step.output.tokens_in.min(i64::from(i32::MAX)) as i32,
        step.output.tokens_out.min(i64::from(i32::MAX)) as i32,
        step.output.cost_usd,
        step.elapsed_ms
    )
    .execute(&mut *tx)
    .await
    .map_err(retry)?;
    if inserted.rows_affected() == 0 {
        return Ok(());
    }
    let extractor = if step.model == "offline" {
        "offline"
    } else {
        "openai"
    };
    for value in step.values {
        let evidence = value.answer.evidence.as_ref();
        let derivation = value
            .answer
            .derivation
            .as_ref()
            .and_then(|d| serde_json::to_value(d).ok());
        sqlx::query!(
            r#"INSERT INTO extracted_values (run_id, document_id, form_version_id, step_key, field_path,
                   value, not_reported, quote, page, char_start, char_end, grounded, supported,
                   confidence, seeded, derivation, extractor, model, text_version)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
               ON CONFLICT (run_id, document_id, field_path) DO NOTHING"#,
            step.run,
            step.document,
            step.form_version,
            step.step,
            value.path,
            value.answer.value,
            value.answer.not_reported,
            evidence.map(|e| e.quote.clone()),
            value
                .page
                .or(evidence.map(|e| e.page))
                .map(|p| p.min(i32::MAX as u32) as i32),
            value.start.map(|s| s.min(i32::MAX as usize) as i32),
            value.end.map(|s| s.min(i32::MAX as usize) as i32),
            value.grounded,
            value.supported,
            value.answer.confidence.clamp(0.0, 1.0),
            value.seeded,
            derivation,
            extractor,
            step.model,
            step.text_version
        )
        .execute(&mut *tx)
        .await
        .map_err(retry)?;
        let outcome = if value.answer.not_reported {
            "not_reported"
        } else if value.seeded {
            "seeded"
        } else if !value.grounded {
            "ungrounded"
        } else if !value.supported {
            "unsupported"
        } else {
            "verified"
        };
        metrics::counter!("extraction_values_total", "outcome" => outcome).increment(1);
    }
    tx.commit().await.map_err(retry)?;
    Ok(())
}

async fn store_failure(
    pool: &PgPool,
    run: Uuid,
    document: Uuid,
    step: &str,
    reason: &str,
) -> JobResult {
    sqlx::query!(
        r#"INSERT INTO run_steps (run_id, document_id, step_key, status, error)
           VALUES ($1, $2, $3, 'failed', $4)
           ON CONFLICT (run_id, document_id, step_key) DO NOTHING"#,
        run,
        document,
        step,
        reason
    )
    .execute(pool)
    .await
    .map_err(retry)?;
    Ok(())
}

impl ExtractionServices {
    /// The model client, shared with questions so that one limit holds
    /// for every request of the process.
    pub fn client(&self) -> Option<super::llm::LlmClient> {
        match &self.llm {
            Some(Extractor::OpenAi { client, .. }) => Some(client.clone()),
            _ => None,
        }
    }

    /// Built once per process from the configuration: the model client (shared
    /// by every run, so its concurrency limit is the process's) and the slots.
    pub fn from_config(config: &crate::config::Config) -> Result<Self, String> {
        let llm = match &config.llm {
            None => None,
            Some(llm) => {
                let mut settings = super::llm::LlmSettings::new(&llm.base_url, &llm.model);
                settings.api_key = llm.api_key.as_ref().map(|k| k.expose().to_owned());
                settings.temperature = llm.temperature;
                settings.max_tokens = llm.max_tokens;
                settings.request_timeout = llm.timeout;
                settings.max_attempts = llm.max_attempts;
                settings.concurrency = llm.concurrency;
                settings.structured_output =
                    super::llm::StructuredOutput::parse(&llm.structured_output).unwrap_or_default();
                settings.prices = llm
                    .prices
                    .iter()
                    .map(|(model, input, output)| {
                        (
                            model.clone(),
                            super::llm::Price {
                                input_per_million: *input,
                                output_per_million: *output,
                            },
                        )
                    })
                    .collect();
                let client = super::llm::LlmClient::new(settings).map_err(|err| err.reason())?;
                Some(Extractor::OpenAi {
                    client,
                    context_tokens: llm.context_tokens,
                })
            }
        };
        Ok(ExtractionServices {
            llm,
            slots: Arc::new(Semaphore::new(config.extraction_concurrency.max(1))),
        })
    }
}
