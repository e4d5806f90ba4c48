//! The usage page (tokens and cost by day, project, run and model, with a
//! chart; budgets) and the budget warning of the project page.

use leptos::prelude::*;
use leptos_meta::Title;
use uuid::Uuid;

use super::api::{
    BudgetLine, SetInstanceBudget, SetProjectBudget, Total, UsageReport, get_budget_status,
    get_usage_report,
};
use crate::ui::skeleton::Skeleton;

fn dollars(value: f64) -> String {
    if value > 0.0 && value < 0.01 {
        format!("${value:.4}")
    } else {
        format!("${value:.2}")
    }
}

/// The warning a project page shows once a budget passes 50 %.
#[component]
pub fn BudgetWarning(project: Uuid) -> impl IntoView {
    let status = Resource::new(|| (), move |_| get_budget_status(project));
    view! {
        <Transition fallback=|| ()>
            {move || status.get().and_then(|r| r.ok()).and_then(|status| {
                let (scope, line) = status.warning()?;
                let whose = if scope == "project" { "this project's" } else { "the instance's" };
                let text = if line.reached {
                    format!("The monthly budget for the language model ({whose}) is reached: {} of {} spent. New LLM runs and questions are refused, and running runs stop, until it is raised.",
                        dollars(line.spent_usd), dollars(line.budget_usd))
                } else {
                    format!("{:.0} % of {whose} monthly budget for the language model is spent ({} of {}).",
                        line.percent.floor(), dollars(line.spent_usd), dollars(line.budget_usd))
                };
                let class = if line.reached { "notice notice-bad" } else { "notice notice-warn" };
                Some(view! {
                    <p class=class role="status" data-testid="budget-warning">
                        {text}" "<a href="/usage">"See usage and budgets"</a>
                    </p>
                })
            })}
        </Transition>
    }
}

