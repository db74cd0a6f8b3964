package main

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
)

// runScheduler is kube-scheduler cut down to its API calls: an informer on the namespace's unassigned pods
// (fieldSelector spec.nodeName=, as kube-scheduler's own) and, for each pod without scheduling gates, the
// Binding its DefaultBinder posts to pods/NAME/binding (the pod's uid as a precondition), in protobuf as
// kube-scheduler sends it. A bound pod leaves the informer's selector: a DELETED line. It prints
// `BOUND : name node` after each binding, `ERROR : bind name: …` for one refused.
func runScheduler(ctx context.Context, cfg *rest.Config, o options) ([]cached, error) {
	clientset, err := typedClients(cfg, runtime.ContentTypeProtobuf)
	if err != nil {
		return nil, err
	}
	factory := informers.NewSharedInformerFactoryWithOptions(clientset, 0, informers.WithNamespace(o.namespace),
		informers.WithTweakListOptions(func(lo *metav1.ListOptions) { lo.FieldSelector = "spec.nodeName=" }))
	informer := factory.Core().V1().Pods().Informer()
	pending := make(chan *corev1.Pod, 100)
	enqueue := func(obj any) {
		if pod, ok := obj.(*corev1.Pod); ok && len(pod.Spec.SchedulingGates) == 0 {
			pending <- pod
		}
	}
	if _, err := informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    enqueue,
		UpdateFunc: func(_, obj any) { enqueue(obj) }, // a gate lifted
	}); err != nil {
		return nil, err
	}
	go bindEach(ctx, clientset, o.node, pending)
	return runSharedInformer(ctx, informer)
}

// bindEach binds each pod it is handed, once.
func bindEach(ctx context.Context, clientset kubernetes.Interface, node string, pending <-chan *corev1.Pod) {
	bound := map[string]bool{}
	for {
		select {
		case <-ctx.Done():
			return
		case pod := <-pending:
			if bound[pod.Name] {
				continue
			}
			binding := &corev1.Binding{
				ObjectMeta: metav1.ObjectMeta{Namespace: pod.Namespace, Name: pod.Name, UID: pod.UID},
				Target:     corev1.ObjectReference{Kind: "Node", Name: node},
			}
			if err := clientset.CoreV1().Pods(pod.Namespace).Bind(ctx, binding, metav1.CreateOptions{}); err != nil {
				if ctx.Err() == nil {
					say("ERROR : bind %s: %s", pod.Name, statusOf(err))
				}
				continue
			}
			bound[pod.Name] = true
			say("BOUND : %s %s", pod.Name, node)
		}
	}
}
