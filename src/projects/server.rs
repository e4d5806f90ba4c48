//! SQL of the `projects` and `project_members` tables.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::api::{
    PROJECT_PAGE_SIZE, ProjectDetail, ProjectList, ProjectMember, ProjectSort, ProjectSummary,
};
use crate::auth::authz::{Action, Relation, decide};
use crate::auth::server::audit;
use crate::auth::types::{Email, Role, SignedInUser};
use crate::error::AppError;

/// How `user` relates to project `id` (`None` also when it does not exist).
pub async fn relation(pool: &PgPool, user: Uuid, id: Uuid) -> Result<Relation, AppError> {
    let row = sqlx::query!(
        r#"SELECT p.owner_id, m.role AS "member_role?"
           FROM projects p
           LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = $2
           WHERE p.id = $1"#,
        id,
        user
    )
    .fetch_optional(pool)
    .await?;
    Ok(match row {
        None => Relation::None,
        Some(row) if row.owner_id == user => Relation::Owner,
        Some(row) => row
            .member_role
            .as_deref()
            .map_or(Relation::None, Relation::parse_member_role),
    })
}

/// Checks `action` on project `id` for `user`; a project they may not see, or
/// that does not exist, is "not found" either way.
pub async fn authorize(
    pool: &PgPool,
    user: &SignedInUser,
    id: Uuid,
    action: Action,
) -> Result<Relation, AppError> {
    let relation = relation(pool, user.id, id).await?;
    if user.role == Role::Admin && relation == Relation::None {
        // Admins see everything, but a missing project is still missing.
        let exists = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM projects WHERE id = $1) AS "exists!""#,
            id
        )
        .fetch_one(pool)
        .await?;
        if !exists {
            return Err(AppError::not_found("project"));
        }
    }
    decide(user.role, relation, action)?;
    Ok(relation)
}

/// The state and caller of a server function about project `project`, once
/// `action` is allowed there: the authorisation preamble every feature uses.
pub async fn caller_for_project(
    project: Uuid,
    action: Action,
) -> Result<(crate::platform::Platform, SignedInUser), AppError> {
    let state = crate::platform::platform()?;
    let user = crate::auth::server::require_user().await?;
    authorize(&state.db, &user, project, action).await?;
    Ok((state, user))
}

struct Row {
    id: Uuid,
    name: String,
    description: String,
    owner_email: String,
    owner_id: Uuid,
    member_role: Option<String>,
    created_at: DateTime<Utc>,
    document_count: i64,
    form_count: i64,
    run_count: i64,
    require_plan_review: bool,
    last_activity: DateTime<Utc>,
}

fn summary(user: &SignedInUser, row: Row) -> ProjectSummary {
    let relation = if row.owner_id == user.id {
        Relation::Owner
    } else {
        row.member_role
            .as_deref()
            .map_or(Relation::None, Relation::parse_member_role)
    };
    let access = match relation {
        Relation::Owner => "owner",
        Relation::Editor => "editor",
        Relation::Viewer => "viewer",
        Relation::None => "admin",
    };
    ProjectSummary {
        id: row.id,
        name: row.name,
        description: row.description,
        owner_email: row.owner_email,
        access: access.to_owned(),
        can_edit: decide(user.role, relation, Action::EditContent).is_ok(),
        can_manage: decide(user.role, relation, Action::Manage).is_ok(),
        created_at: row.created_at,
        document_count: row.document_count,
        form_count: row.form_count,
        run_count: row.run_count,
        require_plan_review: row.require_plan_review,
        last_activity: row.last_activity,
    }
}

