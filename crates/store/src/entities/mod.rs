//! SeaORM entities, one per table. Relations are not declared: the queries
//! that join tables are written out in `queries/` where they are used.

pub mod api_token;
pub mod asset;
pub mod board;
pub mod board_member;
pub mod comment;
pub mod decision;
pub mod email;
pub mod email_token;
pub mod error_group;
pub mod error_occurrence;
pub mod event;
pub mod export;
pub mod folder;
pub mod folder_grant;
pub mod guest_request_key;
pub mod guest_session;
pub mod idempotency_key;
pub mod job;
pub mod page;
pub mod review;
pub mod review_item;
pub mod session;
pub mod setting;
pub mod share_link;
pub mod thread;
pub mod thumbnail;
pub mod upload;
pub mod user;
pub mod version;
pub mod version_change;
pub mod workspace;
pub mod workspace_member;
