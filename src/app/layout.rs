//! The frame around every page: skip link, header with navigation, main area
//! inside an error boundary.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::auth::components::AccountMenu;
use crate::ui::theme::ThemeToggle;

#[component]
pub fn AppLayout(children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="app-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                "eviStream"
            </a>
            <nav class="app-nav" aria-label="Main">
                <A href="/projects">"Projects"</A>
                <A href="/jobs">"Jobs"</A>
                <A href="/settings">"Settings"</A>
                <AdminLink />
            </nav>
            <div class="header-actions">
                <ThemeToggle />
                <AccountMenu />
            </div>
        </header>
        <main id="main" class="app-main" tabindex="-1">
            <ErrorBoundary fallback=|errors| {
                view! {
                    <section class="panel error-panel" role="alert">
                        <h1>"Something went wrong"</h1>
                        <ul>
                            {move || {
                                errors
                                    .get()
                                    .into_iter()
                                    .map(|(_, error)| view! { <li>{error.to_string()}</li> })
                                    .collect_view()
                            }}
                        </ul>
                        <p>
                            <a href="/">"Back to the start page"</a>
                        </p>
                    </section>
                }
            }>{children()}</ErrorBoundary>
        </main>
        <footer class="app-footer">
            <p>"eviStream " {env!("CARGO_PKG_VERSION")} " · self-hosted evidence extraction"</p>
        </footer>
    }
}

/// "Admin" in the navigation, for administrators only.
#[component]
fn AdminLink() -> impl IntoView {
    let user = crate::auth::components::use_user();
    view! {
        <Transition fallback=|| ()>
            {move || {
                user.0
                    .get()
                    .and_then(|result| result.ok().flatten())
                    .filter(|user| user.role == crate::auth::types::Role::Admin)
                    .map(|_| view! { <A href="/admin">"Admin"</A> })
            }}
        </Transition>
    }
}
