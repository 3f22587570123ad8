//! IAM's evaluation logic for identity-based policies: every statement whose action, resource and
//! conditions apply is found; any applicable Deny decides, else any applicable Allow, else the
//! request is implicitly denied.

use super::document::{Effect, PolicyDocument, Statement};
use super::pattern::{glob, substitute, VarLookup};
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
    keys: HashMap<String, Vec<String>>,
}

impl RequestContext {
    pub fn new(action: &str, resource: &str) -> Self {
        RequestContext { action: action.to_owned(), resource: resource.to_owned(), keys: HashMap::new() }
    }

    pub fn with_key(mut self, key: &str, value: impl Into<String>) -> Self {
        self.keys.entry(key.to_ascii_lowercase()).or_default().push(value.into());
        self
    }

    pub fn key(&self, key: &str) -> Option<Vec<String>> {
        self.keys.get(&key.to_ascii_lowercase()).cloned()
    }

    fn variable(&self, name: &str) -> Option<String> {
        self.keys.get(&name.to_ascii_lowercase()).and_then(|v| v.first().cloned())
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
            None => Some(p.clone()),
        };
        pattern.is_some_and(|p| glob(&p, &ctx.resource, false))
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
