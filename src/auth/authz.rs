//! The one place that decides who may do what (SPEC.md, "Who may do what").
//! Every server function asks it first. A project the caller may not see
//! answers "not found", never "forbidden", so its existence is not revealed.

use super::types::Role;
use crate::error::AppError;

/// How the caller relates to one project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    None,
    Viewer,
    Editor,
    Owner,
}

impl Relation {
    pub fn parse_member_role(raw: &str) -> Relation {
        match raw {
            "editor" => Relation::Editor,
            "viewer" => Relation::Viewer,
            _ => Relation::None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See a project and its documents, forms, results, jobs.
    View,
    CreateProject,
    /// Rename, delete, share a project.
    Manage,
    /// Upload/delete documents, create/edit forms.
    EditContent,
    /// Run extractions, review and correct values.
    Run,
    Export,
    Evaluate,
    /// Users, roles, the audit log.
    Administer,
}

/// Decides `action` on a project (or, for `CreateProject` and `Administer`,
/// globally) for a signed-in caller with global `role`.
pub fn decide(role: Role, relation: Relation, action: Action) -> Result<(), AppError> {
    let admin = role == Role::Admin;
    let member = relation != Relation::None;
    match action {
        Action::CreateProject if role == Role::Viewer => Err(AppError::Forbidden),
        Action::CreateProject => Ok(()),
        Action::Administer if admin => Ok(()),
        Action::Administer => Err(AppError::Forbidden),
        _ if admin => Ok(()),
        _ if !member => Err(AppError::not_found("project")),
        Action::View | Action::Export => Ok(()),
        Action::Manage if relation == Relation::Owner && role != Role::Viewer => Ok(()),
        Action::EditContent | Action::Run | Action::Evaluate
            if matches!(relation, Relation::Owner | Relation::Editor) && role != Role::Viewer =>
        {
            Ok(())
        }
        _ => Err(AppError::Forbidden),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(role: Role, relation: Relation, action: Action) -> bool {
        decide(role, relation, action).is_ok()
    }

    #[test]
    fn outsiders_get_not_found_not_forbidden() {
        for action in [
            Action::View,
            Action::Manage,
            Action::EditContent,
            Action::Export,
        ] {
            assert_eq!(
                decide(Role::User, Relation::None, action),
                Err(AppError::not_found("project"))
            );
        }
    }

    #[test]
    fn the_matrix_of_the_spec() {
        use Action::*;
        use Relation as R;
        // (role, relation, action, allowed)
        let cases = [
            (Role::Admin, R::None, Manage, true),
            (Role::Admin, R::None, Administer, true),
            (Role::User, R::Owner, Manage, true),
            (Role::User, R::Editor, Manage, false),
            (Role::User, R::Editor, EditContent, true),
            (Role::User, R::Editor, Run, true),
            (Role::User, R::Editor, Evaluate, true),
            (Role::User, R::Viewer, View, true),
            (Role::User, R::Viewer, Export, true),
            (Role::User, R::Viewer, EditContent, false),
            (Role::User, R::Viewer, Evaluate, false),
            (Role::User, R::None, CreateProject, true),
            (Role::User, R::Owner, Administer, false),
            (Role::Viewer, R::None, CreateProject, false),
            (Role::Viewer, R::Viewer, View, true),
            (Role::Viewer, R::Editor, EditContent, false),
            (Role::Viewer, R::Editor, Export, true),
        ];
        for (role, relation, action, allowed) in cases {
            assert_eq!(
                ok(role, relation, action),
                allowed,
                "{role:?} / {relation:?} / {action:?}"
            );
        }
    }
}
