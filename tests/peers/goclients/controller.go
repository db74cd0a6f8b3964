package main

import (
	"context"
	"errors"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"
	"k8s.io/utils/ptr"
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
	err = ctrl.NewControllerManagedBy(mgr).For(&corev1.Pod{}).Complete(&annotator{mgr.GetClient(), o.children})
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
	return snapshot(pointers(pods.Items)), nil
}

type annotator struct {
	client.Client
	children bool
}

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
	if a.children {
		return ctrl.Result{}, a.child(ctx, &pod)
	}
	return ctrl.Result{}, nil
}

// child creates, updates and deletes a Deployment owned by the pod, through controller-runtime's client
// as an operator does: every body in protobuf (a DeleteOptions too). It prints `CHILD : name created`,
// `… updated` (replicas 0 → 1) and `… deleted`, or `ERROR : child name: …`.
func (a *annotator) child(ctx context.Context, pod *corev1.Pod) error {
	labels := map[string]string{"app": pod.Name + "-child"}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: pod.Name + "-child", Namespace: pod.Namespace, Labels: labels,
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "Pod", Name: pod.Name, UID: pod.UID}}},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](0), // a pointer's zero, which JSON keeps
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Strategy: appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType,
				RollingUpdate: &appsv1.RollingUpdateDeployment{MaxSurge: ptr.To(intstr.FromString("25%")),
					MaxUnavailable: ptr.To(intstr.FromInt32(0))}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "nginx:1.27",
					Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
						corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("64Mi")}}}}},
			},
		},
	}
	steps := []struct {
		done string
		do   func() error
	}{
		{"created", func() error { return a.Create(ctx, d) }},
		{"updated", func() error { d.Spec.Replicas = ptr.To[int32](1); return a.Update(ctx, d) }},
		{"deleted", func() error { return a.Delete(ctx, d, client.PropagationPolicy(metav1.DeletePropagationBackground)) }},
	}
	for _, step := range steps {
		if err := step.do(); err != nil {
			say("ERROR : child %s: %s", d.Name, statusOf(err))
			return err
		}
		say("CHILD : %s %s", d.Name, step.done)
	}
	return nil
}

// statusOf is an API error as `code Reason` (a replay's 404 Status message names every near miss).
func statusOf(err error) string {
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		return fmt.Sprintf("%d %s", status.Status().Code, status.Status().Reason)
	}
	return oneLine(err)
}
