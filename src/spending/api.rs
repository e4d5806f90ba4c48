//! Spending types shared with the browser, and the spending server functions.

use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

/// Percentages of a budget at which the project page warns and the audit log
/// gets a line; at 100 new LLM runs and questions are refused.
pub const THRESHOLDS: [i32; 4] = [50, 75, 90, 100];

/// One budget this month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BudgetLine {
    pub budget_usd: f64,
    pub spent_usd: f64,
    pub percent: f64,
    /// The highest threshold passed, if any.
    pub threshold: Option<i32>,
    /// No further LLM work fits: runs stop, questions are refused.
    pub reached: bool,
}

/// A project's budget and the instance's, as they stand this month.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BudgetStatus {
    pub project: Option<BudgetLine>,
    pub instance: Option<BudgetLine>,
}

impl BudgetStatus {
    /// The line to warn about: the one furthest along, once past 50 %.
    pub fn warning(&self) -> Option<(&'static str, &BudgetLine)> {
        let mut lines: Vec<(&'static str, &BudgetLine)> = Vec::new();
        if let Some(line) = &self.project {
            lines.push(("project", line));
        }
        if let Some(line) = &self.instance {
            lines.push(("instance", line));
        }
        lines
            .into_iter()
            .filter(|(_, line)| line.threshold.is_some())
            .max_by_key(|(_, line)| (line.reached, line.threshold))
    }
}

/// Usage summed per day, project, run, purpose and model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageRow {
    pub day: NaiveDate,
    /// `None` once the project was deleted.
    pub project_id: Option<Uuid>,
    pub project_name: Option<String>,
    pub run_id: Option<Uuid>,
    /// "extraction" or "question".
    pub purpose: String,
    pub model: String,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub cost_usd: f64,
    pub calls: i64,
}

/// A project's budget as its members see it on the usage page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectBudget {
    pub project_id: Uuid,
    pub project_name: String,
    pub monthly_budget_usd: Option<f64>,
    pub line: Option<BudgetLine>,
    /// Owners (and administrators) may change it.
    pub can_manage: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageReport {
    pub days: i32,
    pub rows: Vec<UsageRow>,
    pub projects: Vec<ProjectBudget>,
    pub instance_budget_usd: Option<f64>,
    pub instance_month_spent_usd: f64,
    pub is_admin: bool,
    pub generated_at: DateTime<Utc>,
}

/// A total of tokens and cost under one key (a day, a project, a model, a run).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Total {
    pub key: String,
    pub tokens_in: i64,
    pub tokens_out: i64,
    pub cost_usd: f64,
    pub calls: i64,
}

impl UsageReport {
    /// Totals grouped by `key` (rows without a key are left out), in the
    /// order the keys first appear.
    pub fn totals_by(&self, key: impl Fn(&UsageRow) -> Option<String>) -> Vec<Total> {
        let mut totals: Vec<Total> = Vec::new();
        for row in &self.rows {
            let Some(k) = key(row) else { continue };
            let index = match totals.iter().position(|t| t.key == k) {
                Some(i) => i,
                None => {
                    totals.push(Total {
                        key: k,
                        ..Total::default()
                    });
                    totals.len() - 1
                }
            };
            let total = &mut totals[index];
            total.tokens_in += row.tokens_in;
            total.tokens_out += row.tokens_out;
            total.cost_usd += row.cost_usd;
            total.calls += row.calls;
        }
        totals
    }
}

/// The project's and the instance's LLM budgets this month.
#[server(prefix = "/api", endpoint = "get_budget_status")]
pub async fn get_budget_status(project_id: Uuid) -> Result<BudgetStatus, AppError> {
    crate::error::respond(async { super::server::status_for_caller(project_id).await }).await
}

/// Tokens and cost of the last `days` days over the projects the caller sees.
#[server(prefix = "/api", endpoint = "get_usage_report")]
pub async fn get_usage_report(days: i32) -> Result<UsageReport, AppError> {
    crate::error::respond(async { super::server::report_for_caller(days).await }).await
}

/// Sets (or, empty, removes) a project's monthly budget in US dollars. Owners.
#[server(prefix = "/api", endpoint = "set_project_budget")]
pub async fn set_project_budget(project_id: Uuid, budget_usd: String) -> Result<(), AppError> {
    crate::error::respond(async {
        super::server::set_project_budget_for_caller(project_id, &budget_usd).await
    })
    .await
}

/// Sets (or, empty, removes) the instance's monthly budget. Administrators.
#[server(prefix = "/api", endpoint = "set_instance_budget")]
pub async fn set_instance_budget(budget_usd: String) -> Result<(), AppError> {
    crate::error::respond(async {
        super::server::set_instance_budget_for_caller(&budget_usd).await
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(percent: f64, threshold: Option<i32>, reached: bool) -> BudgetLine {
        BudgetLine {
            budget_usd: 10.0,
            spent_usd: percent / 10.0,
            percent,
            threshold,
            reached,
        }
    }

    #[test]
    fn the_warning_is_the_budget_furthest_along() {
        let quiet = BudgetStatus {
            project: Some(line(20.0, None, false)),
            instance: None,
        };
        assert!(quiet.warning().is_none());
        let both = BudgetStatus {
            project: Some(line(80.0, Some(75), false)),
            instance: Some(line(95.0, Some(90), false)),
        };
        assert_eq!(both.warning().map(|(scope, _)| scope), Some("instance"));
        let reached = BudgetStatus {
            project: Some(line(97.0, Some(100), true)),
            instance: Some(line(95.0, Some(90), false)),
        };
        assert_eq!(reached.warning().map(|(scope, _)| scope), Some("project"));
    }
}
