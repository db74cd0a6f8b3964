package watchproxy.peer;

import com.google.gson.reflect.TypeToken;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodList;
import io.kubernetes.client.util.Config;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.generic.GenericKubernetesApi;
import java.io.FileReader;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * The official Java client (kubernetes-client/java, Maven {@code io.kubernetes:client-java}) watching pods in the
 * kubeconfig's namespace, for watchproxy's tests; the same output as {@link Fabric8Peer}.
 *
 * <p>{@code inform}: a SharedIndexInformer from a SharedInformerFactory over a GenericKubernetesApi, the way the
 * client's informer examples build one (list, watch, re-watch after a clean end, relist after a 410: its
 * ReflectorRunnable). {@code watch}: {@code Watch.createWatch} over {@code listNamespacedPod(...).watch(true)}, as
 * the client's WatchExample does, inside the loop a program writes around it (the example watches once): after a
 * clean end of the stream it watches again from the last resourceVersion; an ERROR event or a failed request ends
 * it with {@code ERROR : ...}, the cache, {@code done} and exit 1. {@code watch-bookmarks}: the same with
 * {@code allowWatchBookmarks(true)}, on which this client cannot read a Pod bookmark
 * (kubernetes-client/java#4160). {@code writes}: {@link ClientJavaWrites}, in the kubeconfig's namespace.
 */
public final class ClientJavaPeer {
    private static volatile int exitCode;

    private ClientJavaPeer() {}

    static String name(V1Pod o) {
        return o == null || o.getMetadata() == null ? "null" : String.valueOf(o.getMetadata().getName());
    }

    static String rv(V1Pod o) {
        return o == null || o.getMetadata() == null ? "" : String.valueOf(o.getMetadata().getResourceVersion());
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        String mode = args.length > 0 ? args[0] : "inform";
        String path = System.getenv("KUBECONFIG");
        String ns;
        try (FileReader reader = new FileReader(path)) {
            ns = KubeConfig.loadKubeConfig(reader).getNamespace();
        }
        ns = ns == null || ns.isEmpty() ? "default" : ns;
        ApiClient client = Config.fromConfig(path);
        // A watch waits as long as the server keeps it open: OkHttp's 10 s read timeout would end it first.
        client.setHttpClient(client.getHttpClient().newBuilder().readTimeout(0, TimeUnit.SECONDS).build());
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        switch (mode) {
            case "inform" -> inform(client, ns, stop);
            case "watch" -> watch(client, ns, false, stop);
            case "watch-bookmarks" -> watch(client, ns, true, stop);
            case "writes" -> ClientJavaWrites.run(client, ns);
            default -> {
                System.err.println("usage: ClientJavaPeer inform|watch|watch-bookmarks|writes");
                System.exit(2);
            }
        }
        System.exit(exitCode);
    }

    static void inform(ApiClient client, String ns, CountDownLatch stop) throws InterruptedException {
        SharedInformerFactory factory = new SharedInformerFactory(client);
        GenericKubernetesApi<V1Pod, V1PodList> pods =
                new GenericKubernetesApi<>(V1Pod.class, V1PodList.class, "", "v1", "pods", client);
        SharedIndexInformer<V1Pod> informer = factory.sharedIndexInformerFor(pods, V1Pod.class, 0, ns,
                (type, t) -> Transcript.say("ERROR : " + oneLine(t)));
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(V1Pod pod) {
                Transcript.say("ADDED : " + name(pod));
            }

            @Override
            public void onUpdate(V1Pod old, V1Pod pod) {
                Transcript.say("MODIFIED : " + name(pod));
            }

            @Override
            public void onDelete(V1Pod pod, boolean finalStateUnknown) {
                Transcript.say("DELETED : " + name(pod));
            }
        });
        factory.startAllRegisteredInformers();
        stop.await();
        Map<String, String> cache = new TreeMap<>();
        informer.getIndexer().list().forEach(p -> cache.put(name(p), rv(p)));
        Transcript.finish(cache); // before the stop, whose interrupted threads log on stderr
        factory.stopAllRegisteredInformers();
    }

    static void watch(ApiClient client, String ns, boolean bookmarks, CountDownLatch stop) throws InterruptedException {
        CoreV1Api api = new CoreV1Api(client);
        Map<String, String> cache = new TreeMap<>();
        Thread loop = new Thread(() -> {
            String resourceVersion = null;
            try {
                while (true) {
                    try (Watch<V1Pod> w = Watch.createWatch(client,
                            api.listNamespacedPod(ns).watch(true).allowWatchBookmarks(bookmarks)
                                    .resourceVersion(resourceVersion).buildCall(null),
                            new TypeToken<Watch.Response<V1Pod>>() {}.getType())) {
                        for (Watch.Response<V1Pod> event : w) {
                            if ("ERROR".equals(event.type)) {
                                throw new ErrorEvent(event.status == null ? "ERROR event"
                                        : event.status.getCode() + " " + event.status.getMessage());
                            }
                            resourceVersion = rv(event.object);
                            synchronized (cache) {
                                switch (event.type) {
                                    case "ADDED", "MODIFIED" -> cache.put(name(event.object), resourceVersion);
                                    case "DELETED" -> cache.remove(name(event.object));
                                    default -> { }
                                }
                            }
                            Transcript.say(event.type + " : "
                                    + ("BOOKMARK".equals(event.type) ? resourceVersion : name(event.object)));
                        }
                    }
                }
            } catch (ApiException | IOException | RuntimeException e) {
                Transcript.say("ERROR : " + oneLine(e));
                exitCode = 1;
                stop.countDown();
            }
        }, "watch");
        loop.setDaemon(true);
        loop.start();
        stop.await();
        synchronized (cache) {
            Transcript.finish(cache);
        }
    }

    /** An ERROR event in the stream: printed as its code and message, as the other drivers print it. */
    static final class ErrorEvent extends RuntimeException {
        ErrorEvent(String message) {
            super(message);
        }
    }

    static String oneLine(Throwable t) {
        if (t instanceof ErrorEvent) {
            return t.getMessage();
        }
        String code = t instanceof ApiException a && a.getCode() > 0 ? a.getCode() + " " : "";
        String msg = String.valueOf(t.getMessage()).lines().findFirst().orElse("");
        return code + t.getClass().getSimpleName() + ": " + msg;
    }
}
