package dedup

import (
	"context"
	"fmt"
	"iter"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Doc is what the library keeps of one article once its text is read:
// its Signature and its Evidence. The decision rules need nothing else,
// so a batch, a stream and an index decide a pair alike from Docs.
type Doc struct {
	// Signature is the article's MinHash signature.
	Signature Signature
	// Evidence is the article's compact record (nil for a text with no
	// words or over MaxEvidenceWords words).
	Evidence Evidence
	// Time is the article's time, for Index.Expire; the zero Time means
	// the time it is added.
	Time time.Time
}

// Doc signs text and records its Evidence, from one pass over the text.
// Safe for concurrent use; the Doc is the caller's.
func (h *Hasher) Doc(text string) Doc {
	s := h.get()
	defer h.put(s)
	return h.doc(s, text)
}

func (h *Hasher) doc(s *signer, text string) Doc {
	s.set, s.words = s.sh.AppendWords(s.set[:0], s.words[:0], text)
	return Doc{Signature: h.sign(s, s.set), Evidence: makeEvidence(s.words)}
}

// BatchOptions controls a batch run (Deduper.ClusterSeq).
type BatchOptions struct {
	// Workers is the number of goroutines that sign and check pairs;
	// 0 means GOMAXPROCS.
	Workers int
	// Progress, if set, is called as the run goes on: after every few
	// thousand articles read, and at the start and end of each stage.
	// Calls come from one goroutine at a time; a slow Progress slows the
	// run.
	Progress func(Progress)
}

// Progress reports how far a batch run has gone.
type Progress struct {
	// Stage is "read" (signing the articles), "pairs" (checking
	// candidate pairs), "rewrites", "relations" or "done".
	Stage string
	// Done counts the articles read so far (stage "read"), or the items
	// of the stage done; Total is the stage's number of items when it is
	// known (0 while reading).
	Done, Total int
}

// batchDoc is one article of a batch as the batch keeps it.
type batchDoc struct {
	Doc
	samples []uint32 // sampled shingles (see sampleShingles)
}

// ClusterSeq groups the articles of seq into clusters of copies of one
// story, as Cluster does, reading each text once: it keeps each
// article's ID, Doc and a sample of its shingles, not its text, so its
// memory grows with the number of articles (about 2 KB each for a
// 600-word article), not with their length. seq's error, if any, ends
// the run with that error. ctx cancels the run: ClusterSeq then returns
// ctx's error promptly and no Clustering. IDs must be unique and
// non-empty (ErrEmptyID, ErrDuplicateID).
func (d *Deduper) ClusterSeq(ctx context.Context, seq iter.Seq2[Article, error], opts BatchOptions) (*Clustering, error) {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	progress := opts.Progress
	if progress == nil {
		progress = func(Progress) {}
	}
	ids, docs, err := d.readBatch(ctx, seq, workers, progress)
	if err != nil {
		return nil, err
	}
	res, err := d.clusterDocs(ctx, ids, docs, workers, progress)
	if err != nil {
		return nil, err
	}
	progress(Progress{Stage: "done", Done: len(ids), Total: len(ids)})
	return res, nil
}

// Cluster groups a batch of articles into clusters of copies of one story,
// independently of the articles added with Add, by the decision rules
// (see rules.go and the package documentation): copies at the
// threshold, trimmed copies, heavy rewrites, and partial relations
// between clusters. Signing uses every core. Every article ends in
// exactly one cluster; an article with no words is a singleton. It
// returns an error wrapping ErrEmptyID or ErrDuplicateID if an ID is
// empty or repeated. It is ClusterSeq over the slice.
func (d *Deduper) Cluster(articles []Article) (*Clustering, error) {
	return d.ClusterSeq(context.Background(), func(yield func(Article, error) bool) {
		for _, a := range articles {
			if !yield(a, nil) {
				return
			}
		}
	}, BatchOptions{})
}

// readBatch signs the articles of seq on workers goroutines, in input
// order.
func (d *Deduper) readBatch(ctx context.Context, seq iter.Seq2[Article, error], workers int, progress func(Progress)) ([]string, []batchDoc, error) {
	type job struct {
		at   int
		text string
	}
	var (
		ids  []string
		docs []batchDoc
		mu   sync.Mutex // guards docs' growth against the workers' writes
		pos  = make(map[string]int)
		jobs = make(chan []job, workers)
		wg   sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			s := d.h.get()
			defer d.h.put(s)
			for batch := range jobs {
				for _, j := range batch {
					doc := d.h.doc(s, j.text)
					bd := batchDoc{Doc: doc, samples: sampleShingles(nil, s.set, d.h.s2)}
					mu.Lock()
					docs[j.at] = bd
					mu.Unlock()
				}
			}
		})
	}
	const chunk = 64
	var pending []job
	send := func() {
		if len(pending) > 0 {
			jobs <- pending
			pending = nil
		}
	}
	err := func() error {
		n := 0
		for a, err := range seq {
			if err != nil {
				return err
			}
			if n&1023 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			if a.ID == "" {
				return fmt.Errorf("%w: article %d", ErrEmptyID, n)
			}
			if j, ok := pos[a.ID]; ok {
				return fmt.Errorf("%w: %q at articles %d and %d", ErrDuplicateID, a.ID, j, n)
			}
			pos[a.ID] = n
			ids = append(ids, a.ID)
			mu.Lock()
			docs = append(docs, batchDoc{})
			mu.Unlock()
			pending = append(pending, job{n, a.Text})
			if len(pending) == chunk {
				send()
			}
			n++
			if n%4096 == 0 {
				progress(Progress{Stage: "read", Done: n})
			}
		}
		send()
		return nil
	}()
	close(jobs)
	wg.Wait()
	if err != nil {
		return nil, nil, err
	}
	progress(Progress{Stage: "read", Done: len(ids), Total: len(ids)})
	return ids, docs, ctx.Err()
}

