package main

import (
	"context"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/metadata/metadatainformer"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
)

// runMetadata watches only the metadata of pods: the metadata client asks for protobuf
// PartialObjectMetadata (with JSON as the alternative), as garbage collectors and quota controllers do.
func runMetadata(ctx context.Context, cfg *rest.Config, o options) ([]cached, error) {
	client, err := metadata.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	pods := schema.GroupVersionResource{Version: "v1", Resource: "pods"}
	informer := metadatainformer.NewFilteredMetadataInformer(client, pods, o.namespace, 0, cache.Indexers{}, nil)
	return runSharedInformer(ctx, informer.Informer())
}
