//! Policy documents: JSON parsed into statements and validated as IAM does, each fault reported as
//! MalformedPolicyDocument with where it is (`Statement[2].Action`).

use super::condition::{parse_conditions, ConditionBlock};
use crate::IamError;
use serde_json::{Map, Value};

/// IAM's limit for a managed policy document (inline policies are smaller in AWS; one limit here).
pub const MAX_POLICY_CHARS: usize = 6144;
/// The largest document parsed at all: AWS's `policyDocumentType` (whitespace included), which
/// is also what the simulator accepts.
pub const MAX_PARSED_CHARS: usize = 131_072;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    /// Patterns of `Action`, or of `NotAction` when `not_action` is set.
    pub actions: Vec<String>,
    pub not_action: bool,
    pub resources: Vec<String>,
    pub not_resource: bool,
    pub conditions: Vec<ConditionBlock>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyDocument {
    /// `2012-10-17` enables policy variables; `2008-10-17` (or none) takes `${…}` literally.
    pub version: Option<String>,
    pub statements: Vec<Statement>,
}

impl PolicyDocument {
    pub fn variables_enabled(&self) -> bool {
        self.version.as_deref() == Some("2012-10-17")
    }
}

fn malformed(message: impl Into<String>) -> IamError {
    IamError::MalformedPolicyDocument(message.into())
}

/// A string or a non-empty array of strings, as `Action`, `Resource` and friends allow.
fn strings(value: &Value, at: &str) -> Result<Vec<String>, IamError> {
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::String(s) => Ok(s.clone()),
                _ => Err(malformed(format!("{at}[{i}] must be a string."))),
            })
            .collect(),
        Value::Array(_) => Err(malformed(format!("{at} must not be an empty list."))),
        _ => Err(malformed(format!("{at} must be a string or a list of strings."))),
    }
}

fn check_action(action: &str, at: &str) -> Result<(), IamError> {
    if action == "*" {
        return Ok(());
    }
    let valid = action.split_once(':').is_some_and(|(service, name)| {
        !service.is_empty()
            && !name.is_empty()
            && service.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '*' || c == '?')
    });
    if valid {
        Ok(())
    } else {
        Err(malformed(format!("{at}: '{action}' is not an action: use <service>:<action>, like iam:CreateUser, or *.")))
    }
}

fn check_resource(resource: &str, at: &str) -> Result<(), IamError> {
    if resource == "*" || resource.starts_with("arn:") {
        Ok(())
    } else {
        Err(malformed(format!("{at}: Resource {resource} must be in ARN format or \"*\".")))
    }
}

/// Exactly one of `name` and `Not{name}`: (patterns, whether it is the Not form).
fn one_of(st: &Map<String, Value>, name: &str, at: &str) -> Result<(Vec<String>, bool), IamError> {
    let not = format!("Not{name}");
    match (st.get(name), st.get(&not)) {
        (Some(v), None) => Ok((strings(v, &format!("{at}.{name}"))?, false)),
        (None, Some(v)) => Ok((strings(v, &format!("{at}.{not}"))?, true)),
        (Some(_), Some(_)) => Err(malformed(format!("{at} has both {name} and {not}; use one."))),
        (None, None) => Err(malformed(format!("{at} needs {name} or {not}."))),
    }
}

fn parse_statement(value: &Value, at: &str) -> Result<Statement, IamError> {
    let Value::Object(st) = value else {
        return Err(malformed(format!("{at} must be an object.")));
    };
    for key in st.keys() {
        if ![
            "Sid",
            "Effect",
            "Action",
            "NotAction",
            "Resource",
            "NotResource",
            "Condition",
            "Principal",
            "NotPrincipal",
        ]
        .contains(&key.as_str())
        {
            return Err(malformed(format!("{at} has an unknown element {key}.")));
        }
    }
    if st.contains_key("Principal") || st.contains_key("NotPrincipal") {
        return Err(malformed(format!(
            "{at}: Principal is not allowed in an identity-based policy (it names who the policy is attached to)."
        )));
    }
    let sid = match st.get("Sid") {
        None => None,
        Some(Value::String(s)) if s.chars().all(|c| c.is_ascii_alphanumeric()) => Some(s.clone()),
        Some(_) => return Err(malformed(format!("{at}.Sid must be a string of letters and digits."))),
    };
    let effect = match st.get("Effect") {
        Some(Value::String(e)) if e == "Allow" => Effect::Allow,
        Some(Value::String(e)) if e == "Deny" => Effect::Deny,
        Some(_) => return Err(malformed(format!("{at}.Effect must be \"Allow\" or \"Deny\"."))),
        None => return Err(malformed(format!("{at} needs an Effect."))),
    };
    let (actions, not_action) = one_of(st, "Action", at)?;
    for (i, a) in actions.iter().enumerate() {
        check_action(a, &format!("{at}.{}Action[{i}]", if not_action { "Not" } else { "" }))?;
    }
    let (resources, not_resource) = one_of(st, "Resource", at)?;
    for (i, r) in resources.iter().enumerate() {
        check_resource(r, &format!("{at}.{}Resource[{i}]", if not_resource { "Not" } else { "" }))?;
    }
    let conditions = match st.get("Condition") {
        None => Vec::new(),
        Some(c) => parse_conditions(c, &format!("{at}.Condition"))?,
    };
    Ok(Statement { sid, effect, actions, not_action, resources, not_resource, conditions })
}