// clusterDocs clusters a batch from its Docs.
func (d *Deduper) clusterDocs(ctx context.Context, ids []string, docs []batchDoc, workers int, progress func(Progress)) (*Clustering, error) {
	pos := make(map[string]int, len(ids))
	for i, id := range ids {
		pos[id] = i
	}
	edges, err := d.lshEdges(ctx, ids, pos, docs, workers)
	if err != nil {
		return nil, err
	}
	samples := make([][]uint32, len(docs))
	for i := range docs {
		samples[i] = docs[i].samples
	}
	candidates := samplePairs(samples)
	progress(Progress{Stage: "pairs", Total: len(candidates)})
	more, err := d.sampledEdges(ctx, docs, candidates, edges, workers)
	if err != nil {
		return nil, err
	}
	edges = append(edges, more...)
	progress(Progress{Stage: "pairs", Done: len(candidates), Total: len(candidates)})
	size := make([]int, len(docs))
	for i := range docs {
		size[i] = docs[i].Signature.Shingles()
	}
	clusters := components(ids, edges, size, d.rules.threshold)
	if d.rules.rewrites {
		// Heavy rewrites: articles still alone get one more look.
		single := make([]bool, len(docs))
		for _, cl := range clusters {
			if len(cl.Members) == 1 {
				single[pos[cl.Members[0]]] = true
			}
		}
		progress(Progress{Stage: "rewrites", Total: len(docs)})
		rw, err := d.rewriteEdges(ctx, docs, single, workers)
		if err != nil {
			return nil, err
		}
		if len(rw) > 0 {
			clusters = components(ids, append(edges, rw...), size, d.rules.threshold)
		}
	}
	related := []Relation{}
	if !d.h.cfg.NoRelations {
		cluster := make([]int, len(docs))
		for c, cl := range clusters {
			for _, m := range cl.Members {
				cluster[pos[m]] = c
			}
		}
		progress(Progress{Stage: "relations", Total: len(candidates)})
		ev := make([]Evidence, len(docs))
		for i := range docs {
			ev[i] = docs[i].Evidence
		}
		if related, err = d.related(ctx, ids, ev, candidates, cluster, workers); err != nil {
			return nil, err
		}
	}
	return &Clustering{Clusters: clusters, Related: related}, nil
}

