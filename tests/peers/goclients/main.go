// Command goclients runs one real Go Kubernetes client against a kubeconfig, for watchproxy's tests.
//
// One binary for every subcommand, because every Kubernetes binary costs minutes to link:
//
//	goclients informer   [flags]  client-go SharedInformer on pods over the typed clientset, in JSON
//	goclients controller [flags]  controller-runtime manager: cache informer on pods (protobuf) and a
//	                              reconciler that patches an annotation onto every pod it sees
//	goclients metadata   [flags]  metadata informer on pods (protobuf PartialObjectMetadata)
//	goclients watchlist  [flags]  a bare Reflector with WatchListClient on: sendInitialEvents and the
//	                              k8s.io/initial-events-end bookmark (typed client as is: protobuf first)
//	goclients operator   [flags]  controller-runtime, unstructured: installs a CRD, waits for it, creates
//	                              custom resources and sets their status through the status subresource
//	goclients scheduler  [flags]  kube-scheduler's API calls: an informer on unassigned pods, a Binding
//	                              (protobuf) of each to --node
//	goclients approver   [flags]  a CSR approver and signer: an informer on --signer's requests, an
//	                              approval or denial of each, a certificate for each approved one
//	goclients writes     [flags]  a controller-runtime reconciler's writes in its helpers' idioms (writes.go)
//	goclients protoschema         the protobuf schema of every built-in kind, as watchproxy decodes it
//	goclients protosamples [...]  random objects of every kind in protobuf and as the apiserver's JSON
//	goclients quantities          each quantity on stdin as the apiserver writes it back (or ERROR)
//	goclients jsonerrors          each base64 body on stdin as encoding/json judges it: ok, or its error
//	goclients typeddecode         each base64 body on stdin decoded into a Pod as the apiserver decodes it:
//	                              the Pod encoded again and the strict errors, or the error
//
// Every subcommand that talks to a cluster takes --as USER, to run as someone else (rest.Config.Impersonate).
//
// Every subcommand prints, one whole line at a time (the conventions of tests/clients/README.md, which
// `watchproxy check` parses): `ADDED|MODIFIED|DELETED : name` per event its handlers see, `ERROR : text`
// for a watch error the reflector reports, and on SIGTERM, SIGINT or --deadline its cache as sorted
// `FINAL : name resourceVersion` lines followed by `done`, exit 0.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// options are the flags every subcommand shares.
type options struct {
	kubeconfig  string
	namespace   string
	deadline    time.Duration
	watchList   bool
	leaderElect bool
	children    bool
	group       string
	node        string
	signer      string
	as          string
}

type peer func(ctx context.Context, cfg *rest.Config, o options) ([]cached, error)

var peers = map[string]peer{
	"informer":   runInformer,
	"controller": runController,
	"metadata":   runMetadata,
	"watchlist":  runWatchList,
	"operator":   runOperator,
	"scheduler":  runScheduler,
	"approver":   runApprover,
	"writes":     runWrites,
}

// tools are the subcommands that talk to no cluster (protoschema.go).
var tools = map[string]func(args []string) error{
	"protoschema":  runProtoSchema,
	"protosamples": runProtoSamples,
	"quantities":   runQuantities,
	"jsonerrors":   runJSONErrors,
	"typeddecode":  runTypedDecode,
}

func main() {
	if len(os.Args) >= 2 && tools[os.Args[1]] != nil {
		if err := tools[os.Args[1]](os.Args[2:]); err != nil {
			fmt.Fprintf(os.Stderr, "goclients %s: %v\n", os.Args[1], err)
			os.Exit(1)
		}
		return
	}
	if len(os.Args) < 2 || peers[os.Args[1]] == nil {
		fmt.Fprintln(os.Stderr, "usage: goclients informer|controller|metadata|watchlist|operator|scheduler|approver|writes "+
			"[--kubeconfig PATH] [--namespace NS] [--deadline DURATION] [--watch-list=false] [--leader-elect] "+
			"[--children] [--group G] [--node NAME] [--signer NAME] [--as USER]")
		os.Exit(2)
	}
	name := os.Args[1]
	fs := flag.NewFlagSet(name, flag.ExitOnError)
	var o options
	fs.StringVar(&o.kubeconfig, "kubeconfig", os.Getenv("KUBECONFIG"), "kubeconfig of the cluster (or the proxy)")
	fs.StringVar(&o.namespace, "namespace", "default", "namespace whose pods are watched")
	fs.DurationVar(&o.deadline, "deadline", 0, "stop after this long, as on SIGTERM (0: only on a signal)")
	fs.BoolVar(&o.watchList, "watch-list", true,
		"client-go's WatchListClient gate (on by default since 0.35); off: LIST then WATCH")
	fs.BoolVar(&o.leaderElect, "leader-elect", false,
		"controller: reconcile only once elected leader (a Lease in --namespace, as most operators deploy)")
	fs.BoolVar(&o.children, "children", false,
		"controller: after each patch, create, update and delete a Deployment owned by the pod (protobuf bodies)")
	fs.StringVar(&o.group, "group", "operator.example.com", "operator: the API group of its custom resource")
	fs.StringVar(&o.node, "node", "node-1", "scheduler: the node every pod is bound to")
	fs.StringVar(&o.signer, "signer", "example.com/watchproxy", "approver: the signer whose requests it decides")
	fs.StringVar(&o.as, "as", "", "the user to impersonate (rest.Config.Impersonate), as a kubeconfig's as: does")
	_ = fs.Parse(os.Args[2:])
	if err := run(name, o); err != nil {
		fmt.Fprintf(os.Stderr, "goclients %s: %v\n", name, err)
		os.Exit(1)
	}
}

func run(name string, o options) error {
	if !o.watchList {
		// client-go reads its gates from KUBE_FEATURE_* once, on first use: before any client exists.
		if err := os.Setenv("KUBE_FEATURE_WatchListClient", "false"); err != nil {
			return err
		}
	}
	if o.kubeconfig == "" {
		return errors.New("no kubeconfig: pass --kubeconfig or set KUBECONFIG")
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", o.kubeconfig)
	if err != nil {
		return err
	}
	cfg.UserAgent = "watchproxy-goclients/" + name
	cfg.Impersonate.UserName = o.as
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if o.deadline > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.deadline)
		defer cancel()
	}
	final, err := peers[name](ctx, cfg, o)
	if err != nil {
		return err
	}
	printFinal(final)
	return nil
}
