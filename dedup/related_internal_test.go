package dedup

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// relatedInputs runs the steps of Deduper.Cluster that related depends on
// and returns its inputs: the candidate pairs and each article's cluster.
func relatedInputs(t *testing.T, d *Deduper, arts []Article) ([]pair, []int) {
	t.Helper()
	samples := make([][]uint32, len(arts))
	for i, a := range arts {
		s := d.h.get()
		s.set = s.sh.AppendHashes(s.set[:0], a.Text)
		samples[i] = sampleShingles(nil, s.set, d.h.s2)
		d.h.put(s)
	}
	res, err := d.Cluster(arts)
	if err != nil {
		t.Fatal(err)
	}
	pos := make(map[string]int, len(arts))
	for i, a := range arts {
		pos[a.ID] = i
	}
	cluster := make([]int, len(arts))
	for c, cl := range res.Clusters {
		for _, m := range cl.Members {
			cluster[pos[m]] = c
		}
	}
	return samplePairs(samples), cluster
}

// quotingBatch returns clusters of copies of a few stories and single
// articles that quote sentences of them, so that one shingle is found in
// many articles of two clusters and related takes the partner path for it.
func quotingBatch(seed uint64) []Article {
	rng := rand.New(rand.NewPCG(seed, 7))
	word := func() string {
		b := make([]byte, 4+rng.IntN(5))
		for i := range b {
			b[i] = byte('a' + rng.IntN(26))
		}
		return string(b)
	}
	story := func(n int) []string {
		var s []string
		for range n {
			var w []string
			for range 9 + rng.IntN(6) {
				w = append(w, word())
			}
			s = append(s, strings.Join(w, " ")+".")
		}
		return s
	}
	var arts []Article
	stories := [][]string{story(12), story(12), story(12)}
	for s, st := range stories {
		for c := range 8 + 10*s {
			// Copies differ by a credit line only.
			arts = append(arts, Article{ID: fmt.Sprintf("s%d-c%d", s, c), Text: strings.Join(st, " ") + " Reporting by " + word() + "."})
		}
	}
	for q := range 30 {
		own := story(10)
		src := stories[rng.IntN(len(stories))]
		// Two to four quoted sentences, some from a second story too.
		for range 2 + rng.IntN(3) {
			own = slices.Insert(own, rng.IntN(len(own)+1), src[rng.IntN(len(src))])
		}
		if q%3 == 0 {
			other := stories[rng.IntN(len(stories))]
			own = slices.Insert(own, rng.IntN(len(own)+1), other[rng.IntN(len(other))])
		}
		arts = append(arts, Article{ID: fmt.Sprintf("q%d", q), Text: strings.Join(own, " ")})
	}
	rng.Shuffle(len(arts), func(i, j int) { arts[i], arts[j] = arts[j], arts[i] })
	return arts
}

// spunNews reads the spun news development file beside the checkout, or
// returns nil if it is absent.
func spunNews(t *testing.T) []Article {
	f, err := os.Open(filepath.Join("..", "..", "shared", "eval", "spun-news-dev.jsonl"))
	if err != nil {
		return nil
	}
	defer f.Close()
	var arts []Article
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var a struct {
			ID   string `json:"id"`
			Text string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		arts = append(arts, Article{ID: a.ID, Text: a.Text})
	}
	return arts
}

// TestRelatedMatchesReference checks related against the pair-by-pair
// merge join it replaced (related_ref_test.go), relation for relation.
func TestRelatedMatchesReference(t *testing.T) {
	batches := map[string][]Article{
		"quoting-1": quotingBatch(1),
		"quoting-2": quotingBatch(2),
	}
	if arts := spunNews(t); arts != nil {
		batches["spun-news-dev"] = arts
	} else {
		t.Log("../shared/eval/spun-news-dev.jsonl absent: synthetic batches only")
	}
	for name, arts := range batches {
		t.Run(name, func(t *testing.T) {
			d, err := New(Config{})
			if err != nil {
				t.Fatal(err)
			}
			candidates, cluster := relatedInputs(t, d, arts)
			ids := make([]string, len(arts))
			ev := make([]Evidence, len(arts))
			for i, a := range arts {
				ids[i], ev[i] = a.ID, d.h.Doc(a.Text).Evidence
			}
			want := d.relatedByPairs(arts, candidates, cluster)
			if len(want) < 5 {
				t.Fatalf("only %d relations: the batch does not exercise related", len(want))
			}
			// The chosen path for each run, then each path for all.
			defer func() { hitPath = 0 }()
			for _, path := range []int{0, 1, 2} {
				hitPath = path
				got, err := d.related(context.Background(), ids, ev, candidates, cluster, 2)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, want) {
					t.Fatalf("path %d: related gives %d relations, the reference %d:\n got %v\nwant %v", path, len(got), len(want), got, want)
				}
			}
			t.Logf("%d articles, %d candidate pairs, %d relations", len(arts), len(candidates), len(want))
		})
	}
}

