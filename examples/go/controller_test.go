package example

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/klog/v2"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"watchproxy.example/operator/watchproxytest"
)

const (
	r9 = "nginx-deploy-679dc9c764-r9ds5"
	d5 = "nginx-deploy-679dc9c764-54d5d"
)

// The Go twin of the README's pytest example: the bundled nginx rollout, replayed to a real
// controller-runtime manager. Its informer resumes after the apiserver's timeout close without a
// relist, and relists after an ERROR 410 in the stream.
func TestControllerResumesAfterTimeoutAndRelistsAfter410(t *testing.T) {
	replay := watchproxytest.Start(t, "nginx-deploy", watchproxytest.Options{Seed: 1})

	ctrl.SetLogger(klog.Background())
	mgr, err := ctrl.NewManager(replay.RestConfig(), ctrl.Options{
		Cache:      cache.Options{DefaultNamespaces: map[string]cache.Config{"default": {}}},
		Metrics:    metricsserver.Options{BindAddress: "0"},             // no port of its own
		Controller: config.Controller{SkipNameValidation: ptr.To(true)}, // a new manager per test run
	})
	if err != nil {
		t.Fatal(err)
	}
	tracker := &PhaseTracker{}
	if err := tracker.SetupWithManager(mgr); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error)
	go func() { stopped <- mgr.Start(ctx) }()
	t.Cleanup(func() { cancel(); <-stopped })

	// client-go's first request is a WatchList: a watch with sendInitialEvents=true.
	first := replay.WaitForWatches(1)[0]
	if first.Params["sendInitialEvents"] != "true" {
		t.Fatalf("first watch: %+v", first.Params)
	}
	replay.Advance(11) // the nginx rollout: both pods created and Running
	replay.WaitFor("both pods Running in the controller", func() bool {
		p := tracker.Phases()
		return p[r9] == corev1.PodRunning && p[d5] == corev1.PodRunning
	})

	// The apiserver closes the watch at its deadline (client-go sends timeoutSeconds in [300, 600)).
	// The informer resumes from the last resourceVersion it saw: no relist.
	replay.AdvanceTo(*first.Deadline)
	second := replay.WaitForWatches(2)[1]
	if second.ResourceVersion() != "1008" || second.Params["sendInitialEvents"] == "true" {
		t.Fatalf("after the timeout close: want a watch from 1008, got %+v", second.Params)
	}
	if ws := replay.Requests("watch"); ws[0].End != "timeout" {
		t.Fatalf("first watch ended %q, want timeout", ws[0].End)
	}

	// An ERROR 410 Expired in the open stream: the informer relists, as a new WatchList (sendInitialEvents,
	// from "at least 1008"), and takes the whole state again from its initial events.
	if hit := replay.Fault(map[string]any{"action": "expire", "match": map[string]any{"verb": "watch"}}); hit != 1 {
		t.Fatalf("expire hit %d open watches, want 1", hit)
	}
	third := replay.WaitForWatches(3)[2]
	if third.Params["sendInitialEvents"] != "true" {
		t.Fatalf("after the 410: want a new WatchList, got %+v", third.Params)
	}
	replay.WaitFor("the relist's initial events", func() bool { return replay.Requests("watch")[2].Events >= 2 })
	if ws := replay.Requests("watch"); ws[1].End != "fault-expire" {
		t.Fatalf("second watch ended %q, want fault-expire", ws[1].End)
	}
	p := tracker.Phases()
	if len(p) != 2 || p[r9] != corev1.PodRunning || p[d5] != corev1.PodRunning {
		t.Fatalf("after the relist the controller knows %v", p)
	}
}
