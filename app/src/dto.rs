//! What server functions hand to pages: plain data, no secrets, no hashes.

use lanyard_iam::FieldError;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrincipalDto {
    pub arn: String,
    pub is_root: bool,
    /// The email for root, the user name for IAM users.
    pub display_name: String,
    pub account_id: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDto {
    pub account_id: String,
    pub alias: Option<String>,
    /// Where this account's IAM users sign in (`http://<alias-or-id>.signin.<domain>:<port>/console`).
    pub signin_url: String,
}

/// An error kept in the session across a redirect, for forms posted without JavaScript.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    pub form: String,
    pub message: String,
    #[serde(default)]
    pub fields: Vec<FieldError>,
    /// What was typed into the form's non-secret fields, to fill them in again. Never a password.
    #[serde(default)]
    pub values: Vec<(String, String)>,
}

impl Flash {
    /// The value that was typed into `field` when the form failed, if kept.
    pub fn value(&self, field: &str) -> Option<String> {
        self.values.iter().find(|(k, _)| k == field).map(|(_, v)| v.clone())
    }
}

/// Everything a page needs to know about the request it renders.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageContext {
    pub principal: Option<PrincipalDto>,
    /// The signed-in principal's account.
    pub account: Option<AccountDto>,
    /// The account named by the host (`demo.signin.localhost`) or the `/signin/<account>` path,
    /// exactly as given: whether it exists is not revealed before sign-in.
    pub signin_account: Option<String>,
    pub root_signin_url: String,
    pub flash: Option<Flash>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Navigate {
    /// Where the browser goes next (a full page load: the session changed).
    pub to: String,
}
