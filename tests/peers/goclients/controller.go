package main

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
)

// Annotation is what the reconciler writes onto every pod, once.
const Annotation = "watchproxy.test/reconciled"

// runController is a typical operator: a controller-runtime manager whose cache watches pods (in
// protobuf: controller-runtime asks for it for every built-in kind) and a reconciler that patches an
// annotation onto each pod it sees. The cache's own informer prints the events; the reconciler prints
// `PATCHED : name` after each write, `ERROR : patch name: …` when one fails (it is then retried).
func runController(ctx context.Context, cfg *rest.Config, o options) ([]cached, error) {
	ctrl.SetLogger(klog.Background())
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Cache:   cache.Options{DefaultNamespaces: map[string]cache.Config{o.namespace: {}}},
		Metrics: metricsserver.Options{BindAddress: "0"}, // no listening port of its own
		// client-go's leader election: a Lease created, then renewed every few seconds
		LeaderElection:          o.leaderElect,
		LeaderElectionID:        "watchproxy-goclients",
		LeaderElectionNamespace: o.namespace,
	})
	if err != nil {
		return nil, err
	}
	informer, err := mgr.GetCache().GetInformer(ctx, &corev1.Pod{})
	if err != nil {
		return nil, err
	}
	if _, err := informer.AddEventHandler(printingHandlers()); err != nil {
		return nil, err
	}
	err = ctrl.NewControllerManagedBy(mgr).For(&corev1.Pod{}).Complete(&annotator{mgr.GetClient()})
	if err != nil {
		return nil, err
	}
	if err := mgr.Start(ctx); err != nil {
		return nil, err
	}
	quiet()
	// The cache's indexer outlives the manager: what the controller last knew.
	var pods corev1.PodList
	if err := mgr.GetCache().List(context.Background(), &pods, client.InNamespace(o.namespace)); err != nil {
		return nil, err
	}
	objs := make([]any, 0, len(pods.Items))
	for i := range pods.Items {
		objs = append(objs, &pods.Items[i])
	}
	return snapshot(objs), nil
}

type annotator struct{ client.Client }

func (a *annotator) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var pod corev1.Pod
	if err := a.Get(ctx, req.NamespacedName, &pod); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if pod.Annotations[Annotation] == "true" || pod.DeletionTimestamp != nil {
		return ctrl.Result{}, nil
	}
	patch := client.MergeFrom(pod.DeepCopy())
	if pod.Annotations == nil {
		pod.Annotations = map[string]string{}
	}
	pod.Annotations[Annotation] = "true"
	if err := a.Patch(ctx, &pod, patch); err != nil {
		if ctx.Err() == nil {
			say("ERROR : patch %s: %s", pod.Name, statusOf(err))
		}
		return ctrl.Result{}, err // retried with controller-runtime's backoff
	}
	say("PATCHED : %s", pod.Name)
	return ctrl.Result{}, nil
}

// statusOf is an API error as `code Reason` (a replay's 404 Status message names every near miss).
func statusOf(err error) string {
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		return fmt.Sprintf("%d %s", status.Status().Code, status.Status().Reason)
	}
	return oneLine(err)
}
