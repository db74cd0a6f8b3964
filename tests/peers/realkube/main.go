// realkube runs a real kube-apiserver over an embedded etcd on loopback, for watchproxy's tests.
//
// Usage: realkube DIR [--min-request-timeout S]
//
// It writes DIR/admin.kubeconfig (client certificate, system:masters) and DIR/token.kubeconfig (a static
// bearer token), DIR/token (the bare token, for token-file and exec-plugin tests), prints
// "realkube: ready https://127.0.0.1:PORT" once /readyz answers ok, and on SIGTERM or SIGINT stops the
// apiserver and etcd and removes the data it made (certificates and etcd's directory).
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"flag"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"

	_ "time/tzdata"
)

type keyPair struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	certPEM []byte
	keyPEM  []byte
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "realkube:", err)
		os.Exit(1)
	}
}

func run() error {
	if len(os.Args) < 2 || os.Args[1] == "" || os.Args[1][0] == '-' {
		return fmt.Errorf("usage: realkube DIR [--min-request-timeout S]")
	}
	dir := os.Args[1]
	flags := flag.NewFlagSet("realkube", flag.ContinueOnError)
	minTimeout := flags.Int("min-request-timeout", 1800, "seconds; a watch without timeoutSeconds closes after S*(1+rand)")
	if err := flags.Parse(os.Args[2:]); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	data, err := os.MkdirTemp(dir, ".realkube-data-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(data)

	ports, err := freePorts(3)
	if err != nil {
		return err
	}
	etcdClient, etcdPeer, apiPort := ports[0], ports[1], ports[2]
	server := "https://127.0.0.1:" + strconv.Itoa(apiPort)

	ca, err := newCert(nil, "realkube-ca", nil, true)
	if err != nil {
		return err
	}
	serving, err := newCert(ca, "kube-apiserver", nil, false)
	if err != nil {
		return err
	}
	admin, err := newCert(ca, "admin", []string{"system:masters"}, false)
	if err != nil {
		return err
	}
	saKey, err := newCert(nil, "service-accounts", nil, false)
	if err != nil {
		return err
	}
	token := randomHex(16)
	files := map[string][]byte{
		"ca.crt":      ca.certPEM,
		"serving.crt": serving.certPEM,
		"serving.key": serving.keyPEM,
		"sa.key":      saKey.keyPEM,
		"tokens.csv":  []byte(token + ",token-admin,token-admin-uid,\"system:masters\"\n"),
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(data, name), content, 0o600); err != nil {
			return err
		}
	}

	etcd, err := startEtcd(filepath.Join(data, "etcd"), etcdClient, etcdPeer)
	if err != nil {
		return err
	}
	defer etcd.Close()

	cmd := app.NewAPIServerCommand()
	cmd.SetArgs([]string{
		"--etcd-servers=http://127.0.0.1:" + strconv.Itoa(etcdClient),
		"--bind-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(apiPort),
		"--tls-cert-file=" + filepath.Join(data, "serving.crt"),
		"--tls-private-key-file=" + filepath.Join(data, "serving.key"),
		"--cert-dir=" + filepath.Join(data, "certs"),
		"--client-ca-file=" + filepath.Join(data, "ca.crt"),
		"--token-auth-file=" + filepath.Join(data, "tokens.csv"),
		"--authorization-mode=RBAC",
		"--service-account-issuer=" + server + "/",
		"--service-account-key-file=" + filepath.Join(data, "sa.key"),
		"--service-account-signing-key-file=" + filepath.Join(data, "sa.key"),
		"--service-cluster-ip-range=10.0.0.0/24",
		"--disable-admission-plugins=ServiceAccount",
		"--endpoint-reconciler-type=none",
		"--min-request-timeout=" + strconv.Itoa(*minTimeout),
		"--v=0",
	})
	served := make(chan error, 1)
	go func() { served <- cmd.Execute() }()

	client := adminClient(ca, admin)
	for {
		select {
		case err := <-served:
			return fmt.Errorf("kube-apiserver stopped before it was ready: %v", err)
		case <-time.After(200 * time.Millisecond):
		}
		if ready(client, server) {
			break
		}
	}
	if err := writeKubeconfigs(dir, server, ca, admin, token); err != nil {
		return err
	}
	fmt.Println("realkube: ready " + server)
	// The apiserver's own signal handler ends cmd.Execute on SIGTERM or SIGINT.
	if err := <-served; err != nil && err != context.Canceled {
		fmt.Fprintln(os.Stderr, "realkube: kube-apiserver:", err)
	}
	return nil
}

