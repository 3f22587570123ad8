//! The subcommands of the `lanyard` binary; each shares the configuration and default database.

mod account;
mod demo;
mod events;
mod master_key;
mod serve;
mod user;

use crate::config::{
    AccessKeyCommand, AccountCommand, Cli, Command, DevCommand, EventsCommand, MasterKeyCommand, SshCommand,
    UserCommand,
};
use lanyard_iam::Engine;

pub use crate::error::{CommandError, CommandResult};
pub use crate::setup::{engine, Workload};

pub async fn run(cli: Cli) -> CommandResult {
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve::serve(&config).await,
        Command::Migrate => {
            let pool = crate::setup::connect(&config, Workload::Batch).await?;
            lanyard_iam::store::MIGRATOR.run(&pool).await?;
            eprintln!("lanyard: database is up to date");
            Ok(())
        }
        Command::Account { command: AccountCommand::Create { email, alias, password_stdin, account_id } } => {
            account::create(&config, email, alias, password_stdin, account_id).await
        }
        Command::Account { command: AccountCommand::Delete { account, yes } } => {
            account::delete(&config, &account, yes).await
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
                    groups,
                    copy_from,
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
                groups,
                copy_from,
                inline_policies,
                access_key,
            };
            user::create(&config, &account, new).await
        }
        Command::AccessKey { command: AccessKeyCommand::Create { account, user, root: _ } } => {
            user::create_access_key(&config, &account, user).await
        }
        Command::MasterKey { command: MasterKeyCommand::Rotate { new_key_file, batch_size } } => {
            master_key::rotate(&config, &new_key_file, batch_size).await
        }
        Command::Ssh { command: SshCommand::AuthorizedKeys { account, user } } => {
            let engine = crate::setup::lookup_engine(&config).await?;
            let account = find_account(&engine, &account).await?;
            let keys = engine.authorized_keys(&lanyard_iam::domain::AccountRef::Id(account.account_id), &user).await?;
            for key in keys {
                println!("{key}");
            }
            Ok(())
        }
        Command::Events { command: EventsCommand::Export { account, since, until } } => {
            events::export(&config, &account, &since, until.as_deref()).await
        }
        Command::Events { command: EventsCommand::Prune { older_than } } => {
            events::prune(&config, older_than.as_deref()).await
        }
        Command::Dev { command: DevCommand::Demo } => demo::ensure_demo(&config).await,
        Command::Dev { command: DevCommand::SeedUsers { account, count, paths } } => {
            demo::seed_users(&config, &account, count, paths).await
        }
        Command::Bench(args) => crate::bench::run(&config, args).await,
        Command::Outbox { limit } => {
            let engine = engine(&config, Workload::Batch).await?;
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
