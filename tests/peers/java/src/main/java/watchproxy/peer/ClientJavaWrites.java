package watchproxy.peer;

import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapList;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentList;
import io.kubernetes.client.openapi.models.V1DeploymentSpec;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceList;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1ServiceSpec;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.options.DeleteOptions;
import io.kubernetes.client.util.generic.options.PatchOptions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The writes a controller built on the official Java client makes, through GenericKubernetesApi: creates, an update
 * (and a stale one), the four patch types, deletes with and without propagation; a ConfigMap, a Deployment (one
 * invalid), Services (a type change, a headless one). Each answer is one line of what the client read of it, so a
 * test can hold a replay's transcript against the real apiserver's: the client checks every object it reads
 * against the OpenAPI's required fields, and refuses an answer that lacks one.
 */
final class ClientJavaWrites {
    private ClientJavaWrites() {}

    static void run(ApiClient client, String ns) {
        var configMaps = new GenericKubernetesApi<>(V1ConfigMap.class, V1ConfigMapList.class, "", "v1", "configmaps",
                client);
        var deployments = new GenericKubernetesApi<>(V1Deployment.class, V1DeploymentList.class, "apps", "v1",
                "deployments", client);
        var services = new GenericKubernetesApi<>(V1Service.class, V1ServiceList.class, "", "v1", "services", client);

        V1ConfigMap cm = new V1ConfigMap().metadata(new V1ObjectMeta().name("c1").namespace(ns)).data(Map.of("a", "1"));
        say("create configmap", configMaps.create(cm));
        say("create it again", configMaps.create(cm));
        V1ConfigMap read = configMaps.get(ns, "c1").getObject();
        read.setData(Map.of("a", "2", "b", "3"));
        say("update", configMaps.update(read));
        read.getMetadata().setResourceVersion("1");
        say("stale update", configMaps.update(read));
        say("merge patch", configMaps.patch(ns, "c1", "application/merge-patch+json",
                new V1Patch("{\"metadata\":{\"labels\":{\"x\":\"y\"}}}")));
        say("json patch", configMaps.patch(ns, "c1", "application/json-patch+json",
                new V1Patch("[{\"op\":\"remove\",\"path\":\"/data/b\"}]")));
        say("json patch of a missing key", configMaps.patch(ns, "c1", "application/json-patch+json",
                new V1Patch("[{\"op\":\"remove\",\"path\":\"/data/zz\"}]")));
        say("strategic merge patch", configMaps.patch(ns, "c1", "application/strategic-merge-patch+json",
                new V1Patch("{\"data\":{\"s\":\"1\"}}")));
        PatchOptions apply = new PatchOptions();
        apply.setFieldManager("java-writes");
        apply.setForce(true);
        say("server-side apply", configMaps.patch(ns, "c1", "application/apply-patch+yaml",
                new V1Patch("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c1\"},"
                        + "\"data\":{\"ap\":\"1\"}}"), apply));

        say("create deployment", deployments.create(deployment(ns, "d1", "d1")));
        say("scale by patch", deployments.patch(ns, "d1", "application/merge-patch+json",
                new V1Patch("{\"spec\":{\"replicas\":3}}")));
        say("new image", deployments.patch(ns, "d1", "application/strategic-merge-patch+json",
                new V1Patch("{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1.28\"}]}}}}")));
        say("create a deployment its selector misses", deployments.create(deployment(ns, "d2", "other")));

        say("create service", services.create(new V1Service().metadata(new V1ObjectMeta().name("s1").namespace(ns))
                .spec(new V1ServiceSpec().selector(Map.of("app", "d1"))
                        .ports(List.of(new V1ServicePort().port(80).targetPort(new IntOrString(8080)))))));
        say("make it a NodePort", services.patch(ns, "s1", "application/merge-patch+json",
                new V1Patch("{\"spec\":{\"type\":\"NodePort\"}}")));
        say("create headless service", services.create(new V1Service().metadata(new V1ObjectMeta().name("h1")
                .namespace(ns)).spec(new V1ServiceSpec().clusterIP("None").ports(List.of(new V1ServicePort().port(80))))));

        say("delete configmap", configMaps.delete(ns, "c1"));
        say("delete it again", configMaps.delete(ns, "c1"));
        DeleteOptions foreground = new DeleteOptions();
        foreground.setPropagationPolicy("Foreground");
        say("delete deployment in the foreground", deployments.delete(ns, "d1", foreground));
        say("delete service", services.delete(ns, "s1"));
        Transcript.finish(Map.of());
    }

    static V1Deployment deployment(String ns, String name, String selected) {
        return new V1Deployment().metadata(new V1ObjectMeta().name(name).namespace(ns)).spec(new V1DeploymentSpec()
                .selector(new V1LabelSelector().matchLabels(Map.of("app", selected)))
                .template(new V1PodTemplateSpec().metadata(new V1ObjectMeta().labels(Map.of("app", name)))
                        .spec(new V1PodSpec().containers(List.of(new V1Container().name("c").image("nginx:1.27"))))));
    }

    /** What the client read: the code and the Status's reason, or the object's kind and what a controller uses. */
    static void say(String step, KubernetesApiResponse<?> r) {
        Object o = r.getObject();
        String what;
        if (!r.isSuccess()) {
            what = r.getStatus() == null ? "no Status" : r.getStatus().getReason() + ": " + r.getStatus().getMessage();
        } else if (o instanceof V1Service s) {
            what = "Service " + s.getSpec().getType() + " cluster IPs " + size(s.getSpec().getClusterIPs())
                    + " families " + s.getSpec().getIpFamilies() + " " + s.getSpec().getIpFamilyPolicy();
        } else if (o instanceof V1Deployment d) {
            what = "Deployment replicas " + d.getSpec().getReplicas() + " generation " + d.getMetadata().getGeneration()
                    + " " + d.getSpec().getStrategy().getType() + " "
                    + d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()
                    + " finalizers " + d.getMetadata().getFinalizers();
        } else if (o instanceof V1ConfigMap c) {
            what = "ConfigMap " + new TreeMap<>(c.getData() == null ? Map.of() : c.getData()) + " labels "
                    + c.getMetadata().getLabels() + " resourceVersion set " + (c.getMetadata().getResourceVersion() != null);
        } else {
            what = o == null ? (r.getStatus() == null ? "no object" : "Status " + r.getStatus().getStatus()) : "?";
        }
        Transcript.say(step + " : " + r.getHttpStatusCode() + " " + what);
    }

    static int size(List<?> list) {
        return list == null ? 0 : list.size();
    }
}
