package watchproxy.peer;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.StatusDetails;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The writes a controller built on fabric8 makes, in its own idioms: {@code create}, {@code edit} (fabric8 diffs
 * the edited object against the one it read and sends the difference as a JSON patch), {@code update} with and
 * without a locked resourceVersion, {@code createOr(update)}, the patch types, {@code serverSideApply},
 * {@code editStatus}, {@code scale}, {@code rolling().restart()}, deletes with propagation. Each answer is one line
 * of what the client read of it, so a test can hold a replay's transcript against the real apiserver's.
 */
final class Fabric8Writes {
    private Fabric8Writes() {}

    static void run(KubernetesClient client) {
        var configMaps = client.configMaps();
        ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName("c1").endMetadata()
                .withData(Map.of("a", "1")).build();
        say("create configmap", () -> configMaps.resource(cm).create());
        say("create it again", () -> configMaps.resource(cm).create());
        say("edit: a key added, one changed", () -> configMaps.withName("c1").edit(c -> {
            c.setData(new TreeMap<>(Map.of("a", "2", "b", "3")));
            return c;
        }));
        say("edit: a label added", () -> configMaps.withName("c1").edit(c -> {
            c.getMetadata().setLabels(Map.of("x", "y"));
            return c;
        }));
        say("update locked to a stale resourceVersion", () -> configMaps.resource(cm).lockResourceVersion("1").update());
        say("update unlocked", () -> configMaps.resource(new ConfigMapBuilder(cm).withData(Map.of("u", "1")).build())
                .unlock().update());
        say("createOr update", () -> configMaps.resource(new ConfigMapBuilder(cm).withData(Map.of("o", "1")).build())
                .createOr(r -> r.update()));
        say("json merge patch", () -> configMaps.withName("c1").patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"data\":{\"m\":\"1\"}}"));
        say("strategic merge patch", () -> configMaps.withName("c1").patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
                "{\"metadata\":{\"annotations\":{\"s\":\"1\"}}}"));
        say("json patch", () -> configMaps.withName("c1").patch(PatchContext.of(PatchType.JSON),
                "[{\"op\":\"remove\",\"path\":\"/data/m\"}]"));
        say("server-side apply", () -> configMaps.resource(new ConfigMapBuilder().withNewMetadata().withName("c1")
                .endMetadata().withData(Map.of("ap", "1")).build()).fieldManager("fabric8-writes").forceConflicts()
                .serverSideApply());
        say("server-side apply creating", () -> configMaps.resource(new ConfigMapBuilder().withNewMetadata()
                .withName("c2").endMetadata().withData(Map.of("ap", "2")).build()).fieldManager("fabric8-writes")
                .serverSideApply());

        var deployments = client.apps().deployments();
        Deployment d = new DeploymentBuilder().withNewMetadata().withName("d1").endMetadata().withNewSpec()
                .withReplicas(1).withNewSelector().withMatchLabels(Map.of("app", "d1")).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(Map.of("app", "d1")).endMetadata().withNewSpec()
                .addNewContainer().withName("c").withImage("nginx:1.27").endContainer().endSpec().endTemplate()
                .endSpec().build();
        say("create deployment", () -> deployments.resource(d).create());
        say("scale", () -> deployments.withName("d1").scale(3));
        say("edit the image", () -> deployments.withName("d1").edit(x -> {
            x.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("nginx:1.28");
            return x;
        }));
        say("rolling restart", () -> deployments.withName("d1").rolling().restart());
        say("edit status", () -> deployments.withName("d1").editStatus(x -> {
            x.getStatus().setObservedGeneration(x.getMetadata().getGeneration());
            x.getStatus().setReplicas(3);
            return x;
        }));

        var services = client.services();
        say("create service", () -> services.resource(new ServiceBuilder().withNewMetadata().withName("s1")
                .endMetadata().withNewSpec().withSelector(Map.of("app", "d1")).addNewPort().withPort(80).endPort()
                .endSpec().build()).create());
        say("edit it into a NodePort", () -> services.withName("s1").edit(s -> {
            s.getSpec().setType("NodePort");
            return s;
        }));

        sayDeleted("delete configmap", () -> configMaps.withName("c1").delete());
        sayDeleted("delete it again", () -> configMaps.withName("c1").delete());
        sayDeleted("delete deployment in the foreground",
                () -> deployments.withName("d1").withPropagationPolicy(DeletionPropagation.FOREGROUND).delete());
        sayDeleted("delete service without grace", () -> services.withName("s1").withGracePeriod(0).delete());
        Transcript.finish(Map.of());
    }

    /** What the client read: the object's kind and what a controller uses, or the exception's code and Status. */
    static void say(String step, Supplier<? extends HasMetadata> write) {
        String what;
        try {
            HasMetadata o = write.get();
            if (o instanceof Service s) {
                what = "Service " + s.getSpec().getType() + " cluster IPs " + s.getSpec().getClusterIPs().size()
                        + " node ports " + s.getSpec().getPorts().stream().filter(p -> p.getNodePort() != null).count();
            } else if (o instanceof Deployment x) {
                what = "Deployment replicas " + x.getSpec().getReplicas() + " generation "
                        + x.getMetadata().getGeneration() + " "
                        + x.getSpec().getTemplate().getSpec().getContainers().get(0).getImage() + " restarted "
                        + (x.getSpec().getTemplate().getMetadata().getAnnotations() != null) + " status replicas "
                        + (x.getStatus() == null ? null : x.getStatus().getReplicas());
            } else if (o instanceof ConfigMap c) {
                what = "ConfigMap " + new TreeMap<>(c.getData()) + " labels " + c.getMetadata().getLabels()
                        + " annotations " + c.getMetadata().getAnnotations();
            } else {
                what = o == null ? "null" : o.getKind();
            }
        } catch (KubernetesClientException e) {
            what = e.getCode() + " " + (e.getStatus() == null ? "no Status"
                    : e.getStatus().getReason() + ": " + e.getStatus().getMessage());
        }
        Transcript.say(step + " : " + what);
    }

    static void sayDeleted(String step, Supplier<List<StatusDetails>> delete) {
        String what;
        try {
            List<StatusDetails> gone = delete.get();
            what = gone.size() + " deleted" + (gone.isEmpty() ? "" : " " + gone.get(0).getKind() + " " + gone.get(0).getName());
        } catch (KubernetesClientException e) {
            what = e.getCode() + " " + e.getMessage();
        }
        Transcript.say(step + " : " + what);
    }
}
