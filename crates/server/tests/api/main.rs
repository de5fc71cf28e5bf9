//! HTTP integration tests: one binary, one module per area.

#[path = "../../../capture/tests/support/corpus.rs"]
mod corpus;
mod helpers;

mod live;
mod mail;
mod matrix;
mod migrations;
mod notifications;
mod retention;
mod reviews;

mod accounts;
mod backup;
mod boards;
mod captures;
mod changes;
mod cli;
mod cors;
mod decks;
mod discussion;
mod errors;
mod exports;
mod folders;
mod operate;
mod ops;
mod s3;
mod sharing;
mod shutdown;
mod uploads;
mod web;
mod workspaces;
