package watchproxy.josdk;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Version;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * A JOSDK reconciler of a custom resource, JOSDK's usual primary (the test installs its definition, with a status
 * subresource): each reconcile sets the status and returns {@code UpdateControl.patchStatus}, which JOSDK sends as a
 * server-side apply of the whole resource to the status subresource, metadata and resourceVersion included.
 * Prints {@code GADGET : name generation N size S}.
 */
@ControllerConfiguration(name = "gadgets")
public class Gadgets implements Reconciler<Gadgets.Gadget> {

    @Group("josdk.watchproxy.test")
    @Version("v1")
    @Kind("Gadget")
    public static class Gadget extends CustomResource<GadgetSpec, GadgetStatus> implements Namespaced {}

    public static class GadgetSpec {
        public String size;
    }

    public static class GadgetStatus {
        public Long observedGeneration;
        public String phase;
    }

    @Override
    public UpdateControl<Gadget> reconcile(Gadget gadget, Context<Gadget> context) {
        long generation = gadget.getMetadata().getGeneration();
        JosdkPeer.say("GADGET : " + gadget.getMetadata().getName() + " generation " + generation + " size "
            + gadget.getSpec().size);
        GadgetStatus status = new GadgetStatus();
        status.observedGeneration = generation;
        status.phase = "Ready";
        gadget.setStatus(status);
        return UpdateControl.patchStatus(gadget);
    }
}
