// Package hashmix holds the 64-bit mixer that neardup's packages share.
package hashmix

// Mix64 is the SplitMix64 finalizer, a bijective 64-bit mixer: it spreads
// every input bit over the whole output.
func Mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
