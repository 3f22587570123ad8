//! What the event history records, by name: every IAM and STS action (an API call or the console's
//! way to the same change) and the sign-in steps, each with CloudTrail's event source and type.

use super::iam_action::{IamAction, Service};
use serde::{Deserialize, Serialize};

/// The steps of signing in to the console, as CloudTrail names them under `signin.amazonaws.com`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SignInStep {
    /// A password checked, successfully or not (the second factor, if any, follows as `CheckMfa`).
    ConsoleLogin,
    /// The MFA code of a sign-in.
    CheckMfa,
    /// A password changed because sign-in required it (expired or reset by an administrator).
    ChangeExpiredPassword,
    ConsoleSignOut,
    /// Root's "forgot password" mail sent, and the reset it led to.
    PasswordRecoveryRequested,
    PasswordRecoveryCompleted,
    /// Add users' "Email sign-in instructions" sent (throttled per account).
    SignInInstructionsSent,
}

impl SignInStep {
    pub const ALL: [SignInStep; 7] = [
        SignInStep::ConsoleLogin,
        SignInStep::CheckMfa,
        SignInStep::ChangeExpiredPassword,
        SignInStep::ConsoleSignOut,
        SignInStep::PasswordRecoveryRequested,
        SignInStep::PasswordRecoveryCompleted,
        SignInStep::SignInInstructionsSent,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SignInStep::ConsoleLogin => "ConsoleLogin",
            SignInStep::CheckMfa => "CheckMfa",
            SignInStep::ChangeExpiredPassword => "ChangeExpiredPassword",
            SignInStep::ConsoleSignOut => "ConsoleSignOut",
            SignInStep::PasswordRecoveryRequested => "PasswordRecoveryRequested",
            SignInStep::PasswordRecoveryCompleted => "PasswordRecoveryCompleted",
            SignInStep::SignInInstructionsSent => "SignInInstructionsSent",
        }
    }
}

/// One recorded event's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventName {
    Action(IamAction),
    SignIn(SignInStep),
}

impl EventName {
    pub fn name(self) -> &'static str {
        match self {
            EventName::Action(a) => a.name(),
            EventName::SignIn(s) => s.name(),
        }
    }

    /// Looks a name up as the history page's filter gives it (`DeleteUser`, `ConsoleLogin`).
    pub fn from_name(name: &str) -> Option<Self> {
        IamAction::from_name(name)
            .map(EventName::Action)
            .or_else(|| SignInStep::ALL.into_iter().find(|s| s.name() == name).map(EventName::SignIn))
    }

    /// CloudTrail's `eventSource`.
    pub fn source(self) -> &'static str {
        match self {
            EventName::Action(a) => match a.service() {
                Service::Iam => "iam.amazonaws.com",
                Service::Sts => "sts.amazonaws.com",
            },
            EventName::SignIn(_) => "signin.amazonaws.com",
        }
    }

    /// CloudTrail's `eventType`.
    pub fn event_type(self) -> &'static str {
        match self {
            EventName::Action(_) => "AwsApiCall",
            EventName::SignIn(_) => "AwsConsoleSignIn",
        }
    }

    /// CloudTrail's `readOnly`: reads are not recorded unless asked for.
    pub fn read_only(self) -> bool {
        match self {
            EventName::Action(a) => a.is_read_only(),
            EventName::SignIn(_) => false,
        }
    }
}

impl std::fmt::Display for EventName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_sources_follow_cloudtrail() {
        for name in ["DeleteUser", "GetSessionToken", "ConsoleLogin", "CheckMfa"] {
            assert_eq!(EventName::from_name(name).map(|e| e.name()), Some(name));
        }
        assert_eq!(EventName::from_name("NoSuchThing"), None);
        assert_eq!(EventName::Action(IamAction::DeleteUser).source(), "iam.amazonaws.com");
        assert_eq!(EventName::Action(IamAction::GetSessionToken).source(), "sts.amazonaws.com");
        assert_eq!(EventName::SignIn(SignInStep::ConsoleLogin).source(), "signin.amazonaws.com");
        assert_eq!(EventName::SignIn(SignInStep::ConsoleLogin).event_type(), "AwsConsoleSignIn");
        assert!(!EventName::Action(IamAction::DeleteUser).read_only());
        assert!(EventName::Action(IamAction::ListUsers).read_only());
    }
}