pub async fn list_visible(
    pool: &PgPool,
    user: &SignedInUser,
    sort: ProjectSort,
    page: u32,
) -> Result<ProjectList, AppError> {
    let offset = i64::from(page.saturating_sub(1)) * i64::from(PROJECT_PAGE_SIZE);
    let rows = sqlx::query!(
        r#"SELECT p.id, p.name, p.description, u.email AS owner_email, p.owner_id,
                  m.role AS "member_role?", p.created_at AS "created_at: DateTime<Utc>",
                  coalesce(d.count, 0) AS "document_count!",
                  (SELECT count(*) FROM forms WHERE project_id = p.id) AS "form_count!",
                  (SELECT count(*) FROM extraction_runs WHERE project_id = p.id) AS "run_count!",
                  p.require_plan_review,
                  greatest(p.updated_at, d.last_change) AS "last_activity!: DateTime<Utc>"
           FROM projects p
           JOIN users u ON u.id = p.owner_id
           LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = $1
           LEFT JOIN LATERAL (
               SELECT count(*) AS count, max(updated_at) AS last_change
               FROM documents WHERE project_id = p.id
           ) d ON true
           WHERE $2 OR p.owner_id = $1 OR m.user_id IS NOT NULL
           ORDER BY CASE WHEN $3 = 'name' THEN lower(p.name) END,
                    CASE WHEN $3 = 'created' THEN p.created_at END DESC,
                    greatest(p.updated_at, d.last_change) DESC, p.id
           LIMIT $4 OFFSET $5"#,
        user.id,
        user.role == Role::Admin,
        sort.as_str(),
        i64::from(PROJECT_PAGE_SIZE),
        offset
    )
    .fetch_all(pool)
    .await?;
    // Counted apart: a page past the end has no rows to carry a window count.
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM projects p
           LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = $1
           WHERE $2 OR p.owner_id = $1 OR m.user_id IS NOT NULL"#,
        user.id,
        user.role == Role::Admin
    )
    .fetch_one(pool)
    .await?;
    let projects = rows
        .into_iter()
        .map(|row| {
            summary(
                user,
                Row {
                    id: row.id,
                    name: row.name,
                    description: row.description,
                    owner_email: row.owner_email,
                    owner_id: row.owner_id,
                    member_role: row.member_role,
                    created_at: row.created_at,
                    document_count: row.document_count,
                    form_count: row.form_count,
                    run_count: row.run_count,
                    require_plan_review: row.require_plan_review,
                    last_activity: row.last_activity,
                },
            )
        })
        .collect();
    Ok(ProjectList {
        projects,
        total,
        page,
        page_size: PROJECT_PAGE_SIZE,
    })
}

pub async fn create(
    pool: &PgPool,
    owner: Uuid,
    name: &str,
    description: &str,
) -> Result<Uuid, AppError> {
    let id = sqlx::query_scalar!(
        "INSERT INTO projects (owner_id, name, description) VALUES ($1, $2, $3) RETURNING id",
        owner,
        name,
        description
    )
    .fetch_one(pool)
    .await?;
    Ok(id)
}

pub async fn detail(
    pool: &PgPool,
    user: &SignedInUser,
    id: Uuid,
) -> Result<ProjectDetail, AppError> {
    let row = sqlx::query_as!(
        Row,
        r#"SELECT p.id, p.name, p.description, u.email AS owner_email, p.owner_id,
                  m.role AS "member_role?", p.created_at AS "created_at: DateTime<Utc>",
                  (SELECT count(*) FROM documents WHERE project_id = p.id) AS "document_count!",
                  (SELECT count(*) FROM forms WHERE project_id = p.id) AS "form_count!",
                  (SELECT count(*) FROM extraction_runs WHERE project_id = p.id) AS "run_count!",
                  p.require_plan_review,
                  greatest(p.updated_at, (SELECT max(updated_at) FROM documents WHERE project_id = p.id))
                      AS "last_activity!: DateTime<Utc>"
           FROM projects p
           JOIN users u ON u.id = p.owner_id
           LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = $1
           WHERE p.id = $2"#,
        user.id,
        id
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::not_found("project"))?;
    let members = sqlx::query_as!(
        ProjectMember,
        r#"SELECT u.email, m.role FROM project_members m JOIN users u ON u.id = m.user_id
           WHERE m.project_id = $1 ORDER BY u.email"#,
        id
    )
    .fetch_all(pool)
    .await?;
    Ok(ProjectDetail {
        project: summary(user, row),
        members,
    })
}