/// Parses and validates a policy document.
/// The size quotas (6,144 characters for a managed policy, 2,048 / 5,120 inline, whitespace not
/// counted) are the callers' to check; this only bounds the work of parsing at AWS's largest
/// document (`policyDocumentType`, 131,072 characters: the simulator's limit).
pub fn parse_policy(json: &str) -> Result<PolicyDocument, IamError> {
    if json.len() > MAX_PARSED_CHARS * 4 || json.chars().count() > MAX_PARSED_CHARS {
        return Err(malformed(format!("The policy is longer than {MAX_PARSED_CHARS} characters.")));
    }
    let value: Value = serde_json::from_str(json).map_err(|e| {
        malformed(format!("The policy is not valid JSON: {e} (line {}, column {}).", e.line(), e.column()))
    })?;
    let Value::Object(doc) = value else {
        return Err(malformed("The policy must be a JSON object with Version and Statement."));
    };
    for key in doc.keys() {
        if !["Version", "Id", "Statement"].contains(&key.as_str()) {
            return Err(malformed(format!("The policy has an unknown element {key}.")));
        }
    }
    let version = match doc.get("Version") {
        None => None,
        Some(Value::String(v)) if v == "2012-10-17" || v == "2008-10-17" => Some(v.clone()),
        Some(_) => return Err(malformed("Version must be \"2012-10-17\" (or the older \"2008-10-17\").")),
    };
    let statements = match doc.get("Statement") {
        Some(Value::Array(items)) if !items.is_empty() => items
            .iter()
            .enumerate()
            .map(|(i, s)| parse_statement(s, &format!("Statement[{i}]")))
            .collect::<Result<Vec<_>, _>>()?,
        Some(Value::Object(_)) => vec![parse_statement(&doc["Statement"], "Statement")?],
        Some(_) => return Err(malformed("Statement must be an object or a non-empty list of objects.")),
        None => return Err(malformed("The policy needs a Statement.")),
    };
    let mut sids: Vec<&str> = statements.iter().filter_map(|s| s.sid.as_deref()).collect();
    sids.sort_unstable();
    if let Some(dup) = sids.windows(2).find(|w| w[0] == w[1]) {
        return Err(malformed(format!("Statement IDs (Sid) must be unique; {} appears twice.", dup[0])));
    }
    Ok(PolicyDocument { version, statements })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(json: &str) -> String {
        match parse_policy(json) {
            Err(IamError::MalformedPolicyDocument(m)) => m,
            other => panic!("expected MalformedPolicyDocument for {json}, got {other:?}"),
        }
    }

    #[test]
    fn parses_the_usual_shapes() {
        let p =
            parse_policy(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:*","Resource":"*"}}"#)
                .unwrap();
        assert_eq!(p.statements.len(), 1);
        assert!(p.variables_enabled());
        let p = parse_policy(
            r#"{"Version":"2012-10-17","Statement":[
                {"Sid":"A1","Effect":"Deny","NotAction":["iam:ChangePassword","sts:GetCallerIdentity"],"NotResource":"arn:aws:iam::*:user/${aws:username}",
                 "Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}"#,
        )
        .unwrap();
        let st = &p.statements[0];
        assert!(st.not_action && st.not_resource);
        assert_eq!(st.effect, Effect::Deny);
        assert_eq!(st.conditions.len(), 1);
    }

    #[test]
    fn every_fault_is_named_with_its_place() {
        assert!(fault("{").contains("not valid JSON"));
        assert!(fault("[]").contains("JSON object"));
        assert!(fault(r#"{"Version":"2012-10-17"}"#).contains("needs a Statement"));
        assert!(fault(r#"{"Version":"2020-01-01","Statement":[]}"#).contains("Version must be"));
        assert!(fault(r#"{"Version":"2012-10-17","Statement":[]}"#).contains("non-empty"));
        assert!(fault(r#"{"Statement":[{"Effect":"Permit","Action":"*","Resource":"*"}]}"#)
            .contains("Statement[0].Effect must be"));
        assert!(fault(r#"{"Statement":[{"Effect":"Allow","Resource":"*"}]}"#)
            .contains("Statement[0] needs Action or NotAction"));
        assert!(fault(r#"{"Statement":[{"Effect":"Allow","Action":"*","NotAction":"*","Resource":"*"}]}"#)
            .contains("both Action and NotAction"));
        assert!(fault(r#"{"Statement":[{"Effect":"Allow","Action":"CreateUser","Resource":"*"}]}"#)
            .contains("Statement[0].Action[0]: 'CreateUser' is not an action"));
        assert!(fault(r#"{"Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"user/bob"}]}"#)
            .contains("must be in ARN format"));
        assert!(
            fault(r#"{"Statement":[{"Effect":"Allow","Action":"iam:*"}]}"#).contains("needs Resource or NotResource")
        );
        assert!(fault(r#"{"Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}"#).contains("empty list"));
        assert!(fault(r#"{"Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*","Extra":1}]}"#)
            .contains("unknown element Extra"));
        assert!(fault(r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"iam:*","Resource":"*"}]}"#)
            .contains("Principal is not allowed"));
        assert!(fault(
            r#"{"Statement":[{"Sid":"X","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"X","Effect":"Deny","Action":"*","Resource":"*"}]}"#
        )
        .contains("X appears twice"));
        assert!(fault(&format!(
            r#"{{"Statement":[{{"Sid":"{}","Effect":"Allow","Action":"*","Resource":"*"}}]}}"#,
            "a".repeat(140_000)
        ))
        .contains("longer than 131072"));
        // The 6,144-character quota is the managed-policy use case's (whitespace not counted);
        // the parser itself takes AWS's simulator documents.
        assert!(parse_policy(&format!(
            r#"{{"Statement":[{{"Sid":"{}","Effect":"Allow","Action":"*","Resource":"*"}}]}}"#,
            "a".repeat(7000)
        ))
        .is_ok());
    }
}
