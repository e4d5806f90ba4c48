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
        if let Some(Ok(())) = action.value().get() {
            toasts.success("Password changed. Your other sessions were signed out.");
        }
    });
    view! {
        <h2>"Password"</h2>
        <ActionForm action attr:class="stacked-form narrow">
            <label for="old-password">"Current password"</label>
            <input id="old-password" type="password" name="old_password" autocomplete="current-password" required />
            <label for="new-password">"New password (8 to 128 characters)"</label>
            <input id="new-password" type="password" name="new_password" autocomplete="new-password" minlength="8" maxlength="128" required />
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

/// The caller's personal API tokens: create (shown once), list, revoke.
#[component]
pub fn ApiTokensPanel() -> impl IntoView {
    use crate::auth::token_api::{CreateApiToken, RevokeApiToken, list_api_tokens};
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let tokens = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_api_tokens(),
    );
    view! {
        <h2>"API tokens"</h2>
        <p class="muted">"Scripts send a token as " <code>"Authorization: Bearer …"</code> " to any server function."</p>
        <ActionForm action=create attr:class="stacked-form narrow">
            <label for="token-name">"Token name"</label>
            <input id="token-name" name="name" required maxlength="100" />
            <label for="token-days">"Valid for (days)"</label>
            <input id="token-days" name="days" type="number" min="1" max="365" value="90" required />
            <button type="submit" class="button">"Create token"</button>
        </ActionForm>
        {move || match create.value().get() {
            Some(Ok(created)) => view! {
                <div class="notice" role="status">
                    <p>"Copy this token now; it will not be shown again:"</p>
                    <code class="token" data-testid="new-token">{created.token}</code>
                </div>
            }.into_any(),
            Some(Err(err)) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
            None => ().into_any(),
        }}
        <Transition fallback=|| ()>
            {move || tokens.get().and_then(Result::ok).map(|rows| view! {
                <ul class="token-list" aria-label="API tokens">
                    {rows.into_iter().map(|row| {
                        let id = row.id;
                        let state = if row.revoked {
                            "revoked".to_owned()
                        } else {
                            format!("expires {}", row.expires_at.format("%Y-%m-%d"))
                        };
                        view! {
                            <li>
                                <strong>{row.name.clone()}</strong> " · " {state}
                                {(!row.revoked).then(|| view! {
                                    " "
                                    <button type="button" class="button button-secondary"
                                        aria-label=format!("Revoke {}", row.name)
                                        on:click=move |_| { revoke.dispatch(RevokeApiToken { id }); }>
                                        "Revoke"
                                    </button>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
        </Transition>
    }
}
