package main

import (
	"context"
	"fmt"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
)

// runWrites makes the writes a controller-runtime reconciler makes, in its helpers' idioms, through the manager's
// client (protobuf bodies for built-in kinds): CreateOrUpdate (created, updated, unchanged without a request),
// AddFinalizer and Update, a merge patch with and without optimistic locking, a status patch, a typed
// server-side apply, CreateOrPatch, DeleteAllOf, deletes with a stale precondition and in the foreground. One line
// per step of what the client read (`step : …`), then `done`.
func runWrites(ctx context.Context, cfg *rest.Config, o options) ([]cached, error) {
	c, err := client.New(cfg, client.Options{})
	if err != nil {
		return nil, err
	}
	ns := o.namespace
	step := func(name string, err error, what string) {
		if err != nil {
			if status, ok := err.(apierrors.APIStatus); ok {
				what = fmt.Sprintf("%d %s: %s", status.Status().Code, status.Status().Reason, status.Status().Message)
			} else {
				what = "client error: " + strings.SplitN(err.Error(), "\n", 2)[0]
			}
		}
		say("%s : %s", name, what)
	}
	data := func(cm *corev1.ConfigMap) string {
		keys := make([]string, 0, len(cm.Data))
		for k, v := range cm.Data {
			keys = append(keys, k+"="+v)
		}
		sort.Strings(keys)
		return fmt.Sprintf("data %v labels %v finalizers %v", keys, cm.Labels, cm.Finalizers)
	}

	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "c1", Namespace: ns}}
	for _, value := range []string{"1", "2", "2"} {
		result, err := controllerutil.CreateOrUpdate(ctx, c, cm, func() error {
			cm.Data = map[string]string{"a": value}
			return nil
		})
		step("create or update a="+value, err, string(result)+" "+data(cm))
	}
	stale := cm.DeepCopy()
	controllerutil.AddFinalizer(cm, "watchproxy.test/hold")
	step("add a finalizer and update", c.Update(ctx, cm), data(cm))
	labelled := cm.DeepCopy()
	labelled.Labels = map[string]string{"x": "y"}
	step("merge patch locked to a stale version", c.Patch(ctx, labelled,
		client.MergeFromWithOptions(stale, client.MergeFromWithOptimisticLock{})), data(labelled))
	labelled = cm.DeepCopy()
	labelled.Labels = map[string]string{"x": "y"}
	step("merge patch", c.Patch(ctx, labelled, client.MergeFrom(cm)), data(labelled))

	applied := corev1ac.ConfigMap("c2", ns).WithLabels(map[string]string{"x": "y"}).WithData(map[string]string{"ap": "1"})
	step("typed server-side apply", c.Apply(ctx, applied, client.FieldOwner("goclients-writes"), client.ForceOwnership), "ok")

	d := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "d1", Namespace: ns}}
	result, err := controllerutil.CreateOrPatch(ctx, c, d, func() error {
		d.Spec.Replicas = ptr.To[int32](2)
		d.Spec.Selector = &metav1.LabelSelector{MatchLabels: map[string]string{"app": "d1"}}
		d.Spec.Template.Labels = map[string]string{"app": "d1"}
		d.Spec.Template.Spec.Containers = []corev1.Container{{Name: "c", Image: "nginx:1.27"}}
		d.Status.ObservedGeneration = d.Generation
		return nil
	})
	step("create or patch a deployment", err, fmt.Sprintf("%s generation %d", result, d.Generation))
	result, err = controllerutil.CreateOrPatch(ctx, c, d, func() error {
		d.Spec.Template.Spec.Containers[0].Image = "nginx:1.28"
		d.Status.ObservedGeneration = d.Generation
		d.Status.Replicas = 2
		return nil
	})
	step("create or patch it again, status too", err, fmt.Sprintf("%s generation %d status replicas %d", result,
		d.Generation, d.Status.Replicas))
	before := d.DeepCopy()
	d.Status.ReadyReplicas = 1
	step("status patch", c.Status().Patch(ctx, d, client.MergeFrom(before)), fmt.Sprintf("ready %d", d.Status.ReadyReplicas))

	step("delete with a stale precondition", c.Delete(ctx, stale, client.Preconditions{
		ResourceVersion: ptr.To(stale.ResourceVersion)}), "deleted")
	step("delete all labelled", c.DeleteAllOf(ctx, &corev1.ConfigMap{}, client.InNamespace(ns),
		client.MatchingLabels{"x": "y"}), "ok")
	err = c.Get(ctx, client.ObjectKeyFromObject(cm), cm)
	step("the one with a finalizer", err, fmt.Sprintf("deleting %v %s", cm.DeletionTimestamp != nil, data(cm)))
	step("delete the deployment in the foreground", c.Delete(ctx, d, client.PropagationPolicy(metav1.DeletePropagationForeground)), "ok")
	err = c.Get(ctx, client.ObjectKeyFromObject(d), d)
	step("the deployment", err, fmt.Sprintf("deleting %v finalizers %v", d.DeletionTimestamp != nil, d.Finalizers))
	return nil, nil
}
