//! What happens on a board, one typed event per kind: the single source
//! for the activity feed, live streams, the inbox and e-mail digests. Each
//! carries what a reader needs to show it without asking again (the
//! picture's title, the thread's number, the comment's first words).
//!
//! Stored as JSON with its `kind`; events written by earlier releases lack
//! the fields marked `serde(default)` (title, excerpt, names) and read back
//! with them empty.

use crate::roles::{BoardAction, BoardRole};
use crate::{ReviewStatus, VersionState};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Something that happened on a board, tagged by `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind")]
pub enum BoardEvent {
    /// A new picture: its first version was uploaded.
    #[serde(rename = "asset.added")]
    AssetAdded(VersionNews),
    /// A new version of a picture was uploaded.
    #[serde(rename = "version.added")]
    VersionAdded(VersionNews),
    /// A version's thumbnails are made: it can be viewed.
    #[serde(rename = "version.ready")]
    VersionReady(VersionNews),
    /// A version's file could not be read, or its page captured.
    #[serde(rename = "version.failed")]
    VersionFailed(VersionFailure),
    /// A picture was given another title.
    #[serde(rename = "asset.renamed")]
    AssetRenamed(AssetRenamed),
    /// A picture moved in the board's order.
    #[serde(rename = "asset.moved")]
    AssetMoved(AssetMoved),
    /// A picture was deleted with all its versions and threads.
    #[serde(rename = "asset.deleted")]
    AssetDeleted(AssetDeleted),
    /// A website capture was asked for: a new asset (version 1), a new
    /// version, or another try of a failed one.
    #[serde(rename = "capture.requested")]
    CaptureRequested(CaptureNews),
    /// A capture moved on (loading its page, capturing it).
    #[serde(rename = "capture.progress")]
    CaptureProgress(CaptureStage),
    /// A deck's pages are being rendered: `page` of `pages` are done
    /// (every few seconds, not every page).
    #[serde(rename = "render.progress")]
    RenderProgress(RenderStage),
    /// What changed between two versions (a page of them) is worked out:
    /// live viewers comparing them can show it.
    #[serde(rename = "changes.ready")]
    ChangesReady(ChangesNews),
    /// A review record being made moved on (or is ready, or failed):
    /// the person who asked for it follows it live.
    #[serde(rename = "export.progress")]
    ExportProgress(ExportNews),
    #[serde(rename = "review.changed")]
    ReviewChanged(ReviewNews),
    /// A review submitted as a batch: its threads, replies and decisions
    /// published at once, told as one piece of news.
    #[serde(rename = "review.submitted")]
    ReviewSubmitted(ReviewSubmitted),
    /// A pin or an area with its first comment.
    #[serde(rename = "thread.opened")]
    ThreadOpened(CommentNews),
    #[serde(rename = "comment.added")]
    CommentAdded(CommentNews),
    #[serde(rename = "comment.edited")]
    CommentEdited(CommentNews),
    #[serde(rename = "comment.deleted")]
    CommentDeleted(CommentNews),
    #[serde(rename = "thread.resolved")]
    ThreadResolved(ThreadNews),
    #[serde(rename = "thread.reopened")]
    ThreadReopened(ThreadNews),
    /// Someone got a role on the board (by an owner, or by accepting an
    /// invitation: `invitation`, and then the actor is the new member).
    #[serde(rename = "member.added")]
    MemberAdded(MemberNews),
    #[serde(rename = "member.role_changed")]
    MemberRoleChanged(MemberNews),
    #[serde(rename = "member.removed")]
    MemberRemoved(MemberLeft),
    #[serde(rename = "share_link.created")]
    ShareLinkCreated(LinkNews),
    #[serde(rename = "share_link.revoked")]
    ShareLinkRevoked(LinkNews),
    /// Someone opened the board through a share link.
    #[serde(rename = "guest.joined")]
    GuestJoined(GuestNews),
}

/// A version of a picture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionNews {
    pub asset_id: Uuid,
    pub version_id: Uuid,
    /// The version's number (1 for a new picture).
    pub number: i32,
    /// The picture's title.
    #[serde(default)]
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssetRenamed {
    pub asset_id: Uuid,
    /// The new title.
    pub title: String,
    pub previous_title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssetMoved {
    pub asset_id: Uuid,
    pub title: String,
    /// Its place now (0 = first).
    pub position: i32,
}

/// What went with a deleted picture, so nobody learns of lost open
/// threads by finding them gone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssetDeleted {
    pub asset_id: Uuid,
    pub title: String,
    pub versions: i32,
    /// Threads that were still open on any of its versions.
    pub open_threads: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionFailure {
    #[serde(flatten)]
    pub version: VersionNews,
    /// Why, in words for a person.
    pub failure: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaptureNews {
    #[serde(flatten)]
    pub version: VersionNews,
    /// The page's address as asked for.
    pub url: String,
    /// CSS px.
    pub width: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaptureStage {
    #[serde(flatten)]
    pub version: VersionNews,
    /// `loading` or `capturing`.
    pub state: VersionState,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RenderStage {
    #[serde(flatten)]
    pub version: VersionNews,
    /// Pages rendered so far.
    pub page: i32,
    pub pages: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportNews {
    pub export_id: Uuid,
    /// "working", "ready" or "failed".
    pub state: String,
    /// Pictures laid out so far, of `total`.
    pub done: i32,
    pub total: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangesNews {
    /// The newer version.
    #[serde(flatten)]
    pub version: VersionNews,
    /// The older version it was compared with.
    pub against: Uuid,
    pub page: i32,
    /// Null when the two could not be compared.
    pub changed_percent: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewNews {
    #[serde(flatten)]
    pub version: VersionNews,
    pub status: ReviewStatus,
}

/// What a submitted review published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewSubmitted {
    pub review_id: Uuid,
    /// New threads, and replies to existing ones.
    pub threads: i32,
    pub replies: i32,
    /// Every asset it touched, so that viewers refresh them.
    pub asset_ids: Vec<Uuid>,
    /// The decisions it made, one per version.
    pub decisions: Vec<ReviewNews>,
    /// The summary's first words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
    /// People its comments mention.
    #[serde(default)]
    pub mentions: Vec<Uuid>,
}

/// A comment, and the thread it is in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommentNews {
    /// Unknown (`null`) in edits and deletions recorded by early releases.
    #[serde(default)]
    pub asset_id: Option<Uuid>,
    pub thread_id: Uuid,
    /// The thread's number on its picture (#3).
    #[serde(default)]
    pub number: i32,
    /// The page of a deck it is on (page 7, #3); `null` for pictures.
    #[serde(default)]
    pub page: Option<i32>,
    pub comment_id: Uuid,
    #[serde(default)]
    pub title: String,
    /// The comment's first words (line breaks kept), as it reads now:
    /// updated when it is edited, gone once it is deleted.
    #[serde(default)]
    pub excerpt: Option<String>,
    /// People the comment mentions; for an edit, only those it newly
    /// mentions (the others were told before).
    #[serde(default)]
    pub mentions: Vec<Uuid>,
    /// The marks drawn with it, in words ("2 arrows and a rectangle").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drawing: Option<String>,
}

/// A thread that was resolved or reopened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThreadNews {
    pub asset_id: Uuid,
    pub thread_id: Uuid,
    pub number: i32,
    #[serde(default)]
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberNews {
    pub user_id: Uuid,
    /// The member's display name.
    #[serde(default)]
    pub name: String,
    pub role: BoardRole,
    /// Joined by accepting an invitation (the actor is the member).
    #[serde(default)]
    pub invitation: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberLeft {
    pub user_id: Uuid,
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkNews {
    pub link_id: Uuid,
    /// What the link lets its guests do (on creation).
    #[serde(default)]
    pub role: Option<BoardRole>,
    #[serde(default)]
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuestNews {
    pub link_id: Uuid,
    pub guest_id: Uuid,
}

impl BoardEvent {
    /// The `kind` it is stored and sent under.
    pub fn kind(&self) -> &'static str {
        use BoardEvent::*;
        match self {
            AssetAdded(_) => "asset.added",
            AssetRenamed(_) => "asset.renamed",
            AssetMoved(_) => "asset.moved",
            AssetDeleted(_) => "asset.deleted",
            VersionAdded(_) => "version.added",
            VersionReady(_) => "version.ready",
            VersionFailed(_) => "version.failed",
            CaptureRequested(_) => "capture.requested",
            CaptureProgress(_) => "capture.progress",
            RenderProgress(_) => "render.progress",
            ChangesReady(_) => "changes.ready",
            ExportProgress(_) => "export.progress",
            ReviewChanged(_) => "review.changed",
            ReviewSubmitted(_) => "review.submitted",
            ThreadOpened(_) => "thread.opened",
            CommentAdded(_) => "comment.added",
            CommentEdited(_) => "comment.edited",
            CommentDeleted(_) => "comment.deleted",
            ThreadResolved(_) => "thread.resolved",
            ThreadReopened(_) => "thread.reopened",
            MemberAdded(_) => "member.added",
            MemberRoleChanged(_) => "member.role_changed",
            MemberRemoved(_) => "member.removed",
            ShareLinkCreated(_) => "share_link.created",
            ShareLinkRevoked(_) => "share_link.revoked",
            GuestJoined(_) => "guest.joined",
        }
    }

    /// The picture it is about, if any.
    pub fn asset_id(&self) -> Option<Uuid> {
        use BoardEvent::*;
        match self {
            AssetAdded(v) | VersionAdded(v) | VersionReady(v) => Some(v.asset_id),
            AssetRenamed(a) => Some(a.asset_id),
            AssetMoved(a) => Some(a.asset_id),
            AssetDeleted(a) => Some(a.asset_id),
            VersionFailed(f) => Some(f.version.asset_id),
            CaptureRequested(c) => Some(c.version.asset_id),
            CaptureProgress(c) => Some(c.version.asset_id),
            RenderProgress(r) => Some(r.version.asset_id),
            ChangesReady(c) => Some(c.version.asset_id),
            ExportProgress(_) => None,
            ReviewChanged(r) => Some(r.version.asset_id),
            ReviewSubmitted(r) => match r.asset_ids.as_slice() {
                [one] => Some(*one),
                _ => None,
            },
            ThreadOpened(c) | CommentAdded(c) | CommentEdited(c) | CommentDeleted(c) => c.asset_id,
            ThreadResolved(t) | ThreadReopened(t) => Some(t.asset_id),
            MemberAdded(_) | MemberRoleChanged(_) | MemberRemoved(_) | ShareLinkCreated(_)
            | ShareLinkRevoked(_) | GuestJoined(_) => None,
        }
    }

    /// The thread it is about, if any.
    pub fn thread_id(&self) -> Option<Uuid> {
        match self {
            BoardEvent::ThreadOpened(c)
            | BoardEvent::CommentAdded(c)
            | BoardEvent::CommentEdited(c)
            | BoardEvent::CommentDeleted(c) => Some(c.thread_id),
            BoardEvent::ThreadResolved(t) | BoardEvent::ThreadReopened(t) => Some(t.thread_id),
            _ => None,
        }
    }

    /// The comment whose words it quotes, if any.
    pub fn comment(&self) -> Option<&CommentNews> {
        match self {
            BoardEvent::ThreadOpened(c)
            | BoardEvent::CommentAdded(c)
            | BoardEvent::CommentEdited(c)
            | BoardEvent::CommentDeleted(c) => Some(c),
            _ => None,
        }
    }

    pub fn comment_mut(&mut self) -> Option<&mut CommentNews> {
        match self {
            BoardEvent::ThreadOpened(c)
            | BoardEvent::CommentAdded(c)
            | BoardEvent::CommentEdited(c)
            | BoardEvent::CommentDeleted(c) => Some(c),
            _ => None,
        }
    }

    /// People it mentions (they are notified even of muted boards).
    pub fn mentions(&self) -> &[Uuid] {
        match self {
            BoardEvent::ThreadOpened(c)
            | BoardEvent::CommentAdded(c)
            | BoardEvent::CommentEdited(c) => &c.mentions,
            BoardEvent::ReviewSubmitted(r) => &r.mentions,
            _ => &[],
        }
    }

    /// Who is told of it in their inbox and e-mail: `None` for nobody
    /// (a thumbnail being ready, a guest opening a link: news for live
    /// viewers only, or anyone with a link could flood the inboxes),
    /// else everyone who may do this on the board. Share links are the
    /// owners' business.
    pub fn audience(&self) -> Option<BoardAction> {
        use BoardEvent::*;
        match self {
            VersionReady(_) | VersionFailed(_) | CaptureProgress(_) | RenderProgress(_)
            | ChangesReady(_) | ExportProgress(_) | GuestJoined(_) | AssetRenamed(_)
            | AssetMoved(_) => None,
            ShareLinkCreated(_) | ShareLinkRevoked(_) => Some(BoardAction::Manage),
            AssetAdded(_) | AssetDeleted(_) | VersionAdded(_) | CaptureRequested(_)
            | ReviewChanged(_) | ReviewSubmitted(_) | ThreadOpened(_) | CommentAdded(_)
            | CommentEdited(_) | CommentDeleted(_) | ThreadResolved(_) | ThreadReopened(_)
            | MemberAdded(_) | MemberRoleChanged(_) | MemberRemoved(_) => Some(BoardAction::View),
        }
    }

    /// Whether it may change who sees the board (live streams check again).
    pub fn touches_access(&self) -> bool {
        matches!(
            self,
            BoardEvent::MemberAdded(_)
                | BoardEvent::MemberRoleChanged(_)
                | BoardEvent::MemberRemoved(_)
                | BoardEvent::ShareLinkRevoked(_)
        )
    }

    /// Reads a stored event: its `kind` column and JSON payload (which
    /// events of earlier releases wrote without the kind).
    pub fn from_stored(kind: &str, payload: &str) -> Result<Self, serde_json::Error> {
        let mut value: serde_json::Value = serde_json::from_str(payload)?;
        if let Some(map) = value.as_object_mut() {
            map.insert("kind".into(), serde_json::Value::String(kind.to_owned()));
        }
        serde_json::from_value(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn events_are_tagged_by_kind_and_round_trip() {
        let e = BoardEvent::CommentAdded(CommentNews {
            asset_id: Some(id(1)),
            thread_id: id(2),
            number: 3,
            page: None,
            comment_id: id(4),
            title: "Home".into(),
            excerpt: Some("line one\nline two".into()),
            mentions: vec![id(5)],
            drawing: Some("an arrow".into()),
        });
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["kind"], "comment.added");
        assert_eq!(json["number"], 3);
        assert_eq!(json["excerpt"], "line one\nline two");
        let back = BoardEvent::from_stored(e.kind(), &json.to_string()).unwrap();
        assert_eq!(back, e);
        assert_eq!(back.mentions(), [id(5)]);
        assert_eq!(back.thread_id(), Some(id(2)));
    }

    #[test]
    fn every_kind_is_its_serde_tag() {
        let version = VersionNews {
            asset_id: id(1),
            version_id: id(2),
            number: 1,
            title: "t".into(),
        };
        let comment = CommentNews {
            asset_id: Some(id(1)),
            thread_id: id(2),
            number: 1,
            page: Some(2),
            comment_id: id(3),
            title: String::new(),
            excerpt: None,
            mentions: vec![],
            drawing: None,
        };
        let thread = ThreadNews {
            asset_id: id(1),
            thread_id: id(2),
            number: 1,
            title: String::new(),
        };
        let member = MemberNews {
            user_id: id(1),
            name: "Cy".into(),
            role: BoardRole::Viewer,
            invitation: false,
        };
        let link = LinkNews {
            link_id: id(1),
            role: None,
            label: String::new(),
        };
        let all = [
            BoardEvent::AssetAdded(version.clone()),
            BoardEvent::AssetRenamed(AssetRenamed {
                asset_id: id(1),
                title: "Home v2".into(),
                previous_title: "Home".into(),
            }),
            BoardEvent::AssetMoved(AssetMoved {
                asset_id: id(1),
                title: "Home".into(),
                position: 3,
            }),
            BoardEvent::AssetDeleted(AssetDeleted {
                asset_id: id(1),
                title: "Home".into(),
                versions: 2,
                open_threads: 4,
            }),
            BoardEvent::VersionAdded(version.clone()),
            BoardEvent::VersionReady(version.clone()),
            BoardEvent::VersionFailed(VersionFailure {
                version: version.clone(),
                failure: "damaged".into(),
            }),
            BoardEvent::CaptureRequested(CaptureNews {
                version: version.clone(),
                url: "https://example.com/".into(),
                width: 390,
            }),
            BoardEvent::CaptureProgress(CaptureStage {
                version: version.clone(),
                state: VersionState::Loading,
            }),
            BoardEvent::RenderProgress(RenderStage {
                version: version.clone(),
                page: 12,
                pages: 40,
            }),
            BoardEvent::ExportProgress(ExportNews {
                export_id: id(7),
                state: "working".into(),
                done: 3,
                total: 12,
            }),
            BoardEvent::ChangesReady(ChangesNews {
                version: version.clone(),
                against: id(8),
                page: 1,
                changed_percent: Some(4.5),
            }),
            BoardEvent::ReviewChanged(ReviewNews {
                version: version.clone(),
                status: ReviewStatus::Approved,
            }),
            BoardEvent::ReviewSubmitted(ReviewSubmitted {
                review_id: id(9),
                threads: 2,
                replies: 1,
                asset_ids: vec![id(1)],
                decisions: vec![ReviewNews {
                    version,
                    status: ReviewStatus::ChangesRequested,
                }],
                excerpt: Some("Close".into()),
                mentions: vec![id(5)],
            }),
            BoardEvent::ThreadOpened(comment.clone()),
            BoardEvent::CommentAdded(comment.clone()),
            BoardEvent::CommentEdited(comment.clone()),
            BoardEvent::CommentDeleted(comment),
            BoardEvent::ThreadResolved(thread.clone()),
            BoardEvent::ThreadReopened(thread),
            BoardEvent::MemberAdded(member.clone()),
            BoardEvent::MemberRoleChanged(member),
            BoardEvent::MemberRemoved(MemberLeft {
                user_id: id(1),
                name: String::new(),
            }),
            BoardEvent::ShareLinkCreated(link.clone()),
            BoardEvent::ShareLinkRevoked(link),
            BoardEvent::GuestJoined(GuestNews {
                link_id: id(1),
                guest_id: id(2),
            }),
        ];
        for e in all {
            let json = serde_json::to_value(&e).unwrap();
            assert_eq!(json["kind"], e.kind());
            assert_eq!(
                BoardEvent::from_stored(e.kind(), &json.to_string()).unwrap(),
                e
            );
        }
    }

    #[test]
    fn events_of_earlier_releases_still_read() {
        // comment.deleted once carried only the thread and the comment.
        let old = format!(r#"{{"thread_id":"{}","comment_id":"{}"}}"#, id(2), id(3));
        let e = BoardEvent::from_stored("comment.deleted", &old).unwrap();
        assert_eq!(e.thread_id(), Some(id(2)));
        assert_eq!(e.asset_id(), None, "unknown, not a nil id");
        let old = format!(r#"{{"user_id":"{}","role":"editor"}}"#, id(1));
        let BoardEvent::MemberAdded(m) = BoardEvent::from_stored("member.added", &old).unwrap()
        else {
            panic!("a member event")
        };
        assert_eq!(
            (m.name.as_str(), m.role, m.invitation),
            ("", BoardRole::Editor, false)
        );
        assert!(BoardEvent::from_stored("board.painted", "{}").is_err());
    }

    #[test]
    fn who_hears_of_what() {
        let link = BoardEvent::ShareLinkRevoked(LinkNews {
            link_id: id(1),
            role: None,
            label: String::new(),
        });
        assert_eq!(link.audience(), Some(BoardAction::Manage));
        assert!(link.touches_access());
        let guest = BoardEvent::GuestJoined(GuestNews {
            link_id: id(1),
            guest_id: id(2),
        });
        assert_eq!(guest.audience(), None);
        // Reordering is news for live viewers; losing a picture with its
        // threads is news for everyone on the board.
        let moved = BoardEvent::AssetMoved(AssetMoved {
            asset_id: id(1),
            title: String::new(),
            position: 0,
        });
        assert_eq!(moved.audience(), None);
        let deleted = BoardEvent::AssetDeleted(AssetDeleted {
            asset_id: id(1),
            title: String::new(),
            versions: 1,
            open_threads: 0,
        });
        assert_eq!(deleted.audience(), Some(BoardAction::View));
    }
}
