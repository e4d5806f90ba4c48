//! The application shell: the HTML document, the router and the page layout.

mod layout;
mod pages;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::admin::components::AdminPage;
use crate::auth::components::{RegisterPage, SignInPage, provide_user_context};
use crate::jobs::components::{JobDetailPage, JobsPage};
use crate::projects::components::{ProjectPage, ProjectsPage};
use crate::system::components::HomePage;
use crate::ui::toast::{ToastRegion, provide_toasts};
use layout::AppLayout;
use pages::{NotFound, SettingsPage};

/// Pages only a signed-in user can see: a signed-out visit goes to the
/// sign-in page and comes back afterwards.
pub fn is_private_page(path: &str) -> bool {
    ["/projects", "/jobs", "/usage", "/settings", "/admin"]
        .iter()
        .any(|prefix| path == *prefix || path.starts_with(&format!("{prefix}/")))
}

/// The sign-in page, returning to `target` (an app path) afterwards.
pub fn sign_in_path(target: &str) -> String {
    format!(
        "/signin?next={}",
        crate::documents::components::encode_query_value(target)
    )
}

/// Where to go after signing in: `next` when it is a path of this app (never
/// another site: `//evil.example` and `https://…` are refused), else the
/// projects.
pub fn after_sign_in(next: Option<&str>) -> String {
    match next {
        Some(next)
            if next.starts_with('/')
                && !next.starts_with("//")
                && !next.starts_with("/\\")
                && !next.contains(['\r', '\n']) =>
        {
            next.to_owned()
        }
        _ => "/projects".to_owned(),
    }
}

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                // Applies a remembered theme before the first paint, so a dark
                // choice never flashes light. A file, not inline code, so the
                // Content-Security-Policy can stay strict.
                <script src="/theme.js"></script>
                // The review pane's bridge to pdf.js (a few lines; pdf.js
                // itself is imported only when a review pane first shows a page).
                <script type="module" src="/pdf_view.js"></script>
                <HashedStylesheet options=options.clone() id="evistream" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Sends the page's Content-Security-Policy with the nonce of its inline
/// hydration script (leptos_axum generates one per response).
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = crate::server::security::content_security_policy(Some(&nonce));
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_returns_only_to_this_apps_pages() {
        assert_eq!(
            after_sign_in(Some("/projects/1?tab=x")),
            "/projects/1?tab=x"
        );
        for foreign in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "",
            "projects",
        ] {
            assert_eq!(after_sign_in(Some(foreign)), "/projects", "{foreign:?}");
        }
        assert_eq!(after_sign_in(None), "/projects");
        assert!(is_private_page("/projects"));
        assert!(is_private_page("/jobs/42"));
        assert!(!is_private_page("/projectsx"));
        assert!(!is_private_page("/signin"));
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_toasts();
    provide_user_context();

    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "eviStream".to_owned() } else { format!("{page} · eviStream") }
        } />
        <Router>
            <AppLayout>
                <Routes fallback=NotFound>
                    // Async: the whole page (welcome or dashboard) is in the
                    // first response, also without JavaScript.
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/projects") view=ProjectsPage />
                    <Route path=path!("/projects/:id") view=ProjectPage ssr=SsrMode::Async />
                    // The project page's tabs, each its own address.
                    <Route path=path!("/projects/:id/forms") view=ProjectPage ssr=SsrMode::Async />
                    <Route path=path!("/projects/:id/runs") view=ProjectPage ssr=SsrMode::Async />
                    <Route path=path!("/projects/:id/search") view=ProjectPage ssr=SsrMode::Async />
                    <Route path=path!("/projects/:id/activity") view=ProjectPage ssr=SsrMode::Async />
                    <Route path=path!("/projects/:id/settings") view=ProjectPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/projects/:id/documents/:doc")
                        view=crate::documents::components::DocumentPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/projects/:id/forms/:form")
                        view=crate::forms::components::FormPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/projects/:id/runs/:run")
                        view=crate::extraction::components::RunPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/projects/:id/runs/:run/review")
                        view=crate::review::components::ReviewPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/projects/:id/runs/:run/evaluate")
                        view=crate::evaluation::components::EvaluatePage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/projects/:id/evaluations/:evaluation")
                        view=crate::evaluation::components::EvaluationPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/projects/:id/ask")
                        view=crate::ask::components::AskPage
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/projects/:id/ask/cite")
                        view=crate::ask::components::CitationPage
                    />
                    <Route path=path!("/usage") view=crate::spending::components::UsagePage />
                    <Route path=path!("/jobs") view=JobsPage />
                    // Async: the page waits for its data, so a missing job answers 404.
                    <Route path=path!("/jobs/:id") view=JobDetailPage ssr=SsrMode::Async />
                    <Route path=path!("/settings") view=SettingsPage />
                    <Route path=path!("/admin") view=AdminPage />
                    <Route path=path!("/signin") view=SignInPage />
                    <Route path=path!("/register") view=RegisterPage />
                </Routes>
            </AppLayout>
            <ToastRegion />
        </Router>
    }
}
