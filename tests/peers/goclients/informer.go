package main

import (
	"context"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
)

// runInformer is the reference client: a SharedInformer from the typed clientset's informer factory,
// told to speak JSON. (Left alone, client-go 0.37's typed clients of built-in kinds ask for
// `application/vnd.kubernetes.protobuf,application/json`: they prefer protobuf, as the watchlist peer
// shows.) With --watch-list=false it does the classic LIST then WATCH.
func runInformer(ctx context.Context, cfg *rest.Config, o options) ([]cached, error) {
	clientset, err := typedClients(cfg, runtime.ContentTypeJSON)
	if err != nil {
		return nil, err
	}
	factory := informers.NewSharedInformerFactoryWithOptions(clientset, 0, informers.WithNamespace(o.namespace))
	informer := factory.Core().V1().Pods().Informer()
	return runSharedInformer(ctx, informer)
}

// typedClients is the typed clientset writing its bodies in contentType (and asking for it first).
func typedClients(cfg *rest.Config, contentType string) (*kubernetes.Clientset, error) {
	cfg = rest.CopyConfig(cfg)
	cfg.ContentType = contentType
	return kubernetes.NewForConfig(cfg)
}

// runSharedInformer prints an informer's events and watch errors until ctx ends, then returns its cache.
func runSharedInformer(ctx context.Context, informer cache.SharedIndexInformer) ([]cached, error) {
	if _, err := informer.AddEventHandler(printingHandlers()); err != nil {
		return nil, err
	}
	if err := informer.SetWatchErrorHandlerWithContext(reportWatchError); err != nil {
		return nil, err
	}
	informer.RunWithContext(ctx) // returns once ctx is done and the informer has stopped
	quiet()
	return snapshot(informer.GetStore().List()), nil
}

// reportWatchError prints what the reflector met (an ERROR 410 event, a refused request) and then does
// what client-go does by default: log it; the reflector itself decides to relist or re-watch.
func reportWatchError(ctx context.Context, r *cache.Reflector, err error) {
	if ctx.Err() == nil {
		say("ERROR : %s", oneLine(err))
	}
	cache.DefaultWatchErrorHandler(ctx, r, err)
}
