package main

import (
	"bufio"
	"fmt"
	"os"

	"k8s.io/apimachinery/pkg/api/resource"
)

// runQuantities reads one quantity per line and prints what the apiserver stores of it (ParseQuantity,
// then String()), or ERROR: the reference for proxy/apiserver/quantity.py.
func runQuantities(_ []string) error {
	in := bufio.NewScanner(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		q, err := resource.ParseQuantity(in.Text())
		if err != nil {
			fmt.Fprintln(out, "ERROR")
			continue
		}
		fmt.Fprintln(out, q.String())
	}
	return in.Err()
}
