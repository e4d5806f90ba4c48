//! LLM spending: the `llm_usage`, `instance_settings` and `budget_alerts`
//! tables and `projects.monthly_budget_usd`.
//!
//! A call to the model first reserves its ceiling (the prompt plus the longest
//! answer allowed, at the configured prices) under one instance-wide advisory
//! lock: this month's spending of its project and of the instance, finished
//! calls and reservations in flight alike, plus the ceiling, must stay within
//! each budget, or the call is refused. The lock makes the check and the
//! reservation one step across every process and worker, so concurrent runs
//! cannot together pass a budget by more than what the calls in flight cost
//! beyond their ceilings (a repair round: at most one request each). When the
//! call ends the reservation becomes what it really cost.

use chrono::Utc;
use sqlx::PgPool;
use uuid::Uuid;

use super::api::{BudgetLine, BudgetStatus, THRESHOLDS, UsageReport, UsageRow};
use crate::auth::authz::Action;
use crate::error::AppError;

/// One key for the budget lock of the whole instance ("eviSpnd").
const BUDGET_LOCK: i64 = 0x0065_7669_5370_6e64;
/// A reservation older than this was left by a process that died: no call
/// lasts so long (request timeout × attempts, twice for a repair).
const STALE_RESERVATION_MINUTES: i32 = 30;
/// The budget scope of the whole instance in `budget_alerts`.
const INSTANCE_SCOPE: &str = "instance";

/// What a call to the model is for.
#[derive(Debug, Clone, Copy)]
pub struct Purpose {
    pub project: Uuid,
    pub run: Option<Uuid>,
    pub question: Option<Uuid>,
    pub user: Option<Uuid>,
}

impl Purpose {
    fn kind(&self) -> &'static str {
        if self.question.is_some() {
            "question"
        } else {
            "extraction"
        }
    }
}

/// A call's share of the budgets, held while it is in flight.
#[derive(Debug)]
#[must_use = "a reservation must be settled with what the call cost"]
pub struct Reservation {
    id: i64,
    project: Uuid,
}

/// Why a call may not be made.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetReached {
    /// "project" or "instance".
    pub scope: &'static str,
    pub budget_usd: f64,
    pub spent_usd: f64,
}

impl BudgetReached {
    pub fn message(&self) -> String {
        let whose = if self.scope == "project" {
            "This project's monthly budget for the language model"
        } else {
            "This instance's monthly budget for the language model"
        };
        let who = if self.scope == "project" {
            "An owner of the project"
        } else {
            "An administrator"
        };
        format!(
            "{whose} is reached: ${:.2} of ${:.2} spent this month. {who} can raise it on the usage page.",
            self.spent_usd, self.budget_usd
        )
    }
}

impl From<BudgetReached> for AppError {
    fn from(reached: BudgetReached) -> Self {
        AppError::Conflict(reached.message())
    }
}

/// This month's spending (finished calls and live reservations) of `project`
/// and of the instance, and their budgets.
struct Month {
    project_budget: Option<f64>,
    project_spent: f64,
    instance_budget: Option<f64>,
    instance_spent: f64,
}

async fn month<'e>(
    db: impl sqlx::PgExecutor<'e>,
    project: Uuid,
    with_reservations: bool,
) -> Result<Month, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT (SELECT monthly_budget_usd FROM projects WHERE id = $1) AS project_budget,
                  (SELECT monthly_budget_usd FROM instance_settings) AS instance_budget,
                  coalesce(sum(u.cost_usd) FILTER (WHERE u.project_id = $1), 0)::float8 AS "project_spent!",
                  coalesce(sum(u.cost_usd), 0)::float8 AS "instance_spent!"
           FROM llm_usage u
           WHERE u.created_at >= date_trunc('month', now(), 'UTC')
             AND (NOT u.reserved
                  OR ($2 AND u.created_at > now() - make_interval(mins => $3)))"#,
        project,
        with_reservations,
        STALE_RESERVATION_MINUTES
    )
    .fetch_one(db)
    .await?;
    Ok(Month {
        project_budget: row.project_budget,
        project_spent: row.project_spent,
        instance_budget: row.instance_budget,
        instance_spent: row.instance_spent,
    })
}

impl Month {
    /// The budget a further `cost` would pass, if any.
    fn refusal(&self, cost: f64) -> Option<BudgetReached> {
        let passes = |budget: Option<f64>, spent: f64| {
            budget.is_some_and(|budget| spent >= budget || spent + cost > budget)
        };
        if passes(self.project_budget, self.project_spent) {
            return Some(BudgetReached {
                scope: "project",
                budget_usd: self.project_budget.unwrap_or_default(),
                spent_usd: self.project_spent,
            });
        }
        if passes(self.instance_budget, self.instance_spent) {
            return Some(BudgetReached {
                scope: "instance",
                budget_usd: self.instance_budget.unwrap_or_default(),
                spent_usd: self.instance_spent,
            });
        }
        None
    }
}

