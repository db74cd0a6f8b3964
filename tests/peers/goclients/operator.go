package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/recorder"
)

// runOperator is an operator's first run, as `make install run` does it: it installs its
// CustomResourceDefinition (widgets.<--group>, with a status subresource and a defaulted field), waits
// for it to be established, creates two widgets (one the schema refuses), and reconciles: each widget's
// status is set from its spec through the status subresource. Everything goes through
// controller-runtime's client and cache as unstructured objects, the way an operator without generated
// types talks to its own API. It prints `CRD : name established`, `CREATED : name`, `ERROR : create name:
// code Reason`, the cache's `ADDED|MODIFIED|DELETED : name` and `STATUS : name ready replicas=N size=N`; each
// status set is also recorded as an Event (Ready, through events.k8s.io/v1), which `kubectl describe` shows,
// and followed by two controllers' conditions applied to the status (`CONDITIONS : ...`).
func runOperator(ctx context.Context, cfg *rest.Config, o options) ([]cached, error) {
	ctrl.SetLogger(klog.Background())
	c, err := client.New(cfg, client.Options{})
	if err != nil {
		return nil, err
	}
	crd := widgetDefinition(o.group)
	if err := c.Create(ctx, crd); err != nil && !apierrors.IsAlreadyExists(err) {
		return nil, fmt.Errorf("install %s: %w", crd.GetName(), err)
	}
	err = wait.PollUntilContextTimeout(ctx, 20*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		got := &unstructured.Unstructured{}
		got.SetGroupVersionKind(crd.GroupVersionKind())
		if err := c.Get(ctx, client.ObjectKeyFromObject(crd), got); err != nil {
			return false, err
		}
		conditions, _, _ := unstructured.NestedSlice(got.Object, "status", "conditions")
		for _, cond := range conditions {
			m, _ := cond.(map[string]any)
			if m["type"] == "Established" && m["status"] == "True" {
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		return nil, fmt.Errorf("wait for %s: %w", crd.GetName(), err)
	}
	say("CRD : %s established", crd.GetName())

	// Established is not served yet: the group is in /apis before the aggregator routes /apis/<group>/v1
	// (its APIService is registered by a controller of its own), and a RESTMapper that meets that 404 fails.
	// A careful operator waits for the mapping as envtest's WaitForCRDs waits for discovery.
	gvk := schema.GroupVersionKind{Group: o.group, Version: "v1", Kind: "Widget"}
	err = wait.PollUntilContextTimeout(ctx, 20*time.Millisecond, 30*time.Second, true, func(context.Context) (bool, error) {
		_, err := c.RESTMapper().RESTMapping(gvk.GroupKind(), gvk.Version)
		return err == nil, nil
	})
	if err != nil {
		return nil, fmt.Errorf("wait for %s in discovery: %w", gvk, err)
	}
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Cache:   cache.Options{DefaultNamespaces: map[string]cache.Config{o.namespace: {}}},
		Metrics: metricsserver.Options{BindAddress: "0"},
	})
	if err != nil {
		return nil, err
	}
	informer, err := mgr.GetCache().GetInformer(ctx, widget(gvk, "", ""))
	if err != nil {
		return nil, err
	}
	if _, err := informer.AddEventHandler(printingHandlers()); err != nil {
		return nil, err
	}
	if err := ctrl.NewControllerManagedBy(mgr).For(widget(gvk, "", "")).Complete(&statusSetter{mgr.GetClient(), gvk, mgr.GetEventRecorder("widget-operator")}); err != nil {
		return nil, err
	}
	for _, w := range []struct {
		name string
		spec map[string]any
	}{
		{"w1", map[string]any{"color": "red", "replicas": int64(2), "unknown": "pruned"}},
		{"w2", map[string]any{"color": "green", "replicas": int64(11)}}, // not in the enum, above the maximum
	} {
		obj := widget(gvk, o.namespace, w.name)
		obj.Object["spec"] = w.spec
		if err := c.Create(ctx, obj); err != nil {
			say("ERROR : create %s: %s", w.name, statusOf(err))
			continue
		}
		say("CREATED : %s", w.name)
	}
	if err := mgr.Start(ctx); err != nil {
		return nil, err
	}
	quiet()
	list := &unstructured.UnstructuredList{}
	list.SetGroupVersionKind(gvk.GroupVersion().WithKind("WidgetList"))
	if err := mgr.GetCache().List(context.Background(), list, client.InNamespace(o.namespace)); err != nil {
		return nil, err
	}
	return snapshot(pointers(list.Items)), nil
}

type statusSetter struct {
	client.Client
	gvk    schema.GroupVersionKind
	events recorder.EventRecorder // events.k8s.io/v1, as controller-runtime records them
}

