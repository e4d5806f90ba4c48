//! Ask: a one-off question over one document, a selection, or the whole
//! project. Without a language model the answer is extractive: the passages
//! that best match the question, per document, with the matching words
//! marked and their pages, clearly labelled as passages, or "not found".
//! With one, the model writes the answer from those passages, it streams to
//! the page, and each citation is checked in the paper (`written`).
//! Questions and answers are kept per project.
//!
//! `api` (types, server functions), `server` (retrieval SQL and the
//! `questions` table), `written` (the model's answer, its citations, its
//! event stream), `components` (the ask page and the citation view).

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod written;
