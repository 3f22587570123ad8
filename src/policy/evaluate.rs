//! IAM's evaluation logic for identity-based policies: every statement whose action, resource and
//! conditions apply is found; any applicable Deny decides, else any applicable Allow, else the
//! request is implicitly denied.

use super::document::{Effect, PolicyDocument, Statement};
use super::pattern::{glob, substitute, Pattern, Token, VarLookup};
use std::collections::HashMap;

/// A policy and the name it is known by (for the deciding statement: `AdministratorAccess`,
/// `inline:alice/self-service`).
#[derive(Clone, Debug)]
pub struct NamedPolicy<'a> {
    pub name: &'a str,
    pub document: &'a PolicyDocument,
}

/// What is asked: an action on a resource, and the request's context keys (`aws:username`,
/// `aws:MultiFactorAuthPresent`, …; names compare ignoring case).
#[derive(Clone, Debug, Default)]
pub struct RequestContext {
    pub action: String,
    pub resource: String,
    /// Lower-cased key → (the key as first written, its values).
    keys: HashMap<String, (String, Vec<String>)>,
}

impl RequestContext {
    pub fn new(action: &str, resource: &str) -> Self {
        RequestContext { action: action.to_owned(), resource: resource.to_owned(), keys: HashMap::new() }
    }

    pub fn with_key(mut self, key: &str, value: impl Into<String>) -> Self {
        self.keys.entry(key.to_ascii_lowercase()).or_insert_with(|| (key.to_owned(), Vec::new())).1.push(value.into());
        self
    }

    pub fn key(&self, key: &str) -> Option<Vec<String>> {
        self.keys.get(&key.to_ascii_lowercase()).map(|(_, v)| v.clone())
    }

    /// Every key with its values, sorted by name (what the simulator shows).
    pub fn entries(&self) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = self.keys.values().cloned().collect();
        out.sort_by_key(|(k, _)| k.to_ascii_lowercase());
        out
    }

    fn variable(&self, name: &str) -> Option<String> {
        self.keys.get(&name.to_ascii_lowercase()).and_then(|(_, v)| v.first().cloned())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    ExplicitlyDenied,
    ImplicitlyDenied,
}

/// The statement that decided, for messages and the policy simulator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecidingStatement {
    pub policy: String,
    pub index: usize,
    pub sid: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    pub decision: Decision,
    pub deciding: Option<DecidingStatement>,
}

fn applies(st: &Statement, doc: &PolicyDocument, ctx: &RequestContext) -> bool {
    let lookup = |name: &str| ctx.variable(name);
    let vars: Option<VarLookup<'_>> = if doc.variables_enabled() { Some(&lookup) } else { None };
    let action_listed = st.actions.iter().any(|p| glob(p, &ctx.action, true));
    if action_listed == st.not_action {
        return false;
    }
    let resource_listed = st.resources.iter().any(|p| {
        let pattern = match vars {
            Some(vars) => substitute(p, vars),
            None => Some(Pattern::raw(p)),
        };
        pattern.is_some_and(|p| p.matches(&ctx.resource, false))
    });
    if resource_listed == st.not_resource {
        return false;
    }
    let context = |key: &str| ctx.key(key);
    st.conditions.iter().all(|c| c.holds(&context, vars))
}

