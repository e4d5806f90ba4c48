//! Extraction runs: a form version applied to documents by an extractor, every
//! value grounded in a quote that eviStream has found in the paper.
//!
//! `answer` (the shape of an extractor's answer) and `api` (run types and
//! server functions) are shared with the browser. Server side: `extractor`
//! (offline | OpenAI-compatible, one enum), `offline` (the built-in
//! extractor), `llm` (the OpenAI-compatible client), `grounding` (is the quote
//! in the paper, does it state the value), `seeds` (seeded entries from CSV),
//! `runs` (SQL, start/cancel/retry, reading), `run_job` (the job that does the
//! work). `components` holds the runs panel and the run page.

pub mod answer;
pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod extractor;
#[cfg(feature = "ssr")]
pub mod grounding;
#[cfg(feature = "ssr")]
pub mod llm;
#[cfg(feature = "ssr")]
pub mod offline;
#[cfg(feature = "ssr")]
pub mod run_job;
#[cfg(feature = "ssr")]
pub mod runs;
#[cfg(feature = "ssr")]
pub mod seeds;