// TestHitFinderPathsAgree checks that the two ways of turning a run of one
// hash into hits give the same hits, on random runs and candidate pairs.
func TestHitFinderPathsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 200 {
		docs := 2 + rng.IntN(30)
		need := make([]int32, docs)
		cluster := make([]int, 100)
		for k := range need {
			// Articles by cluster, as related lists them.
			need[k] = int32(k * 3)
			cluster[k*3] = k / (1 + rng.IntN(4))
		}
		var pairs []pair
		index := map[pair]int32{}
		for a := range docs {
			for b := a + 1; b < docs; b++ {
				i, j := need[a], need[b]
				if cluster[i] != cluster[j] && rng.IntN(3) == 0 {
					index[pair{i, j}] = int32(len(pairs))
					pairs = append(pairs, pair{i, j})
				}
			}
		}
		var run []occurrence
		for k := range docs {
			for range rng.IntN(3) {
				run = append(run, occurrence{hash: 1, doc: int32(k), sent: int32(rng.IntN(5))})
			}
		}
		slices.SortFunc(run, func(x, y occurrence) int { return cmp.Or(cmp.Compare(x.doc, y.doc), cmp.Compare(x.sent, y.sent)) })
		hits := func(by func(*hitFinder, []occurrence)) []hit {
			f := hitFinder{need: need, cluster: cluster, pairIndex: index}
			f.init(pairs)
			// Twice, so that the second run meets stamps of the first.
			by(&f, run)
			by(&f, run)
			slices.SortFunc(f.hits, func(x, y hit) int { return cmp.Or(cmp.Compare(x.pair, y.pair), cmp.Compare(x.sents, y.sents)) })
			return f.hits
		}
		a, b := hits((*hitFinder).byOccurrences), hits((*hitFinder).byPartners)
		if !slices.Equal(a, b) {
			t.Fatalf("trial %d: %d hits trying occurrences, %d trying partners", trial, len(a), len(b))
		}
	}
}

// TestSamplePairsMatchesReference checks samplePairs against the map-based
// version it replaced, on random samples with repeated values, values
// shared by more than maxPostings articles, and empty samples.
func TestSamplePairsMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	found, empty := 0, 0
	for trial := range 50 {
		samples := make([][]uint32, 1+rng.IntN(300))
		values := 1 + rng.IntN(400)
		for i := range samples {
			for range rng.IntN(20) {
				samples[i] = append(samples[i], uint32(rng.IntN(values)))
			}
		}
		want, got := refSamplePairs(samples), samplePairs(samples)
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d: %d pairs, the reference %d", trial, len(got), len(want))
		}
		found += len(want)
		if len(want) == 0 {
			empty++
		}
	}
	// The bound itself: a value in maxPostings articles proposes their
	// pairs, one in more proposes none.
	for _, n := range []int{maxPostings, maxPostings + 1} {
		samples := make([][]uint32, n)
		for i := range samples {
			samples[i] = []uint32{42}
		}
		want := 0
		if n <= maxPostings {
			want = n * (n - 1) / 2
		}
		if got := len(samplePairs(samples)); got != want {
			t.Fatalf("a value in %d articles: %d pairs, want %d", n, got, want)
		}
	}
	if found < 1000 || empty > 25 {
		t.Fatalf("%d pairs in all, %d trials with none: the samples exercise too little", found, empty)
	}
}
