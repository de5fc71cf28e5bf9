//! The `critboard` command line: `serve` (default), `migrate`, `admin …`.

use crate::app::{connect_store, state_for, Application};
use crate::config::Config;
use crate::secrets;
use crate::state::AppState;
use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use critboard_domain::validation::{check_email, check_password, DISPLAY_NAME_MAX};
use critboard_domain::{EmailFrequency, FieldErrors};
use critboard_store::queries::accounts::NewUser;
use critboard_store::StoreError;
use std::io::BufRead;

/// Critboard: self-hosted design feedback.
#[derive(Parser)]
#[command(name = "critboard", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: Config,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the server (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate {
        /// Only list the migrations, applied and pending; change nothing.
        #[arg(long)]
        status: bool,
    },
    /// Write a consistent copy of the data (SQLite database and local files)
    /// into a new folder, while the server runs.
    Backup {
        /// The folder to write; it must be empty or not exist.
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Put a backup in place for a server whose data folder is empty.
    Restore {
        /// A folder written by `critboard backup`.
        #[arg(long)]
        from: std::path::PathBuf,
    },
    /// Manage accounts and read errors from the command line.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Print the API's OpenAPI document (the one served at
    /// /api/v1/openapi.json) without starting anything, e.g. to generate
    /// the web app's API types.
    Openapi,
}

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Create an account. The password is read from standard input unless
    /// --password is given.
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        password: Option<String>,
        /// Make the account an instance admin.
        #[arg(long)]
        admin: bool,
    },
    /// Set a new password (read from standard input unless --password is
    /// given) and end the account's sessions and API tokens.
    ResetPassword {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: Option<String>,
    },
    /// Make an account an instance admin (or take it back with --revoke).
    MakeAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        revoke: bool,
    },
    /// E-mail everyone's pending notifications now, whatever their rhythm
    /// (hourly, daily…), instead of at the end of the period: queues digest
    /// runs that a running Critboard (on the same database) carries out
    /// within seconds, with its own settings and links.
    SendDigests,
    /// List error groups (open ones unless --all), the latest first.
    Errors {
        #[arg(long)]
        all: bool,
    },
}

pub async fn run(mut cli: Cli) -> anyhow::Result<()> {
    cli.config = cli.config.with_platform_env(|k| std::env::var(k).ok());
    crate::telemetry::init_logging(cli.config.log_format, &cli.config.log);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(cli.config.clone()).await?;
            let addr = app.local_addr();
            println!("Critboard is running on http://{addr}");
            app.run_until_stopped().await
        }
        Command::Openapi => {
            use std::io::Write;
            // `critboard openapi | head` closes the pipe early: not an error.
            match writeln!(std::io::stdout().lock(), "{}", crate::http::openapi_json()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
                _ => Ok(()),
            }
        }

        Command::Migrate { status: true } => {
            let store = connect_store(&cli.config).await?;
            let all = store
                .migration_status()
                .await
                .context("cannot read the migrations")?;
            let pending = all.iter().filter(|(_, applied)| !applied).count();
            for (name, applied) in &all {
                println!("{}  {name}", if *applied { "applied" } else { "pending" });
            }
            println!("{} applied, {pending} pending", all.len() - pending);
            Ok(())
        }
        Command::Migrate { status: false } => {
            let store = connect_store(&cli.config).await?;
            store.migrate().await.context("migration failed")?;
            println!("Database is up to date.");
            Ok(())
        }
        Command::Backup { to } => {
            let started = std::time::Instant::now();
            let m = crate::backup::backup(&cli.config, &to).await?;
            println!(
                "Backed up to {}: {}{} files ({} MB) in {:.1} s.",
                to.display(),
                if m.database.is_some() {
                    "the database and "
                } else {
                    ""
                },
                m.files,
                m.bytes / 1_000_000,
                started.elapsed().as_secs_f64()
            );
            for line in crate::backup::advice(&cli.config, &m, false) {
                println!("{line}");
            }
            Ok(())
        }
        Command::Restore { from } => {
            let m = crate::backup::restore(&cli.config, &from).await?;
            println!(
                "Restored the backup of {} (release {}): {}{} files.",
                m.created_at.format("%Y-%m-%d %H:%M UTC"),
                m.release,
                if m.database.is_some() {
                    "the database and "
                } else {
                    ""
                },
                m.files
            );
            for line in crate::backup::advice(&cli.config, &m, true) {
                println!("{line}");
            }
            Ok(())
        }
        Command::Admin(cmd) => {
            let mut config = cli.config.clone();
            config.auto_migrate = true;
            let state = state_for(config).await?;
            admin(&state, cmd).await
        }
    }
}

