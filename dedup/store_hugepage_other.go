//go:build !linux

package dedup

import "unsafe"

// adviseHuge is a no-op outside Linux (see the Linux version).
func adviseHuge(p unsafe.Pointer, n uintptr) {}
