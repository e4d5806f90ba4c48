//! The application shell: the HTML document, the router and the page layout.

mod layout;
mod pages;
mod routes;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{Lazy, SsrMode, path};

use crate::auth::components::provide_user_context;
use crate::ui::toast::{ToastRegion, provide_toasts};
use layout::AppLayout;
use pages::NotFound;
use routes::{
    AdminRoute, AskRoute, CitationRoute, DocumentRoute, EvaluateRoute, EvaluationRoute, FormRoute,
    HomeRoute, JobRoute, JobsRoute, ProjectRoute, ProjectsRoute, RegisterRoute, ReviewRoute,
    RunRoute, SettingsRoute, SignInRoute, UsageRoute,
};

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

/// Whether a page is served without the app's wasm: signing in, registering
/// and the welcome page of a visitor without a session (no session cookie).
/// These are where a first visit lands, and they need no more than their
/// forms and links, which work as plain HTML; `/static_page.js` drives the
/// header's theme and menu buttons there. The app's wasm (the main module is
/// about 280 KB gzipped) then loads on the first page after signing in.
/// A signed-in visit to `/` is the dashboard, served with the wasm.
pub fn serves_without_wasm(path: &str, has_session_cookie: bool) -> bool {
    matches!(path, "/signin" | "/register") || (path == "/" && !has_session_cookie)
}

/// [`serves_without_wasm`] for the request being rendered.
#[cfg(feature = "ssr")]
fn request_serves_without_wasm() -> bool {
    let Some(request) = use_context::<http::request::Parts>() else {
        return false;
    };
    let has_session_cookie = request
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.split_once('='))
        .any(|(name, _)| name.trim() == crate::auth::session::SESSION_COOKIE);
    serves_without_wasm(request.uri.path(), has_session_cookie)
}

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    #[cfg(feature = "ssr")]
    let without_wasm = request_serves_without_wasm();
    #[cfg(not(feature = "ssr"))]
    let without_wasm = false;
    let scripts = if without_wasm {
        view! { <script src="/static_page.js" defer></script> }.into_any()
    } else {
        view! {
            // The review pane's bridge to pdf.js (a few lines; pdf.js
            // itself is imported only when a review pane first shows a page).
            <script type="module" src="/pdf_view.js"></script>
            <HydrationScripts options=options.clone() />
        }
        .into_any()
    };
    view! {
        <!DOCTYPE html>
        <html lang="en" data-static=without_wasm.then_some("true")>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                // Applies a remembered theme before the first paint, so a dark
                // choice never flashes light. A file, not inline code, so the
                // Content-Security-Policy can stay strict.
                <script src="/theme.js"></script>
                <HashedStylesheet options id="evistream" />
                {scripts}
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
    fn private_pages_are_known_by_their_paths() {
        assert!(is_private_page("/projects"));
        assert!(is_private_page("/jobs/42"));
        assert!(!is_private_page("/projectsx"));
        assert!(!is_private_page("/signin"));
    }

    #[test]
    fn only_the_pages_of_a_first_visit_are_served_without_wasm() {
        assert!(serves_without_wasm("/signin", false));
        assert!(serves_without_wasm("/signin", true));
        assert!(serves_without_wasm("/register", false));
        assert!(serves_without_wasm("/", false));
        // A session's start page is the dashboard, with the app.
        assert!(!serves_without_wasm("/", true));
        for path in [
            "/projects",
            "/jobs/1",
            "/settings",
            "/signin/x",
            "/no/such/page",
        ] {
            assert!(!serves_without_wasm(path, false), "{path}");
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_toasts();
    provide_user_context();
    #[cfg(feature = "hydrate")]
    routes::preload_workspace_soon();

    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "eviStream".to_owned() } else { format!("{page} · eviStream") }
        } />
        <Router>
            <AppLayout>
                // Every page is a lazy route (routes.rs): its group's code is in
                // wasm chunks of its own, fetched when the page is first opened.
                <Routes fallback=NotFound>
                    // Async: the whole page (welcome or dashboard) is in the
                    // first response, also without JavaScript.
                    <Route path=path!("/") view={Lazy::<HomeRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/projects") view={Lazy::<ProjectsRoute>::new()} />
                    <Route
                        path=path!("/projects/:id")
                        view={Lazy::<ProjectRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    // The project page's tabs, each its own address.
                    <Route
                        path=path!("/projects/:id/forms")
                        view={Lazy::<ProjectRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/projects/:id/runs")
                        view={Lazy::<ProjectRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/projects/:id/search")
                        view={Lazy::<ProjectRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/projects/:id/activity")
                        view={Lazy::<ProjectRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/projects/:id/settings")
                        view={Lazy::<ProjectRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/projects/:id/documents/:doc")
                        view={Lazy::<DocumentRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/projects/:id/forms/:form")
                        view={Lazy::<FormRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/projects/:id/runs/:run")
                        view={Lazy::<RunRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/projects/:id/runs/:run/review")
                        view={Lazy::<ReviewRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/projects/:id/runs/:run/evaluate")
                        view={Lazy::<EvaluateRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/projects/:id/evaluations/:evaluation")
                        view={Lazy::<EvaluationRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/projects/:id/ask")
                        view={Lazy::<AskRoute>::new()}
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/projects/:id/ask/cite") view={Lazy::<CitationRoute>::new()} />
                    <Route path=path!("/usage") view={Lazy::<UsageRoute>::new()} />
                    <Route path=path!("/jobs") view={Lazy::<JobsRoute>::new()} />
                    // Async: the page waits for its data, so a missing job answers 404.
                    <Route path=path!("/jobs/:id") view={Lazy::<JobRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings") view={Lazy::<SettingsRoute>::new()} />
                    <Route path=path!("/admin") view={Lazy::<AdminRoute>::new()} />
                    // Async: served without wasm (`serves_without_wasm`), so
                    // the first response must be the whole page.
                    <Route path=path!("/signin") view={Lazy::<SignInRoute>::new()} ssr=SsrMode::Async />
                    <Route
                        path=path!("/register")
                        view={Lazy::<RegisterRoute>::new()}
                        ssr=SsrMode::Async
                    />
                </Routes>
            </AppLayout>
            <ToastRegion />
        </Router>
    }
}
