//! Extraction forms: what a review team agrees to extract, versioned, and the
//! extraction plan that says how eviStream asks for it.
//!
//! `model` (the form tree), `validate`, `format` (JSON import/export),
//! `presets`, `plan` (steps and their strict JSON Schemas) and `diff` are
//! target-independent: the builder in the browser validates exactly as the
//! server does. `api` holds the server functions, `server` the SQL and the plan
//! job, `components` the form list, builder and plan pages.

pub mod api;
pub mod components;
pub mod diff;
pub mod format;
pub mod model;
pub mod plan;
pub mod presets;
#[cfg(feature = "ssr")]
pub mod server;
pub mod validate;
