package watchproxy.peer;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import sun.misc.Signal;

/**
 * The fabric8 client watching pods in the kubeconfig's namespace, for watchproxy's tests.
 *
 * <p>{@code inform}: a SharedIndexInformer as {@code inform()} builds it (list, watch, relist on 410, its own
 * reconnects). {@code watch}: a plain {@code watch()}, whose reconnects after a clean close are fabric8's
 * own and whose 410 ends it ({@code onClose} with the error). Either prints {@code TYPE : name} per event
 * (the shape `watchproxy check` reads) and, on SIGTERM, the cache as sorted {@code FINAL : name rv} lines
 * and {@code done}, exit 0. A watch closed with an error prints {@code ERROR : code message}, its cache,
 * {@code done} and exits 1, as the Python watch driver does. {@code writes}: {@link Fabric8Writes}, in the
 * kubeconfig's namespace.
 */
public final class Fabric8Peer {
    private Fabric8Peer() {}

    static String name(HasMetadata o) {
        return o == null || o.getMetadata() == null ? "null" : String.valueOf(o.getMetadata().getName());
    }

    static String rv(HasMetadata o) {
        return o == null || o.getMetadata() == null ? "" : String.valueOf(o.getMetadata().getResourceVersion());
    }

    public static void main(String[] args) throws Exception {
        // Before the first logger exists: the client's warnings only, on stderr.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        String mode = args.length > 0 ? args[0] : "inform";
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        try (KubernetesClient client = new KubernetesClientBuilder().build()) { // KUBECONFIG, its context
            switch (mode) {
                case "inform" -> inform(client, stop);
                case "watch" -> watch(client, stop);
                case "writes" -> Fabric8Writes.run(client);
                default -> {
                    System.err.println("usage: Fabric8Peer inform|watch|writes");
                    System.exit(2);
                }
            }
        }
        System.exit(exitCode);
    }

    private static volatile int exitCode;

    static void inform(KubernetesClient client, CountDownLatch stop) throws InterruptedException {
        // What inform(handler, 0) does (runnableInformer, addEventHandler, run), with an exception handler
        // set in between: it can only be set before the informer runs.
        SharedIndexInformer<Pod> informer = client.pods().runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                Transcript.say("ADDED : " + name(pod));
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                Transcript.say("MODIFIED : " + name(pod));
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                Transcript.say("DELETED : " + name(pod));
            }
        });
        informer.exceptionHandler((started, t) -> {
            Transcript.say("ERROR : " + oneLine(t));
            return true; // keep retrying, as the default handler does for most errors
        });
        informer.run(); // the first list and the watch; returns once the cache is synced
        stop.await();
        Transcript.stopping();
        informer.stop();
        Transcript.finish(informer.getStore().list().stream().collect(Collectors.toMap(Fabric8Peer::name, Fabric8Peer::rv)));
    }

    static void watch(KubernetesClient client, CountDownLatch stop) throws InterruptedException {
        Map<String, String> cache = new TreeMap<>();
        Watch w = client.pods().watch(new Watcher<Pod>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                synchronized (cache) {
                    switch (action) {
                        case ADDED, MODIFIED -> cache.put(name(pod), rv(pod));
                        case DELETED -> cache.remove(name(pod));
                        default -> { }
                    }
                }
                Transcript.say(action + " : " + (action == Action.BOOKMARK ? rv(pod) : name(pod)));
            }

            @Override
            public void onClose(WatcherException cause) {
                Transcript.say("ERROR : " + oneLine(cause));
                exitCode = 1;
                stop.countDown();
            }

            @Override
            public void onClose() {
                stop.countDown(); // closed by us
            }
        });
        stop.await();
        Transcript.stopping();
        w.close();
        synchronized (cache) {
            Transcript.finish(cache);
        }
    }

    static String oneLine(Throwable t) {
        String code = "";
        if (t instanceof WatcherException we && we.asClientException().getCode() > 0) {
            code = we.asClientException().getCode() + " ";
        }
        String msg = String.valueOf(t.getMessage()).lines().findFirst().orElse("");
        return code + t.getClass().getSimpleName() + ": " + msg;
    }
}
