//! Light and dark theme. The default follows the system (`prefers-color-scheme`,
//! handled purely in CSS); an explicit choice is stored in `localStorage` and
//! applied as `data-theme` on `<html>` by `public/theme.js` before first paint.
//! The server never needs to know the choice, so server and browser render the
//! same markup and hydration stays exact.

use leptos::prelude::*;

const STORAGE_KEY: &str = "evistream-theme";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    fn parse(value: &str) -> Option<Theme> {
        match value {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// The stored explicit choice, if any.
fn stored_choice() -> Option<Theme> {
    storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|v| Theme::parse(&v))
}

/// The theme on screen now: the explicit choice, or else the system's.
fn effective_theme() -> Theme {
    stored_choice().unwrap_or_else(|| {
        let prefers_dark = window()
            .match_media("(prefers-color-scheme: dark)")
            .ok()
            .flatten()
            .is_some_and(|query| query.matches());
        if prefers_dark {
            Theme::Dark
        } else {
            Theme::Light
        }
    })
}

/// Stores and applies a choice; `None` goes back to following the system.
fn apply_choice(choice: Option<Theme>) {
    let root = document().document_element();
    match choice {
        Some(theme) => {
            if let Some(storage) = storage() {
                // Private browsing may refuse storage; the theme still applies
                // for this page, it just will not be remembered.
                let _ = storage.set_item(STORAGE_KEY, theme.as_str());
            }
            if let Some(root) = root {
                let _ = root.set_attribute("data-theme", theme.as_str());
            }
        }
        None => {
            if let Some(storage) = storage() {
                let _ = storage.remove_item(STORAGE_KEY);
            }
            if let Some(root) = root {
                let _ = root.remove_attribute("data-theme");
            }
        }
    }
}

/// The header button: switches between light and dark and remembers it. The
/// icon shown is chosen by CSS from the current theme.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let toggle = move |_| {
        let next = match effective_theme() {
            Theme::Dark => Theme::Light,
            Theme::Light => Theme::Dark,
        };
        apply_choice(Some(next));
    };
    view! {
        <button
            type="button"
            class="icon-button theme-toggle"
            aria-label="Switch between light and dark theme"
            title="Switch between light and dark theme"
            on:click=toggle
        >
            <span class="theme-icon theme-icon-to-dark" aria-hidden="true">"☾"</span>
            <span class="theme-icon theme-icon-to-light" aria-hidden="true">"☀"</span>
        </button>
    }
}

/// The settings control: system, light or dark.
#[component]
pub fn ThemePreference() -> impl IntoView {
    // "system" until the browser tells us otherwise after hydration.
    let choice = RwSignal::new("system");
    Effect::new(move |_| {
        choice.set(stored_choice().map_or("system", Theme::as_str));
    });
    let option = move |value: &'static str, label: &'static str| {
        view! {
            <label class="choice">
                <input
                    type="radio"
                    name="theme"
                    value=value
                    prop:checked=move || choice.get() == value
                    on:change=move |_| {
                        choice.set(value);
                        apply_choice(Theme::parse(value));
                    }
                />
                {label}
            </label>
        }
    };
    view! {
        <fieldset class="choice-group">
            <legend>"Theme"</legend>
            {option("system", "Follow the system")}
            {option("light", "Light")}
            {option("dark", "Dark")}
        </fieldset>
    }
}
