package main

// The protobuf schemas watchproxy reads write bodies with, taken from the Go types themselves: every kind
// client-go's scheme knows, each struct field's protobuf number, JSON name and options, in Go's field
// order. `goclients protoschema` prints them (proxy/wire/protobuf_schemas.json is its output), and
// `goclients protosamples` prints random objects of every kind as protobuf and as the JSON a real
// apiserver would make of them, for the differential test of watchproxy's decoder.

import (
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"sigs.k8s.io/randfill"

	apidiscoveryv2 "k8s.io/api/apidiscovery/v2"

	"k8s.io/apimachinery/pkg/api/apitesting/fuzzer"
	"k8s.io/apimachinery/pkg/api/resource"
	metafuzzer "k8s.io/apimachinery/pkg/apis/meta/fuzzer"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes/scheme"
)

// Types whose protobuf message and JSON differ in shape: the decoder knows each by this name.
var special = map[reflect.Type]string{
	reflect.TypeFor[metav1.Time]():          "time",
	reflect.TypeFor[metav1.MicroTime]():     "microtime",
	reflect.TypeFor[metav1.Duration]():      "duration",
	reflect.TypeFor[resource.Quantity]():    "quantity",
	reflect.TypeFor[intstr.IntOrString]():   "intorstr",
	reflect.TypeFor[runtime.RawExtension](): "raw",
	reflect.TypeFor[metav1.FieldsV1]():      "raw",
}

var jsonMarshaler = reflect.TypeFor[json.Marshaler]()

type protoMarshaler interface{ Marshal() ([]byte, error) }

// isMessage says whether gogo-protobuf marshals the type as a message of its own.
func isMessage(t reflect.Type) bool {
	m := reflect.TypeFor[protoMarshaler]()
	return t.Implements(m) || reflect.PointerTo(t).Implements(m)
}

type schemaWalk struct {
	messages map[string][][]any
	named    map[string]map[string]string // per message, its fields of a named scalar type (v1.ServiceType)
	// per message, its fields of a named map or slice type or of a map keyed by a named type
	// (v1.ResourceList, map[v1.QualifiedName]v1.DeviceAttribute), as encoding/json's type errors name them
	composite map[string]map[string]string
	// per message, the Go name of each field whose name is not its JSON name capitalised (ObjectMeta, UID),
	// by protobuf number: gogo-protobuf's errors name the Go field ("wrong wireType = 0 for field ObjectMeta")
	goNames map[string]map[string]string
}

func addTo(table map[string]map[string]string, message, field, value string) {
	if table[message] == nil {
		table[message] = map[string]string{}
	}
	table[message][field] = value
}

func messageName(t reflect.Type) string {
	path := strings.TrimPrefix(strings.TrimPrefix(t.PkgPath(), "k8s.io/api/"), "k8s.io/apimachinery/pkg/")
	return path + "." + t.Name()
}

// typeOf names a field type as protobuf_schemas.json does: a scalar, a special type, ".message", or a
// list ["map", key, value] / ["list", item] (a repeated field, or a named slice gogo wraps in a message).
func (w *schemaWalk) typeOf(t reflect.Type) (any, error) {
	if s, ok := special[t]; ok {
		return s, nil
	}
	switch t.Kind() {
	case reflect.String:
		return "string", nil
	case reflect.Bool:
		return "bool", nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "int", nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "uint", nil
	case reflect.Float64:
		return "double", nil
	case reflect.Float32:
		return "float", nil
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "bytes", nil
		}
		item, err := w.typeOf(t.Elem())
		return []any{"list", item}, err
	case reflect.Map:
		key, err := w.typeOf(t.Key())
		if err != nil {
			return nil, err
		}
		value, err := w.typeOf(t.Elem())
		return []any{"map", key, value}, err
	case reflect.Pointer:
		return w.typeOf(t.Elem())
	case reflect.Struct:
		if t.Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(jsonMarshaler) {
			return nil, fmt.Errorf("%s marshals its own JSON: teach the decoder its shape", t)
		}
		name := messageName(t)
		if _, seen := w.messages[name]; !seen {
			w.messages[name] = nil // a placeholder against recursion
			fields, err := w.fields(t)
			if err != nil {
				return nil, err
			}
			w.messages[name] = fields
		}
		return "." + name, nil
	}
	return nil, fmt.Errorf("%s: no protobuf shape for %s", t, t.Kind())
}

