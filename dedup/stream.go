package dedup

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
)

// Result is the answer of Add (or Check) for one article.
type Result struct {
	// ID is the added article's ID (empty from Check).
	ID string `json:"id"`
	// New is true when no indexed article is a copy of this one.
	New bool `json:"new"`
	// CopyOf is the most similar indexed article when New is false.
	CopyOf string `json:"copy_of,omitempty"`
	// Similarity is the similarity to CopyOf (measured exactly near the
	// threshold, else the MinHash estimate).
	Similarity float64 `json:"similarity,omitempty"`
	// Matches lists every indexed article this one copies by the
	// decision rules (at the threshold, as a trimmed copy, or as a heavy
	// rewrite, which has a non-zero Coverage), most similar first.
	Matches []Match `json:"matches,omitempty"`
	// Cluster names the cluster the article is in after Add: the ID of
	// the cluster's first article. It is empty from Check.
	Cluster string `json:"cluster,omitempty"`
	// Merged lists the clusters (by name) that this article joined into
	// Cluster: clusters that were apart until it came. Their names are
	// no longer used.
	Merged []string `json:"merged,omitempty"`
	// Attached lists earlier articles that were alone and joined this
	// article's cluster because of it: shorter articles found inside it
	// (trimmed copies) or reworded from it (heavy rewrites).
	Attached []string `json:"attached,omitempty"`
}

// streamState is what a Deduper keeps beside its index for the stream:
// the clusters of the articles added, and the sampled content-word
// shingles that propose heavy-rewrite candidates. Guarded by mu; Add
// also holds Deduper.mu.
type streamState struct {
	mu       sync.RWMutex
	num      map[string]int32 // article -> number
	ids      []string
	parent   []int32
	name     []string // cluster name, at a root
	size     []int32  // cluster size, at a root
	attached []bool   // joined as the shorter side of a weak link
	rewrite  map[uint32][]int32
}

func newStreamState() *streamState {
	return &streamState{num: make(map[string]int32), rewrite: make(map[uint32][]int32)}
}

func (st *streamState) find(x int32) int32 {
	for st.parent[x] != x {
		st.parent[x] = st.parent[st.parent[x]]
		x = st.parent[x]
	}
	return x
}

// union joins the clusters of a and b, keeping the older name, and
// returns the name given up ("" if they were one).
func (st *streamState) union(a, b int32) string {
	a, b = st.find(a), st.find(b)
	if a == b {
		return ""
	}
	if b < a {
		a, b = b, a
	}
	st.parent[b] = a
	st.size[a] += st.size[b]
	return st.name[b]
}

// maxRewritePostings: a sampled content-word shingle found in more
// articles than this proposes no more heavy-rewrite candidates (as
// maxPostings in a batch).
const maxRewritePostings = maxPostings

// rewriteSamples returns the sampled content-word shingles of a rewrite
// view.
func (d *Deduper) rewriteSamples(t *rewriteText) []uint32 {
	return sampleShingles(nil, t.union, d.h.s2)
}

// link is a pair the rules accept between the article being added and an
// indexed one.
type link struct {
	m    Match
	weak bool // by containment alone (rule 2)
	// shorter: the new article is the shorter side (it attaches to the
	// other); else the indexed one attaches to it.
	shorter bool
}

// Add signs text, reports whether it copies an article added earlier by
// the decision rules (see the package documentation), indexes it under
// id with its Evidence, and puts it in a cluster. It returns an error
// wrapping ErrEmptyID, ErrLimit (an ID longer than MaxSavedIDLen),
// ErrDuplicateID, or ErrEmpty (a text with no words), and then indexes
// nothing.
func (d *Deduper) Add(id, text string) (Result, error) {
	if err := checkID(id); err != nil {
		return Result{}, err
	}
	doc := d.h.Doc(text)
	if doc.Signature.Empty() {
		return Result{}, fmt.Errorf("%w: %q", ErrEmpty, id)
	}
	return d.AddDoc(id, doc)
}

