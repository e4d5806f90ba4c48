//! The review page of a run: the results grid (documents × fields, or one
//! repeating sub-form's entries), its filters and keyboard, a JSON view of
//! the same page, and the pane that opens a value beside its paper.
//!
//! Keys in the grid: arrows move between cells, Enter opens a cell, `a`
//! accepts, `e` edits, `n` marks not reported, Escape closes the pane.

mod cell;
mod export;
pub mod pdf;

use std::collections::HashSet;

use leptos::prelude::*;
use leptos_meta::Title;
use uuid::Uuid;

use self::cell::{CellPane, Intent};
use self::export::ExportPanel;
use super::api::{GridCell, GridPage, accept_verified, review_grid, review_value};
use super::model::{GridFilter, GridSort};
use crate::error::AppError;
use crate::ui::messages::route_id;
use crate::ui::skeleton::Skeleton;
use crate::ui::toast::use_toasts;

/// The grid's choices, in one place so every control resets what it must.
#[derive(Debug, Clone, PartialEq)]
struct GridChoice {
    level: String,
    filter: GridFilter,
    sort: GridSort,
    page: i64,
    document: Option<Uuid>,
}

#[component]
pub fn ReviewPage() -> impl IntoView {
    let run = route_id("run");
    let choice = RwSignal::new(GridChoice {
        level: String::new(),
        filter: GridFilter::All,
        sort: GridSort::Name,
        page: 1,
        document: None,
    });
    let refresh = RwSignal::new(0u32);
    // What the reviewer is doing lives here, outside the data: the grid is
    // read again as values change, and the open pane, the focused cell and
    // the column choice must survive that.
    let ui = GridUi {
        hidden: RwSignal::new(HashSet::new()),
        json_view: RwSignal::new(false),
        selected: RwSignal::new(None),
        active: RwSignal::new((0, 0)),
        confirming: RwSignal::new(None),
    };
    let grid = Resource::new(
        move || (run(), choice.get(), refresh.get()),
        |(run, choice, _)| async move {
            match run {
                Some(run) => {
                    review_grid(
                        run,
                        choice.level,
                        choice.filter.as_str().to_owned(),
                        choice.sort.as_str().to_owned(),
                        choice.page,
                        choice.document,
                    )
                    .await
                }
                None => Err(AppError::not_found("run")),
            }
        },
    );
    // New values appear while the run is going: job updates mark the grid
    // stale, and it is read again at most every two seconds.
    let job = RwSignal::new(None::<Uuid>);
    let stale = RwSignal::new(false);
    crate::jobs::components::follow_job_updates(
        move |update| {
            if job.get_untracked() == Some(update.id) {
                stale.set(true);
            }
        },
        move || {
            if job.get_untracked().is_some() {
                stale.set(true);
            }
        },
    );
    crate::ui::interval::every(2000, move || {
        if stale.get_untracked() {
            stale.set(false);
            refresh.update(|n| *n += 1);
        }
    });
    view! {
        <Transition fallback=|| view! { <Skeleton lines=8 label="Loading the results" /> }>
            {move || {
                grid.get()
                    .map(|result| match result {
                        Ok(data) => {
                            job.set(if data.run_finished { None } else { data.job_id });
                            view! { <ReviewView data choice refresh ui /> }.into_any()
                        }
                        Err(err) => {
                            view! {
                                <Title text="Results not available" />
                                <section class="panel">
                                    <h1>"Results not available"</h1>
                                    <p class="status-bad" role="alert">{err.to_string()}</p>
                                </section>
                            }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
}

/// The reviewer's state of the page (see `ReviewPage`).
#[derive(Clone, Copy)]
struct GridUi {
    /// Column patterns hidden by the column choice.
    hidden: RwSignal<HashSet<String>>,
    json_view: RwSignal<bool>,
    /// The value open in the pane.
    selected: RwSignal<Option<(i64, Intent)>>,
    /// The focused cell (row, column index).
    active: RwSignal<(usize, usize)>,
    /// The document whose "accept all verified" awaits confirmation.
    confirming: RwSignal<Option<Uuid>>,
}

#[component]
fn ReviewView(
    data: GridPage,
    choice: RwSignal<GridChoice>,
    refresh: RwSignal<u32>,
    ui: GridUi,
) -> impl IntoView {
    let toasts = use_toasts();
    let project = data.project_id;
    let run = data.run_id;
    let title = format!("Review · {} v{}", data.form_name, data.form_version);
    let progress = data.progress.clone();
    let share = if progress.values > 0 {
        progress.reviewed as f64 * 100.0 / progress.values as f64
    } else {
        0.0
    };
    let GridUi {
        hidden,
        json_view,
        selected,
        active,
        confirming,
    } = ui;
    let data = StoredValue::new(data);
    let visible = move || {
        let hidden = hidden.get();
        data.with_value(|d| {
            d.columns
                .iter()
                .enumerate()
                .filter(|(_, c)| !hidden.contains(&c.pattern))
                .map(|(i, _)| i)
                .collect::<Vec<_>>()
        })
    };
    // After a change the pane stays open on the value, no longer editing.
    // A plain closure over the grid's own signals, not a `Callback`: a
    // callback belongs to this view, which a refresh of the grid replaces
    // while a request is in flight, and a disposed callback does nothing when
    // the answer arrives, so the grid would keep the old progress.
    let after_change = move || {
        selected.update(|s| {
            if let Some((_, intent)) = s {
                *intent = Intent::Look;
            }
        });
        refresh.update(|n| *n += 1);
    };
    let changed = Callback::new(move |()| after_change());
    let quick = move |value_id: i64, action: &'static str| {
        leptos::task::spawn_local(async move {
            // The grid does not carry revisions: read the cell's, then act on it.
            let result = async {
                let cell = crate::review::api::review_cell(value_id).await?;
                review_value(
                    value_id,
                    cell.revision,
                    action.to_owned(),
                    String::new(),
                    String::new(),
                    None,
                    String::new(),
                )
                .await
            }
            .await;
            match result {
                Ok(_) => {
                    toasts.success(
                        if action == "accept" {
                            "Accepted."
                        } else {
                            "Marked not reported."
                        }
                        .to_owned(),
                    );
                    after_change();
                }
                Err(err) => toasts.error(err.to_string()),
            }
        });
    };
    let focus_cell = move |row: usize, col: usize| {
        active.set((row, col));
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            if let Some(el) = document()
                .get_element_by_id(&format!("cell-{row}-{col}"))
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = el.focus();
            }
        }
    };
    let cell_at = move |row: usize, col: usize| -> Option<GridCell> {
        data.with_value(|d| d.rows.get(row).and_then(|r| r.cells.get(col).cloned()))
    };
    let open = move |row: usize, col: usize, intent: Intent| match cell_at(row, col) {
        Some(GridCell::Value { value_id, .. }) => selected.set(Some((value_id, intent))),
        Some(GridCell::Entries { .. }) => {
            let (level, document) = data.with_value(|d| {
                (
                    d.columns[col].entries_of.clone().unwrap_or_default(),
                    d.rows.get(row).map(|r| r.document_id),
                )
            });
            choice.update(|c| {
                c.level = level;
                c.document = document;
                c.page = 1;
            });
        }
        _ => {}
    };
    let can_review = data.with_value(|d| d.can_review);
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let cols = visible();
        let rows = data.with_value(|d| d.rows.len());
        if cols.is_empty() || rows == 0 {
            return;
        }
        let (row, col) = active.get_untracked();
        let at = cols.iter().position(|c| *c == col).unwrap_or(0);
        let key = ev.key();
        match key.as_str() {
            "ArrowRight" => focus_cell(row, cols[(at + 1).min(cols.len() - 1)]),
            "ArrowLeft" => focus_cell(row, cols[at.saturating_sub(1)]),
            "ArrowDown" => focus_cell((row + 1).min(rows - 1), col),
            "ArrowUp" => focus_cell(row.saturating_sub(1), col),
            "Enter" => open(row, col, Intent::Look),
            "e" if can_review => open(row, col, Intent::Edit),
            "a" | "n" if can_review => {
                if let Some(GridCell::Value { value_id, .. }) = cell_at(row, col) {
                    quick(value_id, if key == "a" { "accept" } else { "not_reported" });
                }
            }
            "Escape" => selected.set(None),
            _ => return,
        }
        ev.prevent_default();
    };
    let accept_all = move |document: Uuid, expected: i64| {
        leptos::task::spawn_local(async move {
            match accept_verified(run, document, expected).await {
                Ok(n) => {
                    toasts.success(format!("Accepted {n} verified values."));
                    after_change();
                }
                Err(err) => toasts.error(err.to_string()),
            }
            confirming.set(None);
        });
    };
    let (levels, level, total, page, page_size, filter, sort) = data.with_value(|d| {
        (
            d.levels.clone(),
            d.level.clone(),
            d.total_documents,
            d.page,
            d.page_size,
            choice.get_untracked().filter,
            choice.get_untracked().sort,
        )
    });
    let document_filter = choice.get_untracked().document;
    let pages = ((total + page_size - 1) / page_size).max(1);
    let level_label = levels
        .iter()
        .find(|l| l.key == level)
        .map(|l| l.label.clone())
        .unwrap_or_default();
    view! {
        <Title text=title.clone() />
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href="/projects">"Projects"</a>
            " / "
            <a href=format!("/projects/{project}")>{data.with_value(|d| d.project_name.clone())}</a>
            " / "
            <a href=format!("/projects/{project}/runs/{run}")>"Run"</a>
            " / "
            <span aria-current="page">"Review"</span>
        </nav>
        <section class="panel review-head">
            <h1>{title.clone()}</h1>
            <div class="progress" role="progressbar" aria-label="Values reviewed"
                aria-valuemin="0" aria-valuemax="100" aria-valuenow=format!("{share:.0}")>
                <div class="progress-fill" style=format!("width: {share:.1}%")></div>
            </div>
            <p data-testid="review-progress">
                {format!(
                    "{} of {} values reviewed · {} need review · {} of {} documents fully reviewed",
                    progress.reviewed, progress.values, progress.needs_review,
                    progress.documents_reviewed, progress.documents,
                )}
                {(!progress.reviewers.is_empty()).then(|| format!(
                    " · by {}",
                    progress.reviewers.iter().map(|(who, n)| format!("{who} ({n})")).collect::<Vec<_>>().join(", ")
                ))}
            </p>
            <div class="grid-controls">
                {(levels.len() > 1).then(|| view! {
                    <label class="stacked">
                        "Show"
                        <select on:change=move |ev| {
                            let level = event_target_value(&ev);
                            choice.update(|c| { c.level = level; c.page = 1; });
                        }>
                            {levels.iter().map(|l| view! {
                                <option value=l.key.clone() selected=l.key == level>{l.label.clone()}</option>
                            }).collect_view()}
                        </select>
                    </label>
                })}
                <label class="stacked">
                    "Filter"
                    <select data-testid="grid-filter" on:change=move |ev| {
                        let filter = GridFilter::parse(&event_target_value(&ev)).unwrap_or_default();
                        choice.update(|c| { c.filter = filter; c.page = 1; });
                    }>
                        {GridFilter::ALL.into_iter().map(|f| view! {
                            <option value=f.as_str() selected=f == filter>{f.label()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="stacked">
                    "Order"
                    <select on:change=move |ev| {
                        let sort = GridSort::parse(&event_target_value(&ev)).unwrap_or_default();
                        choice.update(|c| { c.sort = sort; c.page = 1; });
                    }>
                        {GridSort::ALL.into_iter().map(|s| view! {
                            <option value=s.as_str() selected=s == sort>{s.label()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <details class="column-choice">
                    <summary>"Columns"</summary>
                    {data.with_value(|d| d.columns.clone()).into_iter().map(|c| {
                        let pattern = c.pattern.clone();
                        let p2 = pattern.clone();
                        view! {
                            <label class="check">
                                <input type="checkbox" prop:checked=move || !hidden.get().contains(&p2)
                                    on:change=move |ev| {
                                        let show = event_target_checked(&ev);
                                        hidden.update(|h| { if show { h.remove(&pattern); } else { h.insert(pattern.clone()); } });
                                    } />
                                {c.label.clone()}
                            </label>
                        }
                    }).collect_view()}
                </details>
                <button type="button" class="button button-secondary" aria-pressed=move || json_view.get().to_string()
                    on:click=move |_| json_view.update(|j| *j = !*j)>
                    {move || if json_view.get() { "Show grid" } else { "Show JSON" }}
                </button>
            </div>
            {document_filter.map(|_| view! {
                <p>
                    {format!("{level_label} of one document. ")}
                    <button type="button" class="link-button" on:click=move |_| choice.update(|c| { c.document = None; c.page = 1; })>
                        "Show every document"
                    </button>
                </p>
            })}
            <p class="muted keys-help">"Keys: arrows move, Enter opens, a accepts, e edits, n marks not reported, Esc closes."</p>
        </section>
        <ExportPanel run />
        <div class="review-layout" class:with-pane=move || selected.get().is_some()>
            <section class="panel review-grid-panel" aria-label="Results">
                {move || if json_view.get() {
                    view! { <pre class="json-view" data-testid="json-view" tabindex="0" aria-label="This page of the grid as JSON">{data.with_value(grid_json)}</pre> }.into_any()
                } else {
                    data.with_value(|d| d.rows.is_empty()).then(|| view! {
                        <p class="empty-state">"No documents match this filter."</p>
                    }).map_or_else(|| view! {
                        <div class="grid-scroll">
                            <table class="review-grid" role="grid" aria-label="Values by document" on:keydown=on_key>
                                <thead>
                                    <tr>
                                        <th scope="col">"Document"</th>
                                        {move || visible().into_iter().map(|i| {
                                            let c = data.with_value(|d| d.columns[i].clone());
                                            view! { <th scope="col">{c.label}{(!c.unit.is_empty()).then(|| format!(" ({})", c.unit))}</th> }
                                        }).collect_view()}
                                    </tr>
                                </thead>
                                <tbody>
                                    {move || {
                                        let cols = visible();
                                        data.with_value(|d| d.rows.clone()).into_iter().enumerate().map(|(r, row)| {
                                            let document = row.document_id;
                                            let waiting = row.verified_unreviewed;
                                            let name = row.document_name.clone();
                                            let entry = (!row.entry.is_empty()).then(|| format!(" · entry {}", row.entry.iter().map(|i| (i + 1).to_string()).collect::<Vec<_>>().join(".")));
                                            view! {
                                                <tr>
                                                    <th scope="row" class="doc-cell">
                                                        <span class="doc-name">{name.clone()}</span>
                                                        {entry}
                                                        {(row.failed_steps > 0).then(|| view! { <span class="cell-badge bad">{format!("{} failed steps", row.failed_steps)}</span> })}
                                                        {(can_review && waiting > 0 && row.entry.is_empty()).then(|| view! {
                                                            {move || if confirming.get() == Some(document) {
                                                                view! {
                                                                    <span class="confirm-accept" role="group" aria-label="Confirm accepting">
                                                                        {format!("Accept {waiting} verified values of {name}? ")}
                                                                        <button type="button" class="button small" on:click=move |_| accept_all(document, waiting)>"Accept them"</button>
                                                                        <button type="button" class="button button-secondary small" on:click=move |_| confirming.set(None)>"Cancel"</button>
                                                                    </span>
                                                                }.into_any()
                                                            } else {
                                                                view! {
                                                                    <button type="button" class="link-button" on:click=move |_| confirming.set(Some(document))>
                                                                        {format!("Accept {waiting} verified…")}
                                                                    </button>
                                                                }.into_any()
                                                            }}
                                                        })}
                                                    </th>
                                                    {cols.iter().map(|&c| {
                                                        let cell = row.cells.get(c).cloned().unwrap_or(GridCell::Empty);
                                                        grid_cell(r, c, cell, active, selected, open)
                                                    }).collect_view()}
                                                </tr>
                                            }
                                        }).collect_view()
                                    }}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(), |empty| empty.into_any())
                }}
                {(pages > 1).then(|| view! {
                    <nav class="pager" aria-label="Pages">
                        <button type="button" class="button button-secondary small" disabled=page <= 1
                            on:click=move |_| choice.update(|c| c.page = (page - 1).max(1))>"‹ Previous"</button>
                        <span>{format!("Page {page} of {pages} · {total} documents")}</span>
                        <button type="button" class="button button-secondary small" disabled=page >= pages
                            on:click=move |_| choice.update(|c| c.page = page + 1)>"Next ›"</button>
                    </nav>
                })}
            </section>
            {move || selected.get().map(|(value_id, intent)| view! {
                <CellPane
                    value_id
                    intent
                    on_close=Callback::new(move |()| {
                        selected.set(None);
                        let (r, c) = active.get_untracked();
                        focus_cell(r, c);
                    })
                    on_changed=changed
                />
            })}
        </div>
    }
}

fn grid_cell(
    row: usize,
    col: usize,
    cell: GridCell,
    active: RwSignal<(usize, usize)>,
    selected: RwSignal<Option<(i64, Intent)>>,
    open: impl Fn(usize, usize, Intent) + Copy + 'static,
) -> impl IntoView {
    let tabindex = move || {
        if active.get() == (row, col) {
            "0"
        } else {
            "-1"
        }
    };
    let id = format!("cell-{row}-{col}");
    let on_click = move |_| {
        active.set((row, col));
        open(row, col, Intent::Look);
    };
    match cell {
        GridCell::Empty => view! {
            <td role="gridcell" id=id tabindex=tabindex class="cell empty" on:click=move |_| active.set((row, col))>
                <span class="muted">"—"</span>
            </td>
        }
        .into_any(),
        GridCell::Value { value_id, text, state, confidence, needs_review, matches } => {
            let is_selected = move || selected.get().map(|(v, _)| v) == Some(value_id);
            view! {
                <td role="gridcell" id=id tabindex=tabindex
                    class="cell"
                    class:dim=!matches
                    class:needs-review=needs_review
                    class:selected=is_selected
                    aria-selected=move || is_selected().to_string()
                    data-value-id=value_id.to_string()
                    data-state=state.label()
                    on:click=on_click>
                    <span class="cell-text">{text}</span>
                    <span class=state.class()>{state.label()}</span>
                    <span class="confidence" title="confidence">{format!("{:.0}%", confidence * 100.0)}</span>
                </td>
            }
            .into_any()
        }
        GridCell::Entries { count, needs_review } => view! {
            <td role="gridcell" id=id tabindex=tabindex class="cell entries" on:click=on_click>
                <span class="cell-text">{format!("{count} {}", if count == 1 { "entry" } else { "entries" })}</span>
                {(needs_review > 0).then(|| view! { <span class="cell-badge bad">{format!("{needs_review} to review")}</span> })}
            </td>
        }
        .into_any(),
    }
}

/// The grid page as JSON: one object per row, fields by column label.
fn grid_json(data: &GridPage) -> String {
    let rows: Vec<serde_json::Value> = data
        .rows
        .iter()
        .map(|row| {
            let mut fields = serde_json::Map::new();
            for (column, cell) in data.columns.iter().zip(&row.cells) {
                let value = match cell {
                    GridCell::Empty => serde_json::Value::Null,
                    GridCell::Value {
                        text,
                        state,
                        confidence,
                        ..
                    } => serde_json::json!({
                        "value": text,
                        "state": state.label(),
                        "confidence": confidence,
                    }),
                    GridCell::Entries {
                        count,
                        needs_review,
                    } => serde_json::json!({
                        "entries": count,
                        "needs_review": needs_review,
                    }),
                };
                fields.insert(column.pattern.clone(), value);
            }
            serde_json::json!({
                "document": row.document_name,
                "document_id": row.document_id,
                "entry": row.entry,
                "fields": fields,
            })
        })
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_default()
}
