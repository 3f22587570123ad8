//! Policies: `/console/policies` (list, create), one policy's page (document, versions, attached
//! entities, edit, delete), the permissions card of users and groups (attach, detach, inline
//! policies), and the policy simulator.

use crate::dto::{Navigate, PermissionsDto, PolicyDetailDto, PolicyDto, SimulationDto};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use lanyard_iam::domain::IamAction;
use leptos::prelude::*;

/// The address of a managed policy's page.
pub fn policy_page(arn: &str) -> String {
    format!("/console/policies/view?arn={}", crate::api::encode(arn))
}

/// The page of the user or group (`kind` is `user` or `group`) a permissions card is on.
#[cfg(feature = "ssr")]
fn entity_page(kind: &str, name: &str) -> String {
    match kind {
        "group" => crate::api::group_page(name),
        _ => crate::api::user_page(name),
    }
}

#[cfg(feature = "ssr")]
fn target(kind: &str, name: &str) -> lanyard_iam::usecases::policies::PolicyTarget {
    use lanyard_iam::usecases::policies::PolicyTarget;
    match kind {
        "group" => PolicyTarget::Group(name.to_owned()),
        _ => PolicyTarget::User(name.to_owned()),
    }
}

#[cfg(feature = "ssr")]
fn to_dto(p: lanyard_iam::usecases::policies::ManagedPolicy) -> PolicyDto {
    PolicyDto {
        updated: p.updated_at.map(crate::api::user_detail::format_time).unwrap_or_else(|| "AWS managed".into()),
        policy_name: p.policy_name,
        arn: p.arn,
        path: p.path,
        aws_managed: p.aws_managed,
        description: p.description,
        default_version_id: p.default_version_id,
        attachment_count: p.attachment_count,
    }
}

/// The document indented for reading (as stored when it is not JSON, which cannot happen).
#[cfg(feature = "ssr")]
fn pretty(document: &str) -> String {
    serde_json::from_str::<serde_json::Value>(document)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| document.to_owned())
}

/// Bounded copies of what was typed, kept for the form after an error.
#[cfg(feature = "ssr")]
fn typed(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields.iter().map(|(k, v)| ((*k).to_owned(), v.chars().take(7000).collect())).collect()
}

#[server(endpoint = "load_policies")]
pub async fn load_policies() -> Result<Vec<PolicyDto>, AppError> {
    use crate::ssr::{signed_in, ConsoleState};

    let principal = signed_in().await?;
    Ok(ConsoleState::get()?.engine.list_policies(&principal, None).await?.into_iter().map(to_dto).collect())
}

#[server(endpoint = "create_policy")]
pub async fn create_policy(
    policy_name: String,
    path: Option<String>,
    description: Option<String>,
    policy_document: String,
) -> Result<Navigate, AppError> {
    use crate::ssr::{finish, signed_in, ConsoleState};
    use lanyard_iam::usecases::policies::NewPolicy;

    let values = typed(&[
        ("policy_name", &policy_name),
        ("path", path.as_deref().unwrap_or_default()),
        ("description", description.as_deref().unwrap_or_default()),
        ("policy_document", &policy_document),
    ]);
    let result = async {
        let principal = signed_in().await?;
        let input = NewPolicy { policy_name, path, description, document: policy_document, tags: Vec::new() };
        let policy = ConsoleState::get()?.engine.create_policy(&principal, input).await?;
        Ok(Navigate { to: policy_page(&policy.arn) })
    }
    .await;
    finish("create-policy", Some(IamAction::CreatePolicy), result, |n| n.to.clone(), values).await
}

#[server(endpoint = "load_policy")]
pub async fn load_policy(arn: String) -> Result<PolicyDetailDto, AppError> {
    use crate::dto::PolicyVersionDto;
    use crate::ssr::{signed_in, ConsoleState};

    let principal = signed_in().await?;
    let d = ConsoleState::get()?.engine.get_policy(&principal, &arn).await?;
    let can = if d.policy.aws_managed {
        crate::dto::Can::default()
    } else {
        use crate::dto::PolicyCapability;
        let resource = lanyard_iam::usecases::actor::Resource::untagged(d.policy.arn.clone());
        [(PolicyCapability::Edit, IamAction::CreatePolicyVersion), (PolicyCapability::Delete, IamAction::DeletePolicy)]
            .into_iter()
            .filter(|(_, action)| principal.may(*action, &resource))
            .map(|(c, _)| c)
            .collect()
    };
    let warnings = d
        .versions
        .iter()
        .find(|v| v.is_default)
        .and_then(|v| lanyard_iam::policy::parse_policy(&v.document).ok())
        .map(|doc| lanyard_iam::policy::unsupported_key_warnings(&doc))
        .unwrap_or_default();
    Ok(PolicyDetailDto {
        warnings,
        policy: to_dto(d.policy),
        versions: d
            .versions
            .into_iter()
            .map(|v| PolicyVersionDto {
                version_id: v.version_id,
                is_default: v.is_default,
                document: pretty(&v.document),
                created: v.created_at.map(crate::api::user_detail::format_time).unwrap_or_default(),
            })
            .collect(),
        attached_to: d.attached_to,
        can,
    })
}

