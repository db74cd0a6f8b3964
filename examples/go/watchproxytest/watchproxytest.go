// Package watchproxytest runs `watchproxy replay` for a Go test, on a manual clock, and drives it through
// its control API (/_watchproxy/ on the same port): move time, arm faults, read what the client asked.
//
//	r := watchproxytest.Start(t, "nginx-deploy", watchproxytest.Options{Seed: 1})
//	cfg := r.RestConfig()             // give it to your manager or clientset
//	first := r.WaitForWatches(1)[0]
//	r.AdvanceTo(*first.Deadline)      // the apiserver's timeout close, at once
//	r.Fault(map[string]any{"action": "expire", "match": map[string]any{"verb": "watch"}})
//
// The watchproxy command is $WATCHPROXY (e.g. "python -m watchproxy"), else `watchproxy` on PATH, else
// the nearest .venv/bin/python -m watchproxy above the working directory (this repository's checkout).
package watchproxytest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/rest"
)

// Options of a replay. The zero value is emulate mode with seed 0.
type Options struct {
	Seed int      // seeds the randomized watch timeout: same seed, same requests, same closes
	Mode string   // "emulate" (default) or "exact"
	Args []string // any other `watchproxy replay` flags, e.g. "--min-request-timeout", "60"
}

// Replay is a running `watchproxy replay --clock manual`, stopped when the test ends.
type Replay struct {
	URL string // http://127.0.0.1:PORT: plain HTTP on loopback, no credentials
	t   testing.TB
}

// Request is one request the client made, as the replay's request log has it.
type Request struct {
	ID          int               `json:"id"`
	Method      string            `json:"method"`
	Path        string            `json:"path"`
	Verb        string            `json:"verb"`
	Params      map[string]string `json:"params"`
	VirtualTime float64           `json:"virtual_time"`
	Events      int               `json:"events"`
	Status      int               `json:"status"`   // the HTTP status answered (0 until the answer begins)
	End         string            `json:"end"`      // "open" while it runs; "timeout", "fault-expire", …
	Deadline    *float64          `json:"deadline"` // emulate: when the server will close this watch
}

// ResourceVersion is the resourceVersion the request asked from ("" when none).
func (q Request) ResourceVersion() string { return q.Params["resourceVersion"] }

// Start runs the replay of a recording (a bundled name such as "nginx-deploy", or a path).
func Start(t testing.TB, recording string, o Options) *Replay {
	t.Helper()
	mode := o.Mode
	if mode == "" {
		mode = "emulate"
	}
	args := append(command(t), "replay", recording, "--clock", "manual", "--mode", mode,
		"--seed", strconv.Itoa(o.Seed), "--listen", "127.0.0.1:0")
	cmd := exec.Command(args[0], append(args[1:], o.Args...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("watchproxy: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	// The one line it prints when ready: "watchproxy replay: listening on http://127.0.0.1:PORT, serving …"
	line, err := bufio.NewReader(out).ReadString('\n')
	_, url, ok := strings.Cut(line, "listening on ")
	if err != nil || !ok {
		t.Fatalf("watchproxy replay did not start: %q %v", line, err)
	}
	url, _, _ = strings.Cut(url, ",")
	go func() { _, _ = bufio.NewReader(out).WriteTo(os.Stdout) }() // drain its stdout
	return &Replay{URL: strings.TrimSpace(url), t: t}
}

func command(t testing.TB) []string {
	if c := os.Getenv("WATCHPROXY"); c != "" {
		return strings.Fields(c)
	}
	if p, err := exec.LookPath("watchproxy"); err == nil {
		return []string{p}
	}
	dir, _ := os.Getwd()
	for ; dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		if py := filepath.Join(dir, ".venv", "bin", "python"); fileExists(py) {
			return []string{py, "-m", "watchproxy"}
		}
	}
	t.Fatal("watchproxy not found: set WATCHPROXY, e.g. WATCHPROXY='python -m watchproxy'")
	return nil
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// RestConfig is a client configuration for the replay.
func (r *Replay) RestConfig() *rest.Config { return &rest.Config{Host: r.URL} }

// Now is the replay's virtual time, in seconds since the recording began.
func (r *Replay) Now() float64 {
	var st struct {
		VirtualTime float64 `json:"virtual_time"`
	}
	r.call("GET", "status", nil, &st)
	return st.VirtualTime
}

// Advance moves virtual time forward; every event, bookmark and timeout on the way fires in order.
func (r *Replay) Advance(seconds float64) float64 {
	var res struct {
		VirtualTime float64 `json:"virtual_time"`
	}
	r.call("POST", "clock/advance", map[string]any{"seconds": seconds}, &res)
	return res.VirtualTime
}

// AdvanceTo moves virtual time to t (e.g. a watch's deadline).
func (r *Replay) AdvanceTo(t float64) float64 { return r.Advance(max(0, t-r.Now())) }

// Fault arms a fault (README, Faults); returns how many open streams it hit at once.
func (r *Replay) Fault(spec map[string]any) int {
	var res struct {
		Hit int `json:"open_streams_hit"`
	}
	r.call("POST", "faults", spec, &res)
	return res.Hit
}

// Requests is every request served so far; verb "" for all, else "watch", "list", "get", …
func (r *Replay) Requests(verb string) []Request {
	var res struct {
		Requests []Request `json:"requests"`
	}
	q := ""
	if verb != "" {
		q = "?verb=" + verb
	}
	r.call("GET", "requests"+q, nil, &res)
	return res.Requests
}

// WaitFor waits until cond holds, re-checking every 20 ms, or fails the test after 30 s.
func (r *Replay) WaitFor(what string, cond func() bool) {
	r.t.Helper()
	for give := time.Now().Add(30 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(give) {
			r.t.Fatalf("watchproxy: %s not reached within 30s; requests: %+v", what, r.Requests(""))
		}
	}
}

// WaitForWatches waits until the client has made n watch requests and the n-th is open and answered (so an
// emulated one has its Deadline: a request is logged as it arrives, before the engine takes it); returns them all.
func (r *Replay) WaitForWatches(n int) []Request {
	r.t.Helper()
	var ws []Request
	r.WaitFor(fmt.Sprintf("%d open watch requests", n), func() bool {
		ws = r.Requests("watch")
		return len(ws) >= n && ws[n-1].End == "open" && ws[n-1].Status != 0
	})
	return ws
}

func (r *Replay) call(method, route string, body any, into any) {
	r.t.Helper()
	var data []byte
	if body != nil {
		data, _ = json.Marshal(body)
	}
	req, err := http.NewRequest(method, r.URL+"/_watchproxy/"+route, bytes.NewReader(data))
	if err != nil {
		r.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatalf("watchproxy %s %s: %v", method, route, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body)
		r.t.Fatalf("watchproxy %s %s: %s %s", method, route, resp.Status, b.String())
	}
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		r.t.Fatalf("watchproxy %s %s: %v", method, route, err)
	}
}
