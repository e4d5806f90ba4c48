//! Document types shared with the browser, and the document server functions.
//! Uploads and file downloads are plain routes (`routes.rs`): they stream bytes.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

/// Where the browser sends a PDF: `POST` the raw bytes, `?name=` the file name.
pub fn upload_path(project: Uuid) -> String {
    format!("/api/projects/{project}/documents")
}

/// Marks the start and end of a matched term in a search snippet; the UI
/// turns them into `<mark>` elements (snippets are text, never HTML).
pub const HIT_START: char = '\u{2}';
pub const HIT_END: char = '\u{3}';

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentSummary {
    pub id: Uuid,
    pub project_id: Uuid,
    pub original_name: String,
    /// pending, processing, ready or failed.
    pub status: String,
    pub failure_reason: Option<String>,
    pub page_count: Option<i32>,
    pub title: Option<String>,
    pub year: Option<i32>,
    pub size_bytes: i64,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentPage {
    pub number: i32,
    pub markdown: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentDetail {
    pub document: DocumentSummary,
    pub project_name: String,
    pub authors: Vec<String>,
    pub doi: Option<String>,
    pub sha256: String,
    pub ocr_used: bool,
    pub conversion_ms: Option<i32>,
    pub pages: Vec<DocumentPage>,
    pub can_edit: bool,
    /// A short-lived same-origin link that shows the PDF in the browser.
    pub view_url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub document_id: Uuid,
    pub document_name: String,
    pub title: Option<String>,
    pub page_number: i32,
    /// Text with matches between `HIT_START` and `HIT_END`.
    pub snippet: String,
    pub rank: f32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityItem {
    pub at: DateTime<Utc>,
    pub text: String,
    /// Where the item leads (a document or a job), if anywhere.
    pub href: Option<String>,
}

#[server(prefix = "/api", endpoint = "list_documents")]
pub async fn list_documents(project_id: Uuid) -> Result<Vec<DocumentSummary>, AppError> {
    let result = async {
        let (state, _user) =
            super::server::caller_for_project(project_id, crate::auth::authz::Action::View).await?;
        super::server::list(&state.db, project_id).await
    }
    .await;
    crate::error::with_http_status(result)
}

#[server(prefix = "/api", endpoint = "get_document")]
pub async fn get_document(id: Uuid) -> Result<DocumentDetail, AppError> {
    let result = async {
        let (state, user, relation) =
            super::server::caller_for_document(id, crate::auth::authz::Action::View).await?;
        let can_edit = crate::auth::authz::decide(
            user.role,
            relation,
            crate::auth::authz::Action::EditContent,
        )
        .is_ok();
        super::server::detail(&state, user.id, id, can_edit).await
    }
    .await;
    crate::error::with_http_status(result)
}

/// A short-lived link that downloads the original PDF (an S3 presigned URL,
/// or a link the app signs for local storage).
#[server(prefix = "/api", endpoint = "document_download_link")]
pub async fn document_download_link(id: Uuid) -> Result<String, AppError> {
    let result = async {
        let (state, user, _) =
            super::server::caller_for_document(id, crate::auth::authz::Action::View).await?;
        super::server::download_link(&state, user.id, id).await
    }
    .await;
    crate::error::with_http_status(result)
}

#[server(prefix = "/api", endpoint = "delete_document")]
pub async fn delete_document(id: Uuid) -> Result<(), AppError> {
    let result = async {
        let (state, user, _) =
            super::server::caller_for_document(id, crate::auth::authz::Action::EditContent).await?;
        super::server::delete(&state.db, &user, id).await
    }
    .await;
    crate::error::with_http_status(result)
}

/// Converts the document again (after a failure, or with a newer converter).
#[server(prefix = "/api", endpoint = "reconvert_document")]
pub async fn reconvert_document(id: Uuid) -> Result<(), AppError> {
    let result = async {
        let (state, user, _) =
            super::server::caller_for_document(id, crate::auth::authz::Action::EditContent).await?;
        super::server::reconvert(&state.db, &user, id).await
    }
    .await;
    crate::error::with_http_status(result)
}

/// Full-text search over a project's converted documents. Words are all
/// required; `"a phrase"` matches words in order; `word*` matches prefixes.
#[server(prefix = "/api", endpoint = "search_documents")]
pub async fn search_documents(project_id: Uuid, query: String) -> Result<Vec<SearchHit>, AppError> {
    let result = async {
        let (state, _user) =
            super::server::caller_for_project(project_id, crate::auth::authz::Action::View).await?;
        super::server::search(&state.db, project_id, &query, 30).await
    }
    .await;
    crate::error::with_http_status(result)
}

/// What happened lately in a project: uploads, conversions, jobs.
#[server(prefix = "/api", endpoint = "project_activity")]
pub async fn project_activity(project_id: Uuid) -> Result<Vec<ActivityItem>, AppError> {
    let result = async {
        let (state, _user) =
            super::server::caller_for_project(project_id, crate::auth::authz::Action::View).await?;
        super::server::activity(&state.db, project_id, 15).await
    }
    .await;
    crate::error::with_http_status(result)
}

/// Creates a project holding the built-in sample trial reports (generated
/// PDFs), queued for conversion, so a newcomer sees the whole flow at once.
#[server(prefix = "/api", endpoint = "create_demo_project")]
pub async fn create_demo_project() -> Result<Uuid, AppError> {
    let result = async {
        let state = crate::server::state::app_state()?;
        let user = crate::auth::server::require_user().await?;
        crate::auth::authz::decide(
            user.role,
            crate::auth::authz::Relation::None,
            crate::auth::authz::Action::CreateProject,
        )?;
        super::server::create_demo_project(&state, &user).await
    }
    .await;
    crate::error::with_http_status(result)
}

/// The search text as a PostgreSQL `to_tsquery` expression, or `None` when
/// nothing searchable is left. Only letters and digits reach the query, so no
/// input can make it malformed.
pub fn search_expression(query: &str) -> Option<String> {
    fn words(text: &str) -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(str::to_lowercase)
            .collect()
    }
    let mut terms = Vec::new();
    for (index, part) in query.split('"').enumerate() {
        if index % 2 == 1 {
            // Inside quotes: a phrase.
            let phrase = words(part);
            if !phrase.is_empty() {
                terms.push(format!("({})", phrase.join(" <-> ")));
            }
            continue;
        }
        for token in part.split_whitespace() {
            let prefix = token.ends_with('*');
            let token_words = words(token);
            match token_words.as_slice() {
                [] => {}
                [word] if prefix => terms.push(format!("{word}:*")),
                [word] => terms.push(word.clone()),
                // "covid-19" and the like: the words in order.
                many => terms.push(format!("({})", many.join(" <-> "))),
            }
        }
    }
    (!terms.is_empty()).then(|| terms.join(" & "))
}

#[cfg(test)]
mod tests {
    use super::search_expression;

    #[test]
    fn search_text_becomes_a_safe_tsquery() {
        assert_eq!(search_expression("  "), None);
        assert_eq!(search_expression("!&|:*()'"), None);
        assert_eq!(
            search_expression("smoking cessation"),
            Some("smoking & cessation".into())
        );
        assert_eq!(
            search_expression("\"nicotine patch\" random*"),
            Some("(nicotine <-> patch) & random:*".into())
        );
        assert_eq!(
            search_expression("COVID-19 x'); DROP"),
            Some("(covid <-> 19) & x & drop".into())
        );
        // An unclosed quote still searches the words as a phrase.
        assert_eq!(
            search_expression("\"vitamin d"),
            Some("(vitamin <-> d)".into())
        );
    }
}
