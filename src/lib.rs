//! eviStream: turns research-paper PDFs into a verified, exportable data set.
//!
//! One crate, two builds: with `ssr` it is the server (axum + Leptos SSR + the
//! background workers), with `hydrate` it is the browser half (wasm).
//!
//! Direction of dependence: the platform (`platform/`, `config`, `db`,
//! `error`, `text`, `ui`) imports no feature; features (`auth`, `projects`,
//! `documents`, …) import the platform and, where one builds on another, that
//! one's public functions; `server/` and `app/` alone know every feature and
//! wire them together. `scripts/check-layers` enforces it. Inside a feature
//! `api.rs` holds the types and `#[server]` functions both halves share,
//! `server.rs` the SQL and server-only logic, `components.rs` the UI. See
//! ARCHITECTURE.md.

// The project page nests many typed views; the release (LTO) wasm build needs
// more than the default 128 levels to compute their layout.
#![recursion_limit = "256"]

pub mod admin;
pub mod app;
pub mod ask;
pub mod auth;
pub mod demo;
pub mod documents;
pub mod error;
pub mod evaluation;
#[cfg(feature = "ssr")]
pub mod export;
pub mod extraction;
pub mod forms;
pub mod jobs;
pub mod platform;
pub mod projects;
pub mod review;
pub mod spending;
pub mod system;
pub mod text;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod config;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod server;

/// Room in the browser wasm's read-only data for `cargo leptos build --split`.
///
/// The splitter lays the read-only data out again, each group of pages'
/// share beside its code. Alignment between the shares and constants that
/// two groups share can make the new layout a little longer than the
/// linker's, and it cannot grow the segment (the next one starts right after
/// it): it then gives up and leaves *all* the read-only data in the main
/// module, which every page loads. At stop 28 it was 189 bytes too long, and
/// the main module carried 151 KB (60 KB gzipped) of other pages' data.
/// Nothing refers to these bytes, so the splitter copies them into no module:
/// the length they add to the linker's segment is room for the new layout,
/// and they cost nothing in what the browser downloads. `bundle.spec.ts`'s
/// budget fails if the room ever runs out.
#[cfg(feature = "hydrate")]
#[used]
static SPLIT_DATA_ROOM: [u8; 16 * 1024] = [0xA5; 16 * 1024];

/// Browser entry point: attaches the reactive system to the server-rendered HTML.
///
/// Hydration is asynchronous because the pages are lazy routes
/// (`app::routes`): the wasm chunks of the page's group are loaded (the page's
/// `<head>` has already asked the browser to preload them) before its HTML is
/// hydrated.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        let app = leptos::mount::hydrate_from_async(leptos::tachys::dom::body(), app::App).await;
        app.forget();
        // Marks the page as interactive: until then buttons do nothing (the
        // wasm takes a moment to load and start), and the browser tests wait
        // for this.
        if let Some(root) = leptos::prelude::document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
}