func startEtcd(dir string, clientPort, peerPort int) (*embed.Etcd, error) {
	cfg := embed.NewConfig()
	cfg.Dir = dir
	cfg.UnsafeNoFsync = true
	cfg.LogLevel = "error"
	clientURL := url.URL{Scheme: "http", Host: "127.0.0.1:" + strconv.Itoa(clientPort)}
	peerURL := url.URL{Scheme: "http", Host: "127.0.0.1:" + strconv.Itoa(peerPort)}
	cfg.ListenClientUrls = []url.URL{clientURL}
	cfg.AdvertiseClientUrls = []url.URL{clientURL}
	cfg.ListenPeerUrls = []url.URL{peerURL}
	cfg.AdvertisePeerUrls = []url.URL{peerURL}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, fmt.Errorf("etcd: %w", err)
	}
	select {
	case <-e.Server.ReadyNotify():
		return e, nil
	case <-time.After(60 * time.Second):
		e.Close()
		return nil, fmt.Errorf("etcd did not become ready in 60 s")
	}
}

func ready(client *http.Client, server string) bool {
	resp, err := client.Get(server + "/readyz")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func adminClient(ca, admin *keyPair) *http.Client {
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	pair, _ := tls.X509KeyPair(admin.certPEM, admin.keyPEM)
	return &http.Client{
		Timeout: 2 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{
			RootCAs: pool, Certificates: []tls.Certificate{pair},
		}},
	}
}

func writeKubeconfigs(dir, server string, ca, admin *keyPair, token string) error {
	b64 := base64.StdEncoding.EncodeToString
	cluster := fmt.Sprintf("clusters:\n- name: realkube\n  cluster:\n    server: %s\n    certificate-authority-data: %s\n", server, b64(ca.certPEM))
	context := "contexts:\n- name: realkube\n  context:\n    cluster: realkube\n    user: admin\n    namespace: default\ncurrent-context: realkube\n"
	head := "apiVersion: v1\nkind: Config\n"
	adminUser := fmt.Sprintf("users:\n- name: admin\n  user:\n    client-certificate-data: %s\n    client-key-data: %s\n", b64(admin.certPEM), b64(admin.keyPEM))
	tokenUser := fmt.Sprintf("users:\n- name: admin\n  user:\n    token: %s\n", token)
	for name, content := range map[string]string{
		"admin.kubeconfig": head + cluster + context + adminUser,
		"token.kubeconfig": head + cluster + context + tokenUser,
		"token":            token + "\n",
		"ca.crt":           string(ca.certPEM),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// newCert makes an ECDSA key and a certificate: self-signed when parent is nil, else signed by parent.
func newCert(parent *keyPair, cn string, orgs []string, isCA bool) (*keyPair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn, Organization: orgs},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
	}
	if isCA {
		tmpl.IsCA = true
		tmpl.BasicConstraintsValid = true
		tmpl.KeyUsage |= x509.KeyUsageCertSign
	}
	signer, signerKey := tmpl, key
	if parent != nil {
		signer, signerKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signerKey)
	if err != nil {
		return nil, err
	}
	cert, _ := x509.ParseCertificate(der)
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	return &keyPair{
		cert:    cert,
		key:     key,
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}),
	}, nil
}

func freePorts(n int) ([]int, error) {
	var ports []int
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			l.Close()
		}
	}()
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
