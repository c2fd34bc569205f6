package dedup

// One-permutation hashing (Li, Owen and Zhang, NIPS 2012) hashes each
// shingle once: the hash picks one of the k bins and the shingle's value
// competes for that bin's minimum. That is k times less hashing than
// MinWise, which hashes every shingle k times. Bins that no shingle fell
// into are filled by optimal densification (Shrivastava, ICML 2017): an
// empty bin i borrows the value of the first non-empty bin in a sequence
// of bins drawn by a hash of (i, attempt), the same for every document, so
// that two documents agree on bin i with probability equal to their
// Jaccard similarity. Signatures are as long as MinWise ones, and the
// Index, banding and similarity estimates work unchanged; the estimate's
// variance is at most that of MinWise for sets larger than k and a little
// above it for much smaller sets. (MethodOPH selects it.)

// signOPH lowers mins (all math.MaxUint64) to the densified
// one-permutation signature of set.
func (h *Hasher) signOPH(mins []uint64, set []uint64) {
	if len(set) == 0 {
		return
	}
	k := uint64(len(mins))
	for _, x := range set {
		v := mix64(x ^ h.s1)
		// The high 32 bits choose the bin (Lemire's multiply-shift
		// range reduction), the low 32 bits are the value.
		b := (v >> 32) * k >> 32
		mins[b] = min(mins[b], v&0xffffffff)
	}
	// Empty bins still hold MaxUint64, which no value equals. Borrow
	// only from bins filled by shingles, never from borrowed ones: mark
	// the empty bins first.
	const empty = ^uint64(0)
	var isEmpty [MaxNumHashes / 64]uint64
	n := 0
	for i, m := range mins {
		if m == empty {
			isEmpty[i/64] |= 1 << (i % 64)
			n++
		}
	}
	if n == 0 {
		return
	}
	for i := range mins {
		if isEmpty[i/64]&(1<<(i%64)) == 0 {
			continue
		}
		for attempt := uint64(1); ; attempt++ {
			r := mix64(h.s2 ^ uint64(i)<<32 ^ attempt)
			j := (r >> 32) * k >> 32
			if isEmpty[j/64]&(1<<(j%64)) == 0 {
				mins[i] = mins[j]
				break
			}
		}
	}
}
