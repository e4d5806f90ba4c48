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
