//! Reusable pieces of the console's pages.

mod access_keys;
mod boundary;
mod console_header;
mod console_shell;
mod copy_button;
mod danger_delete;
mod form_alert;
mod mfa_devices;
mod other_credentials;
mod password_checklist;
mod password_input;
mod permissions;
mod side_nav;
mod signed_out_page;
mod tag_editor;
mod text_field;

pub use access_keys::AccessKeys;
pub use boundary::Boundary;
pub use console_header::ConsoleHeader;
pub use console_shell::{
    no_data, ConsolePage, Crumb, Gate, Place, Signed, TitleAction, Width, GROUPS, POLICIES, USERS,
};
pub use copy_button::CopyButton;
pub use danger_delete::DangerDelete;
pub use form_alert::{form_error, FormAlert, KeyWarnings, Loading, PageError};
pub use mfa_devices::{MfaDevices, MfaStep};
pub use other_credentials::{credential_notes, CredentialControls, OtherCredentialCards};
pub use password_checklist::PasswordChecklist;
pub use password_input::{Checklist, PasswordInput};
pub use permissions::{permissions_note, Permissions};
pub use side_nav::SideNav;
pub use signed_out_page::SignedOutPage;
pub use tag_editor::{TagEditor, TagRow};
pub use text_field::{raw_text, PlainTextArea, TextArea, TextField};
