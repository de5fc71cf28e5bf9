//! Roles and the permission table of SPEC.md.
//!
//! Roles are stored as small integers so the database can compare and order
//! them (see `stored_enum!`); the numbers are part of the schema.

use serde::{Deserialize, Serialize};

stored_enum!(
    /// A person's role on one board, granted directly, through a folder, or
    /// derived from being a workspace owner/admin. Ordered: a higher role
    /// can do all a lower one can.
    #[derive(PartialOrd, Ord)]
    BoardRole { Viewer = 1 => "viewer", Commenter = 2 => "commenter", Editor = 3 => "editor", Owner = 4 => "owner" }
);

stored_enum!(
    /// A person's role in a workspace (the tenant boundary). A client is
    /// someone from outside (a customer, a freelancer) who sees only the
    /// boards shared with them: no folders, no member list, no new boards.
    #[derive(PartialOrd, Ord)]
    WorkspaceRole { Client = 0 => "client", Member = 1 => "member", Admin = 2 => "admin", Owner = 3 => "owner" }
);

stored_enum!(
    /// Who may approve a board's pictures and decks or request changes:
    /// its editors (and owners), or also the people who review it
    /// (commenters, and guests of a commenter link).
    Deciders { Editors = 1 => "editors", Reviewers = 2 => "reviewers" }
);

impl Deciders {
    /// What deciding takes on a board with this setting.
    pub fn action(self) -> BoardAction {
        match self {
            Self::Editors => BoardAction::Edit,
            Self::Reviewers => BoardAction::Comment,
        }
    }

    /// Whether `role` may decide on a board with this setting.
    pub fn allow(self, role: BoardRole) -> bool {
        role.allows(self.action())
    }
}

/// Things a person can do on a board; the rows of the role table in SPEC.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoardAction {
    /// See the board, its assets and threads.
    View,
    /// Add threads and comments, resolve one's own thread.
    Comment,
    /// Upload, add versions, reorder, set review status, resolve any thread,
    /// rename the board.
    Edit,
    /// Manage members and share links, archive, move or delete the board.
    Manage,
}

impl BoardRole {
    /// The minimum role an action needs, straight from the SPEC table.
    pub fn required_for(action: BoardAction) -> Self {
        match action {
            BoardAction::View => Self::Viewer,
            BoardAction::Comment => Self::Commenter,
            BoardAction::Edit => Self::Editor,
            BoardAction::Manage => Self::Owner,
        }
    }

    pub fn allows(self, action: BoardAction) -> bool {
        self >= Self::required_for(action)
    }
}

impl WorkspaceRole {
    /// Owners and admins see and manage everything in their workspace.
    pub fn administers(self) -> bool {
        self >= Self::Admin
    }

    /// Members and up belong to the team: they create boards, see the
    /// workspace's folders and its people. Clients do not.
    pub fn is_team(self) -> bool {
        self >= Self::Member
    }

    /// Whether someone with this role may give `target` to another member or
    /// change a member who currently holds `target`: only owners touch owners.
    pub fn may_manage_member_role(self, target: WorkspaceRole) -> bool {
        match self {
            Self::Owner => true,
            Self::Admin => target < Self::Owner,
            Self::Member | Self::Client => false,
        }
    }
}

/// The one rule for a person's role on a board: the highest of the direct
/// board grant, the grant on the board's folder, and owner for workspace
/// owners/admins. `None` means the person may not know the board exists.
pub fn effective_board_role(
    board_grant: Option<BoardRole>,
    folder_grant: Option<BoardRole>,
    workspace_role: Option<WorkspaceRole>,
) -> Option<BoardRole> {
    let from_workspace = workspace_role
        .filter(|r| r.administers())
        .map(|_| BoardRole::Owner);
    [board_grant, folder_grant, from_workspace]
        .into_iter()
        .flatten()
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effective_role_is_the_highest_grant() {
        assert_eq!(effective_board_role(None, None, None), None);
        assert_eq!(
            effective_board_role(None, None, Some(WorkspaceRole::Member)),
            None,
            "plain workspace members see only boards they were granted"
        );
        assert_eq!(
            effective_board_role(Some(BoardRole::Viewer), Some(BoardRole::Editor), None),
            Some(BoardRole::Editor)
        );
        assert_eq!(
            effective_board_role(Some(BoardRole::Owner), Some(BoardRole::Commenter), None),
            Some(BoardRole::Owner)
        );
        assert_eq!(
            effective_board_role(Some(BoardRole::Viewer), None, Some(WorkspaceRole::Admin)),
            Some(BoardRole::Owner)
        );
    }

    #[test]
    fn role_table_matches_spec() {
        use BoardAction::*;
        let table = [
            (BoardRole::Viewer, [true, false, false, false]),
            (BoardRole::Commenter, [true, true, false, false]),
            (BoardRole::Editor, [true, true, true, false]),
            (BoardRole::Owner, [true, true, true, true]),
        ];
        for (role, expected) in table {
            let got = [View, Comment, Edit, Manage].map(|a| role.allows(a));
            assert_eq!(got, expected, "{role:?}");
        }
    }

    #[test]
    fn who_decides_follows_the_board_setting() {
        use BoardRole::*;
        let table = [
            (Deciders::Editors, [false, false, true, true]),
            (Deciders::Reviewers, [false, true, true, true]),
        ];
        for (deciders, expected) in table {
            let got = [Viewer, Commenter, Editor, Owner].map(|r| deciders.allow(r));
            assert_eq!(got, expected, "{deciders:?}");
        }
        assert_eq!(Deciders::from_i16(2), Some(Deciders::Reviewers));
        assert_eq!(Deciders::parse("editors"), Some(Deciders::Editors));
    }

    #[test]
    fn role_numbers_round_trip() {
        for r in BoardRole::ALL.iter().copied() {
            assert_eq!(BoardRole::from_i16(r.as_i16()), Some(r));
            assert_eq!(BoardRole::parse(r.as_str()), Some(r));
        }
        for r in WorkspaceRole::ALL.iter().copied() {
            assert_eq!(WorkspaceRole::from_i16(r.as_i16()), Some(r));
        }
        assert_eq!(BoardRole::from_i16(0), None);
        assert_eq!(WorkspaceRole::from_i16(9), None);
    }

    #[test]
    fn workspace_role_table() {
        use WorkspaceRole::*;
        // (role, is team, administers, may manage a member)
        let table = [
            (Client, false, false, false),
            (Member, true, false, false),
            (Admin, true, true, true),
            (Owner, true, true, true),
        ];
        for (role, team, admin, manages) in table {
            assert_eq!(
                (
                    role.is_team(),
                    role.administers(),
                    role.may_manage_member_role(Member)
                ),
                (team, admin, manages),
                "{role:?}"
            );
        }
        assert!(Client < Member, "a board invitation never lowers a member");
        assert!(Admin.may_manage_member_role(Client));
        assert_eq!(
            effective_board_role(None, None, Some(Client)),
            None,
            "clients see only what they were given"
        );
        assert_eq!(WorkspaceRole::parse("client"), Some(Client));
        assert_eq!(Client.as_i16(), 0);
    }

    #[test]
    fn only_owners_manage_owners() {
        assert!(WorkspaceRole::Owner.may_manage_member_role(WorkspaceRole::Owner));
        assert!(WorkspaceRole::Admin.may_manage_member_role(WorkspaceRole::Admin));
        assert!(!WorkspaceRole::Admin.may_manage_member_role(WorkspaceRole::Owner));
        assert!(!WorkspaceRole::Member.may_manage_member_role(WorkspaceRole::Member));
    }
}
