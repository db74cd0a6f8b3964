package watchproxy.josdk;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * An operator built on the Java Operator SDK, for watchproxy's write tests: it reconciles the Deployments labelled
 * {@code watchproxy.test/managed=true} of the kubeconfig's namespace. Two dependent resources, as JOSDK users
 * declare them: a ConfigMap {@code NAME-settings} (created and updated, compared with JOSDK's generic matcher) and
 * a Service {@code NAME} (server-side applied, compared with JOSDK's matcher that reads the object's
 * managedFields, so a replay's managedFields decide whether it is applied again). The reconciler then patches a
 * condition onto the Deployment's status (server-side apply, JOSDK's default); being a Cleaner, it gets JOSDK's
 * finalizer. Prints {@code RECONCILED : name generation N} per reconcile (how often depends on timing),
 * {@code CLEANUP : name}, and on SIGTERM the namespace's Deployments, ConfigMaps and Services as the server holds
 * them ({@code FINAL : ...}: finalizers, owners, data, ports, conditions, managedFields), then {@code done}.
 * With the argument {@code gadgets}, {@link Gadgets} runs beside it, a reconciler of a custom resource. The operator
 * leads through a Lease first, as operators are deployed (printed at the end too).
 */
@Workflow(dependents = {@Dependent(type = JosdkPeer.Settings.class), @Dependent(type = JosdkPeer.Web.class)})
@ControllerConfiguration(name = "josdk-peer", informer = @Informer(labelSelector = "watchproxy.test/managed=true"))
public class JosdkPeer implements Reconciler<Deployment>, Cleaner<Deployment> {

    static void say(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }

    static String image(Deployment dep) {
        return dep.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    public static class Settings extends CRUDKubernetesDependentResource<ConfigMap, Deployment> {
        @Override
        protected ConfigMap desired(Deployment dep, Context<Deployment> context) {
            return new ConfigMapBuilder()
                .withNewMetadata().withName(dep.getMetadata().getName() + "-settings")
                .withNamespace(dep.getMetadata().getNamespace()).endMetadata()
                .withData(Map.of("image", image(dep), "replicas", String.valueOf(dep.getSpec().getReplicas())))
                .build();
        }
    }

    public static class Web extends CRUDKubernetesDependentResource<Service, Deployment> {
        @Override
        protected Service desired(Deployment dep, Context<Deployment> context) {
            return new ServiceBuilder()
                .withNewMetadata().withName(dep.getMetadata().getName())
                .withNamespace(dep.getMetadata().getNamespace()).endMetadata()
                .withNewSpec().withSelector(dep.getSpec().getSelector().getMatchLabels())
                .addNewPort().withName("http").withPort(80).endPort().endSpec()
                .build();
        }
    }

    @Override
    public UpdateControl<Deployment> reconcile(Deployment dep, Context<Deployment> context) {
        long generation = dep.getMetadata().getGeneration();
        say("RECONCILED : " + dep.getMetadata().getName() + " generation " + generation);
        DeploymentCondition configured = new DeploymentConditionBuilder().withType("Configured").withStatus("True")
            .withReason("SettingsApplied")
            .withMessage(dep.getMetadata().getName() + "-settings for generation " + generation).build();
        Deployment patch = new Deployment();
        patch.setMetadata(dep.getMetadata());
        DeploymentStatus status = new DeploymentStatus();
        status.setConditions(List.of(configured));
        patch.setStatus(status);
        return UpdateControl.patchStatus(patch);
    }

    @Override
    public DeleteControl cleanup(Deployment dep, Context<Deployment> context) {
        say("CLEANUP : " + dep.getMetadata().getName());
        return DeleteControl.defaultDelete();
    }

    static List<String> managed(HasMetadata object) {
        List<String> out = new ArrayList<>();
        for (ManagedFieldsEntry m : object.getMetadata().getManagedFields()) {
            out.add("FINAL :   managed " + m.getManager() + " " + m.getOperation() + " "
                + (m.getSubresource() == null ? "-" : m.getSubresource()) + " "
                + Serialization.asJson(m.getFieldsV1().getAdditionalProperties()));
        }
        out.sort(null);
        return out;
    }

    static void printState(KubernetesClient client, boolean gadgets) {
        for (Lease l : client.leases().list().getItems()) {
            LeaseSpec spec = l.getSpec();
            say("FINAL : lease " + l.getMetadata().getName() + " holder " + spec.getHolderIdentity() + " duration "
                + spec.getLeaseDurationSeconds() + " transitions " + spec.getLeaseTransitions() + " acquired "
                + (spec.getAcquireTime() != null) + " renewed " + (spec.getRenewTime() != null));
            managed(l).forEach(JosdkPeer::say);
        }
        if (gadgets) {
            for (Gadgets.Gadget g : client.resources(Gadgets.Gadget.class).list().getItems()) {
                say("FINAL : gadget " + g.getMetadata().getName() + " generation " + g.getMetadata().getGeneration()
                    + " status " + Serialization.asJson(g.getStatus()) + " finalizers " + g.getMetadata().getFinalizers());
                managed(g).forEach(JosdkPeer::say);
            }
        }
        for (Deployment d : client.apps().deployments().list().getItems()) {
            List<String> conditions = new ArrayList<>();
            if (d.getStatus() != null) {
                d.getStatus().getConditions().forEach(c -> conditions.add(
                    c.getType() + "=" + c.getStatus() + " " + c.getReason() + " " + c.getMessage()));
            }
            say("FINAL : deployment " + d.getMetadata().getName() + " generation " + d.getMetadata().getGeneration()
                + " finalizers " + d.getMetadata().getFinalizers() + " conditions " + conditions);
            managed(d).forEach(JosdkPeer::say);
        }
        for (ConfigMap c : client.configMaps().list().getItems()) {
            say("FINAL : configmap " + c.getMetadata().getName() + " owners " + owners(c) + " data " + c.getData());
            managed(c).forEach(JosdkPeer::say);
        }
        for (Service s : client.services().list().getItems()) {
            say("FINAL : service " + s.getMetadata().getName() + " owners " + owners(s) + " type "
                + s.getSpec().getType() + " selector " + s.getSpec().getSelector() + " ports "
                + Serialization.asJson(s.getSpec().getPorts()));
            managed(s).forEach(JosdkPeer::say);
        }
    }

    static List<String> owners(HasMetadata object) {
        List<String> out = new ArrayList<>();
        object.getMetadata().getOwnerReferences().forEach(o -> out.add(o.getKind() + "/" + o.getName()
            + " controller=" + o.getController()));
        return out;
    }

    public static void main(String[] args) throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        KubernetesClient client = new KubernetesClientBuilder().build();
        // leader election, as operators are deployed: a Lease in the namespace, renewed by fabric8's LeaderElector;
        // JOSDK's defaults but for exiting (with 1) once the operator stops leading, here when it is stopped
        var election = new LeaderElectionConfiguration("josdk-peer", client.getNamespace(),
            LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
            LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
            LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, "josdk-peer-0", null, false);
        Operator operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false)
            .withLeaderElectionConfiguration(election));
        operator.register(new JosdkPeer(), o -> o.settingNamespace(client.getNamespace()));
        if (args.length > 0 && args[0].equals("gadgets")) { // the test installed their definition first
            operator.register(new Gadgets(), o -> o.settingNamespace(client.getNamespace()));
        }
        operator.start();
        stop.await();
        operator.stop();
        printState(client, args.length > 0 && args[0].equals("gadgets"));
        say("done");
        client.close();
        System.exit(0);
    }
}
