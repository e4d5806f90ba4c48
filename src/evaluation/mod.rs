//! Evaluation: how close a run came to a gold standard.
//!
//! A gold standard is read from a CSV (`gold`, server-only: it needs the
//! `csv` crate) with a column mapping (`mapping`, suggested from the column
//! names), or taken from a run's reviewed values (`standard`). `metrics`
//! pairs entries of repeating sub-forms (`matching`), compares values by
//! field type (`compare`, reading values as `typed` does) and counts.
//! Everything but `gold` is target-independent and serialisable, so the
//! browser can hold a mapping and show problems, scores and differences.
//! Values are addressed by field path (`paths`), as `extraction::run_job`
//! stores them.

pub mod api;
pub mod compare;
pub mod components;
#[cfg(feature = "ssr")]
pub mod gold;
#[cfg(feature = "ssr")]
mod gold_columns;
pub mod mapping;
pub mod matching;
pub mod metrics;
pub mod paths;
#[cfg(feature = "ssr")]
pub mod server;
pub mod standard;
pub mod typed;
mod walk;

#[cfg(all(test, feature = "ssr"))]
mod gold_tests;
#[cfg(test)]
mod metrics_tests;
