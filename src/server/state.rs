//! The composition root's state: the platform and each feature's own
//! services, as axum state (each part reachable with `State<Part>` through
//! `FromRef`) and as Leptos context (each part provided on its own), so a
//! feature asks for the platform and its own services and never for this.

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;

use crate::ask::written::AskServices;
use crate::documents::server::DocumentServices;
use crate::platform::Platform;

#[derive(Clone)]
pub struct AppState {
    pub platform: Platform,
    /// File storage, upload limits and the PDF conversion settings.
    pub documents: DocumentServices,
    /// The model client for questions and the answers being written.
    pub ask: AskServices,
}

impl AppState {
    /// Provides every part as Leptos context, for server functions and SSR.
    pub fn provide_context(&self) {
        provide_context(self.platform.clone());
        provide_context(self.documents.clone());
        provide_context(self.ask.clone());
    }
}

impl FromRef<AppState> for Platform {
    fn from_ref(state: &AppState) -> Self {
        state.platform.clone()
    }
}

impl FromRef<AppState> for DocumentServices {
    fn from_ref(state: &AppState) -> Self {
        state.documents.clone()
    }
}

impl FromRef<AppState> for AskServices {
    fn from_ref(state: &AppState) -> Self {
        state.ask.clone()
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.platform.leptos_options.clone()
    }
}
