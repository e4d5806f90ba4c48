//! `GET /api/runs/{run}/export?format=…`: a run's values as a download that
//! starts at once and streams. A blocking task reads the run 200 documents at
//! a time and feeds them to the chosen writer, whose bytes travel to the
//! client through a bounded channel: memory stays flat whatever the run's
//! size (the Excel writer keeps its own rows in a temp file).

use std::io::Write;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use http::header::{self, HeaderMap, HeaderValue};
use serde::Deserialize;
use sqlx::PgPool;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::analysis::{MetaforCsvWriter, Rob2Collector, write_robvis_csv};
use super::delimited::{LongCsvWriter, WideCsvWriter};
use super::format::{
    ExportDocument, ExportError, ExportOptions, ExportSink, ExportValue, export_file_name,
};
use super::json::JsonWriter;
use super::xlsx::XlsxWriter;
use crate::auth::authz::Action;
use crate::error::AppError;
use crate::forms::model::FormDefinition;
use crate::platform::Platform;
use crate::review::model::{ReviewStatus, ValueFacts};

pub const EXPORT_ROUTE: &str = "/api/runs/{run}/export";

/// Documents read per query while exporting.
const DOCUMENTS_PER_READ: i64 = 200;
/// Bytes collected before a chunk is sent.
const CHUNK_BYTES: usize = 64 * 1024;

/// The export's format, as the `format` parameter names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    CsvWide,
    CsvLong,
    Json,
    Xlsx,
    /// metafor's `escalc()` columns, for the outcome-results preset.
    Metafor,
    /// robvis's layout, for the RoB 2 preset.
    Robvis,
    /// The RoB 2 traffic-light figure (SVG), for the RoB 2 preset.
    TrafficLight,
}

impl ExportFormat {
    fn extension(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::TrafficLight => "svg",
            _ => "csv",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Json => "application/json",
            ExportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            ExportFormat::TrafficLight => "image/svg+xml",
            _ => "text/csv; charset=utf-8",
        }
    }

    fn label(self) -> &'static str {
        match self {
            ExportFormat::CsvWide | ExportFormat::CsvLong | ExportFormat::Json => "",
            ExportFormat::Xlsx => "",
            ExportFormat::Metafor => "metafor",
            ExportFormat::Robvis => "robvis",
            ExportFormat::TrafficLight => "traffic-light",
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    pub format: ExportFormat,
    /// Reviewers' corrections applied (the default) or the values as extracted.
    #[serde(default = "yes")]
    pub reviewed: bool,
    #[serde(default)]
    pub quote: bool,
    #[serde(default)]
    pub page: bool,
    #[serde(default)]
    pub confidence: bool,
    #[serde(default)]
    pub status: bool,
}

fn yes() -> bool {
    true
}

/// The writer of one format, behind one interface.
enum Sink<W: Write + Send> {
    Wide(WideCsvWriter<W>),
    Long(LongCsvWriter<W>),
    Json(JsonWriter<W>),
    Xlsx(Box<XlsxWriter>, W),
    Metafor(MetaforCsvWriter<W>),
    Robvis(Rob2Collector, W),
    TrafficLight(Rob2Collector, W),
}

impl<W: Write + Send> Sink<W> {
    fn new(
        format: ExportFormat,
        out: W,
        form: &FormDefinition,
        options: ExportOptions,
        max_entries: &std::collections::HashMap<String, usize>,
    ) -> Result<Self, ExportError> {
        Ok(match format {
            ExportFormat::CsvWide => {
                Sink::Wide(WideCsvWriter::new(out, form, options, max_entries)?)
            }
            ExportFormat::CsvLong => Sink::Long(LongCsvWriter::new(out, form, options)?),
            ExportFormat::Json => Sink::Json(JsonWriter::new(out, form, options)?),
            ExportFormat::Xlsx => Sink::Xlsx(Box::new(XlsxWriter::new(form, options)?), out),
            ExportFormat::Metafor => Sink::Metafor(MetaforCsvWriter::new(out, form)?),
            ExportFormat::Robvis => Sink::Robvis(Rob2Collector::new(form)?, out),
            ExportFormat::TrafficLight => Sink::TrafficLight(Rob2Collector::new(form)?, out),
        })
    }

    fn write(
        &mut self,
        document: &ExportDocument,
        values: &[ExportValue],
    ) -> Result<(), ExportError> {
        match self {
            Sink::Wide(w) => w.write_document(document, values),
            Sink::Long(w) => w.write_document(document, values),
            Sink::Json(w) => w.write_document(document, values),
            Sink::Xlsx(w, _) => w.write_document(document, values),
            Sink::Metafor(w) => w.write_document(document, values),
            Sink::Robvis(w, _) | Sink::TrafficLight(w, _) => w.write_document(document, values),
        }
    }

