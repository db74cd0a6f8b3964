// Package example is a small controller-runtime controller and, in controller_test.go, how to test its
// reconnect behaviour against `watchproxy replay` with no cluster: a manual clock, the apiserver's
// timeout close and an ERROR 410, in well under a second of wall time.
package example

import (
	"context"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// PhaseTracker remembers the phase of every pod it reconciles: the smallest controller whose state
// shows whether it missed an event.
type PhaseTracker struct {
	client.Client
	mu     sync.Mutex
	phases map[string]corev1.PodPhase
}

// Reconcile records the pod's phase, or forgets a deleted pod.
func (p *PhaseTracker) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var pod corev1.Pod
	err := p.Get(ctx, req.NamespacedName, &pod)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.phases == nil {
		p.phases = map[string]corev1.PodPhase{}
	}
	switch {
	case apierrors.IsNotFound(err):
		delete(p.phases, req.Name)
	case err != nil:
		return ctrl.Result{}, err
	default:
		p.phases[req.Name] = pod.Status.Phase
	}
	return ctrl.Result{}, nil
}

// Phases is what the controller knows now.
func (p *PhaseTracker) Phases() map[string]corev1.PodPhase {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]corev1.PodPhase, len(p.phases))
	for k, v := range p.phases {
		out[k] = v
	}
	return out
}

// SetupWithManager registers the controller for pods.
func (p *PhaseTracker) SetupWithManager(mgr ctrl.Manager) error {
	p.Client = mgr.GetClient()
	return ctrl.NewControllerManagedBy(mgr).For(&corev1.Pod{}).Complete(p)
}
