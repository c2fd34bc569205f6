package dedup

import (
	"fmt"
	"math/rand"
	"runtime"
	"slices"
	"testing"
)

// BenchmarkStoreHeap reports the heap bytes per document of an in-memory
// store of 100k random documents (no sentence sketches), at the default
// banding and at 25 bands × 5 rows, built with Add or with the bulk path
// of ReadIndex (loadRecord, buildPostings), and the build rate.
func BenchmarkStoreHeap(b *testing.B) {
	const n = 100000
	for _, bc := range []struct{ bands, rows int }{{0, 0}, {25, 5}} {
		for _, bulk := range []bool{false, true} {
			cfg := Config{Bands: bc.bands, Rows: bc.rows}.WithDefaults()
			b.Run(fmt.Sprintf("bands=%dx%d/bulk=%v", cfg.Bands, cfg.Rows, bulk), func(b *testing.B) {
				rng := rand.New(rand.NewSource(1))
				vals := make([]uint32, n*cfg.NumHashes)
				for i := range vals {
					vals[i] = rng.Uint32()
				}
				ids := make([]string, n)
				for i := range ids {
					ids[i] = fmt.Sprintf("https://news.example.com/2026/11/%08d-article", i)
				}
				var perDoc, valuesOnly float64
				var keys []uint64
				for b.Loop() {
					var ms0, ms1 runtime.MemStats
					runtime.GC()
					runtime.ReadMemStats(&ms0)
					s := newMemStore(cfg.NumHashes, cfg.Bands, cfg.Rows)
					for i := range n {
						v := vals[i*cfg.NumHashes : (i+1)*cfg.NumHashes]
						rec := Record{ID: ids[i], Values: v, Shingles: 100}
						if bulk {
							if err := s.loadRecord(rec); err != nil {
								b.Fatal(err)
							}
							continue
						}
						keys = bandKeys(keys[:0], v, cfg.Bands, cfg.Rows)
						if err := s.Add(rec, keys); err != nil {
							b.Fatal(err)
						}
					}
					if bulk {
						s.buildPostings()
					}
					runtime.GC()
					runtime.ReadMemStats(&ms1)
					perDoc = float64(ms1.HeapAlloc-ms0.HeapAlloc) / n
					valuesOnly = float64(4 * cfg.NumHashes)
					runtime.KeepAlive(s)
				}
				b.ReportMetric(perDoc, "heapB/doc")
				b.ReportMetric(perDoc-valuesOnly, "heapB/doc-sans-values")
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
			})
		}
	}
}

// TestBandKey checks bandKey against bandKeys.
func TestBandKey(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	vals := make([]uint32, 128)
	for i := range vals {
		vals[i] = rng.Uint32()
	}
	for _, br := range [][2]int{{64, 2}, {25, 5}, {128, 1}, {1, 128}} {
		keys := bandKeys(nil, vals, br[0], br[1])
		for b, key := range keys {
			if got := bandKey(vals[b*br[1]:(b+1)*br[1]], b); got != key {
				t.Fatalf("%v band %d: bandKey %#x, bandKeys %#x", br, b, got, key)
			}
		}
	}
}

