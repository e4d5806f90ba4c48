//! Pages of the shell that belong to no feature yet, and the 404 page.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::admin::components::{ApiTokensPanel, ChangePasswordForm};
use crate::auth::components::use_user;
use crate::ui::theme::ThemePreference;

/// Shown for any path no route matches; answers HTTP 404 on the server.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <section class="panel not-found">
            <p class="eyebrow">"404"</p>
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. It may have moved, or the link may be mistyped."</p>
            <p>
                <a class="button" href="/">"Go to the start page"</a>
            </p>
        </section>
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let user = use_user();
    view! {
        <Title text="Settings" />
        <section class="panel">
            <h1>"Settings"</h1>
            <h2>"Appearance"</h2>
            <ThemePreference />
            <Transition fallback=|| ()>
                {move || {
                    user.0
                        .get()
                        .and_then(|result| result.ok().flatten())
                        .map(|_| view! { <ChangePasswordForm /> <ApiTokensPanel /> })
                }}
            </Transition>
        </section>
    }
}
