//! Spending on the language model: every call recorded (project, run or
//! question, model, tokens, cost), monthly budgets per project (owners) and
//! for the instance (administrators), warnings at 50, 75 and 90 %, and at
//! 100 % new LLM runs and questions refused and running runs stopped.
//!
//! `api` (types, server functions), `server` (the `llm_usage` table, the
//! reservation every call makes first, budgets and alerts), `components`
//! (the usage page and the project page's budget warning).

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod server;
