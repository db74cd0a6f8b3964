//! `kube-peer controller`: a kube-rs controller as its users write one, for watchproxy's write tests.
//!
//! `kube::runtime::Controller` on the Deployments labelled `watchproxy.test/managed=true` of the kubeconfig's
//! namespace, owning ConfigMaps. Each reconcile goes through kube-rs's `finalizer` helper (JSON patches with
//! `test` operations), server-side applies a ConfigMap `NAME-settings` the Deployment owns, then applies a
//! condition to the Deployment's status subresource; the cleanup deletes that ConfigMap. Every write is
//! repeated on every reconcile, as a controller does: a replay must answer a repeated apply as a no-op, or the
//! controller never settles. The peer prints what changed on the server, never how often it reconciled (that
//! depends on timing): `CONFIG : name created|changed`, `STATUS : name generation N` when the apply moved the
//! object's resourceVersion, `CLEANUP : name`, `ERROR : …`. Each change is also published through kube-rs's event
//! Recorder (events.k8s.io/v1: a create, then a merge patch of its series when the same event recurs). On SIGTERM
//! it prints the namespace's Deployments, ConfigMaps and Events as the server holds them (finalizers, owners, data,
//! conditions, managedFields; an event's fields and which of its fields are set, through both Event APIs), then
//! `done`.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Event as CoreEvent, ObjectReference};
use k8s_openapi::api::events::v1::Event as K8sEvent;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams};
use kube::runtime::controller::{Action, Controller};
use kube::runtime::events::{Event as Recorded, EventType, Recorder, Reporter};
use kube::runtime::finalizer::{finalizer, Error as FinalizerError, Event};
use kube::runtime::watcher;
use kube::{Api, Client, Resource, ResourceExt};
use k8s_openapi::serde_json::{self, json};

use crate::say;

const MANAGER: &str = "kube-peer";
const FINALIZER: &str = "watchproxy.test/cleanup";
const SELECTOR: &str = "watchproxy.test/managed=true";

type Error = FinalizerError<kube::Error>;

struct Ctx {
    deployments: Api<Deployment>,
    configmaps: Api<ConfigMap>,
    events: Api<K8sEvent>,
    core_events: Api<CoreEvent>,
    recorder: Recorder,
}

/// An event about `dep`, published as a controller does; the reference leaves out the resourceVersion, so an
/// event that recurs for the same Deployment is one Event with a series.
async fn publish(ctx: &Ctx, dep: &Deployment, reason: &str, note: String) -> Result<(), kube::Error> {
    let regarding = ObjectReference { resource_version: None, ..dep.object_ref(&()) };
    let event = Recorded { type_: EventType::Normal, reason: reason.into(), note: Some(note), action: "Reconcile".into(),
                           secondary: None };
    ctx.recorder.publish(&event, &regarding).await
}

fn settings_name(dep: &Deployment) -> String {
    format!("{}-settings", dep.name_any())
}

/// The ConfigMap `dep` should own: its image and replicas.
async fn apply(dep: &Deployment, ctx: &Ctx) -> Result<Action, kube::Error> {
    let name = settings_name(dep);
    let spec = &dep.spec;
    let image = spec.template.spec.as_ref().and_then(|s| s.containers.first().and_then(|c| c.image.clone()));
    let image = image.unwrap_or_default();
    let desired = json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "ownerReferences": [dep.controller_owner_ref(&())]},
        "data": {"image": image, "replicas": spec.replicas.unwrap_or(1).to_string()},
    });
    let before = ctx.configmaps.get_opt(&name).await?.map(|c| c.resource_version());
    let params = PatchParams::apply(MANAGER).force();
    let after = ctx.configmaps.patch(&name, &params, &Patch::Apply(&desired)).await?;
    let change = match before {
        None => Some("created"),
        Some(rv) if rv != after.resource_version() => Some("changed"),
        Some(_) => None,
    };
    if let Some(change) = change {
        say(&format!("CONFIG : {name} {change}"));
        publish(ctx, dep, "SettingsApplied", format!("{name}: {image}")).await?;
    }
    let generation = dep.meta().generation.unwrap_or_default();
    let status = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "status": {"conditions": [{"type": "Configured", "status": "True", "reason": "SettingsApplied",
                                   "message": format!("{name} for generation {generation}")}]},
    });
    let before = ctx.deployments.get_status(&dep.name_any()).await?.resource_version(); // the cache may lag
    let after = ctx.deployments.patch_status(&dep.name_any(), &params, &Patch::Apply(&status)).await?;
    if after.resource_version() != before {
        say(&format!("STATUS : {} generation {generation}", dep.name_any()));
    }
    Ok(Action::await_change())
}

async fn cleanup(dep: &Deployment, ctx: &Ctx) -> Result<Action, kube::Error> {
    let name = settings_name(dep);
    match ctx.configmaps.delete(&name, &DeleteParams::default()).await {
        Ok(_) => {
            say(&format!("CLEANUP : {name}"));
            publish(ctx, dep, "SettingsDeleted", name).await?;
        }
        Err(kube::Error::Api(status)) if status.is_not_found() => {}
        Err(err) => return Err(err),
    }
    Ok(Action::await_change())
}

