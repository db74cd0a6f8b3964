package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
)

// runJSONErrors reads one base64 body per line and prints what encoding/json says of it as the apiserver
// decodes a body (json.Unmarshal into interface{}): `ok`, or the error's text. The reference for
// proxy/apiserver/gojson.py.
func runJSONErrors(_ []string) error {
	return eachBody(func(body []byte) (string, error) {
		var v interface{}
		if err := json.Unmarshal(body, &v); err != nil {
			return err.Error(), nil
		}
		return "ok", nil
	})
}

// eachBody prints, a line for each, what `answer` says of each base64 body on stdin (one per line).
func eachBody(answer func(body []byte) (string, error)) error {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		body, err := base64.StdEncoding.DecodeString(in.Text())
		if err != nil {
			return err
		}
		line, err := answer(body)
		if err != nil {
			return err
		}
		fmt.Fprintln(out, line)
	}
	return in.Err()
}