// AddDoc is Add for an article already signed (Hasher.Doc).
func (d *Deduper) AddDoc(id string, doc Doc) (Result, error) {
	if err := checkID(id); err != nil {
		return Result{}, err
	}
	if doc.Signature.Empty() {
		return Result{}, fmt.Errorf("%w: %q", ErrEmpty, id)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	res, links, rw, err := d.decide(doc)
	if err != nil {
		return Result{}, err
	}
	if err := d.ix.AddDoc(id, doc); err != nil {
		return Result{}, err
	}
	res.ID = id
	st := d.st
	st.mu.Lock()
	defer st.mu.Unlock()
	n := int32(len(st.ids))
	if _, ok := st.num[id]; ok {
		// The index refused a second Add of id above; a store shared
		// with other processes may not know this Deduper's articles.
		return Result{}, fmt.Errorf("%w: %q", ErrDuplicateID, id)
	}
	st.num[id] = n
	st.ids = append(st.ids, id)
	st.parent = append(st.parent, n)
	st.name = append(st.name, id)
	st.size = append(st.size, 1)
	st.attached = append(st.attached, false)
	weakDone := false
	for _, l := range links {
		j, ok := st.num[l.m.ID]
		if !ok {
			continue // added by another process: no cluster here
		}
		switch {
		case !l.weak:
			res.addMerge(st.union(n, j))
		case l.shorter:
			// A trimmed copy attaches once, to its best match.
			if !weakDone {
				weakDone = true
				st.attached[n] = true
				res.addMerge(st.union(n, j))
			}
		case !st.attached[j] && st.find(j) != st.find(n):
			st.attached[j] = true
			if st.size[st.find(j)] == 1 {
				res.Attached = append(res.Attached, l.m.ID)
			}
			res.addMerge(st.union(n, j))
		}
	}
	for _, m := range rw.attach {
		if j, ok := st.num[m]; ok && st.size[st.find(j)] == 1 {
			res.Attached = append(res.Attached, m)
			st.union(n, j)
		}
	}
	if rw.best != "" {
		if j, ok := st.num[rw.best]; ok {
			res.addMerge(st.union(n, j))
		}
	}
	for _, v := range rw.samples {
		p := st.rewrite[v]
		if len(p) <= maxRewritePostings {
			st.rewrite[v] = append(p, n)
		}
	}
	res.Cluster = st.name[st.find(n)]
	if res.Merged = slices.DeleteFunc(res.Merged, func(s string) bool { return s == id }); len(res.Merged) == 0 {
		res.Merged = nil
	}
	return res, nil
}

// ClusterOf returns the name of the cluster of an article added with Add
// (the ID of the cluster's first article), and false if this Deduper has
// not added it.
func (d *Deduper) ClusterOf(id string) (string, bool) {
	st := d.st
	st.mu.Lock() // find compresses paths
	defer st.mu.Unlock()
	n, ok := st.num[id]
	if !ok {
		return "", false
	}
	return st.name[st.find(n)], true
}

func (r *Result) addMerge(name string) {
	if name != "" {
		r.Merged = append(r.Merged, name)
	}
}

// Check reports whether text copies an article added earlier, as Add
// would, without indexing it: the Result's ID and Cluster are empty. It
// returns an error wrapping ErrEmpty for a text with no words. Check does
// not wait for concurrent Adds: it sees each of them wholly or not at all.
func (d *Deduper) Check(text string) (Result, error) {
	doc := d.h.Doc(text)
	if doc.Signature.Empty() {
		return Result{}, ErrEmpty
	}
	res, _, _, err := d.decide(doc)
	return res, err
}

// rewriteFound is what decide found of heavy rewrites.
type rewriteFound struct {
	best    string   // the article the new one is a heavy rewrite of
	attach  []string // articles alone that are heavy rewrites of the new one
	samples []uint32 // the new article's sampled content-word shingles
}

// decide applies the decision rules between doc and every indexed
// article the index proposes.
func (d *Deduper) decide(doc Doc) (Result, []link, rewriteFound, error) {
	var rw rewriteFound
	sig := doc.Signature
	found, err := d.ix.AppendQuery(nil, sig, d.rules.floor)
	if err != nil {
		return Result{}, nil, rw, err
	}
	var sc evScratch
	var buf []uint64
	var links []link
	matches := found[:0]
	for _, m := range found {
		s := Score{Similarity: m.Similarity, Containment: m.Containment}
		if s.Similarity < d.rules.sure && doc.Evidence.valid() {
			if ev, _, ok := d.ix.evidence(m.ID); ok {
				s, buf = sc.score(doc.Evidence, ev, &d.rules.cfg, buf)
			}
		}
		if !d.rules.isCopy(s.Similarity, s.Containment) {
			continue
		}
		m.Similarity, m.Containment = s.Similarity, s.Containment
		l := link{m: m, weak: !d.rules.strong(s.Similarity), shorter: sig.Shingles() <= m.Shingles}
		links = append(links, l)
		// On containment alone, only a shorter article copies a
		// longer one: a long article that quotes a short one adds to
		// it (the short one may join its cluster, see Add).
		if !l.weak || l.shorter {
			matches = append(matches, m)
		}
	}
	slices.SortStableFunc(matches, func(a, b Match) int { return cmp.Compare(b.Similarity, a.Similarity) })
	slices.SortStableFunc(links, func(a, b link) int { return cmp.Compare(b.m.Similarity, a.m.Similarity) })
	if d.rules.rewrites && doc.Evidence.valid() {
		t := sc.rewriteText(doc.Evidence)
		rw.samples = d.rewriteSamples(&t)
		// Articles alone may be rewrites of this one whatever its
		// other links; this one is a rewrite only if it has none.
		var m *Match
		m, rw.attach = d.rewrites(&sc, doc.Evidence, &t, rw.samples, len(links) == 0)
		if m != nil {
			rw.best = m.ID
			matches = append(matches, *m)
		}
	}
	res := Result{New: len(matches) == 0, Matches: matches}
	if !res.New {
		res.CopyOf, res.Similarity = matches[0].ID, matches[0].Similarity
	}
	return res, links, rw, nil
}

// rewrites looks for heavy rewrites between a new article (its Evidence,
// rewrite view t and samples) and the indexed articles that share a
// sampled content-word shingle with it: the article it is a rewrite of,
// if it has no other link (alone), the best by coverage, then union; and
// the articles alone in their clusters that are rewrites of it.
func (d *Deduper) rewrites(sc *evScratch, own Evidence, t *rewriteText, samples []uint32, alone bool) (*Match, []string) {
	st := d.st
	st.mu.RLock()
	var cands []int32
	for _, v := range samples {
		if p := st.rewrite[v]; len(p) <= maxRewritePostings {
			cands = append(cands, p...)
		}
	}
	slices.Sort(cands)
	cands = slices.Compact(cands)
	ids := make([]string, len(cands))
	single := make([]bool, len(cands))
	for k, c := range cands {
		ids[k] = st.ids[c]
		single[k] = st.size[st.find(c)] == 1
	}
	st.mu.RUnlock()
	if len(cands) == 0 || len(t.sents) == 0 {
		return nil, nil
	}
	var set u64Set
	set.reset(t.union)
	var best *Match
	var bestCov, bestUnion float64
	var attach []string
	for k, id := range ids {
		ev, _, ok := d.ix.evidence(id)
		if !ok {
			continue
		}
		o := sc.rewriteText(ev)
		short, long := t, &o
		if o.words < t.words {
			short, long = &o, t
		}
		if short == &o && !single[k] || short == t && !alone {
			continue
		}
		cov, u, ok := rewriteMatch(short, long, &set, o.union)
		if !ok {
			continue
		}
		if short == &o {
			attach = append(attach, id)
			continue
		}
		if best == nil || cmp.Or(cmp.Compare(cov, bestCov), cmp.Compare(u, bestUnion)) > 0 {
			best = &Match{ID: id, Coverage: cov}
			bestCov, bestUnion = cov, u
		}
	}
	if best != nil {
		// The pair's own figures, for the Result.
		if ev, n, ok := d.ix.evidence(best.ID); ok {
			var s Score
			s, _ = sc.score(own, ev, &d.rules.cfg, nil)
			best.Similarity, best.Containment, best.Shingles = s.Similarity, s.Containment, n
		}
	}
	return best, attach
}