/// `/usage`
#[component]
pub fn UsagePage() -> impl IntoView {
    let days = RwSignal::new(30);
    let refresh = RwSignal::new(0u32);
    let report = Resource::new(
        move || (days.get(), refresh.get()),
        |(days, _)| get_usage_report(days),
    );
    view! {
        <Title text="Usage and budgets" />
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href="/projects">"Projects"</a>" / "<span aria-current="page">"Usage"</span>
        </nav>
        <section class="panel">
            <h1>"Language model usage"</h1>
            <p class="muted">"Tokens and estimated cost of every request to the language model, from the configured prices. The offline extractor and passage answers cost nothing."</p>
            <label class="inline">
                "Period "
                <select on:change=move |ev| days.set(event_target_value(&ev).parse().unwrap_or(30))>
                    <option value="7">"Last 7 days"</option>
                    <option value="30" selected>"Last 30 days"</option>
                    <option value="90">"Last 90 days"</option>
                    <option value="365">"Last year"</option>
                </select>
            </label>
        </section>
        <Transition fallback=|| view! { <Skeleton lines=6 label="Loading usage" /> }>
            {move || report.get().map(|result| match result {
                Ok(report) => view! { <UsageView report refresh /> }.into_any(),
                Err(err) => view! { <section class="panel"><p class="status-bad" role="alert">{err.to_string()}</p></section> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn UsageView(report: UsageReport, refresh: RwSignal<u32>) -> impl IntoView {
    let by_day = report.totals_by(|r| Some(r.day.format("%Y-%m-%d").to_string()));
    let by_project = report.totals_by(|r| {
        Some(
            r.project_name
                .clone()
                .unwrap_or_else(|| "(a deleted project)".to_owned()),
        )
    });
    let by_model = report.totals_by(|r| Some(r.model.clone()));
    let by_purpose = report.totals_by(|r| {
        Some(match r.purpose.as_str() {
            "question" => "Questions".to_owned(),
            _ => "Extraction runs".to_owned(),
        })
    });
    let by_run = report.totals_by(|r| {
        let run = r.run_id?;
        let project = r.project_id?;
        Some(format!("/projects/{project}/runs/{run}"))
    });
    let total_cost: f64 = by_day.iter().map(|t| t.cost_usd).sum();
    let total_tokens: i64 = by_day.iter().map(|t| t.tokens_in + t.tokens_out).sum();
    view! {
        <section class="panel" aria-labelledby="usage-total">
            <h2 id="usage-total">{format!("{} over the last {} days", dollars(total_cost), report.days)}</h2>
            <p class="muted" data-testid="usage-total">{format!("{total_tokens} tokens in {} requests", by_day.iter().map(|t| t.calls).sum::<i64>())}</p>
            <CostChart days=by_day.clone() />
        </section>
        <BudgetsPanel report=report.clone() refresh />
        <section class="panel" aria-labelledby="usage-breakdown">
            <h2 id="usage-breakdown">"Breakdown"</h2>
            <div class="usage-tables">
                <TotalsTable caption="By project" rows=by_project link=false />
                <TotalsTable caption="By model" rows=by_model link=false />
                <TotalsTable caption="By purpose" rows=by_purpose link=false />
                <TotalsTable caption="By run" rows=by_run link=true />
                <TotalsTable caption="By day" rows=by_day link=false />
            </div>
        </section>
    }
}

/// Cost per day as bars (plain SVG: a few dozen rectangles need no library).
#[component]
fn CostChart(days: Vec<Total>) -> impl IntoView {
    if days.is_empty() {
        return view! { <p class="empty-state">"No language model requests in this period."</p> }
            .into_any();
    }
    let max = days
        .iter()
        .map(|d| d.cost_usd)
        .fold(0.0_f64, f64::max)
        .max(1e-9);
    let (width, height, gap) = (640.0_f64, 160.0_f64, 2.0_f64);
    let bar = (width / days.len() as f64 - gap).max(1.0);
    let summary = format!(
        "Cost per day, highest {} on {}",
        dollars(max),
        days.iter()
            .find(|d| d.cost_usd >= max)
            .map(|d| d.key.clone())
            .unwrap_or_default()
    );
    view! {
        <figure class="usage-chart">
            <svg viewBox=format!("0 0 {width} {}", height + 20.0) role="img" aria-label=summary.clone() data-testid="usage-chart">
                {days.iter().enumerate().map(|(i, day)| {
                    let h = (day.cost_usd / max * height).max(1.0);
                    let x = i as f64 * (bar + gap);
                    view! {
                        <rect x=x y=height - h width=bar height=h class="usage-bar">
                            <title>{format!("{}: {} ({} tokens)", day.key, dollars(day.cost_usd), day.tokens_in + day.tokens_out)}</title>
                        </rect>
                    }
                }).collect_view()}
                <text x="0" y=height + 16.0 class="usage-axis">{days.first().map(|d| d.key.clone()).unwrap_or_default()}</text>
                <text x=width y=height + 16.0 text-anchor="end" class="usage-axis">{days.last().map(|d| d.key.clone()).unwrap_or_default()}</text>
            </svg>
            <figcaption class="muted">{summary}</figcaption>
        </figure>
    }
    .into_any()
}

#[component]
fn TotalsTable(caption: &'static str, rows: Vec<Total>, link: bool) -> impl IntoView {
    view! {
        <table class="table">
            <caption>{caption}</caption>
            <thead><tr><th scope="col">""</th><th scope="col">"Requests"</th><th scope="col">"Tokens in"</th><th scope="col">"Tokens out"</th><th scope="col">"Cost"</th></tr></thead>
            <tbody>
                {if rows.is_empty() {
                    view! { <tr><td colspan="5" class="muted">"None"</td></tr> }.into_any()
                } else {
                    rows.into_iter().map(|t| view! {
                        <tr>
                            <th scope="row">{if link {
                                view! { <a href=t.key.clone()>"Run"</a> }.into_any()
                            } else {
                                view! { {t.key.clone()} }.into_any()
                            }}</th>
                            <td>{t.calls}</td>
                            <td>{t.tokens_in}</td>
                            <td>{t.tokens_out}</td>
                            <td>{dollars(t.cost_usd)}</td>
                        </tr>
                    }).collect_view().into_any()
                }}
            </tbody>
        </table>
    }
}

fn line_text(line: &Option<BudgetLine>) -> String {
    match line {
        Some(line) => format!(
            "{} of {} this month ({:.0} %){}",
            dollars(line.spent_usd),
            dollars(line.budget_usd),
            line.percent.floor(),
            if line.reached { " · reached" } else { "" }
        ),
        None => "No budget".to_owned(),
    }
}

#[component]
fn BudgetsPanel(report: UsageReport, refresh: RwSignal<u32>) -> impl IntoView {
    let set_project = ServerAction::<SetProjectBudget>::new();
    let set_instance = ServerAction::<SetInstanceBudget>::new();
    Effect::new(move |_| {
        if matches!(set_project.value().get(), Some(Ok(())))
            || matches!(set_instance.value().get(), Some(Ok(())))
        {
            refresh.update(|n| *n += 1);
        }
    });
    let error = move || {
        [set_project.value().get(), set_instance.value().get()]
            .into_iter()
            .flatten()
            .find_map(|r| r.err())
            .map(|err| err.to_string())
            .unwrap_or_default()
    };
    let instance_value = report
        .instance_budget_usd
        .map(|b| format!("{b:.2}"))
        .unwrap_or_default();
    view! {
        <section class="panel" aria-labelledby="budgets-heading">
            <h2 id="budgets-heading">"Monthly budgets"</h2>
            <p class="muted">"At 50, 75 and 90 % of a budget the project page warns and the audit log records it; at 100 % new LLM runs and questions are refused and running runs stop, to be resumed once the budget is raised. Leave empty for no budget."</p>
            <p class="form-error" role="alert">{error}</p>
            {report.is_admin.then(|| view! {
                <ActionForm action=set_instance attr:class="inline-form">
                    <label>
                        {format!("Instance budget (US $) — {} spent this month ", dollars(report.instance_month_spent_usd))}
                        <input type="text" inputmode="decimal" name="budget_usd" value=instance_value.clone() data-testid="instance-budget" />
                    </label>
                    <button type="submit" class="button small">"Save"</button>
                </ActionForm>
            })}
            <table class="table responsive" aria-label="Project budgets">
                <thead><tr><th scope="col">"Project"</th><th scope="col">"This month"</th><th scope="col">"Budget (US $)"</th></tr></thead>
                <tbody>
                    {report.projects.into_iter().map(|p| {
                        let value = p.monthly_budget_usd.map(|b| format!("{b:.2}")).unwrap_or_default();
                        let project_id = p.project_id.to_string();
                        view! {
                            <tr>
                                <th scope="row"><a href=format!("/projects/{}", p.project_id)>{p.project_name.clone()}</a></th>
                                <td data-label="This month">{line_text(&p.line)}</td>
                                <td data-label="Budget">
                                    {if p.can_manage {
                                        view! {
                                            <ActionForm action=set_project attr:class="inline-form">
                                                <input type="hidden" name="project_id" value=project_id.clone() />
                                                <input type="text" inputmode="decimal" name="budget_usd" value=value.clone()
                                                    aria-label=format!("Monthly budget of {}", p.project_name) />
                                                <button type="submit" class="button small">"Save"</button>
                                            </ActionForm>
                                        }.into_any()
                                    } else {
                                        view! { {if value.is_empty() { "None".to_owned() } else { format!("${value}") }} }.into_any()
                                    }}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}