/// What [`try_reserve`] found.
#[derive(Debug)]
pub enum Reserve {
    Reserved(Reservation),
    /// The budget is spent: no call of this size fits any more.
    Reached(BudgetReached),
    /// It fits what is spent, but not beside the calls in flight: try again
    /// when they have ended.
    Busy,
}

/// Reserves `ceiling_usd` for a call, waiting while calls in flight hold
/// the rest of a budget; or says which budget it would pass (and announces
/// that budget as reached). `give_up` ends the wait (a cancelled job).
pub async fn reserve(
    pool: &PgPool,
    purpose: Purpose,
    model: &str,
    ceiling_usd: f64,
    give_up: impl Fn() -> bool,
) -> Result<Result<Reservation, BudgetReached>, sqlx::Error> {
    let mut pause = std::time::Duration::from_millis(50);
    loop {
        match try_reserve(pool, purpose, model, ceiling_usd).await? {
            Reserve::Reserved(reservation) => return Ok(Ok(reservation)),
            Reserve::Reached(reached) => return Ok(Err(reached)),
            Reserve::Busy if give_up() => {
                let month = month(pool, purpose.project, false).await?;
                return Ok(Err(month.refusal(f64::INFINITY).unwrap_or(BudgetReached {
                    scope: "project",
                    budget_usd: 0.0,
                    spent_usd: 0.0,
                })));
            }
            Reserve::Busy => {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(std::time::Duration::from_secs(1));
            }
        }
    }
}

/// One attempt of [`reserve`].
pub async fn try_reserve(
    pool: &PgPool,
    purpose: Purpose,
    model: &str,
    ceiling_usd: f64,
) -> Result<Reserve, sqlx::Error> {
    let ceiling = if ceiling_usd.is_finite() {
        ceiling_usd.max(0.0)
    } else {
        0.0
    };
    let mut tx = pool.begin().await?;
    sqlx::query!("SELECT pg_advisory_xact_lock($1)", BUDGET_LOCK)
        .execute(&mut *tx)
        .await?;
    let with_flight = month(&mut *tx, purpose.project, true).await?;
    if with_flight.refusal(ceiling).is_some() {
        let spent = month(&mut *tx, purpose.project, false).await?;
        tx.commit().await?;
        return Ok(match spent.refusal(ceiling) {
            Some(reached) => {
                announce(pool, purpose.project, &reached, 100).await;
                Reserve::Reached(reached)
            }
            None => Reserve::Busy,
        });
    }
    let id = sqlx::query_scalar!(
        r#"INSERT INTO llm_usage (project_id, run_id, question_id, user_id, purpose, model, cost_usd)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"#,
        purpose.project,
        purpose.run,
        purpose.question,
        purpose.user,
        purpose.kind(),
        model,
        ceiling
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Reserve::Reserved(Reservation {
        id,
        project: purpose.project,
    }))
}

/// Records what the call really cost (nothing, when it failed before the
/// model answered) and announces the budget thresholds this passed.
pub async fn settle(
    pool: &PgPool,
    reservation: Reservation,
    tokens_in: i64,
    tokens_out: i64,
    cost_usd: f64,
) -> Result<(), sqlx::Error> {
    let cost = if cost_usd.is_finite() {
        cost_usd.max(0.0)
    } else {
        0.0
    };
    if tokens_in <= 0 && tokens_out <= 0 && cost == 0.0 {
        sqlx::query!("DELETE FROM llm_usage WHERE id = $1", reservation.id)
            .execute(pool)
            .await?;
        return Ok(());
    }
    sqlx::query!(
        r#"UPDATE llm_usage SET reserved = false, tokens_in = $2, tokens_out = $3, cost_usd = $4
           WHERE id = $1"#,
        reservation.id,
        tokens_in.max(0),
        tokens_out.max(0),
        cost
    )
    .execute(pool)
    .await?;
    announce_thresholds(pool, reservation.project).await
}

/// Refuses new LLM work (a run, a question) in `project` when one of its
/// budgets is already reached.
pub async fn check_open(pool: &PgPool, project: Uuid) -> Result<(), AppError> {
    let status = status(pool, project).await?;
    for (scope, line) in [("project", &status.project), ("instance", &status.instance)] {
        if let Some(line) = line.as_ref().filter(|line| line.reached) {
            return Err(BudgetReached {
                scope,
                budget_usd: line.budget_usd,
                spent_usd: line.spent_usd,
            }
            .into());
        }
    }
    Ok(())
}

