// internaltypes prints, as JSON, the apiserver's internal Go types that an "Invalid value" in a refusal
// prints: a field made immutable by validation is printed as the internal struct (encoding/json of a struct
// without JSON tags, so with Go's field names), not as the object the client sent.
//
// Usage (from tests/peers/realkube): go run ./internaltypes > ../../../proxy/apiserver/internal_types.json
//
// The roots are the types whose values refusals print (immutable fields, invalid strategies); for each struct
// reachable from them, its fields in declaration order, each as
// [key Go writes, key of the same field in the versioned (v1) JSON ("" where v1 has none, or inlines it),
// type, flags]. A type is a scalar
// ("string", "int", "bool", "float", "bytes"), one with its own JSON ("quantity", "time", "intorstr", "raw": an
// embedded object's JSON as sent), a
// metav1 struct written with its own JSON tags ("meta"), ".Name" (a struct of this table), ["list", type]
// or ["map", type]. Flags: p pointer, o omitempty, i inline (an embedded struct without a tag).
package main

import (
	"encoding/json"
	"os"
	"reflect"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	certificatesv1 "k8s.io/api/certificates/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	resourcev1 "k8s.io/api/resource/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/kubernetes/pkg/apis/apps"
	"k8s.io/kubernetes/pkg/apis/batch"
	"k8s.io/kubernetes/pkg/apis/certificates"
	"k8s.io/kubernetes/pkg/apis/core"
	"k8s.io/kubernetes/pkg/apis/policy"
	"k8s.io/kubernetes/pkg/apis/rbac"
	resourceapi "k8s.io/kubernetes/pkg/apis/resource"
)

type field [4]any

var (
	types = map[string][]field{}
	seen  = map[string]string{} // a name's package: the table is keyed by bare names
)

func jsonKey(f reflect.StructField) (string, string) {
	tag := f.Tag.Get("json")
	if tag == "" {
		return f.Name, ""
	}
	parts := strings.Split(tag, ",")
	flags := ""
	for _, p := range parts[1:] {
		if p == "omitempty" {
			flags += "o"
		}
	}
	if parts[0] == "" {
		return f.Name, flags
	}
	return parts[0], flags
}

var (
	quantity = reflect.TypeOf(resource.Quantity{})
	timeType = reflect.TypeOf(metav1.Time{})
	intOrStr = reflect.TypeOf(intstr.IntOrString{})
	rawExt   = reflect.TypeOf(runtime.RawExtension{})
	metaPkg  = reflect.TypeOf(metav1.ObjectMeta{}).PkgPath()
)

// kind describes internal type t; v is the versioned type at the same place (nil when there is none).
func kind(t, v reflect.Type) (any, string) {
	flags := ""
	if t.Kind() == reflect.Pointer {
		flags = "p"
		t = t.Elem()
		if v != nil && v.Kind() == reflect.Pointer {
			v = v.Elem()
		}
	}
	switch {
	case t == quantity:
		return "quantity", flags
	case t == timeType:
		return "time", flags
	case t == intOrStr:
		return "intorstr", flags
	case t == rawExt:
		return "raw", flags
	case t.Kind() == reflect.Struct && t.PkgPath() == metaPkg:
		return "meta", flags
	}
	switch t.Kind() {
	case reflect.String:
		return "string", flags
	case reflect.Bool:
		return "bool", flags
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "int", flags
	case reflect.Float32, reflect.Float64:
		return "float", flags
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "bytes", flags
		}
		var ve reflect.Type
		if v != nil && v.Kind() == reflect.Slice {
			ve = v.Elem()
		}
		k, _ := kind(t.Elem(), ve)
		return []any{"list", k}, flags
	case reflect.Map:
		var ve reflect.Type
		if v != nil && v.Kind() == reflect.Map {
			ve = v.Elem()
		}
		k, _ := kind(t.Elem(), ve)
		return []any{"map", k}, flags
	case reflect.Struct:
		walk(t, v)
		return "." + t.Name(), flags
	}
	panic("unexpected kind " + t.String())
}