// TestStoreTagCollision stores documents whose band keys share their high
// 32 bits (the tag a bandTable slot keeps) and checks that candidates
// stay exact through adds and removes.
func TestStoreTagCollision(t *testing.T) {
	// One band of one row: find values whose keys collide in the tag.
	byTag := map[uint32]uint32{}
	var pairs [][2]uint32
	for v := uint32(1); len(pairs) < 3; v++ {
		tag := uint32(bandKey([]uint32{v}, 0) >> 32)
		if w, ok := byTag[tag]; ok {
			pairs = append(pairs, [2]uint32{w, v})
		}
		byTag[tag] = v
	}
	s := newMemStore(1, 1, 1)
	add := func(id string, v uint32) {
		t.Helper()
		if err := s.Add(Record{ID: id, Values: []uint32{v}}, []uint64{bandKey([]uint32{v}, 0)}); err != nil {
			t.Fatal(err)
		}
	}
	cands := func(v uint32) []string {
		var ids []string
		s.Candidates([]uint64{bandKey([]uint32{v}, 0)}, func(r Record) bool { ids = append(ids, r.ID); return true })
		slices.Sort(ids)
		return ids
	}
	for i, p := range pairs {
		add(fmt.Sprintf("a%d", i), p[0])
		add(fmt.Sprintf("b%d", i), p[1])
		add(fmt.Sprintf("c%d", i), p[1])
	}
	for i, p := range pairs {
		if got, want := cands(p[0]), []string{fmt.Sprintf("a%d", i)}; !slices.Equal(got, want) {
			t.Fatalf("pair %d: candidates %v, want %v", i, got, want)
		}
		if got, want := cands(p[1]), []string{fmt.Sprintf("b%d", i), fmt.Sprintf("c%d", i)}; !slices.Equal(got, want) {
			t.Fatalf("pair %d: candidates %v, want %v", i, got, want)
		}
	}
	for i, p := range pairs {
		s.Remove(fmt.Sprintf("a%d", i))
		if got := cands(p[0]); len(got) != 0 {
			t.Fatalf("pair %d: candidates %v after remove", i, got)
		}
		if got := cands(p[1]); len(got) != 2 {
			t.Fatalf("pair %d: candidates %v after removing the other key", i, got)
		}
	}
}

// TestStoreRandomModel adds and removes documents at random in a store
// with a few possible band keys per band and checks Candidates against a
// plain map model, exercising chains, table growth and backward-shift
// deletion; then saves and reloads the store through the bulk path.
func TestStoreRandomModel(t *testing.T) {
	const k, bands, rows = 4, 2, 2
	rng := rand.New(rand.NewSource(7))
	s := newMemStore(k, bands, rows)
	model := map[string][]uint32{}
	var live []string
	check := func(s *memStore) {
		t.Helper()
		for id, v := range model {
			keys := bandKeys(nil, v, bands, rows)
			var got []string
			s.Candidates(keys, func(r Record) bool { got = append(got, r.ID); return true })
			slices.Sort(got)
			var want []string
			for id2, v2 := range model {
				k2 := bandKeys(nil, v2, bands, rows)
				if k2[0] == keys[0] || k2[1] == keys[1] {
					want = append(want, id2)
				}
			}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("candidates of %s: %v, want %v", id, got, want)
			}
		}
	}
	for step := range 3000 {
		if len(live) > 0 && rng.Intn(5) < 2 {
			i := rng.Intn(len(live))
			id := live[i]
			live[i] = live[len(live)-1]
			live = live[:len(live)-1]
			if ok, _ := s.Remove(id); !ok {
				t.Fatalf("Remove(%s) false", id)
			}
			delete(model, id)
		} else {
			id := fmt.Sprintf("d%d", step)
			v := make([]uint32, k)
			for j := range v {
				v[j] = uint32(rng.Intn(6))
			}
			if rng.Intn(4) == 0 {
				v[0] = rng.Uint32() // a fresh key
			}
			var sent []uint32
			if rng.Intn(2) == 0 {
				sent = []uint32{uint32(step), uint32(step) + 1}
			}
			if err := s.Add(Record{ID: id, Values: v, Evidence: sent}, bandKeys(nil, v, bands, rows)); err != nil {
				t.Fatal(err)
			}
			model[id] = v
			live = append(live, id)
		}
		if step%300 == 0 {
			check(s)
		}
	}
	check(s)
	for _, id := range live {
		r, ok, _ := s.Get(id)
		if !ok || !slices.Equal(r.Values, model[id]) {
			t.Fatalf("Get(%s) = %v, %v", id, r, ok)
		}
		if len(r.Evidence) != 0 && (len(r.Evidence) != 2 || "d"+fmt.Sprint(r.Evidence[0]) != id) {
			t.Fatalf("Get(%s) sentences %v", id, r.Evidence)
		}
	}
	// The bulk path builds the same postings.
	b := newMemStore(k, bands, rows)
	s.Range(func(r Record) bool {
		if err := b.loadRecord(r); err != nil {
			t.Fatal(err)
		}
		return true
	})
	b.buildPostings()
	check(b)
}
