//! Queries grouped by the part of the product they serve. Each is a method
//! on [`crate::Store`], so handlers never build SQL themselves.

pub mod access;
pub mod accounts;
pub mod assets;
pub mod boards;
pub mod captures;
pub mod changes;
pub mod discussion;
pub mod errors;
pub mod events;
pub mod exports;
pub mod folders;
pub mod guest_mail;
pub mod invitations;
pub mod live;
pub mod mail;
pub mod notifications;
pub mod retention;
pub mod reviews;
pub mod sharing;
pub mod throttle;
pub mod workspaces;
