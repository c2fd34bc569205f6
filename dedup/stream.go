package dedup

import (
	"cmp"
	"fmt"
	"slices"
	"time"
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
	// Matches lists every indexed article the decision rules join with
	// this one, most similar first: at the threshold, as a trimmed or
	// padded copy (the shorter article inside the longer, either way
	// round), and last a heavy rewrite (with a non-zero Coverage).
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

// link is a pair the rules accept between the article being added and an
// indexed one.
type link struct {
	m    Match
	weak bool // by containment alone (rule 2)
	// shorter: the new article is the shorter side (it attaches to the
	// other); else the indexed one attaches to it.
	shorter bool
}

// AddAt is Add for an article of time t (its publication time, say):
// Index.Expire removes it once t is older than the window, whatever the
// time it was added, so a backfill of old news expires as it should. The
// zero Time means now.
func (d *Deduper) AddAt(id, text string, t time.Time) (Result, error) {
	if err := checkID(id); err != nil {
		return Result{}, err
	}
	doc := d.h.Doc(text)
	doc.Time = t
	if doc.Signature.Empty() {
		return Result{}, fmt.Errorf("%w: %q", ErrEmpty, id)
	}
	return d.AddDoc(id, doc)
}

// Expire removes from the index every article older than before (see
// Index.Expire) and returns how many.
func (d *Deduper) Expire(before time.Time) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.ix.Expire(before)
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
	matches, links, rw, err := d.ix.decide(doc)
	if err != nil {
		return Result{}, err
	}
	res := newResult(matches)
	res.ID = id
	res.Cluster, res.Merged, res.Attached, err = d.ix.addLinked(id, doc, links, rw)
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// newResult returns the Result of an article whose matches are matches.
func newResult(matches []Match) Result {
	res := Result{New: len(matches) == 0, Matches: matches}
	if !res.New {
		res.CopyOf, res.Similarity = matches[0].ID, matches[0].Similarity
	}
	return res
}

// addLinked indexes doc under id and puts it in a cluster by the links
// and rewrites decide found (see Deduper.Add). It returns the cluster's
// name, the clusters merged into it and the lone articles attached.
func (ix *Index) addLinked(id string, doc Doc, links []link, rw rewriteFound) (cluster string, merged, attached []string, err error) {
	if err := ix.AddDoc(id, doc); err != nil {
		return "", nil, nil, err
	}
	st := ix.st
	st.mu.Lock()
	defer st.mu.Unlock()
	n, ok := st.num[id]
	if !ok {
		// Removed (or expired) by another goroutine meanwhile.
		return "", nil, nil, nil
	}
	merge := func(name string) {
		if name != "" && name != id {
			merged = append(merged, name)
		}
	}
	weakDone := false
	for _, l := range links {
		j, ok := st.num[l.m.ID]
		if !ok {
			continue // added by another process: no cluster here
		}
		switch {
		case !l.weak:
			merge(st.union(n, j))
		case l.shorter:
			// A trimmed copy attaches once, to its best match.
			if !weakDone && !st.attached[n] {
				weakDone = true
				st.attached[n] = true
				merge(st.union(n, j))
			}
		case !st.attached[j] && st.find(j) != st.find(n):
			st.attached[j] = true
			if st.size[st.find(j)] == 1 {
				attached = append(attached, l.m.ID)
			}
			merge(st.union(n, j))
		}
	}
	for _, m := range rw.attach {
		if j, ok := st.num[m]; ok && st.size[st.find(j)] == 1 {
			attached = append(attached, m)
			st.union(n, j)
		}
	}
	if rw.best != "" {
		if j, ok := st.num[rw.best]; ok {
			merge(st.union(n, j))
		}
	}
	return st.name[st.find(n)], merged, attached, nil
}

// ClusterOf returns the name of the cluster of an article added with Add
// (the ID of the cluster's first article), and false if this Deduper has
// not added it.
func (d *Deduper) ClusterOf(id string) (string, bool) { return d.ix.ClusterOf(id) }

// ClusterOf returns the name of the cluster of an indexed document (the
// ID of the cluster's first document; Deduper.Add joins clusters, a
// document added with AddDoc alone starts its own), and false if the
// index does not have it in this process (see Index).
func (ix *Index) ClusterOf(id string) (string, bool) {
	if ix.st == nil {
		return "", false
	}
	ix.st.mu.Lock() // find compresses paths
	defer ix.st.mu.Unlock()
	return ix.st.clusterOf(id)
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
	matches, _, _, err := d.ix.decide(doc)
	if err != nil {
		return Result{}, err
	}
	return newResult(matches), nil
}

// QueryDoc returns the indexed documents the decision rules join with
// doc (see the package documentation): at the threshold, as a trimmed or
// padded copy, or as a heavy rewrite (with a non-zero Coverage; doc must
// have Evidence and no other match), most similar first, the rewrite
// last. Pairs near the threshold are measured exactly
// when both have Evidence. It is what Deduper.Check answers.
func (ix *Index) QueryDoc(doc Doc) ([]Match, error) {
	matches, _, _, err := ix.decide(doc)
	return matches, err
}

// rewriteFound is what decide found of heavy rewrites.
type rewriteFound struct {
	best    string   // the article the new one is a heavy rewrite of
	attach  []string // articles alone that are heavy rewrites of the new one
	samples []uint32 // the new article's sampled content-word shingles
}

// decide applies the decision rules between doc and every indexed
// article the index proposes: it returns the matches (Result.Matches), the
// links the rules accept either way, and the heavy rewrites.
func (ix *Index) decide(doc Doc) ([]Match, []link, rewriteFound, error) {
	var rw rewriteFound
	sig := doc.Signature
	found, err := ix.AppendQuery(nil, sig, ix.rules.floor)
	if err != nil {
		return nil, nil, rw, err
	}
	var sc evScratch
	var buf []uint64
	var links []link
	matches := found[:0]
	for _, m := range found {
		s := Score{Similarity: m.Similarity, Containment: m.Containment}
		if s.Similarity < ix.rules.sure && doc.Evidence.valid() {
			if ev, _, ok := ix.evidence(m.ID); ok {
				s, buf = sc.score(doc.Evidence, ev, &ix.rules.cfg, buf)
			}
		}
		if !ix.rules.isCopy(s.Similarity, s.Containment) {
			continue
		}
		m.Similarity, m.Containment = s.Similarity, s.Containment
		links = append(links, link{m: m, weak: !ix.rules.strong(s.Similarity), shorter: sig.Shingles() <= m.Shingles})
		matches = append(matches, m)
	}
	slices.SortStableFunc(matches, func(a, b Match) int { return cmp.Compare(b.Similarity, a.Similarity) })
	slices.SortStableFunc(links, func(a, b link) int { return cmp.Compare(b.m.Similarity, a.m.Similarity) })
	if ix.rules.rewrites && doc.Evidence.valid() && ix.st != nil {
		t := sc.rewriteText(doc.Evidence)
		rw.samples = ix.rewriteSamples(&t)
		// Articles alone may be rewrites of this one whatever its
		// other links; this one is a rewrite only if it has none.
		var m *Match
		var attach []Match
		m, attach = ix.rewrites(&sc, doc.Evidence, &t, rw.samples, len(links) == 0)
		if m != nil {
			rw.best = m.ID
			matches = append(matches, *m)
		}
		for _, a := range attach {
			rw.attach = append(rw.attach, a.ID)
		}
		matches = append(matches, attach...)
	}
	return matches, links, rw, nil
}

// rewrites looks for heavy rewrites between a new article (its Evidence,
// rewrite view t and samples) and the indexed articles that share a
// sampled content-word shingle with it: the article it is a rewrite of,
// if it has no other link (alone), the best by coverage, then union; and
// the articles alone in their clusters that are rewrites of it.
func (ix *Index) rewrites(sc *evScratch, own Evidence, t *rewriteText, samples []uint32, alone bool) (*Match, []Match) {
	st := ix.st
	st.mu.RLock()
	var cands []int32
	for _, v := range samples {
		cands = st.rw.appendDocs(cands, v)
	}
	slices.Sort(cands)
	// Each posting of a shared sample lists the candidate once: the
	// length of its run is how many samples the pair shares.
	nu := len(t.union)
	var ids []string
	var single []bool
	var unions []int
	for lo := 0; lo < len(cands); {
		c := cands[lo]
		hi := lo + 1
		for hi < len(cands) && cands[hi] == c {
			hi++
		}
		shared := hi - lo
		lo = hi
		r := c
		for st.parent[r] != r { // find, without compressing under a read lock
			r = st.parent[r]
		}
		lone := st.size[r] == 1
		if !alone && !lone {
			continue // neither side can be attached
		}
		if !rewriteCandidate(shared, nu, int(st.nunion[c])) {
			continue
		}
		ids = append(ids, st.ids[c])
		single = append(single, lone)
		unions = append(unions, int(st.nunion[c]))
	}
	st.mu.RUnlock()
	if len(ids) == 0 || len(t.sents) == 0 {
		return nil, nil
	}
	var set u64Set
	set.reset(t.union)
	var buf []uint64
	var best *Match
	var bestCov, bestUnion float64
	var attach []Match
	for k, id := range ids {
		// The derivation evidence first, from the unions of content-word
		// n-grams (most candidates stop here); the rewrite view only for
		// the pairs that pass it.
		ev, _, ok := ix.evidence(id)
		if !ok {
			continue
		}
		buf = sc.appendUnion(buf[:0], ev)
		if _, ok := rewriteDerived(set.countDistinct(buf), nu, unions[k]); !ok {
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
			attach = append(attach, ix.rewriteMatch(sc, own, id, cov))
			continue
		}
		if best == nil || cmp.Or(cmp.Compare(cov, bestCov), cmp.Compare(u, bestUnion)) > 0 {
			best = &Match{ID: id, Coverage: cov}
			bestCov, bestUnion = cov, u
		}
	}
	if best != nil {
		m := ix.rewriteMatch(sc, own, best.ID, best.Coverage)
		best = &m
	}
	return best, attach
}

// rewriteMatch returns the Match of a heavy rewrite between a document of
// Evidence own and the indexed document id, with the pair's own figures.
func (ix *Index) rewriteMatch(sc *evScratch, own Evidence, id string, coverage float64) Match {
	m := Match{ID: id, Coverage: coverage}
	if ev, n, ok := ix.evidence(id); ok {
		var s Score
		s, _ = sc.score(own, ev, &ix.rules.cfg, nil)
		m.Similarity, m.Containment, m.Shingles = s.Similarity, s.Containment, n
	}
	return m
}
