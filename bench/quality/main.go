// Command quality evaluates near-duplicate detection quality on labelled
// data sets. It is a placeholder until the CLI is wired to the library.
package main

import (
	"fmt"
	"os"
)

// main reports that the command is not wired yet and exits with status 2.
func main() {
	fmt.Fprintln(os.Stderr, "bench/quality: not wired yet")
	os.Exit(2)
}
