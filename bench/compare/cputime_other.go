//go:build !unix

package main

import "time"

// processCPU is not available here: timings fall back to wall time.
func processCPU() time.Duration { return 0 }
