//! Review: every value checked against its page in one move.
//!
//! `model` (states, grid levels and columns, reading an edit) and `highlight`
//! (finding a quote in pdf.js's text layer) are target-independent; `api`
//! holds the types and server functions; `server` the SQL (the reviewed_*
//! columns of `extracted_values` and the `value_reviews` trail); `components`
//! the review page: the grid, the value pane and the PDF view.

pub mod api;
pub mod components;
pub mod highlight;
pub mod model;
#[cfg(feature = "ssr")]
pub mod server;
