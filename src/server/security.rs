//! Response security headers and the cross-site request check.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::Method;
use http::header::{self, HeaderValue};

use crate::error::AppError;
use crate::platform::Platform;

/// The Content-Security-Policy: only the app's own scripts (plus the inline
/// hydration script, by nonce), its own wasm, styles and connections; no
/// framing by anyone.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let script = match nonce {
        Some(nonce) => format!("script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"),
        None => "script-src 'self' 'wasm-unsafe-eval'".to_owned(),
    };
    format!(
        "default-src 'self'; {script}; style-src 'self'; style-src-attr 'unsafe-inline'; \
         img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Adds the security headers to every response. Pages set their own CSP
/// (with the nonce of their hydration script); everything else gets the
/// policy without a nonce.
pub async fn headers(State(state): State<Platform>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY)
        && let Ok(value) = HeaderValue::from_str(&content_security_policy(None))
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Only the in-app PDF view sets its own (same-origin framing).
    if !headers.contains_key(header::X_FRAME_OPTIONS) {
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    if state.config.secure_cookies() {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

/// `scheme://host[:port]` → `host[:port]`.
fn authority_of(origin: &str) -> Option<&str> {
    origin
        .split_once("://")
        .map(|(_, rest)| rest.split('/').next().unwrap_or(rest))
}

/// Refuses state-changing requests that a browser sent from another site.
/// SameSite=Lax already keeps the session cookie off most of them; this
/// closes the rest (same-site subdomains, old browsers). Browsers always send
/// `Origin` on cross-origin POSTs; requests without it (scripts, curl) are
/// not cross-site browser requests.
pub async fn reject_cross_site(
    State(state): State<Platform>,
    request: Request,
    next: Next,
) -> Response {
    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if unsafe_method && let Some(origin) = request.headers().get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        let same_host = authority_of(origin).is_some_and(|authority| authority == host);
        let public = state
            .config
            .public_url
            .as_deref()
            .is_some_and(|public| public == origin);
        if !(same_host || public) {
            tracing::warn!(origin, host, path = %request.uri().path(), "cross-site request refused");
            return AppError::Forbidden.into_response();
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authority_is_taken_from_the_origin() {
        assert_eq!(
            authority_of("http://127.0.0.1:3000"),
            Some("127.0.0.1:3000")
        );
        assert_eq!(authority_of("https://evil.example/x"), Some("evil.example"));
        assert_eq!(authority_of("null"), None);
    }

    #[test]
    fn the_policy_forbids_framing_and_foreign_scripts() {
        let policy = content_security_policy(Some("abc"));
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(policy.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'"));
        // No plain 'unsafe-eval' (only WebAssembly's) and no inline scripts.
        let script_sources: Vec<&str> = policy
            .split(';')
            .find(|directive| directive.trim().starts_with("script-src"))
            .map(|directive| directive.split_whitespace().skip(1).collect())
            .unwrap_or_default();
        assert!(!script_sources.contains(&"'unsafe-eval'"), "{policy}");
        assert!(!script_sources.contains(&"'unsafe-inline'"), "{policy}");
    }
}