/// `Save changes` on a policy's page: the document becomes a new version, set as the default.
#[server(endpoint = "edit_policy")]
pub async fn edit_policy(arn: String, policy_document: String) -> Result<Navigate, AppError> {
    use crate::ssr::{finish, signed_in, ConsoleState};

    let values = typed(&[("policy_document", &policy_document)]);
    let result = async {
        let principal = signed_in().await?;
        let v = ConsoleState::get()?.engine.create_policy_version(&principal, &arn, &policy_document, true).await?;
        Ok(Navigate { to: format!("{}&saved={v}", policy_page(&arn)) })
    }
    .await;
    finish("edit-policy", Some(IamAction::CreatePolicyVersion), result, |n| n.to.clone(), values).await
}

#[server(endpoint = "set_default_policy_version")]
pub async fn set_default_policy_version(arn: String, version_id: String) -> Result<Navigate, AppError> {
    use crate::ssr::{finish, signed_in, ConsoleState};

    let result = async {
        let principal = signed_in().await?;
        ConsoleState::get()?.engine.set_default_policy_version(&principal, &arn, &version_id).await?;
        Ok(Navigate { to: format!("{}&default={version_id}", policy_page(&arn)) })
    }
    .await;
    finish("policy-versions", Some(IamAction::SetDefaultPolicyVersion), result, |n| n.to.clone(), Vec::new()).await
}

#[server(endpoint = "delete_policy_version")]
pub async fn delete_policy_version(arn: String, version_id: String) -> Result<Navigate, AppError> {
    use crate::ssr::{finish, signed_in, ConsoleState};

    let result = async {
        let principal = signed_in().await?;
        ConsoleState::get()?.engine.delete_policy_version(&principal, &arn, &version_id).await?;
        Ok(Navigate { to: format!("{}&removed={version_id}", policy_page(&arn)) })
    }
    .await;
    finish("policy-versions", Some(IamAction::DeletePolicyVersion), result, |n| n.to.clone(), Vec::new()).await
}

/// Deletes the policy (detaching it everywhere first) once its name is typed into `confirm_name`.
#[server(endpoint = "delete_policy")]
pub async fn delete_policy(arn: String, confirm_name: String) -> Result<Navigate, AppError> {
    use crate::ssr::{finish, signed_in, ConsoleState};
    use lanyard_iam::IamError;

    let result = async {
        let principal = signed_in().await?;
        if arn.rsplit('/').next() != Some(confirm_name.trim()) {
            return Err(IamError::field("confirmName", "must be the policy's name, exactly").into());
        }
        ConsoleState::get()?.engine.delete_policy(&principal, &arn, lanyard_iam::usecases::Dependents::Remove).await?;
        Ok(Navigate { to: "/console/policies?deleted".into() })
    }
    .await;
    finish("delete-policy", Some(IamAction::DeletePolicy), result, |n| n.to.clone(), Vec::new()).await
}

/// The permissions card of a user or group (`kind`: `user` or `group`). Parts the viewer may not
/// list stay empty rather than failing the page.
#[server(endpoint = "load_permissions")]
pub async fn load_permissions(kind: String, name: String) -> Result<PermissionsDto, AppError> {
    use crate::ssr::{signed_in, ConsoleState};
    use lanyard_iam::IamError;

    let principal = signed_in().await?;
    let engine = &ConsoleState::get()?.engine;
    let t = target(&kind, &name);
    let keep = |e: IamError| match e {
        IamError::AccessDenied(_) => Ok(()),
        e => Err(e),
    };
    let mut dto = PermissionsDto::default();
    let attached = engine.list_attached_policies(&principal, &t).await;
    let inline = engine.list_inline_policies(&principal, &t).await;
    match (attached, inline) {
        // Neither part may be seen: the card is not the viewer's to see.
        (Err(e @ IamError::AccessDenied(_)), Err(IamError::AccessDenied(_))) => return Err(e.into()),
        (attached, inline) => {
            match attached {
                Ok(a) => dto.attached = a,
                Err(e) => keep(e)?,
            }
            match inline {
                Ok(i) => {
                    dto.warnings = i
                        .iter()
                        .filter_map(|p| lanyard_iam::policy::parse_policy(&p.document).ok().map(|d| (p, d)))
                        .flat_map(|(p, d)| {
                            lanyard_iam::policy::unsupported_key_warnings(&d)
                                .into_iter()
                                .map(move |w| format!("{}: {w}", p.policy_name))
                        })
                        .collect();
                    dto.inline = i.into_iter().map(|p| (p.policy_name, pretty(&p.document))).collect()
                }
                Err(e) => keep(e)?,
            }
        }
    }
    match engine.list_policies(&principal, None).await {
        Ok(all) => {
            dto.attachable = all
                .into_iter()
                .filter(|p| !dto.attached.iter().any(|(_, arn)| *arn == p.arn))
                .map(|p| (p.policy_name, p.arn))
                .collect()
        }
        Err(e) => keep(e)?,
    }
    Ok(dto)
}

