//! The keys of the sign-in throttle's counters: one per IAM user, per root email and per source
//! address. Sign-in, password changes, MFA checks and recovery all charge the same counters.

use crate::domain::AccountId;
use std::net::IpAddr;

/// Keeps throttle keys short even for 10 kB of input.
pub(crate) fn clip(s: &str) -> String {
    s.trim().chars().take(128).collect::<String>().to_lowercase()
}

/// The throttle counter of an IAM user: the account's ID and the name as IAM compares names,
/// ignoring case (so `Bob` and `bob` share one counter).
pub(crate) fn user_throttle_key(account_id: &AccountId, user_name: &str) -> String {
    format!("user:{account_id}:{}", clip(user_name))
}

/// The throttle counter of a root user, by email ignoring case.
pub(crate) fn root_throttle_key(email: &str) -> String {
    format!("root:{}", clip(email))
}

/// IPv6 clients usually own a whole /64, so that is what one address's counter covers.
pub fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => format!("ip:{v4}"),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => format!("ip:{v4}"),
            None => {
                let s = v6.segments();
                format!("ip:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

impl crate::Engine {
    /// Charges one attempt to `subject` and to the source address *before* any secret is
    /// checked, so parallel guesses cannot exceed the limit. Anything but `Proceed` is a refusal.
    pub(crate) async fn charge_attempt(
        &self,
        source: IpAddr,
        subject: &str,
    ) -> Result<crate::store::throttle::Charge, crate::IamError> {
        let cfg = &self.config;
        let address = address_key(source);
        Ok(crate::store::throttle::update_begin_attempt(
            &self.pool,
            &address,
            &cfg.address_throttle,
            subject,
            &cfg.user_throttle,
        )
        .await?)
    }

    /// After the secret proved right: the subject's failures are forgotten and the attempt no
    /// longer counts against the address.
    pub(crate) async fn attempt_succeeded(&self, source: IpAddr, subject: &str) -> Result<(), crate::IamError> {
        let address = address_key(source);
        Ok(crate::store::throttle::update_attempt_succeeded(
            &self.pool,
            &address,
            &self.config.address_throttle,
            subject,
            None,
        )
        .await?)
    }
}
