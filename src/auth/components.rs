//! Sign-in and registration pages, and the account part of the header.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use super::api::{Register, SignIn, SignOut, current_user};
use super::types::SignedInUser;
use crate::error::AppError;

/// The signed-in user as a resource every component can read and refresh.
#[derive(Clone, Copy)]
pub struct UserContext(pub Resource<Result<Option<SignedInUser>, AppError>>);

pub fn provide_user_context() {
    provide_context(UserContext(Resource::new(|| (), |_| current_user())));
}

pub fn use_user() -> UserContext {
    expect_context::<UserContext>()
}

/// "Sign in" or the user's email with a sign-out button.
#[component]
pub fn AccountMenu() -> impl IntoView {
    let user = use_user();
    let sign_out = ServerAction::<SignOut>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            user.0.refetch();
            navigate("/signin", Default::default());
        }
    });
    view! {
        <Transition fallback=|| ()>
            {move || {
                user.0
                    .get()
                    .map(|result| match result.ok().flatten() {
                        Some(current) => {
                            view! {
                                <span class="account-email" data-testid="signed-in-as">{current.email}</span>
                                <ActionForm action=sign_out attr:class="inline-form">
                                    <button type="submit" class="button button-secondary">"Sign out"</button>
                                </ActionForm>
                            }
                                .into_any()
                        }
                        None => {
                            view! { <a href="/signin" class="button button-secondary">"Sign in"</a> }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
}

/// After a successful sign-in or registration: refresh who is signed in and
/// open the page the visitor was sent here from (`?next=`), else the projects.
fn go_on_once_signed_in(
    result: impl Get<Value = Option<Result<SignedInUser, AppError>>> + Send + Sync + 'static,
) {
    let user = use_user();
    let navigate = use_navigate();
    let query = leptos_router::hooks::use_query_map();
    Effect::new(move |_| {
        if let Some(Ok(_)) = result.get() {
            user.0.refetch();
            let next = query.with_untracked(|query| query.get("next"));
            navigate(
                &super::next::after_sign_in(next.as_deref()),
                Default::default(),
            );
        }
    });
}

/// The page to go on to after signing in (`?next=`), carried in the form so
/// that a plain form post (the page without wasm) goes there too.
#[component]
fn NextPageField() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let next = move || query.with(|query| query.get("next")).unwrap_or_default();
    view! { <input type="hidden" name="next" value=next /> }
}

/// Shows the error of a sign-in or registration attempt.
fn error_text(result: Option<Result<SignedInUser, AppError>>) -> Option<String> {
    match result {
        Some(Err(err)) => Some(err.to_string()),
        _ => None,
    }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    go_on_once_signed_in(action.value());
    view! {
        <Title text="Sign in" />
        <section class="panel narrow">
            <h1>"Sign in"</h1>
            <ActionForm action attr:class="stacked-form">
                <NextPageField />
                <label for="signin-email">"Email address"</label>
                <input id="signin-email" type="email" name="email" autocomplete="username" required />
                <label for="signin-password">"Password"</label>
                <input
                    id="signin-password"
                    type="password"
                    name="password"
                    autocomplete="current-password"
                    required
                />
                <p class="form-error" role="alert">{move || error_text(action.value().get())}</p>
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    "Sign in"
                </button>
            </ActionForm>
            <p>"No account yet? " <a href="/register">"Create one"</a></p>
        </section>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let action = ServerAction::<Register>::new();
    go_on_once_signed_in(action.value());
    view! {
        <Title text="Create an account" />
        <section class="panel narrow">
            <h1>"Create an account"</h1>
            <ActionForm action attr:class="stacked-form">
                <NextPageField />
                <label for="register-email">"Email address"</label>
                <input id="register-email" type="email" name="email" autocomplete="username" required />
                <label for="register-password">"Password (8 to 128 characters)"</label>
                <input
                    id="register-password"
                    type="password"
                    name="password"
                    autocomplete="new-password"
                    minlength="8"
                    maxlength="128"
                    required
                />
                <p class="form-error" role="alert">{move || error_text(action.value().get())}</p>
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    "Create account"
                </button>
            </ActionForm>
            <p>"Already registered? " <a href="/signin">"Sign in"</a></p>
        </section>
    }
}