// lshEdges indexes the batch's signatures and returns the pairs that the
// LSH index proposes and the rules accept, each once (i < j).
func (d *Deduper) lshEdges(ctx context.Context, ids []string, pos map[string]int, docs []batchDoc, workers int) ([]edge, error) {
	ix, err := NewIndex(d.h.cfg)
	if err != nil {
		return nil, err
	}
	ix.st = nil // the batch keeps its own clusters
	for i := range docs {
		if docs[i].Signature.Empty() {
			continue
		}
		// Not Add: the IDs were checked, and this index is never
		// saved, so the file format's ID limit does not apply. The
		// Evidence stays in docs.
		if err := ix.add(ids[i], Doc{Signature: docs[i].Signature}); err != nil {
			return nil, err
		}
	}
	found := make([][]edge, len(docs))
	err = parallelCtx(ctx, workers, len(docs), func(sc *pairScratch, i int) {
		sig := docs[i].Signature
		if sig.Empty() {
			return
		}
		// Same config: the query cannot fail.
		sc.matches, _ = ix.AppendQuery(sc.matches[:0], sig, d.rules.floor)
		for _, m := range sc.matches {
			j := pos[m.ID]
			if j <= i {
				continue
			}
			var s Score
			s, sc.buf = d.rules.measure(&sc.ev, sc.buf, Score{Similarity: m.Similarity, Containment: m.Containment}, docs[i].Evidence, docs[j].Evidence)
			if d.rules.isCopy(s.Similarity, s.Containment) {
				found[i] = append(found[i], edge{i: i, j: j, sim: s.Similarity, cont: s.Containment})
			}
		}
	})
	if err != nil {
		return nil, err
	}
	var edges []edge
	for _, f := range found {
		edges = append(edges, f...)
	}
	return edges, nil
}

// sampledEdges checks the candidate pairs (articles sharing sampled
// shingles) that are not linked already: LSH finds pairs near the
// threshold only with the S-curve's probability, and trimmed copies, whose
// Jaccard is low, often not at all. The estimate filters first; the rules
// decide on the measured pair. The result is sorted by pair.
func (d *Deduper) sampledEdges(ctx context.Context, docs []batchDoc, candidates []pair, linked []edge, workers int) ([]edge, error) {
	seen := make(map[pair]bool, len(linked))
	for _, e := range linked {
		seen[pair{int32(e.i), int32(e.j)}] = true
	}
	found := make([]*edge, len(candidates))
	err := parallelCtx(ctx, workers, len(candidates), func(sc *pairScratch, k int) {
		p := candidates[k]
		a, b := &docs[p.i], &docs[p.j]
		if seen[p] || a.Signature.Empty() || b.Signature.Empty() {
			return
		}
		est := a.Signature.estimate(b.Signature) // same config: cannot fail
		if est.Similarity < d.rules.floor {
			return
		}
		// The sampled candidates are measured exactly whatever the
		// estimate: they are the pairs LSH missed.
		s := est
		if a.Evidence.valid() && b.Evidence.valid() {
			s, sc.buf = sc.ev.score(a.Evidence, b.Evidence, &d.rules.cfg, sc.buf)
		}
		if d.rules.isCopy(s.Similarity, s.Containment) {
			found[k] = &edge{i: int(p.i), j: int(p.j), sim: s.Similarity, cont: s.Containment}
		}
	})
	if err != nil {
		return nil, err
	}
	var edges []edge
	for _, e := range found {
		if e != nil {
			edges = append(edges, *e)
		}
	}
	return edges, nil
}

// estimate returns the signatures' estimates of a pair's similarity and
// containment; the configs must sign alike.
func (s Signature) estimate(o Signature) Score {
	j, _ := s.Similarity(o)
	return Score{Similarity: j, Containment: containment(j, s.Shingles(), o.Shingles())}
}

// pairScratch is one worker's scratch for checking pairs.
type pairScratch struct {
	ev      evScratch
	buf     []uint64
	matches []Match
}

// parallelCtx calls fn(sc, i) for i in [0, n) on workers goroutines, each
// with its own scratch, and stops early with ctx's error once ctx is
// done.
func parallelCtx(ctx context.Context, workers, n int, fn func(sc *pairScratch, i int)) error {
	workers = max(1, min(workers, n))
	var wg sync.WaitGroup
	var next atomic.Int64
	const chunk = 16
	for range workers {
		wg.Go(func() {
			var sc pairScratch
			for ctx.Err() == nil {
				start := int(next.Add(chunk)) - chunk
				if start >= n {
					return
				}
				for i := start; i < min(start+chunk, n); i++ {
					fn(&sc, i)
				}
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}

// parallel calls fn(i) for i in [0, n) on every core.
func parallel(n int, fn func(i int)) {
	_ = parallelCtx(context.Background(), runtime.GOMAXPROCS(0), n, func(_ *pairScratch, i int) { fn(i) })
}

// sortEdges sorts edges by pair.
func sortEdges(edges []edge) {
	slices.SortFunc(edges, func(x, y edge) int {
		if x.i != y.i {
			return x.i - y.i
		}
		return x.j - y.j
	})
}
