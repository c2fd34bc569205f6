package dedup

import (
	"fmt"
	"math"
	"runtime"
	"sync"
)

// Deduper finds reworded copies among news articles: in a batch with
// Cluster, or one article at a time with Add.
//
// A Deduper is safe for concurrent use. Concurrent Adds are serialized
// around the check-then-insert step, so of two copies of one article that
// arrive at the same time exactly one is reported as new. The Results and
// Clusterings it returns, and their slices, are the caller's.
type Deduper struct {
	h  *Hasher
	ix *Index
	mu sync.Mutex // serializes Add's query and insert
	// sure: see newDeduper.
	sure float64
	// rewritePool holds *rewriteShinglers for Cluster's rewrite check.
	rewritePool *sync.Pool
}

// New returns a Deduper with an empty in-memory index, or an error
// wrapping ErrConfig.
func New(cfg Config) (*Deduper, error) {
	h, err := NewHasher(cfg)
	if err != nil {
		return nil, err
	}
	ix, err := NewIndex(cfg)
	if err != nil {
		return nil, err
	}
	return newDeduper(h, ix), nil
}

// Trimmed and padded copies. A copy trimmed from the bottom, or padded
// with a new lead, keeps most of the shorter text inside the longer one
// while their Jaccard similarity falls with the length difference. A pair
// is therefore a copy when its Jaccard similarity reaches the threshold,
// or when it reaches trimmedFloor times the threshold and the shorter
// text's shingles are at least trimmedContainment inside the other.
const (
	trimmedFloor       = 0.5
	trimmedContainment = 0.5
)

// isCopy applies the copy rule to a pair's similarity and containment.
func (d *Deduper) isCopy(sim, cont float64) bool {
	t := d.h.cfg.Threshold
	return sim >= t || (sim >= t*trimmedFloor && cont >= trimmedContainment)
}

// newDeduper returns a Deduper; sure is the estimate above which a batch
// pair is a copy without an exact check: the threshold plus three
// standard deviations of the estimate there.
func newDeduper(h *Hasher, ix *Index) *Deduper {
	t := h.cfg.Threshold
	return &Deduper{h: h, ix: ix, sure: t + 3*math.Sqrt(t*(1-t)/float64(h.cfg.NumHashes)), rewritePool: rewritePool(h.cfg.Shingle)}
}

// NewWithIndex returns a Deduper that signs with cfg and indexes into ix,
// whose Config must equal cfg after defaults.
func NewWithIndex(cfg Config, ix *Index) (*Deduper, error) {
	h, err := NewHasher(cfg)
	if err != nil {
		return nil, err
	}
	if ix == nil {
		return nil, fmt.Errorf("%w: nil index", ErrConfig)
	}
	if ix.fp != h.fp || ix.cfg != h.cfg {
		return nil, fmt.Errorf("%w: index config differs from deduper config", ErrConfigMismatch)
	}
	return newDeduper(h, ix), nil
}

// Config returns the configuration, with defaults filled in.
func (d *Deduper) Config() Config { return d.h.cfg }

// Hasher returns the Deduper's signer.
func (d *Deduper) Hasher() *Hasher { return d.h }

// Index returns the index of articles added with Add.
func (d *Deduper) Index() *Index { return d.ix }

// Result is the answer of Add for one article.
type Result struct {
	// ID is the added article's ID.
	ID string `json:"id"`
	// New is true when no indexed article is a copy of this one.
	New bool `json:"new"`
	// CopyOf is the most similar indexed article when New is false.
	CopyOf string `json:"copy_of,omitempty"`
	// Similarity is the estimated similarity to CopyOf.
	Similarity float64 `json:"similarity,omitempty"`
	// Matches lists every indexed article at or above the threshold, most
	// similar first.
	Matches []Match `json:"matches,omitempty"`
}