async fn announce_thresholds(pool: &PgPool, project: Uuid) -> Result<(), sqlx::Error> {
    let month = month(pool, project, false).await?;
    for (scope, budget, spent) in [
        ("project", month.project_budget, month.project_spent),
        ("instance", month.instance_budget, month.instance_spent),
    ] {
        let Some(budget) = budget.filter(|b| *b > 0.0) else {
            continue;
        };
        let percent = spent / budget * 100.0;
        if let Some(&threshold) = THRESHOLDS.iter().rev().find(|&&t| percent >= f64::from(t)) {
            let reached = BudgetReached {
                scope,
                budget_usd: budget,
                spent_usd: spent,
            };
            announce(pool, project, &reached, threshold).await;
        }
    }
    Ok(())
}

/// Writes the audit line for `threshold` (and any lower one not yet written)
/// of a budget, once per month.
async fn announce(pool: &PgPool, project: Uuid, budget: &BudgetReached, threshold: i32) {
    let scope = if budget.scope == "project" {
        project.to_string()
    } else {
        INSTANCE_SCOPE.to_owned()
    };
    for &level in THRESHOLDS.iter().filter(|&&t| t <= threshold) {
        let inserted = sqlx::query_scalar!(
            r#"INSERT INTO budget_alerts (scope, month, threshold)
               VALUES ($1, date_trunc('month', now(), 'UTC')::date, $2)
               ON CONFLICT DO NOTHING RETURNING threshold"#,
            scope,
            level
        )
        .fetch_optional(pool)
        .await;
        match inserted {
            Ok(Some(_)) => {
                tracing::warn!(scope = %scope, threshold = level, spent = budget.spent_usd,
                    budget = budget.budget_usd, "llm budget threshold passed");
                crate::auth::server::audit(
                    pool,
                    None,
                    "budget.threshold",
                    Some(&scope),
                    "",
                    serde_json::json!({
                        "budget": budget.scope,
                        "project_id": (budget.scope == "project").then_some(project),
                        "threshold_percent": level,
                        "budget_usd": budget.budget_usd,
                        "spent_usd": budget.spent_usd,
                    }),
                )
                .await;
            }
            Ok(None) => {}
            Err(err) => tracing::error!(error = %err, "could not record a budget alert"),
        }
    }
}

fn line(budget: Option<f64>, spent: f64, announced: Option<i32>) -> Option<BudgetLine> {
    let budget = budget?;
    let percent = if budget > 0.0 {
        spent / budget * 100.0
    } else {
        100.0
    };
    let reached = spent >= budget || announced == Some(100);
    Some(BudgetLine {
        budget_usd: budget,
        spent_usd: spent,
        percent,
        threshold: if reached {
            Some(100)
        } else {
            THRESHOLDS
                .iter()
                .rev()
                .copied()
                .find(|&t| percent >= f64::from(t))
        },
        reached,
    })
}

/// The project's and the instance's budgets this month, for the warning on
/// the project page.
pub async fn status_for_caller(project: Uuid) -> Result<BudgetStatus, AppError> {
    let (state, _) = crate::projects::server::caller_for_project(project, Action::View).await?;
    status(&state.db, project).await
}

pub async fn status(pool: &PgPool, project: Uuid) -> Result<BudgetStatus, AppError> {
    let month = month(pool, project, false).await?;
    let alerts = sqlx::query!(
        r#"SELECT scope, max(threshold) AS "threshold!" FROM budget_alerts
           WHERE month = date_trunc('month', now(), 'UTC')::date AND scope IN ($1, 'instance')
           GROUP BY scope"#,
        project.to_string()
    )
    .fetch_all(pool)
    .await?;
    let announced = |scope: &str| {
        alerts
            .iter()
            .find(|a| a.scope == scope)
            .map(|a| a.threshold)
    };
    Ok(BudgetStatus {
        project: line(
            month.project_budget,
            month.project_spent,
            announced(&project.to_string()),
        ),
        instance: line(
            month.instance_budget,
            month.instance_spent,
            announced(INSTANCE_SCOPE),
        ),
    })
}

/// Parses a budget as typed: empty = none; dollars, at most a million.
pub fn parse_budget(raw: &str) -> Result<Option<f64>, AppError> {
    let raw = raw.trim().trim_start_matches('$').trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<f64>() {
        Ok(value) if value.is_finite() && (0.0..=1_000_000.0).contains(&value) => Ok(Some(value)),
        _ => Err(AppError::invalid(
            "budget_usd",
            "A budget is an amount in US dollars from 0 to 1,000,000, or empty for none",
        )),
    }
}