// fields lists a struct's protobuf fields in Go's order as [number, JSON name, type, flags] (number 0: an
// embedded TypeMeta's kind and apiVersion, which have none); flags hold
// p (a pointer), r (repeated), o (omitempty), z (omitzero), i (inline: its fields are the parent's in JSON),
// w (an integer of 64 bits).
// A WatchEvent is never a body (and has no envelope of its own), so it is left out.
func (w *schemaWalk) fields(t reflect.Type) ([][]any, error) {
	out := [][]any{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag, ok := f.Tag.Lookup("protobuf")
		if !ok {
			if f.Anonymous && f.Type == reflect.TypeFor[metav1.TypeMeta]() {
				// in protobuf the envelope's; in JSON the object's own, also where it is nested
				out = append(out, []any{0, "kind", "string", "o"}, []any{0, "apiVersion", "string", "o"})
			}
			continue
		}
		number, err := strconv.Atoi(strings.Split(tag, ",")[1])
		if err != nil {
			return nil, fmt.Errorf("%s.%s: protobuf tag %q", t, f.Name, tag)
		}
		jsonTag := strings.Split(f.Tag.Get("json"), ",")
		if jsonTag[0] == "-" {
			continue
		}
		flags := ""
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			flags += "p"
		}
		kind, err := w.typeOf(ft)
		if err != nil {
			return nil, err
		}
		if list, ok := kind.([]any); ok && list[0] == "list" && !isMessage(ft) {
			flags += "r" // else a named slice (Verbs) that gogo wraps in a message, as a map's values are
			kind = list[1]
		}
		for _, opt := range jsonTag[1:] {
			switch opt {
			case "omitempty":
				flags += "o"
			case "omitzero":
				flags += "z"
			}
		}
		if base := elemOf(ft); base.Kind() == reflect.Int64 || base.Kind() == reflect.Uint64 {
			flags += "w" // 64 bits wide: encoding/json's errors name int64 where most integers are int32
		}
		name := jsonTag[0]
		if name == "" && f.Anonymous {
			flags += "i" // encoding/json flattens an embedded struct without a name of its own
		} else if name == "" {
			name = f.Name
		}
		if name == "" || f.Name != strings.ToUpper(name[:1])+name[1:] {
			addTo(w.goNames, messageName(t), strconv.Itoa(number), f.Name)
		}
		if named := namedScalar(ft); named != "" {
			addTo(w.named, messageName(t), name, named)
		}
		if composite := namedComposite(ft); composite != "" {
			addTo(w.composite, messageName(t), name, composite)
		}
		out = append(out, []any{number, name, kind, flags})
	}
	return out, nil
}

// kindsOfScheme maps "apiVersion/kind" to the message of every kind the scheme registers with a protobuf
// form (lists and options included: a DeleteOptions is a DELETE's body).
func kindsOfScheme(w *schemaWalk) (map[string]string, error) {
	kinds := map[string]string{}
	for gvk, t := range scheme.Scheme.AllKnownTypes() {
		if gvk.Version == runtime.APIVersionInternal || gvk.Kind == "WatchEvent" || t.Kind() != reflect.Struct {
			continue
		}
		if !isMessage(t) {
			continue
		}
		name, err := w.typeOf(t)
		if err != nil {
			return nil, err
		}
		kinds[gvk.GroupVersion().String()+"/"+gvk.Kind] = strings.TrimPrefix(name.(string), ".")
	}
	// What the apiserver answers a client asking for metadata only (as=PartialObjectMetadata[List], in both
	// versions of meta.k8s.io) or for aggregated discovery; client-go's scheme leaves them out.
	answers := map[string]reflect.Type{"apidiscovery.k8s.io/v2/APIGroupDiscoveryList": reflect.TypeFor[apidiscoveryv2.APIGroupDiscoveryList]()}
	for _, version := range []string{"v1", "v1beta1"} {
		answers["meta.k8s.io/"+version+"/PartialObjectMetadata"] = reflect.TypeFor[metav1.PartialObjectMetadata]()
		answers["meta.k8s.io/"+version+"/PartialObjectMetadataList"] = reflect.TypeFor[metav1.PartialObjectMetadataList]()
	}
	for key, t := range answers {
		name, err := w.typeOf(t)
		if err != nil {
			return nil, err
		}
		kinds[key] = strings.TrimPrefix(name.(string), ".")
	}
	return kinds, nil
}

func runProtoSchema(_ []string) error {
	w := &schemaWalk{messages: map[string][][]any{}, named: map[string]map[string]string{},
		composite: map[string]map[string]string{}, goNames: map[string]map[string]string{}}
	kinds, err := kindsOfScheme(w)
	if err != nil {
		return err
	}
	// One line per kind and per message, sorted, so that a regenerated file diffs by type.
	fmt.Println("{\"kinds\": {")
	printSorted(kinds)
	fmt.Println("}, \"messages\": {")
	printSorted(w.messages)
	fmt.Println("}, \"named\": {")
	printSorted(w.named)
	fmt.Println("}, \"composite\": {")
	printSorted(w.composite)
	fmt.Println("}, \"goNames\": {")
	printSorted(w.goNames)
	fmt.Println("}}")
	return nil
}

