package dedup

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConcurrentIndex runs Adds (some racing for the same ID), Removes,
// churn, queries and saves on one index from many goroutines at once, and
// checks that the result equals the index built sequentially.
func TestConcurrentIndex(t *testing.T) {
	n := 2000
	if testing.Short() {
		n = 500
	}
	cfg := Config{}
	_, docs := relSign(t, cfg, relCorpus(21, n))
	removed := func(i int) bool { return i%5 == 0 }

	ref, err := NewIndex(cfg)
	require.NoError(t, err)
	for _, d := range docs {
		require.NoError(t, ref.Add(d.id, d.sig))
	}
	for i, d := range docs {
		if removed(i) {
			ok, err := ref.Remove(d.id)
			require.NoError(t, err)
			require.True(t, ok)
		}
	}

	ix, err := NewIndex(cfg)
	require.NoError(t, err)
	const workers = 8
	wins := make([]atomic.Int32, n) // successful Adds per document
	var writers, readers sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, 64)
	report := func(err error) {
		select {
		case errs <- err:
		default:
		}
	}
	for w := range workers {
		writers.Go(func() {
			<-start
			rng := rand.New(rand.NewSource(int64(w)))
			for i := w; i < n; i += workers {
				// The owner and the next worker race to add document
				// i; exactly one must win. A document to remove is
				// only touched by its owner, which adds then removes.
				for _, j := range []int{i, i - 1} {
					if j < 0 || (j != i && removed(j)) {
						continue
					}
					switch err := ix.Add(docs[j].id, docs[j].sig); {
					case err == nil:
						wins[j].Add(1)
					case !errors.Is(err, ErrDuplicateID):
						report(fmt.Errorf("add %s: %w", docs[j].id, err))
					}
				}
				if removed(i) {
					if ok, err := ix.Remove(docs[i].id); err != nil || !ok {
						report(fmt.Errorf("remove %s: %v, %v", docs[i].id, ok, err))
					}
				}
				// Churn: a temporary document added and removed.
				tmp := fmt.Sprintf("tmp-%d-%d", w, i)
				if err := ix.Add(tmp, docs[rng.Intn(n)].sig); err != nil {
					report(fmt.Errorf("add %s: %w", tmp, err))
				}
				if ok, err := ix.Remove(tmp); err != nil || !ok {
					report(fmt.Errorf("remove %s: %v, %v", tmp, ok, err))
				}
			}
		})
	}
	done := make(chan struct{})
	var queries, saves atomic.Int64
	for r := range 4 {
		readers.Go(func() {
			<-start
			rng := rand.New(rand.NewSource(int64(100 + r)))
			for range n {
				select {
				case <-done:
					return
				default:
				}
				d := docs[rng.Intn(n)]
				m, err := ix.Query(d.sig)
				if err != nil {
					report(err)
					return
				}
				for k, x := range m {
					if x.Similarity < cfg.WithDefaults().Threshold || x.Similarity > 1 ||
						(k > 0 && m[k-1].Similarity < x.Similarity) {
						report(fmt.Errorf("query %s: bad answer %v", d.id, m))
					}
				}
				c, err := ix.Candidates(d.sig)
				if err != nil || !slices.IsSorted(c) {
					report(fmt.Errorf("candidates %s: %v %v", d.id, c, err))
				}
				if _, _, err := ix.Store().Get(d.id); err != nil {
					report(err)
				}
				_ = ix.Len()
				queries.Add(1)
			}
		})
	}
	readers.Go(func() {
		// Saves while the index changes: each is a loadable snapshot.
		<-start
		for range 20 {
			select {
			case <-done:
				return
			default:
			}
			var buf bytes.Buffer
			if _, err := ix.WriteTo(&buf); err != nil {
				report(err)
				return
			}
			got, err := ReadIndex(&buf, nil)
			if err != nil {
				report(err)
				return
			}
			if got.Len() > n+workers {
				report(fmt.Errorf("snapshot of %d documents", got.Len()))
			}
			saves.Add(1)
		}
	})
	close(start)
	writers.Wait()
	close(done)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Logf("%d queries, %d saves during the writes", queries.Load(), saves.Load())

	for i := range docs {
		require.Equal(t, int32(1), wins[i].Load(), "successful adds of %s", docs[i].id)
	}
	assert.Equal(t, ref.Len(), ix.Len())
	assert.Equal(t, relRecords(t, ref), relRecords(t, ix))
	assert.Equal(t, relAnswers(t, ref, docs), relAnswers(t, ix, docs))
}

