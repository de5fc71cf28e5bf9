//! SeaORM entities, one per table. Relations are not declared: the queries
//! that join tables are written out in `queries/` where they are used.

pub mod api_token;
pub mod board;
pub mod board_member;
pub mod folder;
pub mod folder_grant;
pub mod session;
pub mod user;
pub mod workspace;
pub mod workspace_member;
