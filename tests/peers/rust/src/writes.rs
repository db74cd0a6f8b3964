//! `kube-peer writes`: the writes a kube-rs program makes outside a controller, in kube-rs's own idioms, in the
//! kubeconfig's namespace: `Api::entry` (read, modify, replace with the version read), metadata-only reads and
//! patches (`as=PartialObjectMetadata`), `replace_status` and `patch_status`, a dry-run create, a pod's eviction
//! and logs, `delete_collection`. One line per answer of what the client read, then `done`, so a test can hold a
//! replay's transcript against the real apiserver's.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Pod};
use k8s_openapi::serde_json::json;
use kube::api::{DeleteParams, EvictParams, ListParams, LogParams, Patch, PatchParams, PostParams};
use kube::{Api, Client, ResourceExt};

use crate::say;

fn answer<T>(step: &str, result: Result<T, kube::Error>, what: impl FnOnce(T) -> String) {
    let line = match result {
        Ok(value) => what(value),
        Err(kube::Error::Api(status)) => format!("{} {}: {}", status.code, status.reason, status.message),
        Err(err) => format!("client error: {}", err.to_string().lines().next().unwrap_or("")),
    };
    say(&format!("{step} : {line}"));
}

fn data(cm: &ConfigMap) -> String {
    format!("{:?}", cm.data.clone().unwrap_or_default())
}

/// A metadata-only answer: the kind it came as (PartialObjectMetadata) and its labels.
fn partial<K>(m: kube::core::PartialObjectMeta<K>) -> String {
    format!("{} {:?}", m.types.as_ref().map(|t| t.kind.as_str()).unwrap_or_default(), m.metadata.labels)
}

pub async fn run(client: Client) -> Result<(), Box<dyn std::error::Error>> {
    let cms: Api<ConfigMap> = Api::default_namespaced(client.clone());
    let cm = |name: &str, value: &str| ConfigMap {
        metadata: kube::api::ObjectMeta { name: Some(name.into()), ..Default::default() },
        data: Some(BTreeMap::from([("a".to_string(), value.to_string())])),
        ..Default::default()
    };

    let inserted = async {
        let mut entry = cms.entry("e1").await?.or_insert(|| cm("e1", "1"));
        entry.commit(&PostParams::default()).await.map_err(|e| kube::Error::Service(e.to_string().into()))?;
        Ok(entry.get().clone())
    };
    answer("entry: inserted", inserted.await, |c: ConfigMap| data(&c));
    let modified = async {
        let mut entry = cms.entry("e1").await?.and_modify(|c| {
            c.data.get_or_insert_with(BTreeMap::new).insert("b".into(), "2".into());
        }).or_insert(|| cm("e1", "never"));
        entry.commit(&PostParams::default()).await.map_err(|e| kube::Error::Service(e.to_string().into()))?;
        Ok(entry.get().clone())
    };
    answer("entry: modified", modified.await, |c: ConfigMap| data(&c));
    answer("get metadata", cms.get_metadata("e1").await, partial);
    answer("patch metadata", cms.patch_metadata("e1", &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"labels": {"x": "y"}}}))).await, partial);
    answer("get metadata of a missing one", cms.get_metadata_opt("nope").await, |m| format!("{:?}", m.map(|m| m.name_any())));
    let dry = PostParams { dry_run: true, ..Default::default() };
    answer("dry-run create", cms.create(&dry, &cm("dry", "1")).await, |c| format!("{} {}", c.name_any(), data(&c)));
    answer("after the dry run", cms.get_opt("dry").await, |c| format!("{:?}", c.map(|c| c.name_any())));

    let deployments: Api<Deployment> = Api::default_namespaced(client.clone());
    let d: Deployment = k8s_openapi::serde_json::from_value(json!({
        "metadata": {"name": "d1"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "d1"}}, "template": {
            "metadata": {"labels": {"app": "d1"}}, "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}}
    }))?;
    answer("create deployment", deployments.create(&PostParams::default(), &d).await, |d| {
        format!("generation {:?}", d.metadata.generation)
    });
    let replaced = async {
        let mut current = deployments.get_status("d1").await?;
        current.status.get_or_insert_with(Default::default).replicas = Some(1);
        current.status.get_or_insert_with(Default::default).observed_generation = current.metadata.generation;
        deployments.replace_status("d1", &PostParams::default(), &current).await
    };
    answer("replace status", replaced.await, |d| format!("status replicas {:?}", d.status.and_then(|s| s.replicas)));
    answer("patch status", deployments.patch_status("d1", &PatchParams::default(),
        &Patch::Merge(json!({"status": {"readyReplicas": 1}}))).await,
        |d| format!("status ready {:?}", d.status.and_then(|s| s.ready_replicas)));

    let pods: Api<Pod> = Api::default_namespaced(client.clone());
    let p: Pod = k8s_openapi::serde_json::from_value(json!({
        "metadata": {"name": "p1", "labels": {"app": "p"}},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}
    }))?;
    answer("create pod", pods.create(&PostParams::default(), &p).await, |p| {
        format!("phase {:?}", p.status.and_then(|s| s.phase))
    });
    answer("pod logs", pods.logs("p1", &LogParams::default()).await, |l| format!("{} bytes", l.len()));
    answer("evict pod", pods.evict("p1", &EvictParams::default()).await, |s| format!("{:?} {}", s.status, s.code));
    answer("after the eviction", pods.get_opt("p1").await, |p| format!("{:?}", p.map(|p| p.name_any())));

    answer("delete collection", cms.delete_collection(&DeleteParams::default(), &ListParams::default().labels("x=y"))
        .await, |gone| gone.either(|list| format!("list of {}", list.items.len()),
                                    |status| format!("status {:?}", status.status)));
    answer("delete deployment", deployments.delete("d1", &DeleteParams::foreground()).await,
           |gone| gone.either(|d| format!("object, finalizers {:?}", d.finalizers()),
                              |status| format!("status {:?}", status.status)));
    say("done");
    Ok(())
}
