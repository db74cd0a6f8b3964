//! kube-rs watching pods in the kubeconfig's namespace, for watchproxy's tests.
//!
//! `kube::runtime::watcher` with the default backoff (what kube-rs users run), fed through a reflector so
//! the cache printed at the end is kube-rs's own store. The watcher yields `Apply`/`Delete` and, around a
//! (re)list, `Init`/`InitApply`/`InitDone`; it does not say ADDED or MODIFIED, so this peer names each
//! event the way a watch would have: ADDED for a name it had not seen, MODIFIED for a known one with a
//! new resourceVersion, DELETED for a delete or for a name a relist no longer has. Each is printed as
//! `TYPE : name` (the shape `watchproxy check` reads), an error from the stream as `ERROR : …`; on SIGTERM
//! the store is printed as sorted `FINAL : name rv` lines, then `done`, exit 0.
//!
//! `kube-peer streaming` asks for the initial list as a watch stream (`watcher::Config::streaming_lists`:
//! sendInitialEvents and the initial-events-end bookmark); `kube-peer metadata` watches `PartialObjectMeta<Pod>`
//! (metadata-only lists and watches, `as=PartialObjectMetadataList`). `kube-peer controller` is a kube-rs
//! controller with writes instead (controller.rs), `kube-peer crd` one of its own custom resource (crd.rs),
//! `kube-peer writes` a program's writes (writes.rs).

mod controller;
mod crd;
mod writes;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::hash::Hash;
use std::io::Write;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::core::PartialObjectMeta;
use kube::runtime::{reflector, watcher, WatchStreamExt};
use kube::{Api, Client, Resource, ResourceExt};
use k8s_openapi::serde::de::DeserializeOwned;
use tokio::signal::unix::{signal, SignalKind};

pub(crate) fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

fn rv(pod: &impl Resource) -> String {
    pod.resource_version().unwrap_or_default()
}

/// What the peer has printed so far: name → resourceVersion, to name the watcher's events.
#[derive(Default)]
struct Seen {
    pods: BTreeMap<String, String>,
    relist: Option<BTreeSet<String>>, // names in the list being received, between Init and InitDone
}

impl Seen {
    fn apply(&mut self, pod: &impl Resource) {
        let name = pod.name_any();
        match self.pods.insert(name.clone(), rv(pod)) {
            None => say(&format!("ADDED : {name}")),
            Some(old) if old != rv(pod) => say(&format!("MODIFIED : {name}")),
            Some(_) => {} // the same version again (a relist): nothing happened to it
        }
    }

    fn event<K: Resource>(&mut self, event: &watcher::Event<K>) {
        match event {
            watcher::Event::Apply(pod) => self.apply(pod),
            watcher::Event::Delete(pod) => {
                self.pods.remove(&pod.name_any());
                say(&format!("DELETED : {}", pod.name_any()));
            }
            watcher::Event::Init => self.relist = Some(BTreeSet::new()),
            watcher::Event::InitApply(pod) => {
                if let Some(names) = self.relist.as_mut() {
                    names.insert(pod.name_any());
                }
                self.apply(pod);
            }
            watcher::Event::InitDone => {
                let listed = self.relist.take().unwrap_or_default();
                let gone: Vec<String> = self.pods.keys().filter(|n| !listed.contains(*n)).cloned().collect();
                for name in gone {
                    self.pods.remove(&name);
                    say(&format!("DELETED : {name}"));
                }
            }
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::try_default().await?; // KUBECONFIG, its context and namespace
    let config = watcher::Config::default();
    match std::env::args().nth(1).as_deref() {
        Some("controller") => controller::run(client).await,
        Some("writes") => writes::run(client).await,
        Some("crd") => crd::run(client).await,
        Some("streaming") => watch(Api::<Pod>::default_namespaced(client), config.streaming_lists()).await,
        Some("metadata") => watch(Api::<PartialObjectMeta<Pod>>::default_namespaced(client), config).await,
        _ => watch(Api::<Pod>::default_namespaced(client), config).await,
    }
}

async fn watch<K>(api: Api<K>, config: watcher::Config) -> Result<(), Box<dyn std::error::Error>>
where
    K: Resource + Clone + DeserializeOwned + Debug + Send + Sync + 'static,
    K::DynamicType: Clone + Default + Eq + Hash,
{
    let (store, writer) = reflector::store();
    let stream = reflector(writer, watcher(api, config).default_backoff());
    let mut stream = std::pin::pin!(stream);
    let mut term = signal(SignalKind::terminate())?;
    let mut seen = Seen::default();
    loop {
        tokio::select! {
            _ = term.recv() => break,
            _ = tokio::signal::ctrl_c() => break,
            next = stream.next() => match next {
                Some(Ok(event)) => seen.event(&event),
                Some(Err(err)) => say(&format!("ERROR : {}", err.to_string().lines().next().unwrap_or(""))),
                None => break,
            },
        }
    }
    let mut fin: Vec<(String, String)> = store.state().iter().map(|p| (p.name_any(), rv(p.as_ref()))).collect();
    fin.sort();
    for (name, version) in fin {
        say(&format!("FINAL : {name} {version}"));
    }
    say("done");
    Ok(())
}
