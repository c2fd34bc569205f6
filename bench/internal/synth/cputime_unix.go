//go:build unix

package synth

import (
	"syscall"
	"time"
)

// ProcessCPU returns the user and system CPU time the process has used:
// on a shared machine a steadier measure than wall time, since time spent
// waiting for a core does not count (GC work on other threads does).
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
