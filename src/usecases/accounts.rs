//! Accounts: creating one with its root user, naming it with an alias, finding it by ID or alias.

use crate::domain::IamAction;
use crate::domain::{root_password_violations, AccountAlias, AccountId, AccountRef, Email, Password};
use crate::store::{self, accounts::AccountRow};
use crate::usecases::actor::{Actor, Resource};
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

fn alias_taken(alias: &AccountAlias) -> IamError {
    IamError::EntityAlreadyExists(format!("The account alias {alias} already exists."))
}

impl Engine {
    /// Creates an account with a fresh random ID and its root user. Every broken rule of every
    /// field is reported at once; nothing is written unless all are met.
    pub async fn create_account(&self, input: NewAccount) -> Result<Account, IamError> {
        let mut errors: Vec<FieldError> = Vec::new();
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
            let account_id = AccountId::generate();
            match store::accounts::insert_account(&self.pool, &account_id, alias.as_ref(), &email, &hash).await {
                Ok(()) => {
                    let row = store::accounts::find_account_by_id(&self.pool, &account_id)
                        .await?
                        .ok_or_else(|| IamError::Internal("account vanished after insert".into()))?;
                    tracing::info!(account_id = %account_id, "account created");
                    return row.try_into();
                }
                Err(e) => match store::unique_violation(&e) {
                    Some("accounts_pkey") => continue,
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
        match store::accounts::update_account_alias(&self.pool, account_id, Some(&alias)).await {
            Ok(true) => Ok(alias),
            Ok(false) => Err(IamError::NoSuchEntity(format!("The account {account_id} cannot be found."))),
            Err(e) if store::unique_violation(&e) == Some("accounts_alias_key") => Err(alias_taken(&alias)),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn find_account(&self, account: &AccountRef) -> Result<Option<Account>, IamError> {
        let row = match account {
            AccountRef::Id(id) => store::accounts::find_account_by_id(&self.pool, id).await?,
            AccountRef::Alias(alias) => store::accounts::find_account_by_alias(&self.pool, alias).await?,
        };
        row.map(Account::try_from).transpose()
    }
}
