//go:build linux

package dedup

import (
	"syscall"
	"unsafe"
)

// hugePage is the size of a transparent huge page on x86-64 and arm64
// with 4 KiB base pages.
const hugePage = 2 << 20

// madvCollapse is MADV_COLLAPSE, which package syscall does not define.
const madvCollapse = 25

// adviseHuge asks the kernel to back the whole huge pages inside the n
// bytes at p with transparent huge pages (madvise MADV_HUGEPAGE), which
// matters where the system's THP mode is "madvise": the Go runtime does
// not ask for them. The band tables and document blocks are read at
// random, so every lookup in a large store otherwise pays a TLB miss. It
// is a hint (it changes no contents and fails silently) and only takes
// effect for pages not yet touched: call it right after allocating.
func adviseHuge(p unsafe.Pointer, n uintptr) {
	if n < 2*hugePage {
		return
	}
	start := (uintptr(p) + hugePage - 1) &^ (hugePage - 1)
	end := (uintptr(p) + n) &^ (hugePage - 1)
	if end <= start {
		return
	}
	b := unsafe.Slice((*byte)(unsafe.Add(p, start-uintptr(p))), end-start)
	_ = syscall.Madvise(b, syscall.MADV_HUGEPAGE)
	// Pages the heap had touched before (reused memory) are in small
	// pages already: collapse them now (Linux 6.1+; an error otherwise).
	_ = syscall.Madvise(b, madvCollapse)
}