func printSorted[V any](m map[string]V) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		line, _ := json.Marshal(map[string]V{k: m[k]})
		sep := ","
		if i == len(keys)-1 {
			sep = ""
		}
		fmt.Printf("%s%s\n", line[1:len(line)-1], sep) // (the entry without the braces of its one-key object)
	}
}

// runProtoSamples prints, per kind the scheme knows (or --kind, repeatable as "apiVersion/Kind"), --count
// random objects as JSON lines {"apiVersion", "kind", "protobuf": base64 of the body a client sends,
// "json": the object the apiserver decodes from it, as its JSON, "reencoded": base64 of the protobuf the
// apiserver writes for the object that JSON decodes to}.
func runProtoSamples(args []string) error {
	fs := flag.NewFlagSet("protosamples", flag.ExitOnError)
	seed := fs.Int64("seed", 1, "random seed")
	count := fs.Int("count", 2, "objects per kind")
	only := fs.String("kinds", "", "comma-separated apiVersion/Kind to sample (default: every kind)")
	_ = fs.Parse(args)
	filler := fuzzer.FuzzerFor(metafuzzer.Funcs, rand.NewSource(*seed), scheme.Codecs).NilChance(0.2).
		NumElements(0, 2).MaxDepth(8)
	codec := protobuf.NewSerializer(scheme.Scheme, scheme.Scheme)
	wanted := map[string]bool{}
	for _, k := range strings.Split(*only, ",") {
		if k != "" {
			wanted[k] = true
		}
	}
	var gvks []schema.GroupVersionKind
	for gvk, t := range scheme.Scheme.AllKnownTypes() {
		key := gvk.GroupVersion().String() + "/" + gvk.Kind
		if gvk.Version == runtime.APIVersionInternal || gvk.Kind == "WatchEvent" || (len(wanted) > 0 && !wanted[key]) {
			continue
		}
		if isMessage(t) {
			gvks = append(gvks, gvk)
		}
	}
	sort.Slice(gvks, func(i, j int) bool { return gvks[i].String() < gvks[j].String() })
	out := json.NewEncoder(os.Stdout)
	for _, gvk := range gvks {
		for range *count {
			if err := sample(out, filler, codec, gvk); err != nil {
				return fmt.Errorf("%s: %w", gvk, err)
			}
		}
	}
	return nil
}

func sample(out *json.Encoder, filler *randfill.Filler, codec *protobuf.Serializer, gvk schema.GroupVersionKind) error {
	obj, err := scheme.Scheme.New(gvk)
	if err != nil {
		return err
	}
	filler.Fill(obj)
	obj.GetObjectKind().SetGroupVersionKind(gvk)
	var body strings.Builder
	if err := codec.Encode(obj, &body); err != nil {
		return err
	}
	decoded, _, err := codec.Decode([]byte(body.String()), &gvk, nil)
	if err != nil {
		return err
	}
	doc, err := json.Marshal(decoded)
	if err != nil {
		return err
	}
	fresh, err := scheme.Scheme.New(gvk)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(doc, fresh); err != nil {
		return err
	}
	fresh.GetObjectKind().SetGroupVersionKind(gvk)
	var again strings.Builder
	if err := codec.Encode(fresh, &again); err != nil {
		return err
	}
	return out.Encode(map[string]any{"apiVersion": gvk.GroupVersion().String(), "kind": gvk.Kind,
		"protobuf": base64.StdEncoding.EncodeToString([]byte(body.String())), "json": json.RawMessage(doc),
		"reencoded": base64.StdEncoding.EncodeToString([]byte(again.String()))})
}

// namedScalar is the Go name of the scalar type a field holds (past pointers, slices and map values) where
// it is a named one (v1.ServiceType, []v1.FinalizerName's v1.FinalizerName, types.UID), as encoding/json's
// type errors name it; "" for a plain string, number or bool, and for anything else.
func namedScalar(t reflect.Type) string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Map || (t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8) {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		if t.Name() != "" && t.PkgPath() != "" {
			return path.Base(t.PkgPath()) + "." + t.Name()
		}
	}
	return ""
}

// namedComposite is the Go name of a field's map or slice type (past a pointer) where encoding/json's type
// errors name it otherwise than "map[string]" or "[]" before its items' type: a named one (v1.ResourceList)
// or a map keyed by a named type or holding one; "" for anything else.
func namedComposite(t reflect.Type) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t.Kind() != reflect.Map && (t.Kind() != reflect.Slice || t.Elem().Kind() == reflect.Uint8):
		return ""
	case t.Name() != "" || (t.Kind() == reflect.Map && t.Key().Name() != "string"):
		return t.String()
	case t.Kind() == reflect.Map && namedComposite(t.Elem()) != "":
		return "map[string]" + namedComposite(t.Elem()) // (a map of ExtraValue)
	}
	return ""
}

// elemOf is a field's type past pointers and slices: the integer a *int64 or []int64 holds.
func elemOf(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer || (t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8) {
		t = t.Elem()
	}
	return t
}
