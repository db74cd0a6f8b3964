package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"

	corev1 "k8s.io/api/core/v1"
	kjson "sigs.k8s.io/json"
)

// runTypedDecode reads one base64 body per line and decodes it into a core/v1 Pod as the apiserver's JSON
// serializer does (sigs.k8s.io/json: case-sensitive, integers kept; strictly, for fieldValidation=Strict); it
// prints {"object": the Pod encoded again, "strict": the strict errors' texts} or {"error": its text}. The
// reference for how proxy/apiserver/gorepeats.py decodes a key a body repeats.
func runTypedDecode(_ []string) error {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		body, err := base64.StdEncoding.DecodeString(in.Text())
		if err != nil {
			return err
		}
		var pod corev1.Pod
		answer := map[string]interface{}{}
		if strict, err := kjson.UnmarshalStrict(body, &pod); err != nil {
			answer["error"] = err.Error()
		} else {
			texts := []string{}
			for _, e := range strict {
				texts = append(texts, e.Error())
			}
			answer["object"], answer["strict"] = &pod, texts
		}
		line, err := json.Marshal(answer)
		if err != nil {
			return err
		}
		fmt.Fprintln(out, string(line))
	}
	return in.Err()
}
