//! Ask: a one-off question over one document, a selection, or the whole
//! project. Without a language model the answer is extractive: the passages
//! that best match the question, per document, with the matching words
//! marked and their pages, clearly labelled as passages, or "not found".
//! Questions and answers are kept per project.
//!
//! `api` (types, server functions), `server` (retrieval SQL and the
//! `questions` table), `components` (the ask page).

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod server;