func (s *statusSetter) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	w := widget(s.gvk, req.Namespace, req.Name)
	if err := s.Get(ctx, req.NamespacedName, w); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if ready, _, _ := unstructured.NestedBool(w.Object, "status", "ready"); ready {
		return ctrl.Result{}, nil
	}
	replicas, _, _ := unstructured.NestedInt64(w.Object, "spec", "replicas")
	size, _, _ := unstructured.NestedInt64(w.Object, "spec", "size") // the schema's default
	w.Object["status"] = map[string]any{"ready": true, "replicas": replicas}
	if err := s.Status().Update(ctx, w); err != nil {
		if ctx.Err() == nil {
			say("ERROR : status %s: %s", req.Name, statusOf(err))
		}
		return ctrl.Result{}, err
	}
	_, unknown := w.Object["spec"].(map[string]any)["unknown"]
	say("STATUS : %s ready replicas=%d size=%d unknown=%t", req.Name, replicas, size, unknown)
	s.events.Eventf(w, nil, "Normal", "Ready", "SetStatus", "replicas=%d", replicas)
	return ctrl.Result{}, s.applyConditions(ctx, req)
}

// applyConditions applies a condition to the status as this operator and another as a second controller,
// each under its own field owner (server-side apply): the definition keys conditions by type, so the
// apiserver merges the two lists. It prints `CONDITIONS : name type=status,... owners=manager/operation/
// subresource,...` from the second apply's answer.
func (s *statusSetter) applyConditions(ctx context.Context, req ctrl.Request) error {
	var answer *unstructured.Unstructured
	for _, c := range []struct{ owner, kind, reason string }{
		{"widget-operator", "Reconciled", "Synced"}, {"health-checker", "Healthy", "Probed"},
	} {
		answer = widget(s.gvk, req.Namespace, req.Name)
		answer.Object["status"] = map[string]any{"conditions": []any{
			map[string]any{"type": c.kind, "status": "True", "reason": c.reason}}}
		applied := client.ApplyConfigurationFromUnstructured(answer) // (the answer is decoded into it)
		if err := s.Status().Apply(ctx, applied, client.FieldOwner(c.owner)); err != nil {
			say("ERROR : apply %s: %s", req.Name, statusOf(err))
			return err
		}
	}
	conditions, _, _ := unstructured.NestedSlice(answer.Object, "status", "conditions")
	var shown []string
	for _, c := range conditions {
		m, _ := c.(map[string]any)
		shown = append(shown, fmt.Sprintf("%v=%v", m["type"], m["status"]))
	}
	var owners []string
	for _, e := range answer.GetManagedFields() {
		owners = append(owners, fmt.Sprintf("%s/%s/%s", e.Manager, e.Operation, e.Subresource))
	}
	sort.Strings(owners)
	say("CONDITIONS : %s %s owners=%s", req.Name, strings.Join(shown, ","), strings.Join(owners, ","))
	return nil
}

func widget(gvk schema.GroupVersionKind, namespace, name string) *unstructured.Unstructured {
	w := &unstructured.Unstructured{}
	w.SetGroupVersionKind(gvk)
	w.SetNamespace(namespace)
	w.SetName(name)
	return w
}

// widgetDefinition is the CRD an operator's `make install` applies.
func widgetDefinition(group string) *unstructured.Unstructured {
	crd := &unstructured.Unstructured{Object: map[string]any{
		"spec": map[string]any{
			"group": group,
			"scope": "Namespaced",
			"names": map[string]any{"kind": "Widget", "plural": "widgets"},
			"versions": []any{map[string]any{
				"name": "v1", "served": true, "storage": true,
				"subresources": map[string]any{"status": map[string]any{}},
				"schema": map[string]any{"openAPIV3Schema": map[string]any{
					"type": "object",
					"properties": map[string]any{
						"spec": map[string]any{"type": "object", "properties": map[string]any{
							"color":    map[string]any{"type": "string", "enum": []any{"red", "blue"}},
							"replicas": map[string]any{"type": "integer", "maximum": int64(10)},
							"size":     map[string]any{"type": "integer", "default": int64(3)},
						}},
						"status": map[string]any{"type": "object", "properties": map[string]any{
							"ready":    map[string]any{"type": "boolean"},
							"replicas": map[string]any{"type": "integer"},
							"conditions": map[string]any{
								"type": "array", "x-kubernetes-list-type": "map",
								"x-kubernetes-list-map-keys": []any{"type"},
								"items": map[string]any{"type": "object", "required": []any{"type"},
									"properties": map[string]any{
										"type":   map[string]any{"type": "string"},
										"status": map[string]any{"type": "string"},
										"reason": map[string]any{"type": "string"},
									}},
							},
						}},
					},
				}},
			}},
		},
	}}
	crd.SetGroupVersionKind(schema.GroupVersionKind{Group: "apiextensions.k8s.io", Version: "v1", Kind: "CustomResourceDefinition"})
	crd.SetName("widgets." + group)
	crd.SetLabels(map[string]string{"app.kubernetes.io/managed-by": "watchproxy-goclients"})
	return crd
}
