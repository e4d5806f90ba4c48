//! The start page.

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{CheckSystemStatus, SystemStatus, check_system_status};
use crate::ui::skeleton::Skeleton;
use crate::ui::toast::use_toasts;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="" />
        <section class="hero">
            <h1>"From research PDFs to a verified data set"</h1>
            <p class="lead">
                "Define an extraction form once, run it over hundreds of papers in the background, "
                "check every value against the quote and page it came from, correct it, measure "
                "accuracy against a gold standard, and export."
            </p>
        </section>
        <section class="steps" aria-labelledby="steps-title">
            <h2 id="steps-title">"How it works"</h2>
            <ol class="step-list">
                <li><strong>"Upload"</strong>" PDFs into a project; they are converted to page-anchored text."</li>
                <li><strong>"Define"</strong>" an extraction form: fields, types, options, hints."</li>
                <li><strong>"Extract"</strong>" with an LLM or the offline extractor, as a background job."</li>
                <li><strong>"Review"</strong>" each value beside its evidence quote in the PDF."</li>
                <li><strong>"Evaluate and export"</strong>" to CSV, JSON or Excel."</li>
            </ol>
        </section>
        <StatusCard />
    }
}

/// The server's status, rendered on the server and refreshable from the browser.
#[component]
fn StatusCard() -> impl IntoView {
    let toasts = use_toasts();
    let initial = Resource::new(|| (), |_| check_system_status());
    let check = ServerAction::<CheckSystemStatus>::new();
    let checks = RwSignal::new(0u32);

    Effect::new(move |_| {
        if let Some(result) = check.value().get() {
            match result {
                Ok(status) if status.database_reachable => {
                    toasts.success("The server and its database answer.")
                }
                Ok(_) => toasts.error("The server answers, but its database does not."),
                Err(err) => toasts.error(format!("The server did not answer: {err}")),
            }
        }
    });

    let latest = move || match check.value().get() {
        Some(result) => Some(result),
        None => initial.get(),
    };

    view! {
        <section class="panel status-card" aria-labelledby="status-title">
            <h2 id="status-title">"System status"</h2>
            <Suspense fallback=|| view! { <Skeleton lines=3 label="Loading system status" /> }>
                {move || {
                    latest()
                        .map(|result| match result {
                            Ok(status) => view! { <StatusDetails status /> }.into_any(),
                            Err(err) => {
                                view! {
                                    <p class="status-bad" role="alert">
                                        "The server could not report its status: " {err.to_string()}
                                    </p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
            <div class="actions">
                <button
                    type="button"
                    class="button"
                    disabled=move || check.pending().get()
                    on:click=move |_| {
                        checks.update(|n| *n += 1);
                        check.dispatch(CheckSystemStatus {});
                    }
                >
                    {move || if check.pending().get() { "Checking…" } else { "Check server status" }}
                </button>
                <span class="muted" data-testid="check-count">
                    {move || match checks.get() {
                        0 => String::new(),
                        1 => "Checked once from this page.".to_owned(),
                        n => format!("Checked {n} times from this page."),
                    }}
                </span>
            </div>
        </section>
    }
}

#[component]
fn StatusDetails(status: SystemStatus) -> impl IntoView {
    let database = if status.database_reachable {
        "reachable"
    } else {
        "not reachable"
    };
    let migrations = match status.pending_migrations {
        0 => "all applied".to_owned(),
        n => format!("{n} pending"),
    };
    view! {
        <dl class="status-list">
            <dt>"Version"</dt>
            <dd>{status.version}</dd>
            <dt>"Database"</dt>
            <dd
                class=if status.database_reachable { "status-ok" } else { "status-bad" }
                data-testid="database-status"
            >
                {database}
            </dd>
            <dt>"Migrations"</dt>
            <dd>{migrations}</dd>
            <dt>"Checked at"</dt>
            <dd data-testid="checked-at">{status.checked_at.format("%Y-%m-%d %H:%M:%S UTC").to_string()}</dd>
        </dl>
    }
}
