//! IAM users: creation with an optional console password (the full user management comes with
//! the users issue and builds on this).

use crate::domain::{
    root_password_violations, user_arn, IamPath, Password, Principal, UniqueId, UniqueIdKind, UserName,
};
use crate::store;
use crate::{Engine, FieldError, IamError};
use serde::Serialize;
use time::OffsetDateTime;

pub struct NewUser {
    pub user_name: String,
    pub path: Option<String>,
    pub password: Option<Password>,
    pub password_reset_required: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct User {
    pub user_id: UniqueId,
    pub user_name: UserName,
    pub path: IamPath,
    pub arn: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl Engine {
    /// IAM's CreateUser (plus CreateLoginProfile when a password is given), in one transaction.
    pub async fn create_user(&self, actor: &Principal, input: NewUser) -> Result<User, IamError> {
        let account_id = actor.account_id().clone();
        let mut errors: Vec<FieldError> = Vec::new();
        let name = UserName::parse(&input.user_name).map_err(|e| errors.extend_from_slice(e.field_errors())).ok();
        let path = match input.path.as_deref().filter(|p| !p.is_empty()) {
            Some(raw) => IamPath::parse(raw).map_err(|e| errors.extend_from_slice(e.field_errors())).ok(),
            None => Some(IamPath::root()),
        };
        if let Some(password) = &input.password {
            // Until the account password policy lands, AWS's default policy applies.
            let identities = [input.user_name.as_str()];
            for rule in root_password_violations(password.expose(), &identities) {
                errors.push(FieldError::new(Password::FIELD, rule.message()));
            }
        }
        let (Some(name), Some(path), true) = (name, path, errors.is_empty()) else {
            return Err(IamError::Validation(errors));
        };
        let arn = user_arn(&account_id, &path, &name);
        self.authorize(actor, "iam:CreateUser", &arn)?;

        let hash = match &input.password {
            Some(p) => Some(self.hasher.hash(p).await?),
            None => None,
        };
        let user_id = UniqueId::generate(UniqueIdKind::User);
        let mut tx = self.pool.begin().await?;
        let row = match store::users::insert_user(&mut *tx, &user_id, &account_id, &name, &path).await {
            Ok(row) => row,
            Err(e) if store::unique_violation(&e) == Some("users_account_name_key") => {
                return Err(IamError::EntityAlreadyExists(format!("User with name {name} already exists.")))
            }
            Err(e) => return Err(e.into()),
        };
        if let Some(hash) = &hash {
            store::users::insert_login_profile(&mut *tx, &user_id, hash, input.password_reset_required).await?;
        }
        tx.commit().await?;
        tracing::info!(account_id = %account_id, user = %name, "user created");
        Ok(User { user_id, user_name: name, path, arn, created_at: row.created_at })
    }
}
