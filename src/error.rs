//! The one error type of the application.
//!
//! Every server function returns `Result<T, AppError>`; the same type becomes an
//! HTTP response for the plain axum routes. It tells the client only what the
//! client may know: internal failures are logged with their detail and a
//! reference, and the client gets the reference.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// A message about one input field, shown next to that field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("please sign in first")]
    Unauthorized,
    #[error("you are not allowed to do this")]
    Forbidden,
    /// What was looked for, e.g. "project". Also the answer for things the
    /// caller may not see, so that their existence is not revealed.
    #[error("{0} not found")]
    NotFound(String),
    #[error("{message}")]
    Validation {
        message: String,
        fields: Vec<FieldError>,
    },
    #[error("{0}")]
    Conflict(String),
    #[error("too many attempts; try again in {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: u64 },
    /// More at once than allowed (uploads per user); retry shortly.
    #[error("{message}")]
    Busy {
        message: String,
        retry_after_secs: u64,
    },
    /// The client stopped sending its request body.
    #[error("{0}")]
    TimedOut(String),
    #[error("the service is not available right now: {0}")]
    Unavailable(String),
    /// The detail went to the log under `reference`; the client sees only that.
    #[error("something went wrong on our side (reference {reference})")]
    Internal { reference: String },
    /// Transport-level failures of the server-function machinery itself.
    #[error("{0}")]
    ServerFn(ServerFnErrorErr),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// A validation error about a single field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        AppError::Validation {
            message: message.clone(),
            fields: vec![FieldError {
                field: field.to_owned(),
                message,
            }],
        }
    }

    pub fn not_found(what: &str) -> Self {
        AppError::NotFound(what.to_owned())
    }

    /// Seconds after which retrying makes sense, for a `Retry-After` header.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            AppError::TooManyAttempts { retry_after_secs }
            | AppError::Busy {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            AppError::Unavailable(_) => Some(5),
            _ => None,
        }
    }

    /// HTTP status the error maps to, for server functions and plain routes alike.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::NotFound(_) => 404,
            AppError::Validation { .. } => 422,
            AppError::Conflict(_) => 409,
            AppError::TooManyAttempts { .. } | AppError::Busy { .. } => 429,
            AppError::TimedOut(_) => 408,
            AppError::Unavailable(_) => 503,
            AppError::Internal { .. } => 500,
            AppError::ServerFn(
                ServerFnErrorErr::Args(_)
                | ServerFnErrorErr::MissingArg(_)
                | ServerFnErrorErr::Deserialization(_),
            ) => 400,
            AppError::ServerFn(_) => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::ServerFn(value)
    }
}

#[cfg(feature = "ssr")]
pub use server::{is_plain_form_post, respond, with_http_status};

#[cfg(feature = "ssr")]
mod server {
    use super::AppError;

    /// Unique constraints that users can run into, by constraint name, with the
    /// field they concern and the message to show. Classifying by name (not by
    /// matching the database's message text) keeps this stable across versions
    /// and locales.
    /// A field of `None` means the clash is a conflict with work in progress
    /// (409), not a problem with an input (422).
    const UNIQUE_CONSTRAINTS: &[(&str, Option<&str>, &str)] = &[
        (
            "users_email_key",
            Some("email"),
            "an account with this email address already exists",
        ),
        (
            "jobs_live_subject",
            None,
            "This work is queued or running already.",
        ),
    ];

    impl AppError {
        /// Logs `detail` with a fresh reference and returns the opaque error.
        pub fn internal(detail: impl std::fmt::Display) -> Self {
            let reference = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
            tracing::error!(error.reference = %reference, error.detail = %detail, "internal error");
            AppError::Internal { reference }
        }
    }

    /// Whether the request being answered is a browser's own form submission
    /// (a POST that accepts HTML), as on the pages served without wasm: its
    /// answer must be a redirect the browser follows, not data.
    pub fn is_plain_form_post() -> bool {
        leptos::prelude::use_context::<http::request::Parts>().is_some_and(|request| {
            request.method == http::Method::POST
                && request
                    .headers
                    .get(http::header::ACCEPT)
                    .and_then(|accept| accept.to_str().ok())
                    .is_some_and(|accept| accept.contains("text/html"))
        })
    }

    /// Sets the HTTP status of the server-function response from the error,
    /// so scripts calling server functions see 404/422/... rather than 500.
    /// Not for a plain form post: Leptos answers it with a redirect back to
    /// the form's page, the error in the address (`__err`), and a 4xx status
    /// would stop the browser from following it.
    pub fn with_http_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
        if let Err(err) = &result
            && !is_plain_form_post()
            && let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
        {
            response.set_status(
                http::StatusCode::from_u16(err.status())
                    .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
            );
            if let Some(secs) = err.retry_after_secs() {
                response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(secs));
            }
        }
        result
    }

    /// The body of every server function: runs it and sets the HTTP status
    /// from its error, so each server function is one expression.
    pub async fn respond<T>(
        body: impl std::future::Future<Output = Result<T, AppError>>,
    ) -> Result<T, AppError> {
        with_http_status(body.await)
    }

    impl From<sqlx::Error> for AppError {
        fn from(err: sqlx::Error) -> Self {
            match &err {
                sqlx::Error::RowNotFound => AppError::not_found("record"),
                sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                    tracing::warn!(error = %err, "database unavailable");
                    AppError::Unavailable("the database does not answer".to_owned())
                }
                sqlx::Error::Database(db) if db.is_unique_violation() => {
                    let known = db.constraint().and_then(|name| {
                        UNIQUE_CONSTRAINTS
                            .iter()
                            .find(|(constraint, _, _)| *constraint == name)
                    });
                    match known {
                        Some((_, Some(field), message)) => AppError::invalid(field, *message),
                        Some((_, None, message)) => AppError::Conflict((*message).to_owned()),
                        None => AppError::internal(err),
                    }
                }
                _ => AppError::internal(err),
            }
        }
    }

    impl From<anyhow::Error> for AppError {
        fn from(err: anyhow::Error) -> Self {
            AppError::internal(format!("{err:#}"))
        }
    }

    impl axum::response::IntoResponse for AppError {
        fn into_response(self) -> axum::response::Response {
            let status = http::StatusCode::from_u16(self.status())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
            let retry_after = self.retry_after_secs();
            let body = serde_json::json!({ "error": self.to_string(), "detail": self });
            let mut response = (status, axum::Json(body)).into_response();
            if let Some(secs) = retry_after {
                response
                    .headers_mut()
                    .insert(http::header::RETRY_AFTER, http::HeaderValue::from(secs));
            }
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_the_kind_of_error() {
        assert_eq!(AppError::Unauthorized.status(), 401);
        assert_eq!(AppError::not_found("project").status(), 404);
        assert_eq!(AppError::invalid("email", "bad").status(), 422);
        assert_eq!(
            AppError::ServerFn(ServerFnErrorErr::Args("x".into())).status(),
            400
        );
    }

    #[test]
    fn internal_errors_do_not_leak_their_detail() {
        let err = AppError::Internal {
            reference: "abc".into(),
        };
        assert!(!err.to_string().contains("sqlx"));
        assert!(err.to_string().contains("abc"));
    }
}