    fn finish(self) -> Result<W, ExportError> {
        match self {
            Sink::Wide(w) => w.finish().map(|(out, _)| out),
            Sink::Long(w) => w.finish().map(|(out, _)| out),
            Sink::Json(w) => w.finish().map(|(out, _)| out),
            Sink::Metafor(w) => w.finish().map(|(out, _)| out),
            Sink::Xlsx(w, mut out) => {
                w.finish(&mut out)?;
                Ok(out)
            }
            Sink::Robvis(w, out) => write_robvis_csv(out, &w.into_rows()),
            Sink::TrafficLight(w, mut out) => {
                let svg =
                    super::traffic_light::traffic_light_svg(&w.into_rows(), "Risk of bias (RoB 2)");
                out.write_all(svg.as_bytes())?;
                Ok(out)
            }
        }
    }
}

/// Sends what is written to the response body in chunks; a client that went
/// away ends the export with an error.
struct ChannelWriter {
    buffer: Vec<u8>,
    sender: mpsc::Sender<Bytes>,
}

impl Write for ChannelWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK_BYTES {
            self.flush()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::take(&mut self.buffer));
        self.sender
            .blocking_send(chunk)
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client left"))
    }
}

struct RunOfExport {
    project_name: String,
    form_name: String,
    form_version: i32,
    definition: FormDefinition,
}

pub async fn export(
    State(state): State<Platform>,
    session: tower_sessions::Session,
    Path(run): Path<Uuid>,
    Query(query): Query<ExportQuery>,
    headers: HeaderMap,
) -> Response {
    match prepare(&state, &session, &headers, run, &query).await {
        Ok(response) => response,
        Err(err) => {
            tracing::info!(run = %run, error = %err, "export refused");
            err.into_response()
        }
    }
}

async fn prepare(
    state: &Platform,
    session: &tower_sessions::Session,
    headers: &HeaderMap,
    run: Uuid,
    query: &ExportQuery,
) -> Result<Response, AppError> {
    let user = crate::auth::server::caller_of(state, session, headers)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let project = sqlx::query_scalar!("SELECT project_id FROM extraction_runs WHERE id = $1", run)
        .fetch_optional(&state.db)
        .await?
        .ok_or_else(|| AppError::not_found("run"))?;
    crate::projects::server::authorize(&state.db, &user, project, Action::Export)
        .await
        .map_err(|err| match err {
            AppError::NotFound(_) => AppError::not_found("run"),
            other => other,
        })?;
    let row = sqlx::query!(
        r#"SELECT p.name AS project_name, f.name AS form_name, v.version, v.definition
           FROM extraction_runs r
           JOIN projects p ON p.id = r.project_id
           JOIN form_versions v ON v.id = r.form_version_id
           JOIN forms f ON f.id = v.form_id
           WHERE r.id = $1"#,
        run
    )
    .fetch_one(&state.db)
    .await?;
    let facts = RunOfExport {
        project_name: row.project_name,
        form_name: row.form_name,
        form_version: row.version,
        definition: serde_json::from_value(row.definition)
            .map_err(|err| AppError::internal(format!("stored form of run {run}: {err}")))?,
    };
    let paths = sqlx::query_scalar!(
        "SELECT DISTINCT field_path FROM extracted_values WHERE run_id = $1",
        run
    )
    .fetch_all(&state.db)
    .await?;
    let max_entries = super::layout::max_entries_from_paths(paths.iter().map(String::as_str));
    let options = ExportOptions {
        quote: query.quote,
        page: query.page,
        confidence: query.confidence,
        review_status: query.status,
    };
    // A form that lacks what an analysis export needs, or a table too wide,
    // is refused before the first byte, with the reason.
    Sink::new(
        query.format,
        std::io::sink(),
        &facts.definition,
        options,
        &max_entries,
    )
    .map_err(|err| AppError::invalid("format", err.to_string()))?;

    let (sender, receiver) = mpsc::channel::<Bytes>(8);
    let pool = state.db.clone();
    let format = query.format;
    let reviewed = query.reviewed;
    let definition = facts.definition.clone();
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let out = ChannelWriter {
            buffer: Vec::new(),
            sender,
        };
        let result = write_export(
            &runtime,
            &pool,
            run,
            reviewed,
            format,
            out,
            &definition,
            options,
            &max_entries,
        );
        if let Err(err) = result {
            // The status is sent; the client sees a cut-off file, the log why.
            tracing::warn!(run = %run, error = %err, "export stopped");
        }
    });
    // Fused: the compression layer polls once more after the end, which a
    // bare `unfold` answers with a panic.
    let body = Body::from_stream(futures::StreamExt::fuse(futures::stream::unfold(
        receiver,
        |mut receiver| async move {
            receiver
                .recv()
                .await
                .map(|chunk| (Ok::<_, std::io::Error>(chunk), receiver))
        },
    )));
    let label = format!(
        "{} v{}{}{}",
        facts.form_name,
        facts.form_version,
        if format.label().is_empty() { "" } else { " " },
        format.label()
    );
    let name = export_file_name(
        &facts.project_name,
        &label,
        chrono::Utc::now().format("%Y-%m-%d"),
        format.extension(),
    );
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    tracing::info!(run = %run, format = ?format, reviewed, "export started");
    Ok(response)
}