pub async fn set_project_budget_for_caller(project: Uuid, raw: &str) -> Result<(), AppError> {
    let (state, user) =
        crate::projects::server::caller_for_project(project, Action::Manage).await?;
    let budget = parse_budget(raw)?;
    let mut tx = state.db.begin().await?;
    sqlx::query!(
        "UPDATE projects SET monthly_budget_usd = $2 WHERE id = $1",
        project,
        budget
    )
    .execute(&mut *tx)
    .await?;
    // Thresholds are announced again against the new budget.
    sqlx::query!(
        "DELETE FROM budget_alerts WHERE scope = $1",
        project.to_string()
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    crate::auth::server::audit(
        &state.db,
        Some(user.id),
        "budget.set",
        Some(&project.to_string()),
        "",
        serde_json::json!({ "budget": "project", "monthly_budget_usd": budget }),
    )
    .await;
    tracing::info!(project = %project, budget = ?budget, "project budget set");
    Ok(())
}

pub async fn set_instance_budget_for_caller(raw: &str) -> Result<(), AppError> {
    let state = crate::platform::platform()?;
    let user = crate::auth::server::require_user().await?;
    crate::auth::authz::decide(
        user.role,
        crate::auth::authz::Relation::None,
        Action::Administer,
    )?;
    let budget = parse_budget(raw)?;
    let mut tx = state.db.begin().await?;
    sqlx::query!(
        "UPDATE instance_settings SET monthly_budget_usd = $1, updated_at = now()",
        budget
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("DELETE FROM budget_alerts WHERE scope = 'instance'")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    crate::auth::server::audit(
        &state.db,
        Some(user.id),
        "budget.set",
        Some(INSTANCE_SCOPE),
        "",
        serde_json::json!({ "budget": "instance", "monthly_budget_usd": budget }),
    )
    .await;
    tracing::info!(budget = ?budget, "instance budget set");
    Ok(())
}

/// Tokens and cost over the last `days` days of the projects the caller may
/// see (an administrator: all, including deleted projects), by day, project,
/// run and model.
pub async fn report_for_caller(days: i32) -> Result<UsageReport, AppError> {
    let state = crate::platform::platform()?;
    let user = crate::auth::server::require_user().await?;
    let days = days.clamp(1, 366);
    let admin = user.role == crate::auth::types::Role::Admin;
    let rows = sqlx::query!(
        r#"SELECT (u.created_at AT TIME ZONE 'UTC')::date AS "day!: chrono::NaiveDate",
                  u.project_id, p.name AS "project_name?", u.run_id, u.purpose, u.model,
                  sum(u.tokens_in)::bigint AS "tokens_in!", sum(u.tokens_out)::bigint AS "tokens_out!",
                  sum(u.cost_usd)::float8 AS "cost!", count(*) AS "calls!"
           FROM llm_usage u LEFT JOIN projects p ON p.id = u.project_id
           WHERE u.created_at >= now() - make_interval(days => $1) AND NOT u.reserved
             AND ($2 OR u.project_id IN (SELECT id FROM projects WHERE owner_id = $3
                                         UNION SELECT project_id FROM project_members WHERE user_id = $3))
           GROUP BY 1, 2, 3, 4, 5, 6
           ORDER BY 1, 3, 6"#,
        days,
        admin,
        user.id
    )
    .fetch_all(&state.db)
    .await?;
    let projects = sqlx::query!(
        r#"SELECT p.id, p.name, p.monthly_budget_usd,
                  ($2 OR p.owner_id = $1) AS "can_manage!"
           FROM projects p LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = $1
           WHERE $2 OR p.owner_id = $1 OR m.user_id IS NOT NULL
           ORDER BY p.name"#,
        user.id,
        admin
    )
    .fetch_all(&state.db)
    .await?;
    let instance_budget = sqlx::query_scalar!("SELECT monthly_budget_usd FROM instance_settings")
        .fetch_optional(&state.db)
        .await?
        .flatten();
    let mut budgets = Vec::new();
    for p in projects {
        let status = status(&state.db, p.id).await?;
        budgets.push(super::api::ProjectBudget {
            project_id: p.id,
            project_name: p.name,
            monthly_budget_usd: p.monthly_budget_usd,
            line: status.project,
            can_manage: p.can_manage,
        });
    }
    Ok(UsageReport {
        days,
        rows: rows
            .into_iter()
            .map(|r| UsageRow {
                day: r.day,
                project_id: r.project_id,
                project_name: r.project_name,
                run_id: r.run_id,
                purpose: r.purpose,
                model: r.model,
                tokens_in: r.tokens_in,
                tokens_out: r.tokens_out,
                cost_usd: r.cost,
                calls: r.calls,
            })
            .collect(),
        projects: budgets,
        instance_budget_usd: instance_budget,
        instance_month_spent_usd: month_instance_spent(&state.db).await?,
        is_admin: admin,
        generated_at: Utc::now(),
    })
}

async fn month_instance_spent(pool: &PgPool) -> Result<f64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT coalesce(sum(cost_usd), 0)::float8 AS "spent!" FROM llm_usage
           WHERE NOT reserved AND created_at >= date_trunc('month', now(), 'UTC')"#
    )
    .fetch_one(pool)
    .await
}