/// Decides `ctx` against `policies` (all the policies of the principal: attached, inline, and
/// those of its groups).
pub fn evaluate(policies: &[NamedPolicy<'_>], ctx: &RequestContext) -> Evaluation {
    let mut allow = None;
    for p in policies {
        for (index, st) in p.document.statements.iter().enumerate() {
            if !applies(st, p.document, ctx) {
                continue;
            }
            let by = DecidingStatement { policy: p.name.to_owned(), index, sid: st.sid.clone() };
            match st.effect {
                Effect::Deny => return Evaluation { decision: Decision::ExplicitlyDenied, deciding: Some(by) },
                Effect::Allow => {
                    allow.get_or_insert(by);
                }
            }
        }
    }
    match allow {
        Some(by) => Evaluation { decision: Decision::Allowed, deciding: Some(by) },
        None => Evaluation { decision: Decision::ImplicitlyDenied, deciding: None },
    }
}

/// AWS's combination of identity policies with a permissions boundary: an explicit Deny in
/// either decides (as an explicit deny); otherwise the request is allowed only where both allow.
/// Returns the deciding evaluation and whether the boundary decided it.
pub fn within_boundary(identity: Evaluation, boundary: Evaluation) -> (Evaluation, bool) {
    match (identity.decision, boundary.decision) {
        (Decision::ExplicitlyDenied, _) => (identity, false),
        (_, Decision::ExplicitlyDenied) | (Decision::Allowed, Decision::ImplicitlyDenied) => (boundary, true),
        _ => (identity, false),
    }
}

/// An estimate of the work of evaluating `doc` once against a request whose resource and
/// context values are at most `text` characters (a coarse check before a simulation; the
/// simulator's time limit is the hard bound): each pattern costs its length and the text, and one
/// with middle segments (two `*` or more) its masks and a scan of the text per 64 characters of
/// them (see `pattern::find_segment`), with a lookup per character.
pub fn match_cost(doc: &PolicyDocument, text: usize) -> u64 {
    let cost = |p: &str, text: usize| -> u64 {
        let len = p.len() as u64;
        let scan = if p.matches('*').count() >= 2 {
            let words = len / 64 + 1;
            text as u64 * (words + 8) + len * words
        } else {
            0
        };
        len + text as u64 + scan
    };
    doc.statements
        .iter()
        .map(|st| {
            let actions: u64 = st.actions.iter().map(|a| cost(a, 128)).sum();
            let resources: u64 = st.resources.iter().map(|r| cost(r, text)).sum();
            let conditions: u64 = st.conditions.iter().flat_map(|c| c.values.iter()).map(|v| cost(v, text)).sum();
            16 + actions + resources + conditions
        })
        .sum()
}

/// Whether some Allow statement of `doc` lists the context's action and a resource pattern that
/// could match an ARN starting with `prefix` (conditions are taken as possibly holding). Used to
/// refuse callers who could do the action to nothing of that kind, before any lookup.
pub fn might_allow(doc: &PolicyDocument, ctx: &RequestContext, prefix: &str) -> bool {
    let lookup = |name: &str| ctx.variable(name);
    let vars: Option<VarLookup<'_>> = if doc.variables_enabled() { Some(&lookup) } else { None };
    doc.statements.iter().filter(|st| st.effect == Effect::Allow).any(|st| {
        let action_listed = st.actions.iter().any(|p| glob(p, &ctx.action, true));
        if action_listed == st.not_action {
            return false;
        }
        if st.not_resource {
            return !st.resources.iter().any(|p| p == "*");
        }
        st.resources.iter().any(|p| {
            let pattern = match vars {
                Some(vars) => substitute(p, vars),
                None => Some(Pattern::raw(p)),
            };
            pattern.is_some_and(|p| could_match_with_prefix(&p.char_tokens(), prefix))
        })
    })
}

/// Whether `pattern` (`*`, `?` wildcards) matches at least one text that starts with `prefix`:
/// the pattern's states are followed through the prefix; any state left alive can be completed.
fn could_match_with_prefix(p: &[Token<char>], prefix: &str) -> bool {
    let mut alive = vec![false; p.len() + 1];
    let close = |alive: &mut Vec<bool>| {
        for (i, t) in p.iter().enumerate() {
            if alive.get(i) == Some(&true) && *t == Token::Any {
                if let Some(next) = alive.get_mut(i + 1) {
                    *next = true;
                }
            }
        }
    };
    if let Some(start) = alive.first_mut() {
        *start = true;
    }
    close(&mut alive);
    for c in prefix.chars() {
        let mut next = vec![false; p.len() + 1];
        for (i, t) in p.iter().enumerate() {
            if alive.get(i) != Some(&true) {
                continue;
            }
            let to = match t {
                Token::Any => i,
                Token::One => i + 1,
                Token::Lit(lit) if *lit == c => i + 1,
                Token::Lit(_) => continue,
            };
            if let Some(n) = next.get_mut(to) {
                *n = true;
            }
        }
        close(&mut next);
        if !next.iter().any(|a| *a) {
            return false;
        }
        alive = next;
    }
    alive.iter().any(|a| *a)
}

#[cfg(test)]
mod prefix_tests {
    use crate::policy::pattern::Pattern;

    fn m(pattern: &str, prefix: &str) -> bool {
        super::could_match_with_prefix(&Pattern::raw(pattern).char_tokens(), prefix)
    }

    #[test]
    fn patterns_that_could_reach_a_prefix() {
        let users = "arn:aws:iam::123456789012:user/";
        assert!(m("*", users));
        assert!(m("arn:aws:iam::*:user/*", users));
        assert!(m("arn:aws:iam::123456789012:user/team/*", users));
        assert!(m("arn:aws:iam::123456789012:user/bob", users));
        assert!(m("arn:aws:iam::123456789012:*", users));
        assert!(!m("arn:aws:iam::123456789012:group/*", users));
        assert!(!m("arn:aws:iam::999999999999:user/*", users));
        assert!(!m("arn:aws:iam::123456789012:user", users));
        assert!(m("arn:aws:iam::1234567890??:us*r/x", users));
    }
}
