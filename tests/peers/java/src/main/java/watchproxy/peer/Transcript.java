package watchproxy.peer;

import java.util.Map;
import java.util.TreeMap;

/**
 * What every Java peer prints (the shape `watchproxy check` and the tests read): {@code TYPE : name} per event,
 * {@code ERROR : ...}, and at the end the cache as sorted {@code FINAL : name rv} lines and {@code done}.
 * Each line whole and flushed, so a test reading stdout sees it at once; no event lines once the end began,
 * as the client's threads may still be delivering while the peer stops.
 */
final class Transcript {
    private static final Object OUT = new Object();
    private static volatile boolean stopping;

    private Transcript() {}

    static void say(String line) {
        synchronized (OUT) {
            if (!stopping) {
                print(line);
            }
        }
    }

    /** From here on only {@link #finish} prints. */
    static void stopping() {
        stopping = true;
    }

    static void finish(Map<String, String> cache) {
        synchronized (OUT) {
            stopping = true;
            new TreeMap<>(cache).forEach((n, v) -> print("FINAL : " + n + " " + v));
            print("done");
        }
    }

    private static void print(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