// TestConcurrentRemoveOnce removes the same documents from many
// goroutines: each Remove reports true exactly once.
func TestConcurrentRemoveOnce(t *testing.T) {
	cfg := Config{NumHashes: 32}
	_, docs := relSign(t, cfg, relCorpus(22, 300))
	ix, err := NewIndex(cfg)
	require.NoError(t, err)
	for _, d := range docs {
		require.NoError(t, ix.Add(d.id, d.sig))
	}
	removed := make([]atomic.Int32, len(docs))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for g := range 8 {
		wg.Go(func() {
			<-start
			for k := range docs {
				i := (k + g*37) % len(docs)
				ok, err := ix.Remove(docs[i].id)
				assert.NoError(t, err)
				if ok {
					removed[i].Add(1)
				}
			}
		})
	}
	close(start)
	wg.Wait()
	for i := range docs {
		assert.Equal(t, int32(1), removed[i].Load(), docs[i].id)
	}
	assert.Equal(t, 0, ix.Len())
	for _, d := range docs {
		m, err := ix.Query(d.sig)
		require.NoError(t, err)
		assert.Empty(t, m)
	}
}

// TestConcurrentDeduperAdd sends copies of one article to Deduper.Add
// from many goroutines at the same moment: exactly one is new, the others
// are copies of it. Deduper.Add holds its mutex from the query to the
// insert, so no two copies can both miss each other.
func TestConcurrentDeduperAdd(t *testing.T) {
	d, err := New(Config{})
	require.NoError(t, err)
	texts := relCorpus(23, 400)
	// Some unrelated articles first.
	for i, text := range texts[:100] {
		_, err := d.Add(fmt.Sprintf("old-%d", i), text)
		require.NoError(t, err)
	}
	rounds := 40
	if testing.Short() {
		rounds = 10
	}
	const goroutines = 16
	var batch sync.WaitGroup
	batch.Go(func() {
		// A batch clustering at the same time uses its own index.
		for range 3 {
			cl, err := d.Cluster([]Article{{ID: "a", Text: texts[0]}, {ID: "b", Text: texts[0]}})
			assert.NoError(t, err)
			assert.Len(t, cl.Clusters, 1)
		}
	})
	for round := range rounds {
		article := texts[100+round*7]
		results := make([]Result, goroutines)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for g := range goroutines {
			wg.Go(func() {
				<-start
				res, err := d.Add(fmt.Sprintf("r%d-copy-%d", round, g), article)
				assert.NoError(t, err)
				results[g] = res
			})
		}
		// Checks of the same article meanwhile see each Add whole:
		// either no copy yet, or copies at similarity 1.
		for range 2 {
			wg.Go(func() {
				<-start
				res, err := d.Check(article)
				assert.NoError(t, err)
				assert.Empty(t, res.ID)
				for _, m := range res.Matches {
					assert.Equal(t, 1.0, m.Similarity)
					assert.Contains(t, m.ID, fmt.Sprintf("r%d-copy-", round))
				}
			})
		}
		close(start)
		wg.Wait()
		var first string
		for _, res := range results {
			if res.New {
				require.Empty(t, first, "round %d: two copies reported new", round)
				first = res.ID
			}
		}
		require.NotEmpty(t, first, "round %d: no copy reported new", round)
		for _, res := range results {
			if !res.New {
				assert.Equal(t, 1.0, res.Similarity)
				assert.Contains(t, res.CopyOf, fmt.Sprintf("r%d-copy-", round))
			}
		}
	}
	batch.Wait()
	assert.Equal(t, 100+rounds*goroutines, d.Index().Len())
}