fn password_from(arg: Option<String>, personal: &[&str]) -> anyhow::Result<String> {
    let password = match arg {
        Some(p) => p,
        None => {
            eprintln!("Password (then Enter):");
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    check_password(&password, personal).map_err(|m| anyhow::anyhow!("password {m}"))?;
    Ok(password)
}

async fn admin(state: &AppState, cmd: AdminCommand) -> anyhow::Result<()> {
    let store = &state.store;
    match cmd {
        AdminCommand::CreateUser {
            email,
            name,
            password,
            admin,
        } => {
            check_email(&email).map_err(|m| anyhow::anyhow!("e-mail {m}"))?;
            FieldErrors::single_check(|e| e.check_name("name", &name, DISPLAY_NAME_MAX))
                .map_err(|_| anyhow::anyhow!("name must be 1 to {DISPLAY_NAME_MAX} characters"))?;
            let password = password_from(password, &[&email, &name])?;
            let hash = secrets::hash_now(&password)?;
            let user = match store
                .create_user(NewUser {
                    email: &email,
                    display_name: &name,
                    password_hash: hash,
                    is_admin: admin,
                })
                .await
            {
                Err(StoreError::EmailTaken) => bail!("an account with e-mail {email} exists"),
                other => other?,
            };
            println!(
                "Created {} ({}){}",
                user.email,
                user.id,
                if admin { " as admin" } else { "" }
            );
        }
        AdminCommand::ResetPassword { email, password } => {
            let user = store
                .user_by_email(&email)
                .await?
                .with_context(|| format!("no account with e-mail {email}"))?;
            let password = password_from(password, &[&email, &user.display_name])?;
            store
                .set_password(user.id, secrets::hash_now(&password)?, None, true)
                .await?;
            println!(
                "Password changed for {}; all their sessions ended.",
                user.email
            );
        }
        AdminCommand::MakeAdmin { email, revoke } => {
            let user = store
                .user_by_email(&email)
                .await?
                .with_context(|| format!("no account with e-mail {email}"))?;
            store.set_admin(user.id, !revoke).await?;
            println!(
                "{} is {} an instance admin.",
                user.email,
                if revoke { "no longer" } else { "now" }
            );
        }
        AdminCommand::SendDigests => {
            for f in [
                EmailFrequency::Immediate,
                EmailFrequency::Hourly,
                EmailFrequency::Daily,
            ] {
                state.queue.enqueue(crate::mail::digest::now_job(f)).await?;
            }
            println!("Digests queued: a running Critboard sends them within seconds.");
        }
        AdminCommand::Errors { all } => {
            let groups = store.error_groups(all, 500).await?;
            if groups.is_empty() {
                println!("No {}errors.", if all { "" } else { "open " });
            }
            for g in groups {
                let place = if g.job_kind.is_empty() {
                    format!("{} {}", g.method, g.route)
                } else {
                    format!("job {}", g.job_kind)
                };
                println!(
                    "{} {:>6}× {}  {}  {}  {}",
                    g.last_seen.format("%Y-%m-%d %H:%M"),
                    g.count,
                    g.status,
                    g.kind,
                    place,
                    g.location
                );
                let message: String = g.message.chars().take(160).collect();
                println!("    {message}");
                println!(
                    "    id {}  last request {}  release {}",
                    g.id, g.last_request_id, g.last_release
                );
            }
        }
    }
    Ok(())
}
