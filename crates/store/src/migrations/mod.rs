//! One set of migrations for SQLite, PostgreSQL and MySQL: sea-query writes
//! each backend's DDL from the same description, so no hand-written SQL
//! dialects drift apart (see docs/adr/001-data-layer.md).

use sea_orm_migration::prelude::*;

mod m0001_foundation;
mod m0002_assets;
mod m0003_discussion;
mod m0004_review;
mod m0005_sharing;
mod m0006_live;
mod m0007_notifications;
mod m0008_mail;
mod m0009_event_comments;
mod m0010_captures;
mod m0011_decks;
mod m0012_slide_types;
mod m0013_decisions;
mod m0014_clients;
mod m0015_guest_email;
mod m0016_drawings;
mod m0017_errors;
mod m0018_throttles;
mod m0019_list_order;
mod m0020_reviews;
mod m0021_version_changes;
mod m0022_exports;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_assets::Migration),
            Box::new(m0003_discussion::Migration),
            Box::new(m0004_review::Migration),
            Box::new(m0005_sharing::Migration),
            Box::new(m0006_live::Migration),
            Box::new(m0007_notifications::Migration),
            Box::new(m0008_mail::Migration),
            Box::new(m0009_event_comments::Migration),
            Box::new(m0010_captures::Migration),
            Box::new(m0011_decks::Migration),
            Box::new(m0012_slide_types::Migration),
            Box::new(m0013_decisions::Migration),
            Box::new(m0014_clients::Migration),
            Box::new(m0015_guest_email::Migration),
            Box::new(m0016_drawings::Migration),
            Box::new(m0017_errors::Migration),
            Box::new(m0018_throttles::Migration),
            Box::new(m0019_list_order::Migration),
            Box::new(m0020_reviews::Migration),
            Box::new(m0021_version_changes::Migration),
            Box::new(m0022_exports::Migration),
        ]
    }
}
