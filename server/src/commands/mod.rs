//! The subcommands of the `lanyard` binary; each shares the configuration and default database.

mod account;
mod demo;
mod serve;
mod user;

use crate::config::{AccessKeyCommand, AccountCommand, Cli, Command, Config, DevCommand, UserCommand};
use lanyard_iam::{Engine, EngineConfig, IamError};
use sqlx::PgPool;

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("{0}")]
    Iam(#[from] IamError),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Usage(String),
}

pub type CommandResult = Result<(), CommandError>;

pub async fn run(cli: Cli) -> CommandResult {
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve::serve(&config).await,
        Command::Migrate => {
            let pool = connect(&config).await?;
            lanyard_iam::store::MIGRATOR.run(&pool).await?;
            eprintln!("lanyard: database is up to date");
            Ok(())
        }
        Command::Account { command: AccountCommand::Create { email, alias, password_stdin } } => {
            account::create(&config, email, alias, password_stdin).await
        }
        Command::User {
            command:
                UserCommand::Create {
                    account,
                    name,
                    path,
                    password_stdin,
                    password_reset_required,
                    attach_policies,
                    inline_policies,
                    access_key,
                },
        } => {
            let new = user::NewUserArgs {
                name,
                path,
                password_stdin,
                password_reset_required,
                attach_policies,
                inline_policies,
                access_key,
            };
            user::create(&config, &account, new).await
        }
        Command::AccessKey { command: AccessKeyCommand::Create { account, user, root: _ } } => {
            user::create_access_key(&config, &account, user).await
        }
        Command::Dev { command: DevCommand::Demo } => demo::ensure_demo(&config).await,
        Command::Dev { command: DevCommand::SeedUsers { account, count, paths } } => {
            demo::seed_users(&config, &account, count, paths).await
        }
        Command::Bench(args) => crate::bench::run(&config, args).await,
        Command::Outbox { limit } => {
            let engine = engine(&config).await?;
            for mail in engine.list_outbox(limit).await?.into_iter().rev() {
                let state = match mail.sent_at {
                    Some(at) => format!("sent {at}"),
                    None if mail.attempts > 0 => format!("not sent yet, {} attempts", mail.attempts),
                    None => "not sent".to_owned(),
                };
                println!(
                    "--- #{} {} to {} ({state})\nSubject: {}\n\n{}",
                    mail.id, mail.created_at, mail.recipient, mail.subject, mail.body
                );
            }
            Ok(())
        }
    }
}

pub async fn connect(config: &Config) -> Result<PgPool, CommandError> {
    lanyard_iam::store::connect(&config.database_url, config.db_max_connections).await.map_err(|e| {
        CommandError::Usage(format!(
            "cannot connect to the database ({e}). Start it with scripts/run, or set DATABASE_URL."
        ))
    })
}

pub async fn engine(config: &Config) -> Result<Engine, CommandError> {
    let pool = connect(config).await?;
    lanyard_iam::store::MIGRATOR.run(&pool).await?;
    let master_key = crate::master_key::load(config)?;
    let mut engine_config = EngineConfig { master_key, ..EngineConfig::default() };
    let regions: Vec<String> =
        config.api_regions.iter().map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()).collect();
    if !regions.is_empty() {
        engine_config.api_regions = regions;
    }
    Ok(Engine::new(pool, engine_config)?)
}

/// The account a command names by 12-digit ID or alias.
pub async fn find_account(
    engine: &Engine,
    raw: &str,
) -> Result<lanyard_iam::usecases::accounts::Account, CommandError> {
    let account_ref = lanyard_iam::domain::AccountRef::parse(raw)
        .ok_or_else(|| CommandError::Usage(format!("{raw:?} is neither a 12-digit account ID nor an alias")))?;
    engine.find_account(&account_ref).await?.ok_or_else(|| CommandError::Usage(format!("no account {raw:?}")))
}

/// Reads a password from the first line of standard input (without its line ending).
pub fn read_password_stdin() -> Result<lanyard_iam::domain::Password, CommandError> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let pw = line.strip_suffix('\n').unwrap_or(&line);
    let pw = pw.strip_suffix('\r').unwrap_or(pw);
    if pw.is_empty() {
        return Err(CommandError::Usage("no password on standard input".into()));
    }
    Ok(lanyard_iam::domain::Password::new(pw))
}
