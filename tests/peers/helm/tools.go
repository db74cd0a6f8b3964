//go:build tools

// Package tools pins the real helm CLI as a test peer: `go build helm.sh/helm/v4/cmd/helm` in this module builds
// Helm 4 itself, unchanged, at the version go.mod names (make peers-helm).
package tools

import _ "helm.sh/helm/v4/cmd/helm"
