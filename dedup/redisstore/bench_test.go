package redisstore

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/neardup/neardup/dedup"
	"github.com/stretchr/testify/require"
)

// Run with a local Redis:
//
//	eval "$(bash .ci/redis.sh start)"
//	go test -run '^$' -bench . -benchtime 3s ./dedup/redisstore
//
// Every benchmark measures the in-memory store (store=memory) and Redis
// (store=redis; skipped without NEARDUP_REDIS_URL) in the same run, with
// 1 and 4 concurrent workers. Signatures are made up front: the figures
// are of the store, not of signing.

// benchCorpus holds signatures of 500 stories of 4 copies each, and of a
// fresh copy of each story for queries.
type benchCorpus struct {
	ids     []string
	sigs    []dedup.Signature
	queries []dedup.Signature
}

var benchData = sync.OnceValue(func() *benchCorpus {
	cfg := dedup.Config{}
	h, err := dedup.NewHasher(cfg)
	if err != nil {
		panic(err)
	}
	ids, texts := testCorpus(11, 500, 5)
	bc := &benchCorpus{}
	for i, text := range texts {
		if i%5 == 4 {
			bc.queries = append(bc.queries, h.Sign(text))
			continue
		}
		bc.ids = append(bc.ids, ids[i])
		bc.sigs = append(bc.sigs, h.Sign(text))
	}
	return bc
})

// benchStore returns an empty store of the named kind, dropped when b
// ends, or skips b.
func benchStore(b *testing.B, kind string) dedup.Store {
	cfg := dedup.Config{}
	if kind == "memory" {
		s, err := dedup.NewMemoryStore(cfg)
		require.NoError(b, err)
		return s
	}
	return openTest(b, testClient(b), cfg, nil)
}

// parallel runs op(i) for i in [0, n) on workers goroutines.
func parallel(workers, n int, op func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				op(i)
			}
		})
	}
	wg.Wait()
}

// BenchmarkAdd measures Index.Add: articles/s.
func BenchmarkAdd(b *testing.B) {
	bc := benchData()
	for _, kind := range []string{"memory", "redis"} {
		for _, workers := range []int{1, 4} {
			b.Run(fmt.Sprintf("store=%s/workers=%d", kind, workers), func(b *testing.B) {
				ix, err := dedup.NewIndexWithStore(dedup.Config{}, benchStore(b, kind))
				require.NoError(b, err)
				var failed atomic.Int64
				b.ResetTimer()
				start := time.Now()
				parallel(workers, b.N, func(i int) {
					j := i % len(bc.sigs)
					if ix.Add(fmt.Sprintf("%s/%d", bc.ids[j], i), bc.sigs[j]) != nil {
						failed.Add(1)
					}
				})
				elapsed := time.Since(start)
				b.StopTimer()
				require.Zero(b, failed.Load(), "failed adds")
				b.ReportMetric(float64(b.N)/elapsed.Seconds(), "articles/s")
			})
		}
	}
	b.Run("store=redis/batch", func(b *testing.B) {
		s := benchStore(b, "redis").(*Store)
		docs := make([]Doc, b.N)
		for i := range docs {
			j := i % len(bc.sigs)
			docs[i] = Doc{ID: fmt.Sprintf("%s/%d", bc.ids[j], i), Sig: bc.sigs[j]}
		}
		b.ResetTimer()
		start := time.Now()
		errs := s.AddBatch(context.Background(), docs)
		elapsed := time.Since(start)
		b.StopTimer()
		for _, err := range errs {
			require.NoError(b, err)
		}
		b.ReportMetric(float64(b.N)/elapsed.Seconds(), "articles/s")
	})
}

// BenchmarkQuery measures Index.Query on an index of 2000 articles (500
// stories of 4 copies), each query a fresh copy of a story with 4
// matches: queries/s, and the latency percentiles p50 and p99 in µs.
func BenchmarkQuery(b *testing.B) {
	bc := benchData()
	for _, kind := range []string{"memory", "redis"} {
		for _, workers := range []int{1, 4} {
			b.Run(fmt.Sprintf("store=%s/workers=%d", kind, workers), func(b *testing.B) {
				ix, err := dedup.NewIndexWithStore(dedup.Config{}, benchStore(b, kind))
				require.NoError(b, err)
				if s, ok := ix.Store().(*Store); ok {
					docs := make([]Doc, len(bc.sigs))
					for i := range docs {
						docs[i] = Doc{ID: bc.ids[i], Sig: bc.sigs[i]}
					}
					for _, err := range s.AddBatch(context.Background(), docs) {
						require.NoError(b, err)
					}
				} else {
					for i, sig := range bc.sigs {
						require.NoError(b, ix.Add(bc.ids[i], sig))
					}
				}
				lat := make([]time.Duration, b.N)
				var failed atomic.Int64
				b.ResetTimer()
				start := time.Now()
				parallel(workers, b.N, func(i int) {
					t0 := time.Now()
					m, err := ix.Query(bc.queries[i%len(bc.queries)])
					lat[i] = time.Since(t0)
					if err != nil || len(m) != 4 {
						failed.Add(1)
					}
				})
				elapsed := time.Since(start)
				b.StopTimer()
				require.Zero(b, failed.Load(), "queries that failed or did not find the 4 copies")
				slices.Sort(lat)
				b.ReportMetric(float64(b.N)/elapsed.Seconds(), "queries/s")
				b.ReportMetric(float64(lat[b.N/2].Nanoseconds())/1e3, "p50-µs")
				b.ReportMetric(float64(lat[b.N*99/100].Nanoseconds())/1e3, "p99-µs")
			})
		}
	}
}