func walk(t, v reflect.Type) {
	if _, done := types[t.Name()]; done {
		if types[t.Name()] != nil && t.PkgPath() != seen[t.Name()] {
			panic("two internal types named " + t.Name())
		}
		return
	}
	seen[t.Name()] = t.PkgPath()
	types[t.Name()] = nil
	out := []field{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		key, flags := jsonKey(f)
		versioned := ""
		var vt reflect.Type
		if v != nil && v.Kind() == reflect.Struct {
			if vf, ok := v.FieldByName(f.Name); ok {
				versioned = strings.Split(vf.Tag.Get("json"), ",")[0] // "" for an inline struct
				vt = vf.Type
			}
		}
		k, more := kind(f.Type, vt)
		if f.Anonymous && f.Tag.Get("json") == "" {
			flags += "i"
		}
		out = append(out, field{key, versioned, k, more + flags})
	}
	types[t.Name()] = out
}

func main() {
	roots := map[string][2]reflect.Type{
		"PodTemplateSpec":       {reflect.TypeOf(core.PodTemplateSpec{}), reflect.TypeOf(corev1.PodTemplateSpec{})},
		"PersistentVolumeClaim": {reflect.TypeOf(core.PersistentVolumeClaim{}), reflect.TypeOf(corev1.PersistentVolumeClaim{})},
		"PodFailurePolicy":      {reflect.TypeOf(batch.PodFailurePolicy{}), reflect.TypeOf(batchv1.PodFailurePolicy{})},
		"SuccessPolicy":         {reflect.TypeOf(batch.SuccessPolicy{}), reflect.TypeOf(batchv1.SuccessPolicy{})},
		"UncountedTerminatedPods": {reflect.TypeOf(batch.UncountedTerminatedPods{}),
			reflect.TypeOf(batchv1.UncountedTerminatedPods{})},
		"DeploymentStrategy": {reflect.TypeOf(apps.DeploymentStrategy{}), reflect.TypeOf(appsv1.DeploymentStrategy{})},
		"StatefulSetUpdateStrategy": {reflect.TypeOf(apps.StatefulSetUpdateStrategy{}),
			reflect.TypeOf(appsv1.StatefulSetUpdateStrategy{})},
		"DaemonSetUpdateStrategy": {reflect.TypeOf(apps.DaemonSetUpdateStrategy{}),
			reflect.TypeOf(appsv1.DaemonSetUpdateStrategy{})},
		"PodDisruptionBudgetSpec": {reflect.TypeOf(policy.PodDisruptionBudgetSpec{}),
			reflect.TypeOf(policyv1.PodDisruptionBudgetSpec{})},
		"RoleRef":         {reflect.TypeOf(rbac.RoleRef{}), reflect.TypeOf(rbacv1.RoleRef{})},
		"ObjectReference": {reflect.TypeOf(core.ObjectReference{}), reflect.TypeOf(corev1.ObjectReference{})},
		"EventSource":     {reflect.TypeOf(core.EventSource{}), reflect.TypeOf(corev1.EventSource{})},
		"ScopeSelector":   {reflect.TypeOf(core.ScopeSelector{}), reflect.TypeOf(corev1.ScopeSelector{})},
		"PersistentVolumeSource": {reflect.TypeOf(core.PersistentVolumeSource{}),
			reflect.TypeOf(corev1.PersistentVolumeSource{})},
		"PodCertificateRequestSpec": {reflect.TypeOf(certificates.PodCertificateRequestSpec{}),
			reflect.TypeOf(certificatesv1.PodCertificateRequestSpec{})},
		"ResourceClaimTemplateSpec": {reflect.TypeOf(resourceapi.ResourceClaimTemplateSpec{}),
			reflect.TypeOf(resourcev1.ResourceClaimTemplateSpec{})},
	}
	names := make([]string, 0, len(roots))
	for n := range roots {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		walk(roots[n][0], roots[n][1])
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(types); err != nil {
		panic(err)
	}
}
