//! Sign-in server functions.

use leptos::prelude::*;

use super::types::SignedInUser;
use crate::error::AppError;

/// The signed-in user, or `None`.
#[server(prefix = "/api", endpoint = "current_user")]
pub async fn current_user() -> Result<Option<SignedInUser>, AppError> {
    crate::error::with_http_status(super::server::caller().await)
}

/// Signs the request's session in as `account` (with a fresh session id).
#[cfg(feature = "ssr")]
async fn start_session(account: super::server::Account) -> Result<SignedInUser, AppError> {
    let session = super::session::of_request().await?;
    super::session::start(&session, account.id, account.session_epoch).await?;
    Ok(SignedInUser {
        id: account.id,
        email: account.email,
        role: account.role,
    })
}

/// Signs in. `next` is the page to go on to after a plain form post (see
/// [`super::next::go_on_after_plain_form`]).
#[server(prefix = "/api", endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    #[server(default)] next: Option<String>,
) -> Result<SignedInUser, AppError> {
    let result = async {
        let state = crate::platform::platform()?;
        let client = super::server::client_addr().await;
        let account = super::server::authenticate(&state.db, &email, &password, &client).await?;
        let user = start_session(account).await?;
        super::next::go_on_after_plain_form(next.as_deref());
        Ok(user)
    }
    .await;
    crate::error::with_http_status(result)
}

/// Creates an account and signs it in; `next` as for [`sign_in`].
#[server(prefix = "/api", endpoint = "register")]
pub async fn register(
    email: String,
    password: String,
    #[server(default)] next: Option<String>,
) -> Result<SignedInUser, AppError> {
    let result = async {
        let state = crate::platform::platform()?;
        let email = super::types::Email::parse(&email)?;
        let password = super::types::Password::parse(&password)?;
        let client = super::server::client_addr().await;
        let account = super::server::register(
            &state.db,
            &email,
            &password,
            state.config.registration_open,
            state.config.registrations_per_hour,
            &client,
        )
        .await?;
        let user = start_session(account).await?;
        super::next::go_on_after_plain_form(next.as_deref());
        Ok(user)
    }
    .await;
    crate::error::with_http_status(result)
}

#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    let result = async {
        let state = crate::platform::platform()?;
        let session = super::session::of_request().await?;
        if let Some(user) = super::session::user(&session, &state.db, &state.config).await? {
            let client = super::server::client_addr().await;
            super::server::audit(
                &state.db,
                Some(user.id),
                "sign_out",
                Some(&user.email),
                &client,
                serde_json::json!({}),
            )
            .await;
        }
        super::session::end(&session).await
    }
    .await;
    crate::error::with_http_status(result)
}
