// Package synth makes the synthetic inputs and measures the benchmarks in
// bench/ share (bench/compare, a module of its own, included): shingle
// sets signed on every core, and the process's CPU time.
package synth

import (
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/neardup/neardup/dedup"
)

// Signatures signs n synthetic shingle sets with h on every core: sets of
// 200–600 random shingles, 30% of them near copies (10–30% of shingles
// replaced) of an earlier set. The same n and seed give the same
// signatures. The caller owns the returned slice.
func Signatures(h *dedup.Hasher, n int, seed uint64) []dedup.Signature {
	type plan struct {
		seed uint64
		base int // -1 or index of the set copied
	}
	r := rand.New(rand.NewPCG(seed, 7))
	plans := make([]plan, n)
	for i := range plans {
		plans[i] = plan{seed: r.Uint64(), base: -1}
		if i > 0 && r.Float64() < 0.3 {
			plans[i].base = r.IntN(i)
			for plans[plans[i].base].base >= 0 {
				plans[i].base = plans[plans[i].base].base
			}
		}
	}
	makeSet := func(i int, dst []uint64) []uint64 {
		p := plans[i]
		s := p.seed
		if p.base >= 0 {
			s = plans[p.base].seed
		}
		rs := rand.New(rand.NewPCG(s, 1))
		m := 200 + rs.IntN(400)
		dst = dst[:0]
		for range m {
			dst = append(dst, rs.Uint64())
		}
		if p.base >= 0 {
			rc := rand.New(rand.NewPCG(p.seed, 2))
			swap := 0.1 + 0.2*rc.Float64()
			for j := range dst {
				if rc.Float64() < swap {
					dst[j] = rc.Uint64()
				}
			}
		}
		return dst
	}
	sigs := make([]dedup.Signature, n)
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			var set []uint64
			for i := w; i < n; i += workers {
				set = makeSet(i, set)
				sigs[i] = h.SignShingles(set)
			}
		})
	}
	wg.Wait()
	return sigs
}