// Add signs text, reports whether it copies an article added earlier, and
// indexes it under id either way. It returns an error wrapping ErrEmptyID,
// ErrLimit (an ID longer than MaxSavedIDLen), ErrDuplicateID, or ErrEmpty
// (a text with no words), and then indexes nothing.
func (d *Deduper) Add(id, text string) (Result, error) {
	if err := checkID(id); err != nil {
		return Result{}, err
	}
	sig := d.h.Sign(text)
	if sig.Empty() {
		return Result{}, fmt.Errorf("%w: %q", ErrEmpty, id)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	res, err := d.copies(sig)
	if err != nil {
		return Result{}, err
	}
	if err := d.ix.Add(id, sig); err != nil {
		return Result{}, err
	}
	res.ID = id
	return res, nil
}

// Check reports whether text copies an article added earlier, as Add
// would, without indexing it: the Result's ID is empty. It returns an
// error wrapping ErrEmpty for a text with no words. Check does not wait
// for concurrent Adds: it sees each of them wholly or not at all.
func (d *Deduper) Check(text string) (Result, error) {
	sig := d.h.Sign(text)
	if sig.Empty() {
		return Result{}, ErrEmpty
	}
	return d.copies(sig)
}

// copies returns the Result of an article of signature sig against the
// index, without its ID.
func (d *Deduper) copies(sig Signature) (Result, error) {
	found, err := d.ix.AppendQuery(nil, sig, d.h.cfg.Threshold*trimmedFloor)
	if err != nil {
		return Result{}, err
	}
	matches := found[:0]
	for _, m := range found {
		// On containment alone, only a shorter article copies a
		// longer one: a long article that quotes a short one adds
		// to it.
		if m.Similarity >= d.h.cfg.Threshold || (sig.Shingles() <= m.Shingles && d.isCopy(m.Similarity, m.Containment)) {
			matches = append(matches, m)
		}
	}
	res := Result{New: len(matches) == 0, Matches: matches}
	if !res.New {
		res.CopyOf, res.Similarity = matches[0].ID, matches[0].Similarity
	}
	return res, nil
}

// Cluster groups a batch of articles into clusters of copies of one story,
// independently of the articles added with Add. Signing uses every core.
// Besides the copy rule it joins heavy rewrites (see the package
// documentation), which costs a second, content-word shingling of the
// batch.
// Every article ends in exactly one cluster; an article with no words is
// a singleton. It returns an error wrapping ErrEmptyID or ErrDuplicateID if
// an ID is empty or repeated.
func (d *Deduper) Cluster(articles []Article) (*Clustering, error) {
	ids := make([]string, len(articles))
	pos := make(map[string]int, len(articles))
	for i, a := range articles {
		if a.ID == "" {
			return nil, fmt.Errorf("%w: article %d", ErrEmptyID, i)
		}
		if j, ok := pos[a.ID]; ok {
			return nil, fmt.Errorf("%w: %q at articles %d and %d", ErrDuplicateID, a.ID, j, i)
		}
		pos[a.ID] = i
		ids[i] = a.ID
	}
	sigs := make([]Signature, len(articles))
	samples := make([][]uint32, len(articles))
	parallel(len(articles), func(i int) {
		s := d.h.get()
		s.set = s.sh.AppendHashes(s.set[:0], articles[i].Text)
		sigs[i] = d.h.sign(s, s.set)
		samples[i] = sampleShingles(nil, s.set, d.h.s2)
		d.h.put(s)
	})

	edges, err := d.lshEdges(articles, ids, pos, sigs)
	if err != nil {
		return nil, err
	}
	candidates := samplePairs(samples)
	edges = append(edges, d.sampledEdges(articles, sigs, candidates, edges)...)
	size := make([]int, len(sigs))
	for i, sg := range sigs {
		size[i] = sg.Shingles()
	}
	clusters := components(ids, edges, size, d.h.cfg.Threshold)
	// Heavy rewrites: articles still alone get one more look.
	single := make([]bool, len(articles))
	for _, cl := range clusters {
		if len(cl.Members) == 1 {
			single[pos[cl.Members[0]]] = true
		}
	}
	if rw := d.rewriteEdges(articles, single); len(rw) > 0 {
		clusters = components(ids, append(edges, rw...), size, d.h.cfg.Threshold)
	}
	cluster := make([]int, len(articles))
	for c, cl := range clusters {
		for _, m := range cl.Members {
			cluster[pos[m]] = c
		}
	}
	return &Clustering{Clusters: clusters, Related: d.related(articles, candidates, cluster)}, nil
}

// lshEdges indexes the batch's signatures and returns the pairs that the
// LSH index proposes and the copy rule accepts, each once (i < j).
func (d *Deduper) lshEdges(articles []Article, ids []string, pos map[string]int, sigs []Signature) ([]edge, error) {
	ix, err := NewIndex(d.h.cfg)
	if err != nil {
		return nil, err
	}
	for i, s := range sigs {
		if s.Empty() {
			continue
		}
		// Not Add: the IDs were checked by Cluster, and this index is
		// never saved, so the file format's ID limit does not apply.
		if err := ix.add(ids[i], s); err != nil {
			return nil, err
		}
	}
	found := make([][]edge, len(articles))
	parallel(len(articles), func(i int) {
		if sigs[i].Empty() {
			return
		}
		// Same config: the query cannot fail.
		matches, _ := ix.AppendQuery(nil, sigs[i], d.h.cfg.Threshold*trimmedFloor)
		for _, m := range matches {
			j := pos[m.ID]
			if j <= i {
				continue
			}
			sim, cont := m.Similarity, m.Containment
			if sim < d.sure {
				// Near the threshold the estimate decides
				// too little: the texts are at hand, so
				// measure exactly.
				exact := d.h.Compare(articles[i].Text, articles[j].Text)
				sim, cont = exact.Similarity, exact.Containment
			}
			if d.isCopy(sim, cont) {
				found[i] = append(found[i], edge{i: i, j: j, sim: sim, cont: cont})
			}
		}
	})
	var edges []edge
	for _, f := range found {
		edges = append(edges, f...)
	}
	return edges, nil
}

// sampledEdges checks the candidate pairs (articles sharing sampled
// shingles) that are not linked already: LSH finds pairs near the
// threshold only with the S-curve's probability, and trimmed copies, whose
// Jaccard is low, often not at all. The estimate filters first; the rule
// is applied to the exact measures. The result is sorted by pair.
func (d *Deduper) sampledEdges(articles []Article, sigs []Signature, candidates []pair, linked []edge) []edge {
	seen := make(map[pair]bool, len(linked))
	for _, e := range linked {
		seen[pair{int32(e.i), int32(e.j)}] = true
	}
	found := make([]*edge, len(candidates))
	parallel(len(candidates), func(k int) {
		p := candidates[k]
		if seen[p] || sigs[p.i].Empty() || sigs[p.j].Empty() {
			return
		}
		est, _ := sigs[p.i].Similarity(sigs[p.j]) // same config: cannot fail
		if est < d.h.cfg.Threshold*trimmedFloor {
			return
		}
		exact := d.h.Compare(articles[p.i].Text, articles[p.j].Text)
		if d.isCopy(exact.Similarity, exact.Containment) {
			found[k] = &edge{i: int(p.i), j: int(p.j), sim: exact.Similarity, cont: exact.Containment}
		}
	})
	var edges []edge
	for _, e := range found {
		if e != nil {
			edges = append(edges, *e)
		}
	}
	return edges
}

// parallel calls fn(i) for i in [0, n) on every core.
func parallel(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	const chunk = 16
	for range workers {
		wg.Go(func() {
			for {
				mu.Lock()
				start := next
				next += chunk
				mu.Unlock()
				if start >= n {
					return
				}
				for i := start; i < min(start+chunk, n); i++ {
					fn(i)
				}
			}
		})
	}
	wg.Wait()
}

// Compare returns the exact similarity of two texts under the Deduper's
// config; see Hasher.Compare.
func (d *Deduper) Compare(a, b string) Score { return d.h.Compare(a, b) }

// WordSimilarity returns how closely two short texts say the same thing
// under the Deduper's config; see Hasher.WordSimilarity.
func (d *Deduper) WordSimilarity(a, b string) float64 { return d.h.WordSimilarity(a, b) }
