//! The account password policy: IAM's Get/Update/DeleteAccountPasswordPolicy, and the rules a new
//! IAM user password must meet (the policy's, or AWS's defaults when there is none).

use crate::domain::IamAction;
use crate::domain::{password_violations, root_arn, AccountId, PasswordPolicy, PasswordPolicyInput, PasswordRule};
use crate::store;
use crate::usecases::actor::{Actor, Resource};
use crate::usecases::events::Event;
use crate::{Engine, FieldError, IamError};

impl Engine {
    pub(crate) async fn find_policy(&self, account_id: &AccountId) -> Result<Option<PasswordPolicy>, IamError> {
        Ok(store::password_policies::find_password_policy(&self.pool, account_id.as_str()).await?)
    }

    /// The account's custom policy; `None` when the AWS defaults apply.
    pub async fn get_password_policy(&self, actor: &Actor) -> Result<Option<PasswordPolicy>, IamError> {
        self.authorize(actor, IamAction::GetAccountPasswordPolicy, &Resource::untagged(root_arn(actor.account_id())))?;
        self.find_policy(actor.account_id()).await
    }

    /// Replaces the whole policy; every bad field is reported at once.
    pub async fn update_password_policy(
        &self,
        actor: &Actor,
        input: &PasswordPolicyInput,
    ) -> Result<PasswordPolicy, IamError> {
        let policy = PasswordPolicy::parse(input)?;
        self.authorize(
            actor,
            IamAction::UpdateAccountPasswordPolicy,
            &Resource::untagged(root_arn(actor.account_id())),
        )?;
        let mut tx = self.pool.begin().await?;
        store::password_policies::update_password_policy(&mut *tx, actor.account_id().as_str(), &policy).await?;
        let event = Event::action(IamAction::UpdateAccountPasswordPolicy)
            .request(serde_json::to_value(&policy).unwrap_or_default());
        self.commit_change(tx, actor, event).await?;
        tracing::info!(account_id = %actor.account_id(), "password policy updated");
        Ok(policy)
    }

    /// Back to AWS's defaults.
    pub async fn delete_password_policy(&self, actor: &Actor) -> Result<(), IamError> {
        self.authorize(
            actor,
            IamAction::DeleteAccountPasswordPolicy,
            &Resource::untagged(root_arn(actor.account_id())),
        )?;
        let mut tx = self.pool.begin().await?;
        if !store::password_policies::delete_password_policy(&mut *tx, actor.account_id().as_str()).await? {
            return Err(IamError::NoSuchEntity("The account policy with name PasswordPolicy cannot be found.".into()));
        }
        self.commit_change(tx, actor, Event::action(IamAction::DeleteAccountPasswordPolicy)).await?;
        tracing::info!(account_id = %actor.account_id(), "password policy deleted");
        Ok(())
    }
}

/// PasswordPolicyViolation naming every unmet rule under `field`.
pub(crate) fn policy_violation(field: &str, broken: &[PasswordRule]) -> IamError {
    IamError::PasswordPolicyViolation(broken.iter().map(|r| FieldError::new(field, r.message())).collect())
}

/// Checks a new IAM user password against `policy`; `identities` are names it must not equal.
pub(crate) fn check_user_password(
    policy: Option<&PasswordPolicy>,
    field: &str,
    password: &str,
    identities: &[&str],
) -> Result<(), IamError> {
    let broken = password_violations(policy, password, identities);
    if broken.is_empty() {
        Ok(())
    } else {
        Err(policy_violation(field, &broken))
    }
}
