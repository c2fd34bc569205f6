package dedup

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func ophHasher(t *testing.T, k int) *Hasher {
	t.Helper()
	h, err := NewHasher(Config{NumHashes: k, Method: MethodOPH, Bands: 1, Rows: 1, Threshold: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestOPHConfig(t *testing.T) {
	if err := (Config{Method: "bogus"}).Validate(); !errors.Is(err, ErrConfig) {
		t.Fatalf("Method bogus: got %v, want ErrConfig", err)
	}
	if err := (Config{Method: MethodOPH}).Validate(); err != nil {
		t.Fatal(err)
	}
	if (Config{}).fingerprint() == (Config{Method: MethodOPH}).fingerprint() {
		t.Fatal("OPH and MinWise configs share a fingerprint")
	}
	mw, err := NewHasher(Config{})
	if err != nil {
		t.Fatal(err)
	}
	oph, err := NewHasher(Config{Method: MethodOPH})
	if err != nil {
		t.Fatal(err)
	}
	set := []uint64{1, 2, 3}
	if _, err := mw.SignShingles(set).Similarity(oph.SignShingles(set)); !errors.Is(err, ErrConfigMismatch) {
		t.Fatalf("comparing MinWise and OPH signatures: got %v, want ErrConfigMismatch", err)
	}
}

func TestOPHDensified(t *testing.T) {
	h := ophHasher(t, 128)
	if !h.SignShingles(nil).Empty() {
		t.Fatal("empty set: signature not empty")
	}
	for _, n := range []int{1, 2, 5, 50, 127, 128, 1000} {
		set := make([]uint64, n)
		for i := range set {
			set[i] = uint64(i)*0x9e3779b97f4a7c15 + 7
		}
		sig := h.SignShingles(set)
		for i, v := range sig.values {
			if v == math.MaxUint64 {
				t.Fatalf("n=%d: bin %d left empty", n, i)
			}
		}
		if s, _ := sig.Similarity(h.SignShingles(set)); s != 1 {
			t.Fatalf("n=%d: self-similarity %v", n, s)
		}
		if n == 1 {
			for _, v := range sig.values {
				if v != sig.values[0] {
					t.Fatal("one shingle: bins differ")
				}
			}
		}
	}
}

// TestOPHEstimator checks that OPH estimates Jaccard similarity without
// bias and with about MinWise's error, for sets smaller and larger than k.
func TestOPHEstimator(t *testing.T) {
	const k, trials = 128, 300
	h := ophHasher(t, k)
	r := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{30, 500} {
		for _, j := range []float64{0.2, 0.5, 0.8} {
			// |A∩B| = c, |A| = |B| = size: J = c / (2 size - c).
			c := int(math.Round(2 * float64(size) * j / (1 + j)))
			jTrue := float64(c) / float64(2*size-c)
			var sum, sq float64
			for range trials {
				a := make([]uint64, 0, size)
				b := make([]uint64, 0, size)
				for range c {
					v := r.Uint64()
					a, b = append(a, v), append(b, v)
				}
				for len(a) < size {
					a = append(a, r.Uint64())
					b = append(b, r.Uint64())
				}
				est, err := h.SignShingles(a).Similarity(h.SignShingles(b))
				if err != nil {
					t.Fatal(err)
				}
				sum += est
				sq += (est - jTrue) * (est - jTrue)
			}
			mean, rmse := sum/trials, math.Sqrt(sq/trials)
			sigma := math.Sqrt(jTrue * (1 - jTrue) / k)
			t.Logf("size=%d J=%.3f: mean %.3f rmse %.4f (MinWise σ %.4f)", size, jTrue, mean, rmse, sigma)
			if math.Abs(mean-jTrue) > 4*sigma/math.Sqrt(trials)+0.01 {
				t.Errorf("size=%d J=%.3f: biased, mean estimate %.3f", size, jTrue, mean)
			}
			if rmse > 1.5*sigma {
				t.Errorf("size=%d J=%.3f: rmse %.4f above 1.5 × MinWise σ %.4f", size, jTrue, rmse, sigma)
			}
		}
	}
}

func TestOPHDeduper(t *testing.T) {
	d, err := New(Config{Method: MethodOPH})
	if err != nil {
		t.Fatal(err)
	}
	base := strings.Repeat("The council voted on Tuesday to approve the new budget for road repairs across the northern district. ", 3) +
		"Officials said work would begin in spring and last two years, with the bridge on Mill Street closed first."
	cp := strings.Replace(base, "Tuesday", "Wednesday", 1)
	other := "A storm knocked out power to thousands of homes overnight, and crews expect to restore service by Friday evening."
	c, err := d.Cluster([]Article{{ID: "a", Text: base}, {ID: "b", Text: cp}, {ID: "c", Text: other}})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Clusters) != 2 || len(c.Clusters[0].Members) != 2 {
		t.Fatalf("got clusters %+v, want {a b} {c}", c.Clusters)
	}
}
