//go:build !unix

package synth

import "time"

// ProcessCPU is not measured on this platform: it returns 0, and CPU-time
// figures read 0.
func ProcessCPU() time.Duration { return 0 }
