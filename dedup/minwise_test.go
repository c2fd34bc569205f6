package dedup

import (
	"math/big"
	"testing"
)

// TestGoldenStrideIsAPermutation checks that the stride order fills every
// signature position from a distinct sketch position.
func TestGoldenStrideIsAPermutation(t *testing.T) {
	for _, k := range []int{1, 2, 3, 15, 16, 17, 64, 100, 128, 130, 256, 4096} {
		s := goldenStride(k)
		seen := make([]bool, k)
		j := 0
		for range k {
			if seen[j] {
				t.Fatalf("k=%d stride %d: sketch position %d taken twice", k, s, j)
			}
			seen[j] = true
			if j += s; j >= k {
				j -= k
			}
		}
		if k >= 8 && (s < k/2 || s > 3*k/4) {
			t.Errorf("k=%d: stride %d is not near k/φ", k, s)
		}
	}
}

// TestMinWiseSteps checks the h2 steps against the definition, computed
// with big integers: |q*c mod 2^64| * q >= 2^61 for every 0 < q < k.
func TestMinWiseSteps(t *testing.T) {
	mod := new(big.Int).Lsh(big.NewInt(1), 64)
	bound := new(big.Int).Lsh(big.NewInt(1), 61)
	for _, k := range []int{2, 128, 300} {
		steps := minWiseSteps(k)
		distinct := map[uint64]bool{}
		for _, c := range steps {
			if c&1 == 0 {
				t.Fatalf("k=%d: step %#x is even", k, c)
			}
			distinct[c] = true
			for q := int64(1); q < int64(k); q++ {
				d := new(big.Int).Mul(new(big.Int).SetUint64(c), big.NewInt(q))
				d.Mod(d, mod)
				if other := new(big.Int).Sub(mod, d); other.Cmp(d) < 0 {
					d = other
				}
				if d.Mul(d, big.NewInt(q)).Cmp(bound) < 0 {
					t.Fatalf("k=%d: step %#x comes within 2^61/%d of 0 at q=%d", k, c, q, q)
				}
			}
		}
		if len(distinct) != minWiseStepCount {
			t.Errorf("k=%d: %d distinct steps, want %d", k, len(distinct), minWiseStepCount)
		}
		// The cached table is the one a fresh computation gives.
		if again := minWiseSteps(k); again != steps {
			t.Errorf("k=%d: table not cached", k)
		}
	}
	// The test fails on a step that is not badly approximable.
	if badlyApproximable(1<<32|1, 128) {
		t.Error("badlyApproximable accepts 2^32+1, whose small multiples stay within 2^61/q of 0")
	}
	if badlyApproximable(3, 128) {
		t.Error("badlyApproximable accepts 3, whose multiples stay near 0")
	}
}
