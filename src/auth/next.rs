//! Where a sign-in leads: back to the page the visitor asked for, never to
//! another site.

/// Where to go after signing in: `next` when it is a path of this app (never
/// another site: `//evil.example` and `https://…` are refused), else the
/// projects.
pub fn after_sign_in(next: Option<&str>) -> String {
    match next {
        Some(next)
            if next.starts_with('/')
                && !next.starts_with("//")
                && !next.starts_with("/\\")
                && !next.contains(['\r', '\n']) =>
        {
            next.to_owned()
        }
        _ => "/projects".to_owned(),
    }
}

/// After a sign-in or registration submitted as a plain form (the sign-in
/// and registration pages load no wasm): sends the browser on to
/// [`after_sign_in`] with "303 See Other". A call from the app's own script
/// gets the account as data instead and moves on in the browser.
#[cfg(feature = "ssr")]
pub fn go_on_after_plain_form(next: Option<&str>) {
    if !crate::error::is_plain_form_post() {
        return;
    }
    let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    // A path the header cannot carry (non-ASCII) goes to the projects.
    let location = http::HeaderValue::from_str(&after_sign_in(next))
        .unwrap_or_else(|_| http::HeaderValue::from_static("/projects"));
    response.set_status(http::StatusCode::SEE_OTHER);
    response.insert_header(http::header::LOCATION, location);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_returns_only_to_this_apps_pages() {
        assert_eq!(
            after_sign_in(Some("/projects/1?tab=x")),
            "/projects/1?tab=x"
        );
        for foreign in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "",
            "projects",
        ] {
            assert_eq!(after_sign_in(Some(foreign)), "/projects", "{foreign:?}");
        }
        assert_eq!(after_sign_in(None), "/projects");
    }
}
