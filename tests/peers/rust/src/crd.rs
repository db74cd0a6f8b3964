//! `kube-peer crd`: a kube-rs controller of its own custom resource, as kube-rs users write one: the type derives
//! its CustomResourceDefinition (`#[derive(CustomResource, JsonSchema)]`: the schema schemars makes of the Rust
//! types), the controller server-side applies that definition, waits for it to be established
//! (`await_condition`), then reconciles the resources of the kubeconfig's namespace, applying `status.ready` and
//! `status.observedGeneration` through the status subresource. Prints `CRD : applied|established`,
//! `STATUS : name generation N` when an apply moved the resourceVersion, `ERROR : …`; on SIGTERM the definition
//! as the server holds it (its versions' schema, columns, subresources, conditions) and the resources with their
//! status and managedFields (`FINAL : …`), then `done`.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use k8s_openapi::serde_json::{self, json};
use kube::api::{ListParams, Patch, PatchParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::wait::{await_condition, conditions};
use kube::runtime::watcher;
use kube::{Api, Client, CustomResource, CustomResourceExt, Resource, ResourceExt};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::say;

const MANAGER: &str = "kube-peer";

/// A site: an image served by some replicas, with tags.
#[derive(CustomResource, Deserialize, Serialize, Clone, Debug, JsonSchema)]
#[kube(group = "rs.watchproxy.test", version = "v1", kind = "Site", namespaced, status = "SiteStatus",
       shortname = "st", printcolumn = r#"{"name":"Image","type":"string","jsonPath":".spec.image"}"#,
       crates(serde_json = "k8s_openapi::serde_json"))]
#[serde(rename_all = "camelCase")]
pub struct SiteSpec {
    image: String,
    replicas: Option<i32>,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Deserialize, Serialize, Clone, Debug, Default, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SiteStatus {
    ready: bool,
    observed_generation: Option<i64>,
}

async fn reconcile(site: Arc<Site>, sites: Arc<Api<Site>>) -> Result<Action, kube::Error> {
    let name = site.name_any();
    let generation = site.meta().generation.unwrap_or_default();
    let before = sites.get_status(&name).await?.resource_version();
    let status = json!({"apiVersion": "rs.watchproxy.test/v1", "kind": "Site",
                        "status": {"ready": true, "observedGeneration": generation}});
    let after = sites.patch_status(&name, &PatchParams::apply(MANAGER).force(), &Patch::Apply(&status)).await?;
    if after.resource_version() != before {
        say(&format!("STATUS : {name} generation {generation}"));
    }
    Ok(Action::await_change())
}

fn error_policy(_site: Arc<Site>, err: &kube::Error, _sites: Arc<Api<Site>>) -> Action {
    say(&format!("ERROR : {}", err.to_string().lines().next().unwrap_or("")));
    Action::requeue(Duration::from_millis(500))
}

async fn print_state(crds: &Api<CustomResourceDefinition>, sites: &Api<Site>) -> Result<(), kube::Error> {
    let crd = crds.get(&Site::crd_name()).await?;
    for version in &crd.spec.versions {
        say(&format!("FINAL : crd version {} served {} storage {} subresources {} columns {}", version.name,
                     version.served, version.storage, serde_json::to_string(&version.subresources).unwrap_or_default(),
                     serde_json::to_string(&version.additional_printer_columns).unwrap_or_default()));
        say(&format!("FINAL : crd schema {}", serde_json::to_string(&version.schema).unwrap_or_default()));
    }
    let conditions: Vec<String> = crd.status.iter().flat_map(|s| s.conditions.iter().flatten())
        .map(|c| format!("{}={} {}", c.type_, c.status, c.reason.as_deref().unwrap_or(""))).collect();
    say(&format!("FINAL : crd names {} conditions {conditions:?}",
                 serde_json::to_string(&crd.status.as_ref().map(|s| &s.accepted_names)).unwrap_or_default()));
    for site in sites.list(&ListParams::default()).await? {
        say(&format!("FINAL : site {} generation {:?} spec {} status {}", site.name_any(), site.meta().generation,
                     serde_json::to_string(&site.spec).unwrap_or_default(),
                     serde_json::to_string(&site.status).unwrap_or_default()));
        let mut managed: Vec<String> = site.meta().managed_fields.iter().flatten().map(|m| {
            format!("FINAL :   managed {} {} {} {}", m.manager.as_deref().unwrap_or(""),
                    m.operation.as_deref().unwrap_or(""), m.subresource.as_deref().unwrap_or("-"),
                    m.fields_v1.as_ref().map(|f| f.0.to_string()).unwrap_or_default())
        }).collect();
        managed.sort();
        managed.iter().for_each(|line| say(line));
    }
    Ok(())
}

pub async fn run(client: Client) -> Result<(), Box<dyn std::error::Error>> {
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    crds.patch(&Site::crd_name(), &PatchParams::apply(MANAGER).force(), &Patch::Apply(Site::crd())).await?;
    say("CRD : applied");
    let established = await_condition(crds.clone(), Site::crd_name(), conditions::is_crd_established());
    tokio::time::timeout(Duration::from_secs(30), established).await??;
    say("CRD : established");
    let sites = Arc::new(Api::<Site>::default_namespaced(client));
    Controller::new(sites.as_ref().clone(), watcher::Config::default())
        .shutdown_on_signal()
        .run(reconcile, error_policy, sites.clone())
        .for_each(|_| futures::future::ready(()))
        .await;
    print_state(&crds, &sites).await?;
    say("done");
    Ok(())
}
