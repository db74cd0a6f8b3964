package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"time"

	certv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
)

// runApprover is a CSR approver and signer cut down to their API calls, as a kubelet-serving approver or a
// cluster's own signer make them: an informer on the CertificateSigningRequests of --signer (fieldSelector
// spec.signerName, protobuf), the approval (UpdateApproval) of each request named ok-… and the denial of
// the others, then for each approved one a certificate for its key, signed by a CA made at start
// (UpdateStatus). It prints `APPROVED|DENIED|SIGNED : name`, and `ERROR : what name: …` for a refusal (a
// conflict is not one: the informer brings the request again).
func runApprover(ctx context.Context, cfg *rest.Config, o options) ([]cached, error) {
	clientset, err := typedClients(cfg, runtime.ContentTypeProtobuf)
	if err != nil {
		return nil, err
	}
	ca, err := newSigner()
	if err != nil {
		return nil, err
	}
	factory := informers.NewSharedInformerFactoryWithOptions(clientset, 0,
		informers.WithTweakListOptions(func(lo *metav1.ListOptions) { lo.FieldSelector = "spec.signerName=" + o.signer }))
	informer := factory.Certificates().V1().CertificateSigningRequests().Informer()
	work := make(chan *certv1.CertificateSigningRequest, 100)
	enqueue := func(obj any) {
		if csr, ok := obj.(*certv1.CertificateSigningRequest); ok {
			work <- csr
		}
	}
	if _, err := informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    enqueue,
		UpdateFunc: func(_, obj any) { enqueue(obj) },
	}); err != nil {
		return nil, err
	}
	go decideEach(ctx, clientset, ca, work)
	return runSharedInformer(ctx, informer)
}

// decideEach approves or denies each undecided request it is handed and signs each approved one without a
// certificate.
func decideEach(ctx context.Context, clientset kubernetes.Interface, ca *signer,
	work <-chan *certv1.CertificateSigningRequest) {
	csrs := clientset.CertificatesV1().CertificateSigningRequests()
	for {
		select {
		case <-ctx.Done():
			return
		case csr := <-work:
			csr = csr.DeepCopy()
			approved, denied := condition(csr, certv1.CertificateApproved), condition(csr, certv1.CertificateDenied)
			switch {
			case !approved && !denied:
				verdict, kind := "DENIED", certv1.CertificateDenied
				if strings.HasPrefix(csr.Name, "ok-") {
					verdict, kind = "APPROVED", certv1.CertificateApproved
				}
				csr.Status.Conditions = append(csr.Status.Conditions, certv1.CertificateSigningRequestCondition{
					Type: kind, Status: corev1.ConditionTrue, Reason: "WatchproxyPeer", Message: "decided by name"})
				_, err := csrs.UpdateApproval(ctx, csr.Name, csr, metav1.UpdateOptions{})
				report(ctx, verdict, csr.Name, err)
			case approved && len(csr.Status.Certificate) == 0:
				certificate, err := ca.sign(csr.Spec.Request)
				if err == nil {
					csr.Status.Certificate = certificate
					_, err = csrs.UpdateStatus(ctx, csr, metav1.UpdateOptions{})
				}
				report(ctx, "SIGNED", csr.Name, err)
			}
		}
	}
}

func condition(csr *certv1.CertificateSigningRequest, kind certv1.RequestConditionType) bool {
	for _, c := range csr.Status.Conditions {
		if c.Type == kind && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}

func report(ctx context.Context, done, name string, err error) {
	switch {
	case err == nil:
		say("%s : %s", done, name)
	case apierrors.IsConflict(err) || ctx.Err() != nil:
	default:
		say("ERROR : %s %s: %s", strings.ToLower(done), name, statusOf(err))
	}
}

// signer is a CA: an ECDSA key and its self-signed certificate.
type signer struct {
	key  *ecdsa.PrivateKey
	cert *x509.Certificate
}

func newSigner() (*signer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	template := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "watchproxy peer CA"},
		NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return &signer{key, cert}, err
}

// sign issues a client certificate for a PEM certificate request's key and subject.
func (s *signer) sign(request []byte) ([]byte, error) {
	block, _ := pem.Decode(request)
	if block == nil {
		return nil, errors.New("no PEM block in the request")
	}
	req, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil {
		return nil, err
	}
	template := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: req.Subject,
		NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, template, s.cert, req.PublicKey, s.key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}
