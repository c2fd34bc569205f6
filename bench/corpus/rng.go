package corpus

// rng is a small splitmix64 generator. It is defined here rather than taken
// from math/rand so that the corpus stays byte-identical across Go releases.
type rng struct{ s uint64 }

func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// seedFor derives an independent stream for article pos and purpose salt.
func seedFor(seed int64, pos int, salt uint64) rng {
	return rng{s: mix64(uint64(seed)^0x6a09e667f3bcc909) ^ mix64(uint64(pos)*0x9e3779b97f4a7c15+salt)}
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix64(r.s)
}

// intn returns a value in [0, n); n must be in (0, 2^32).
func (r *rng) intn(n int) int {
	return int((uint64(uint32(r.next())) * uint64(n)) >> 32)
}

// between returns a value in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

func (r *rng) chance(p float64) bool { return r.float() < p }