async fn reconcile(dep: Arc<Deployment>, ctx: Arc<Ctx>) -> Result<Action, Error> {
    finalizer(&ctx.deployments, FINALIZER, dep, |event| async {
        match event {
            Event::Apply(dep) => apply(&dep, &ctx).await,
            Event::Cleanup(dep) => cleanup(&dep, &ctx).await,
        }
    })
    .await
}

/// Every error but one is printed: a reconcile that runs on a cached Deployment whose finalizer this controller
/// removed a moment ago (its delete not yet watched) gets a 404 removing it again. Whether that happens is a
/// race between the patch's answer and the watch event, on any server; the requeue then finds nothing to do.
fn error_policy(_dep: Arc<Deployment>, err: &Error, _ctx: Arc<Ctx>) -> Action {
    if !matches!(err, FinalizerError::RemoveFinalizer(kube::Error::Api(status)) if status.is_not_found()) {
        say(&format!("ERROR : {}", err.to_string().lines().next().unwrap_or("")));
    }
    Action::requeue(Duration::from_millis(500))
}

/// One line per managedFields entry: who, how, on which subresource, and which fields.
fn managed(meta: &kube::api::ObjectMeta) -> Vec<String> {
    let mut out: Vec<String> = meta.managed_fields.iter().flatten().map(|m| {
        let fields = m.fields_v1.as_ref().map(|f| f.0.to_string()).unwrap_or_default();
        format!("{} {} {} {}", m.manager.as_deref().unwrap_or(""), m.operation.as_deref().unwrap_or(""),
                m.subresource.as_deref().unwrap_or("-"), fields)
    }).collect();
    out.sort();
    out
}

async fn print_state(ctx: &Ctx) -> Result<(), kube::Error> {
    for dep in ctx.deployments.list(&ListParams::default()).await? {
        let conditions: Vec<String> = dep.status.iter().flat_map(|s| s.conditions.iter().flatten())
            .map(|c| format!("{}={} {} {}", c.type_.as_deref().unwrap_or(""), c.status.as_deref().unwrap_or(""),
                             c.reason.as_deref().unwrap_or(""), c.message.as_deref().unwrap_or("")))
            .collect();
        say(&format!("FINAL : deployment {} generation {} finalizers {:?} conditions {:?}", dep.name_any(),
                     dep.meta().generation.unwrap_or_default(), dep.finalizers(), conditions));
        for line in managed(dep.meta()) {
            say(&format!("FINAL :   managed {line}"));
        }
    }
    for cm in ctx.configmaps.list(&ListParams::default()).await? {
        let owners: Vec<String> = cm.owner_references().iter()
            .map(|o| format!("{}/{} controller={:?}", o.kind, o.name, o.controller)).collect();
        say(&format!("FINAL : configmap {} owners {:?} data {:?}", cm.name_any(), owners, cm.data.clone().unwrap_or_default()));
        for line in managed(cm.meta()) {
            say(&format!("FINAL :   managed {line}"));
        }
    }
    // Events are named after the time they were made: printed in the order of what they say.
    let mut lines = Vec::new();
    for ev in ctx.events.list(&ListParams::default()).await? {
        let regarding = ev.regarding.as_ref().map(|r| format!("{}/{}", r.kind.as_deref().unwrap_or(""),
                                                               r.name.as_deref().unwrap_or("")));
        lines.push(format!("FINAL : event {:?} {:?} {:?} {:?} regarding {regarding:?} by {:?}/{:?} series {:?} set {}",
                           ev.type_, ev.reason, ev.action, ev.note, ev.reporting_controller, ev.reporting_instance,
                           ev.series.as_ref().map(|s| s.count), fields_set(&ev)));
    }
    for ev in ctx.core_events.list(&ListParams::default()).await? {
        lines.push(format!("FINAL : core event {:?} {:?} count {:?} source {:?} set {}", ev.reason, ev.message,
                           ev.count, ev.source.as_ref().and_then(|s| s.component.clone()), fields_set(&ev)));
    }
    lines.sort();
    lines.iter().for_each(|line| say(line));
    Ok(())
}

/// The top-level fields an object has, but its metadata: which timestamps and counts the server filled in.
fn fields_set(object: &impl k8s_openapi::serde::Serialize) -> String {
    let value = serde_json::to_value(object).unwrap_or_default();
    let keys: Vec<&str> = value.as_object().into_iter().flat_map(|o| o.keys()).map(String::as_str)
        .filter(|k| *k != "metadata").collect();
    keys.join(",")
}

pub async fn run(client: Client) -> Result<(), Box<dyn std::error::Error>> {
    let ctx = Arc::new(Ctx {
        deployments: Api::default_namespaced(client.clone()),
        configmaps: Api::default_namespaced(client.clone()),
        events: Api::default_namespaced(client.clone()),
        core_events: Api::default_namespaced(client.clone()),
        recorder: Recorder::new(client, Reporter { controller: MANAGER.into(), instance: Some(format!("{MANAGER}-0")) }),
    });
    Controller::new(ctx.deployments.clone(), watcher::Config::default().labels(SELECTOR))
        .owns(ctx.configmaps.clone(), watcher::Config::default())
        .shutdown_on_signal()
        .run(reconcile, error_policy, ctx.clone())
        .for_each(|_| futures::future::ready(()))
        .await;
    print_state(&ctx).await?;
    say("done");
    Ok(())
}
