//! The single authorization gate in front of every action. For now the account's root user may do
//! everything in its own account and IAM users nothing; the permissions issue replaces the body
//! with IAM policy evaluation without touching the callers.

use crate::domain::Principal;
use crate::{Engine, IamError};

impl Engine {
    /// Decides whether `principal` may perform IAM `action` (e.g. `iam:CreateUser`) on `resource` (an ARN).
    pub fn authorize(&self, principal: &Principal, action: &str, resource: &str) -> Result<(), IamError> {
        let own_account = resource.starts_with(&format!("arn:aws:iam::{}:", principal.account_id()));
        match principal {
            Principal::Root { .. } if own_account => Ok(()),
            _ => Err(IamError::AccessDenied(format!(
                "User: {} is not authorized to perform: {action} on resource: {resource}",
                principal.arn()
            ))),
        }
    }
}
