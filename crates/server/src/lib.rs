//! The `critboard` server: configuration, startup, the HTTP API and the
//! admin CLI. `main.rs` only parses the command line and calls in here, so
//! the integration tests start exactly what production runs.

pub mod app;
pub mod auth;
pub mod backup;
pub mod breaker;
pub mod changes;
pub mod cli;
pub mod config;
pub mod error;
pub mod errors;
pub mod extract;
pub mod http;
pub mod links;
pub mod live;
pub mod mail;
pub mod perf;
pub mod ratelimit;
pub mod record;
pub mod sample;
pub mod secrets;
pub mod sentry;
pub mod state;
pub mod telemetry;
pub mod work;
