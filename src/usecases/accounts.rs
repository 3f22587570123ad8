//! Accounts: creating one with its root user, naming it with an alias, finding it by ID or alias.

use crate::domain::IamAction;
use crate::domain::{root_password_violations, AccountAlias, AccountId, AccountRef, Email, Password};
use crate::store::{self, accounts::AccountRow};
use crate::usecases::actor::{Actor, Resource};
use crate::usecases::events::Event;
use crate::{Engine, FieldError, IamError};
use serde::Serialize;
use time::OffsetDateTime;

pub struct NewAccount {
    pub email: String,
    pub alias: Option<String>,
    pub password: Password,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Account {
    pub account_id: AccountId,
    pub alias: Option<AccountAlias>,
    pub root_email: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl TryFrom<AccountRow> for Account {
    type Error = IamError;
    fn try_from(row: AccountRow) -> Result<Self, IamError> {
        Ok(Account {
            account_id: AccountId::parse(&row.account_id)?,
            alias: row.alias.as_deref().map(AccountAlias::parse).transpose()?,
            root_email: row.root_email,
            created_at: row.created_at,
        })
    }
}

/// Where a new account's ID comes from.
enum IdChoice {
    Random,
    Given(String),
}

/// What an account holds, as `lanyard account delete` reports it before removing it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountContents {
    pub users: i64,
    pub groups: i64,
    pub customer_managed_policies: i64,
    pub mfa_devices: i64,
    pub access_keys: i64,
}

fn alias_taken(alias: &AccountAlias) -> IamError {
    IamError::EntityAlreadyExists(format!("The account alias {alias} already exists."))
}

impl Engine {
    /// Creates an account with a fresh random ID and its root user. Every broken rule of every
    /// field is reported at once; nothing is written unless all are met.
    pub async fn create_account(&self, input: NewAccount) -> Result<Account, IamError> {
        self.create_account_as(input, IdChoice::Random).await
    }

    /// [`Engine::create_account`] with a chosen 12-digit ID (tests, migrating an existing
    /// layout); a taken ID is EntityAlreadyExists.
    pub async fn create_account_with_id(&self, input: NewAccount, account_id: &str) -> Result<Account, IamError> {
        self.create_account_as(input, IdChoice::Given(account_id.trim().to_owned())).await
    }

    async fn create_account_as(&self, input: NewAccount, id: IdChoice) -> Result<Account, IamError> {
        let mut errors: Vec<FieldError> = Vec::new();
        let given = match &id {
            IdChoice::Random => None,
            IdChoice::Given(raw) => AccountId::parse(raw).map_err(|e| errors.extend_from_slice(e.field_errors())).ok(),
        };
        let email = Email::parse(&input.email).map_err(|e| errors.extend_from_slice(e.field_errors())).ok();
        let alias = match input.alias.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            Some(raw) => AccountAlias::parse(raw)
                .map(Some)
                .map_err(|e| errors.extend_from_slice(e.field_errors()))
                .ok()
                .flatten(),
            None => None,
        };
        let identities: Vec<&str> = email.iter().map(|e| e.as_str()).collect();
        for rule in root_password_violations(input.password.expose(), &identities) {
            errors.push(FieldError::new(Password::FIELD, rule.message()));
        }
        let (Some(email), true) = (email, errors.is_empty()) else {
            return Err(IamError::Validation(errors));
        };

        let hash = self.hasher.hash(&input.password).await?;
        // A collision among 10^12 IDs is unlikely but possible; the primary key decides.
        for _ in 0..5 {
            let account_id = given.clone().unwrap_or_else(AccountId::generate);
            match store::accounts::insert_account(&self.pool, &account_id, alias.as_ref(), &email, &hash).await {
                Ok(()) => {
                    let row = store::accounts::find_account_by_id(&self.pool, &account_id)
                        .await?
                        .ok_or_else(|| IamError::Internal("account vanished after insert".into()))?;
                    tracing::info!(account_id = %account_id, "account created");
                    return row.try_into();
                }
                Err(e) => match store::unique_violation(&e) {
                    Some("accounts_pkey") if given.is_none() => continue,
                    Some("accounts_pkey") => {
                        return Err(IamError::EntityAlreadyExists(format!(
                            "An account with ID {account_id} already exists."
                        )))
                    }
                    Some("accounts_alias_key") => return Err(alias.as_ref().map(alias_taken).unwrap_or(e.into())),
                    Some("accounts_root_email_key") => {
                        return Err(IamError::EntityAlreadyExists(
                            "An account with this root email address already exists.".into(),
                        ))
                    }
                    _ => return Err(e.into()),
                },
            }
        }
        Err(IamError::Internal("could not find a free account ID".into()))
    }

    /// IAM's CreateAccountAlias: an account has at most one alias, so a new one replaces the old,
    /// whose sign-in URL stops working at once.
    pub async fn set_account_alias(&self, actor: &Actor, alias: &str) -> Result<AccountAlias, IamError> {
        let alias = AccountAlias::parse(alias.trim())?;
        let account_id = actor.account_id();
        self.authorize(
            actor,
            IamAction::CreateAccountAlias,
            &Resource::untagged(format!("arn:aws:iam::{account_id}:*")),
        )?;
        let mut tx = self.pool.begin().await?;
        match store::accounts::update_account_alias(&mut *tx, account_id, Some(&alias)).await {
            Ok(true) => {}
            Ok(false) => return Err(IamError::NoSuchEntity(format!("The account {account_id} cannot be found."))),
            Err(e) if store::unique_violation(&e) == Some("accounts_alias_key") => return Err(alias_taken(&alias)),
            Err(e) => return Err(e.into()),
        }
        let event = Event::action(IamAction::CreateAccountAlias).with("accountAlias", alias.as_str());
        self.commit_change(tx, actor, event).await?;
        Ok(alias)
    }

    pub async fn find_account(&self, account: &AccountRef) -> Result<Option<Account>, IamError> {
        let row = match account {
            AccountRef::Id(id) => store::accounts::find_account_by_id(&self.pool, id).await?,
            AccountRef::Alias(alias) => store::accounts::find_account_by_alias(&self.pool, alias).await?,
        };
        row.map(Account::try_from).transpose()
    }

    /// What the account holds (for an operator about to delete it).
    pub async fn account_contents(&self, account_id: &AccountId) -> Result<AccountContents, IamError> {
        let s = store::accounts::find_account_summary(&self.pool, account_id.as_str()).await?;
        let access_keys = store::accounts::count_account_access_keys(&self.pool, account_id.as_str()).await?;
        Ok(AccountContents {
            users: s.users,
            groups: s.groups,
            customer_managed_policies: s.policies,
            mfa_devices: s.mfa_devices,
            access_keys,
        })
    }

    /// Removes the account and everything in it (users, credentials, groups, policies, tags) in
    /// one statement; foreign keys cascade, so nothing of it is left half-deleted. Operators only:
    /// no IAM action allows it.
    pub async fn delete_account(&self, account_id: &AccountId) -> Result<(), IamError> {
        if !store::accounts::delete_account(&self.pool, account_id).await? {
            return Err(IamError::NoSuchEntity(format!("The account {account_id} cannot be found.")));
        }
        tracing::info!(account_id = %account_id, "account deleted");
        Ok(())
    }
}