pub async fn update(
    pool: &PgPool,
    id: Uuid,
    name: &str,
    description: &str,
) -> Result<(), AppError> {
    sqlx::query!(
        "UPDATE projects SET name = $2, description = $3, updated_at = now() WHERE id = $1",
        id,
        name,
        description
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// How many addresses without an account one user may try to share with
/// in an hour.
pub const UNKNOWN_SHARES_PER_HOUR: i64 = 20;

pub async fn share(
    pool: &PgPool,
    actor: &SignedInUser,
    id: Uuid,
    email: &Email,
    role: &str,
    client_addr: &str,
) -> Result<(), AppError> {
    // Sharing must say when no account has the address (the owner has to
    // know), so each user may name only so many unknown addresses an hour:
    // the answer cannot be used to list who has an account. Counted and
    // recorded under a per-user lock, so parallel attempts cannot overshoot.
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "SELECT pg_advisory_xact_lock(hashtextextended('share-unknown:' || $1::text, 0))",
        actor.id.to_string()
    )
    .execute(&mut *tx)
    .await?;
    let unknown_lately = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM audit_log
           WHERE actor_id = $1 AND action = 'project_share_unknown'
             AND at > now() - interval '1 hour'"#,
        actor.id
    )
    .fetch_one(&mut *tx)
    .await?;
    if unknown_lately >= UNKNOWN_SHARES_PER_HOUR {
        tracing::warn!(user = %actor.id, project = %id, "sharing refused: too many addresses without an account");
        return Err(AppError::TooManyAttempts {
            retry_after_secs: 3600,
        });
    }
    let member = sqlx::query!(
        "SELECT u.id, (p.owner_id = u.id) AS \"is_owner!\" FROM users u, projects p WHERE u.email = $1 AND p.id = $2",
        email.as_str(),
        id
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(member) = member else {
        sqlx::query!(
            "INSERT INTO audit_log (actor_id, action, target, client_addr) VALUES ($1, 'project_share_unknown', $2, $3)",
            actor.id,
            id.to_string(),
            client_addr
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        return Err(AppError::invalid(
            "email",
            "no account has this email address",
        ));
    };
    tx.commit().await?;
    if member.is_owner {
        return Err(AppError::invalid("email", "this is the project's owner"));
    }
    sqlx::query!(
        r#"INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, $3)
           ON CONFLICT (project_id, user_id) DO UPDATE SET role = EXCLUDED.role"#,
        id,
        member.id,
        role
    )
    .execute(pool)
    .await?;
    audit(
        pool,
        Some(actor.id),
        "project_share",
        Some(&id.to_string()),
        client_addr,
        serde_json::json!({ "member": email.as_str(), "role": role }),
    )
    .await;
    Ok(())
}

pub async fn unshare(
    pool: &PgPool,
    actor: &SignedInUser,
    id: Uuid,
    email: &str,
    client_addr: &str,
) -> Result<(), AppError> {
    let removed = sqlx::query!(
        r#"DELETE FROM project_members m USING users u
           WHERE m.user_id = u.id AND m.project_id = $1 AND u.email = lower($2)"#,
        id,
        email
    )
    .execute(pool)
    .await?;
    if removed.rows_affected() == 0 {
        return Err(AppError::not_found("member"));
    }
    audit(
        pool,
        Some(actor.id),
        "project_unshare",
        Some(&id.to_string()),
        client_addr,
        serde_json::json!({ "member": email }),
    )
    .await;
    Ok(())
}

pub async fn delete(
    pool: &PgPool,
    actor: &SignedInUser,
    id: Uuid,
    client_addr: &str,
) -> Result<(), AppError> {
    // The rows go now; the stored files in a background job, queued in the
    // same transaction so none is forgotten.
    let mut tx = pool.begin().await?;
    crate::documents::server::queue_project_file_deletion(&mut tx, actor.id, id).await?;
    sqlx::query!("DELETE FROM projects WHERE id = $1", id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    audit(
        pool,
        Some(actor.id),
        "project_delete",
        Some(&id.to_string()),
        client_addr,
        serde_json::json!({}),
    )
    .await;
    Ok(())
}