#[allow(clippy::too_many_arguments)]
fn write_export(
    runtime: &tokio::runtime::Handle,
    pool: &PgPool,
    run: Uuid,
    reviewed: bool,
    format: ExportFormat,
    out: ChannelWriter,
    form: &FormDefinition,
    options: ExportOptions,
    max_entries: &std::collections::HashMap<String, usize>,
) -> Result<(), AppError> {
    let fail = |err: ExportError| AppError::internal(format!("export of run {run}: {err}"));
    let mut sink = Sink::new(format, out, form, options, max_entries).map_err(fail)?;
    let mut offset = 0;
    loop {
        let batch = runtime.block_on(read_batch(pool, run, reviewed, offset))?;
        if batch.is_empty() {
            break;
        }
        offset += DOCUMENTS_PER_READ;
        for (document, values) in &batch {
            sink.write(document, values).map_err(fail)?;
        }
    }
    let mut out = sink.finish().map_err(fail)?;
    out.flush()
        .map_err(|err| AppError::internal(format!("export of run {run}: {err}")))
}

/// The next documents of the run in name order, each with its values.
async fn read_batch(
    pool: &PgPool,
    run: Uuid,
    reviewed: bool,
    offset: i64,
) -> Result<Vec<(ExportDocument, Vec<ExportValue>)>, AppError> {
    let documents = sqlx::query!(
        r#"SELECT d.id, d.original_name FROM run_documents rd JOIN documents d ON d.id = rd.document_id
           WHERE rd.run_id = $1 ORDER BY d.original_name, d.id LIMIT $2 OFFSET $3"#,
        run,
        DOCUMENTS_PER_READ,
        offset
    )
    .fetch_all(pool)
    .await?;
    if documents.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = documents.iter().map(|d| d.id).collect();
    let rows = sqlx::query!(
        r#"SELECT e.document_id, e.field_path,
                  CASE WHEN $3 AND e.review_status IS NOT NULL THEN e.reviewed_value ELSE e.value END AS value,
                  CASE WHEN $3 AND e.review_status IS NOT NULL THEN e.reviewed_not_reported ELSE e.not_reported END AS "not_reported!",
                  CASE WHEN $3 AND e.review_status IS NOT NULL THEN e.reviewed_quote ELSE e.quote END AS quote,
                  CASE WHEN $3 AND e.review_status IS NOT NULL THEN e.reviewed_page ELSE e.page END AS page,
                  e.confidence, e.grounded, e.supported, e.seeded, e.derivation IS NOT NULL AS "derived!",
                  e.text_version <> d.text_version AS "stale!", e.review_status
           FROM extracted_values e JOIN documents d ON d.id = e.document_id
           WHERE e.run_id = $1 AND e.document_id = ANY($2)
           ORDER BY e.id"#,
        run,
        &ids,
        reviewed
    )
    .fetch_all(pool)
    .await?;
    let mut by_document: std::collections::HashMap<Uuid, Vec<ExportValue>> =
        std::collections::HashMap::new();
    for row in rows {
        let facts = ValueFacts {
            not_reported: row.not_reported,
            grounded: row.grounded,
            supported: row.supported,
            derived: row.derived,
            seeded: row.seeded,
            stale: row.stale,
            confidence: row.confidence,
            review: if reviewed {
                row.review_status.as_deref().and_then(ReviewStatus::parse)
            } else {
                None
            },
        };
        by_document
            .entry(row.document_id)
            .or_default()
            .push(ExportValue {
                field_path: row.field_path,
                value: row.value,
                not_reported: row.not_reported,
                quote: row.quote,
                page: row.page,
                confidence: row.confidence,
                status: facts.state().label().to_owned(),
            });
    }
    Ok(documents
        .into_iter()
        .map(|d| {
            let values = by_document.remove(&d.id).unwrap_or_default();
            (
                ExportDocument {
                    id: d.id,
                    name: d.original_name,
                },
                values,
            )
        })
        .collect())
}
