//! IAM's policy language: documents parsed and validated as IAM does (MalformedPolicyDocument with
//! a message pointing at the fault), and evaluated as IAM defines it: an applicable explicit Deny
//! beats any Allow, which beats the implicit deny. Pure code; where policies come from is the
//! engine's business.

mod aws_managed;
mod condition;
mod context_keys;
mod document;
mod evaluate;
mod pattern;
#[cfg(test)]
mod tests;

pub use aws_managed::{aws_managed_document, aws_managed_name, AWS_MANAGED};
pub use condition::{ConditionBlock, ConditionOperator, SetQualifier};
pub use context_keys::{
    condition_keys, is_supplied, reads_resource_tags, unsupported_key_warnings, SUPPLIED_KEYS, SUPPLIED_TAG_KEYS,
};
pub use document::{parse_policy, Effect, PolicyDocument, Statement, MAX_PARSED_CHARS, MAX_POLICY_CHARS};
pub use evaluate::{
    evaluate, match_cost, might_allow, within_boundary, DecidingStatement, Decision, Evaluation, NamedPolicy,
    RequestContext,
};
pub use pattern::{glob, Pattern};
