package main

import (
	"encoding/json"

	corev1 "k8s.io/api/core/v1"
	kjson "sigs.k8s.io/json"
)

// runTypedDecode reads one base64 body per line and decodes it into a core/v1 Pod as the apiserver's JSON
// serializer does (sigs.k8s.io/json: case-sensitive, integers kept; strictly, for fieldValidation=Strict); it
// prints {"object": the Pod encoded again, "strict": the strict errors' texts} or {"error": its text}. The
// reference for how proxy/apiserver/gorepeats.py decodes a key a body repeats.
func runTypedDecode(_ []string) error {
	return eachBody(func(body []byte) (string, error) {
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
		return string(line), err
	})
}
