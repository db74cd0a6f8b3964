package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/tools/cache"
)

var (
	printMu  sync.Mutex
	stopping bool
)

// say prints one whole line from any goroutine. Once shutdown began, event output is dropped: stopping
// a client breaks its watch, and what that makes it report is our doing, not the server's.
func say(format string, args ...any) {
	printMu.Lock()
	defer printMu.Unlock()
	if !stopping {
		fmt.Fprintf(os.Stdout, format+"\n", args...)
	}
}

// cached is one object of a client's cache at exit.
type cached struct{ name, rv string }

// printFinal ends the output: the cache, sorted, then `done`.
func printFinal(objs []cached) {
	printMu.Lock()
	defer printMu.Unlock()
	stopping = true
	sort.Slice(objs, func(i, j int) bool { return objs[i].name < objs[j].name })
	for _, o := range objs {
		fmt.Fprintf(os.Stdout, "FINAL : %s %s\n", o.name, o.rv)
	}
	fmt.Fprintln(os.Stdout, "done")
}

// quiet stops event output while a client shuts down (before its cache is read).
func quiet() {
	printMu.Lock()
	stopping = true
	printMu.Unlock()
}

// nameOf is the name of a typed object, a PartialObjectMetadata, or the tombstone a relist hands to
// DeleteFunc for an object that vanished while the client was not watching.
func nameOf(obj any) string {
	if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = t.Obj
	}
	m, err := meta.Accessor(obj)
	if err != nil {
		return ""
	}
	return m.GetName()
}

// pointers are a list's items as the objects a cache holds (what meta.Accessor reads).
func pointers[T any](items []T) []any {
	out := make([]any, 0, len(items))
	for i := range items {
		out = append(out, &items[i])
	}
	return out
}

func snapshot(objs []any) []cached {
	out := make([]cached, 0, len(objs))
	for _, obj := range objs {
		if m, err := meta.Accessor(obj); err == nil {
			out = append(out, cached{m.GetName(), m.GetResourceVersion()})
		}
	}
	return out
}

// printingHandlers prints what an informer hands to user code. A relist passes kept objects to
// UpdateFunc, so a MODIFIED line with the same resourceVersion is a relist's, not the server's.
func printingHandlers() cache.ResourceEventHandlerFuncs {
	return cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { say("ADDED : %s", nameOf(obj)) },
		UpdateFunc: func(_, obj any) { say("MODIFIED : %s", nameOf(obj)) },
		DeleteFunc: func(obj any) { say("DELETED : %s", nameOf(obj)) },
	}
}

// oneLine keeps an error on the line it is printed on.
func oneLine(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", " ")
}
