//! The demo offer's server function.

use leptos::prelude::*;
use uuid::Uuid;

use crate::error::AppError;

/// Creates a project holding the built-in sample trial reports (generated
/// PDFs), queued for conversion, so a newcomer sees the whole flow at once.
#[server(prefix = "/api", endpoint = "create_demo_project")]
pub async fn create_demo_project() -> Result<Uuid, AppError> {
    let result = async {
        let state = crate::platform::platform()?;
        let user = crate::auth::server::require_user().await?;
        crate::auth::authz::decide(
            user.role,
            crate::auth::authz::Relation::None,
            crate::auth::authz::Action::CreateProject,
        )?;
        super::server::create_demo_project(&state, &crate::documents::server::services()?, &user)
            .await
    }
    .await;
    crate::error::with_http_status(result)
}