#[server(endpoint = "attach_policy")]
pub async fn attach_policy(kind: String, name: String, policy_arn: String) -> Result<Navigate, AppError> {
    use crate::ssr::{finish, signed_in, ConsoleState};

    let result = async {
        let principal = signed_in().await?;
        ConsoleState::get()?.engine.attach_policy(&principal, &target(&kind, &name), &policy_arn).await?;
        let policy = policy_arn.rsplit('/').next().unwrap_or_default();
        Ok(Navigate {
            to: format!("{}?attached={}#permissions", entity_page(&kind, &name), crate::api::encode(policy)),
        })
    }
    .await;
    finish("permissions", Some(target(&kind, &name).kind().attach()), result, |n| n.to.clone(), Vec::new()).await
}

#[server(endpoint = "detach_policy")]
pub async fn detach_policy(kind: String, name: String, policy_arn: String) -> Result<Navigate, AppError> {
    use crate::ssr::{finish, signed_in, ConsoleState};

    let result = async {
        let principal = signed_in().await?;
        ConsoleState::get()?.engine.detach_policy(&principal, &target(&kind, &name), &policy_arn).await?;
        let policy = policy_arn.rsplit('/').next().unwrap_or_default();
        Ok(Navigate {
            to: format!("{}?detached={}#permissions", entity_page(&kind, &name), crate::api::encode(policy)),
        })
    }
    .await;
    finish("permissions", Some(target(&kind, &name).kind().detach()), result, |n| n.to.clone(), Vec::new()).await
}

#[server(endpoint = "put_inline_policy")]
pub async fn put_inline_policy(
    kind: String,
    name: String,
    policy_name: String,
    policy_document: String,
) -> Result<Navigate, AppError> {
    use crate::ssr::{finish, signed_in, ConsoleState};

    let values = typed(&[("policy_name", &policy_name), ("policy_document", &policy_document)]);
    let result = async {
        let principal = signed_in().await?;
        let engine = &ConsoleState::get()?.engine;
        engine.put_inline_policy(&principal, &target(&kind, &name), &policy_name, &policy_document).await?;
        let to = format!("{}?inline={}#permissions", entity_page(&kind, &name), crate::api::encode(policy_name.trim()));
        Ok(Navigate { to })
    }
    .await;
    finish("inline-policy", Some(target(&kind, &name).kind().put_inline()), result, |n| n.to.clone(), values).await
}

#[server(endpoint = "delete_inline_policy")]
pub async fn delete_inline_policy(kind: String, name: String, policy_name: String) -> Result<Navigate, AppError> {
    use crate::ssr::{finish, signed_in, ConsoleState};

    let result = async {
        let principal = signed_in().await?;
        ConsoleState::get()?.engine.delete_inline_policy(&principal, &target(&kind, &name), &policy_name).await?;
        let to =
            format!("{}?inline-deleted={}#permissions", entity_page(&kind, &name), crate::api::encode(&policy_name));
        Ok(Navigate { to })
    }
    .await;
    finish("permissions", Some(target(&kind, &name).kind().delete_inline()), result, |n| n.to.clone(), Vec::new()).await
}

/// The simulator's answer for the address's query (nothing until a user is named).
#[server(endpoint = "simulate_policy")]
pub async fn simulate_policy(
    user_name: String,
    actions: String,
    resource: String,
    mfa: bool,
) -> Result<Option<SimulationDto>, AppError> {
    use crate::dto::SimulationRowDto;
    use crate::ssr::{signed_in, ConsoleState};
    use lanyard_iam::policy::Decision;
    use lanyard_iam::usecases::policy_simulator::SimulationInput;

    if user_name.trim().is_empty() {
        return Ok(None);
    }
    let principal = signed_in().await?;
    let input = SimulationInput { user_name, actions: vec![actions], resources: vec![resource], mfa };
    let simulation = ConsoleState::get()?.engine.simulate_principal_policy(&principal, &input).await?;
    let rows = simulation
        .results
        .into_iter()
        .map(|r| SimulationRowDto {
            decision: match r.decision {
                Decision::Allowed => "allowed",
                Decision::ExplicitlyDenied => "explicitly denied",
                Decision::ImplicitlyDenied => "implicitly denied",
            }
            .to_owned(),
            deciding: r
                .deciding
                .map(|d| match d.sid {
                    Some(sid) => format!("{} · Sid {sid}", d.policy),
                    None => format!("{} · Statement[{}]", d.policy, d.index),
                })
                .unwrap_or_default(),
            boundary: r.boundary.map(|b| if b == Decision::Allowed { "allows" } else { "denies" }.to_owned()),
            action: r.action,
            resource: r.resource,
        })
        .collect();
    let context = simulation.context.into_iter().map(|(k, v)| (k, v.join(", "))).collect();
    Ok(Some(SimulationDto { rows, context, warnings: simulation.warnings }))
}
