//! The frame around every page: skip link, header with navigation, main area
//! inside an error boundary.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::auth::components::AccountMenu;
use crate::ui::theme::ThemeToggle;

#[component]
pub fn AppLayout(children: Children) -> impl IntoView {
    // On phones the navigation folds behind a "Menu" button (CSS decides by
    // width; without JavaScript it is always shown).
    let menu_open = RwSignal::new(false);
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        location.pathname.track();
        menu_open.set(false);
    });
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="app-header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                "eviStream"
            </a>
            <button
                type="button"
                class="menu-button button button-secondary"
                aria-controls="main-nav"
                aria-expanded=move || menu_open.get().to_string()
                on:click=move |_| menu_open.update(|open| *open = !*open)
            >
                "Menu"
            </button>
            <nav
                id="main-nav"
                class="app-nav"
                class:open=move || menu_open.get()
                aria-label="Main"
            >
                <A href="/projects">"Projects"</A>
                <A href="/jobs">"Jobs"</A>
                <A href="/usage">"Usage"</A>
                <A href="/settings">"Settings"</A>
                <AdminLink />
            </nav>
            <div class="header-actions">
                <ThemeToggle />
                <AccountMenu />
            </div>
        </header>
        // Shown from the first paint until the app has hydrated: on a slow
        // connection the page looks ready before its buttons work.
        <p class="not-interactive" aria-hidden="true">"Loading the app…"</p>
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
