package main

import (
	"context"
	"sort"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
)

// runWatchList runs a bare Reflector, the loop inside every informer, with client-go's WatchListClient
// gate on (its default): the first request is a watch with sendInitialEvents=true, and the reflector
// takes the initial state as complete only at the bookmark annotated k8s.io/initial-events-end. Each
// bookmark is printed as `BOOKMARK : rv`, and that one as `INITIAL-EVENTS-END : rv` as well.
func runWatchList(ctx context.Context, cfg *rest.Config, o options) ([]cached, error) {
	clientset, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	pods := clientset.CoreV1().Pods(o.namespace)
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
			return pods.List(ctx, opts)
		},
		WatchFuncWithContext: func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
			w, err := pods.Watch(ctx, opts)
			if err != nil {
				if ctx.Err() == nil {
					say("ERROR : %s", oneLine(err))
				}
				return nil, err
			}
			return watch.Filter(w, func(e watch.Event) (watch.Event, bool) { return show(ctx, e) }), nil
		},
	}
	store := &printingStore{Store: cache.NewStore(cache.MetaNamespaceKeyFunc)}
	r := cache.NewReflectorWithOptions(lw, &corev1.Pod{}, store, cache.ReflectorOptions{Name: "watchlist"})
	r.RunWithContext(ctx)
	quiet()
	return snapshot(store.List()), nil
}

// show prints bookmarks as they pass to the reflector, which consumes them silently, and the ERROR
// events it turns into a relist or a re-watch (a bare Reflector has no error handler to set); not the
// one a stream cut by our own stop turns into.
func show(ctx context.Context, e watch.Event) (watch.Event, bool) {
	if e.Type == watch.Error && ctx.Err() == nil {
		say("ERROR : %s", oneLine(apierrors.FromObject(e.Object)))
	}
	if e.Type == watch.Bookmark {
		if m, err := meta.Accessor(e.Object); err == nil {
			say("BOOKMARK : %s", m.GetResourceVersion())
			if m.GetAnnotations()[metav1.InitialEventsAnnotationKey] == "true" {
				say("INITIAL-EVENTS-END : %s", m.GetResourceVersion())
			}
		}
	}
	return e, true
}

// printingStore prints what the reflector writes into its store. The initial state of a WatchList (and
// every relist) arrives as one Replace; it is printed as the events an informer would hand out: ADDED
// for new objects, MODIFIED for changed ones, DELETED for the vanished, each group in name order.
type printingStore struct{ cache.Store }

func (s *printingStore) Add(obj any) error {
	say("ADDED : %s", nameOf(obj))
	return s.Store.Add(obj)
}

func (s *printingStore) Update(obj any) error {
	say("MODIFIED : %s", nameOf(obj))
	return s.Store.Update(obj)
}

func (s *printingStore) Delete(obj any) error {
	say("DELETED : %s", nameOf(obj))
	return s.Store.Delete(obj)
}

func (s *printingStore) Replace(objs []any, rv string) error {
	before := map[string]string{}
	for _, c := range snapshot(s.Store.List()) {
		before[c.name] = c.rv
	}
	after := snapshot(objs)
	sort.Slice(after, func(i, j int) bool { return after[i].name < after[j].name })
	for _, c := range after {
		old, ok := before[c.name]
		switch {
		case !ok:
			say("ADDED : %s", c.name)
		case old != c.rv:
			say("MODIFIED : %s", c.name)
		}
		delete(before, c.name)
	}
	gone := make([]string, 0, len(before))
	for name := range before {
		gone = append(gone, name)
	}
	sort.Strings(gone)
	for _, name := range gone {
		say("DELETED : %s", name)
	}
	return s.Store.Replace(objs, rv)
}
