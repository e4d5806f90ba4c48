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
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/projects") view=ProjectsPage />
                    <Route path=path!("/projects/:id") view=ProjectPage ssr=SsrMode::Async />
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
