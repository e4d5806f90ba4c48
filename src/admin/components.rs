//! The admin page (accounts, audit log) and the change-password form.

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{ChangePassword, SetUserActive, SetUserRole, list_audit_log, list_users};
use crate::ui::skeleton::Skeleton;
use crate::ui::toast::use_toasts;

#[component]
pub fn AdminPage() -> impl IntoView {
    let toasts = use_toasts();
    let set_role = ServerAction::<SetUserRole>::new();
    let set_active = ServerAction::<SetUserActive>::new();
    let users = Resource::new(
        move || (set_role.version().get(), set_active.version().get()),
        |_| list_users(),
    );
    let audit = Resource::new(
        move || (set_role.version().get(), set_active.version().get()),
        |_| list_audit_log(),
    );
    Effect::new(move |_| {
        for result in [set_role.value().get(), set_active.value().get()]
            .into_iter()
            .flatten()
        {
            if let Err(err) = result {
                toasts.error(err.to_string());
            }
        }
    });
    view! {
        <Title text="Administration" />
        <section class="panel">
            <h1>"Accounts"</h1>
            <Transition fallback=|| view! { <Skeleton lines=4 label="Loading accounts" /> }>
                {move || {
                    users
                        .get()
                        .map(|result| match result {
                            Ok(rows) => {
                                view! {
                                    <div class="table-scroll">
                                        <table>
                                            <thead>
                                                <tr><th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"State"</th><th scope="col">"Actions"</th></tr>
                                            </thead>
                                            <tbody>
                                                {rows
                                                    .into_iter()
                                                    .map(|user| {
                                                        let id = user.id;
                                                        let email = user.email.clone();
                                                        let active = user.is_active;
                                                        view! {
                                                            <tr>
                                                                <td>{user.email}</td>
                                                                <td>
                                                                    <select
                                                                        aria-label=format!("Role of {email}")
                                                                        on:change=move |ev| {
                                                                            set_role.dispatch(SetUserRole { id, role: event_target_value(&ev) });
                                                                        }
                                                                    >
                                                                        {["admin", "user", "viewer"]
                                                                            .into_iter()
                                                                            .map(|role| view! { <option value=role selected=user.role == role>{role}</option> })
                                                                            .collect_view()}
                                                                    </select>
                                                                </td>
                                                                <td>{if active { "active" } else { "deactivated" }}</td>
                                                                <td>
                                                                    <button
                                                                        type="button"
                                                                        class="button button-secondary"
                                                                        on:click=move |_| {
                                                                            set_active.dispatch(SetUserActive { id, active: !active });
                                                                        }
                                                                    >
                                                                        {if active { "Deactivate" } else { "Reactivate" }}
                                                                    </button>
                                                                </td>
                                                            </tr>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                }
                                    .into_any()
                            }
                            Err(err) => view! { <p class="status-bad" role="alert">{err.to_string()}</p> }.into_any(),
                        })
                }}
            </Transition>
        </section>
        <section class="panel">
            <h2>"Audit log"</h2>
            <Transition fallback=|| view! { <Skeleton lines=4 label="Loading the audit log" /> }>
                {move || {
                    audit
                        .get()
                        .map(|result| match result {
                            Ok(entries) => {
                                view! {
                                    <div class="table-scroll">
                                        <table>
                                            <thead>
                                                <tr><th scope="col">"Time (UTC)"</th><th scope="col">"Actor"</th><th scope="col">"Event"</th><th scope="col">"Target"</th><th scope="col">"Client"</th></tr>
                                            </thead>
                                            <tbody>
                                                {entries
                                                    .into_iter()
                                                    .map(|entry| {
                                                        view! {
                                                            <tr>
                                                                <td>{entry.at.format("%Y-%m-%d %H:%M:%S").to_string()}</td>
                                                                <td>{entry.actor.unwrap_or_default()}</td>
                                                                <td>{entry.action}</td>
                                                                <td>{entry.target.unwrap_or_default()}</td>
                                                                <td>{entry.client_addr.unwrap_or_default()}</td>
                                                            </tr>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                }
                                    .into_any()
                            }
                            Err(err) => view! { <p class="status-bad" role="alert">{err.to_string()}</p> }.into_any(),
                        })
                }}
            </Transition>
        </section>
    }
}

#[component]
pub fn ChangePasswordForm() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let toasts = use_toasts();
    Effect::new(move |_| {
        if let Some(Ok(revoked)) = action.value().get() {
            let tokens = match revoked {
                0 => String::new(),
                1 => " One API token was revoked.".to_owned(),
                n => format!(" {n} API tokens were revoked."),
            };
            toasts.success(format!(
                "Password changed. Your other sessions were signed out.{tokens}"
            ));
        }
    });
    view! {
        <h2>"Password"</h2>
        <ActionForm action attr:class="stacked-form narrow">
            <label for="old-password">"Current password"</label>
            <input id="old-password" type="password" name="old_password" autocomplete="current-password" required />
            <label for="new-password">"New password (8 to 128 characters)"</label>
            <input id="new-password" type="password" name="new_password" autocomplete="new-password" minlength="8" maxlength="128" required />
            <label class="checkbox">
                <input type="checkbox" name="revoke_tokens" value="on" checked />
                " Also revoke my API tokens (scripts using them stop working)"
            </label>
            <p class="form-error" role="alert">
                {move || match action.value().get() {
                    Some(Err(err)) => err.to_string(),
                    _ => String::new(),
                }}
            </p>
            <button type="submit" class="button">"Change password"</button>
        </ActionForm>
    }
}

/// Copies `text` to the clipboard (browser only; a no-op while rendering).
fn copy_to_clipboard(text: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        if let Some(window) = web_sys::window() {
            // The promise is left to settle; a refusal leaves the text selectable.
            let _ = window.navigator().clipboard().write_text(text);
            return true;
        }
    }
    let _ = text;
    false
}

/// The caller's personal API tokens: create (shown once, with a copy
/// button), list with their dates and scope, revoke after a confirmation.
#[component]
pub fn ApiTokensPanel() -> impl IntoView {
    use crate::auth::token_api::{CreateApiToken, RevokeApiToken, list_api_tokens};
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let tokens = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_api_tokens(),
    );
    let copied = RwSignal::new(false);
    let confirming = RwSignal::new(None::<uuid::Uuid>);
    let date = |at: chrono::DateTime<chrono::Utc>| at.format("%Y-%m-%d").to_string();
    view! {
        <h2>"API tokens"</h2>
        <p class="muted">
            "Scripts use a token to call eviStream as you, by sending it in the header "
            <code>"Authorization: Bearer …"</code>
            ". A read-only token can list, read, search and export; it cannot change anything. "
            "No token can create tokens or change your password."
        </p>
        <ActionForm action=create attr:class="stacked-form narrow">
            <label for="token-name">"Token name"</label>
            <input id="token-name" name="name" required maxlength="100" />
            <label for="token-days">"Valid for (days)"</label>
            <input id="token-days" name="days" type="number" min="1" max="365" value="90" required />
            <label for="token-scope">"Access"</label>
            <select id="token-scope" name="scope">
                <option value="read_only" selected>"Read only"</option>
                <option value="read_write">"Read and write"</option>
            </select>
            <button type="submit" class="button">"Create token"</button>
        </ActionForm>
        {move || match create.value().get() {
            Some(Ok(created)) => {
                let token = created.token.clone();
                view! {
                    <div class="notice" role="status">
                        <p>{format!("Copy this {} token now; it will not be shown again:", created.scope.label())}</p>
                        <code class="token" data-testid="new-token">{created.token}</code>
                        " "
                        <button type="button" class="button button-secondary"
                            on:click=move |_| copied.set(copy_to_clipboard(&token))>
                            {move || if copied.get() { "Copied" } else { "Copy" }}
                        </button>
                    </div>
                }.into_any()
            }
            Some(Err(err)) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
            None => ().into_any(),
        }}
        <Transition fallback=|| ()>
            {move || tokens.get().and_then(Result::ok).map(|rows| view! {
                <ul class="token-list" aria-label="API tokens">
                    {rows.into_iter().map(|row| {
                        let id = row.id;
                        let name = row.name.clone();
                        let state = if row.revoked {
                            "revoked".to_owned()
                        } else {
                            format!("expires {}", date(row.expires_at))
                        };
                        let used = row
                            .last_used_at
                            .map(|at| format!("last used {}", date(at)))
                            .unwrap_or_else(|| "never used".to_owned());
                        view! {
                            <li>
                                <strong>{row.name.clone()}</strong>
                                {format!(" · {} · created {} · {used} · {state}", row.scope.label(), date(row.created_at))}
                                {(!row.revoked).then(|| view! {
                                    " "
                                    {move || if confirming.get() == Some(id) {
                                        view! {
                                            <span role="group" aria-label=format!("Revoke {name}?")>
                                                "Scripts using it stop working. "
                                                <button type="button" class="button danger"
                                                    on:click=move |_| {
                                                        confirming.set(None);
                                                        revoke.dispatch(RevokeApiToken { id });
                                                    }>
                                                    "Revoke for good"
                                                </button>
                                                " "
                                                <button type="button" class="button button-secondary"
                                                    on:click=move |_| confirming.set(None)>
                                                    "Keep it"
                                                </button>
                                            </span>
                                        }.into_any()
                                    } else {
                                        view! {
                                            <button type="button" class="button button-secondary"
                                                aria-label=format!("Revoke {name}")
                                                on:click=move |_| confirming.set(Some(id))>
                                                "Revoke…"
                                            </button>
                                        }.into_any()
                                    }}
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
        </Transition>
    }
}
