//! Shared helpers of feature pages: an action's error as text, and a page's id
//! from its route.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use crate::error::AppError;

/// The error of an action's last result, one line per field problem, or
/// nothing when it succeeded (or has not run).
pub fn error_text<T>(result: Option<Result<T, AppError>>) -> Option<String> {
    match result {
        Some(Err(AppError::Validation { message, fields })) if !fields.is_empty() => Some(
            std::iter::once(message)
                .chain(fields.into_iter().map(|f| {
                    if f.field.is_empty() || f.message.contains(&f.field) {
                        f.message
                    } else {
                        format!("{}: {}", f.field, f.message)
                    }
                }))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        Some(Err(err)) => Some(err.to_string()),
        _ => None,
    }
}

/// The route parameter `name` of the current page as an id (None when absent
/// or malformed, which pages show as "not found").
pub fn route_id(name: &'static str) -> impl Fn() -> Option<Uuid> + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.with(|p| p.get(name).and_then(|raw| Uuid::parse_str(&raw).ok()))
}
