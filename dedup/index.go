package dedup

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Match is an indexed document found similar to a query.
type Match struct {
	// ID is the indexed document's ID.
	ID string `json:"id"`
	// Similarity is the MinHash estimate of the Jaccard similarity of the
	// two shingle sets.
	Similarity float64 `json:"similarity"`
	// Containment estimates the overlap coefficient |A∩B| / min(|A|,|B|):
	// the share of the shorter document's shingles found in the other. It
	// is high for trimmed or padded copies whose Jaccard is low.
	Containment float64 `json:"containment"`
	// Shingles is the indexed document's number of distinct shingles.
	Shingles int `json:"shingles"`
	// Coverage is set on a match found as a heavy rewrite (Deduper.Add
	// and Check): the share of the shorter article's sentences that have
	// a near copy in the other. It is 0 on other matches.
	Coverage float64 `json:"coverage,omitempty"`
}

// Index is an LSH banding index of signatures. Documents are searchable as
// soon as Add returns; there is no build step.
//
// An Index is safe for concurrent use by multiple goroutines, provided its
// Store is (the default in-memory store is). Slices it returns are the
// caller's.
type Index struct {
	cfg   Config
	fp    uint64
	store Store
	rules rules
	s2    uint64      // the sample seed (sampleSeed)
	st    *indexState // nil in a batch's own index
}

// newIndex returns an Index over store; cfg has its defaults.
func newIndex(cfg Config, store Store) *Index {
	return &Index{cfg: cfg, fp: cfg.fingerprint(), store: store, rules: newRules(cfg), s2: sampleSeed(cfg), st: newIndexState()}
}

// NewIndex returns an empty in-memory index for cfg, or an error wrapping
// ErrConfig. Its store follows at most DefaultMaxPostings documents under
// one band key; NewMemoryStoreWith and NewIndexWithStore choose another
// cap.
func NewIndex(cfg Config) (*Index, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	return newIndex(cfg, newMemStore(cfg.NumHashes, cfg.Bands, cfg.Rows)), nil
}

// NewMemoryStore returns an empty in-memory Store for cfg: the store that
// NewIndex uses, with the default MemoryStoreOptions. It is safe for
// concurrent use.
func NewMemoryStore(cfg Config) (Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	return newMemStore(cfg.NumHashes, cfg.Bands, cfg.Rows), nil
}

// NewIndexWithStore returns an index for cfg over store, which must have
// been made for a Config that signs and bands alike: cfg.Adopt applies
// (the Threshold and rules may differ; Bands and Rows left to the
// threshold take the store's). It returns an error wrapping
// ErrConfigMismatch, naming the field, when it can tell that the store
// was not: for the in-memory store, and for a store with a method
// Config() Config that reports the Config it was made for (as
// redisstore's does). Other stores must check their Config themselves,
// for example when they are opened.
func NewIndexWithStore(cfg Config, store Store) (*Index, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if store == nil {
		return nil, fmt.Errorf("%w: nil store", ErrConfig)
	}
	var saved Config
	switch st := store.(type) {
	case *memStore:
		saved = cfg.WithDefaults()
		saved.NumHashes, saved.Bands, saved.Rows = st.k, st.bands, st.rows
	case interface{ Config() Config }:
		saved = st.Config()
	default:
		saved = cfg
	}
	cfg, err := cfg.Adopt(saved)
	if err != nil {
		return nil, err
	}
	ix := newIndex(cfg, store)
	if err := ix.adopt(); err != nil {
		return nil, err
	}
	return ix, nil
}

// withConfig returns a view of ix deciding under cfg, which Adopt made
// from ix's Config: it shares ix's store and state.
func (ix *Index) withConfig(cfg Config) *Index {
	if cfg == ix.cfg {
		return ix
	}
	v := *ix
	v.cfg, v.rules = cfg, newRules(cfg)
	return &v
}

// adopt gives every document the store holds already a place in the
// index's state: alone in its cluster, with the present as its time.
func (ix *Index) adopt() error {
	type doc struct {
		id string
		ev Evidence
	}
	if n, err := ix.store.Len(); err != nil || n == 0 {
		return err
	}
	var docs []doc
	err := ix.store.Range(func(r Record) bool {
		docs = append(docs, doc{r.ID, Evidence(slices.Clone(r.Evidence))})
		return true
	})
	if err != nil {
		return fmt.Errorf("dedup: reading the store's documents: %w", err)
	}
	now := time.Now().UnixNano()
	ix.st.mu.Lock()
	defer ix.st.mu.Unlock()
	for _, d := range docs {
		if _, ok := ix.st.num[d.id]; !ok {
			samples, union := ix.docSamples(d.ev)
			ix.st.add(d.id, now, "", samples, union)
		}
	}
	return nil
}

// Config returns the index's configuration, with defaults filled in.
func (ix *Index) Config() Config { return ix.cfg }

// Banding returns the index's bands and rows, and the probability that a
// pair at the threshold becomes a candidate.
func (ix *Index) Banding() Banding { return ix.cfg.Banding() }

// Store returns the store under the index.
func (ix *Index) Store() Store { return ix.store }

// Len returns the number of indexed documents. A store that fails to
// answer (a shared store that is unreachable) counts as 0 here; its own
// Len, through Store, returns the error.
func (ix *Index) Len() int {
	n, _ := ix.store.Len()
	return n
}

// checkID returns an error unless id can be indexed: not empty, and not
// longer than an index file can hold.
func checkID(id string) error {
	if id == "" {
		return ErrEmptyID
	}
	if len(id) > MaxSavedIDLen {
		return fmt.Errorf("%w: ID of %d bytes (max %d) starting %q", ErrLimit, len(id), MaxSavedIDLen, id[:64])
	}
	return nil
}

// check returns an error unless sig can be used with the index.
func (ix *Index) check(sig Signature) error {
	if sig.config != ix.fp || len(sig.values) != ix.cfg.NumHashes {
		return fmt.Errorf("%w: signature of %d values does not match the index config", ErrConfigMismatch, len(sig.values))
	}
	return nil
}

// Add indexes sig under id. It returns an error wrapping ErrEmptyID,
// ErrLimit (an ID longer than MaxSavedIDLen bytes, which no index file
// could hold), ErrDuplicateID (the index keeps the first),
// ErrConfigMismatch, or ErrEmpty (an empty signature would match nothing
// and is not indexed).
func (ix *Index) Add(id string, sig Signature) error {
	return ix.AddDoc(id, Doc{Signature: sig})
}

// AddDoc indexes doc's signature under id, as Add does, and keeps its
// Evidence beside it (Hasher.Doc makes both), so that the decision rules
// can measure the document's pairs exactly and look for heavy rewrites
// without its text. It returns the errors of Add, and one wrapping
// ErrConfig for a malformed Evidence.
func (ix *Index) AddDoc(id string, doc Doc) error {
	if err := checkID(id); err != nil {
		return err
	}
	return ix.add(id, doc)
}

// add is AddDoc without the ID checks, for an index that is never saved
// (a batch's own index in Deduper.ClusterSeq, whose IDs are checked
// there).
func (ix *Index) add(id string, doc Doc) error {
	sig := doc.Signature
	if len(doc.Evidence) > 0 && !doc.Evidence.valid() {
		return fmt.Errorf("%w: malformed Evidence for %q", ErrConfig, id)
	}
	if sig.Empty() {
		// Checked first: the zero Signature is empty, whatever its config.
		return fmt.Errorf("%w: %q", ErrEmpty, id)
	}
	if err := ix.check(sig); err != nil {
		return err
	}
	// The store copies the values (Store.Add), so the scratch is reused.
	qs := ix.prepare(sig)
	defer queryPool.Put(qs)
	if err := ix.store.Add(Record{ID: id, Values: qs.vals, Shingles: sig.shingles, Evidence: doc.Evidence}, qs.keys); err != nil {
		return err
	}
	if ix.st != nil {
		samples, union := ix.docSamples(doc.Evidence)
		ix.st.mu.Lock()
		ix.st.add(id, timeOf(doc.Time), "", samples, union)
		ix.st.mu.Unlock()
	}
	return nil
}

// docSamples returns the rewrite samples of a document's Evidence and the
// size of its rewrite union (none when the rewrite rule is off).
func (ix *Index) docSamples(ev Evidence) (samples []uint32, union int) {
	if !ix.rules.rewrites || !ev.valid() {
		return nil, 0
	}
	var sc evScratch
	t := sc.rewriteText(ev)
	return ix.rewriteSamples(&t), len(t.union)
}

// rewriteSamples returns the sampled content-word shingles of a rewrite
// view: two articles that share one are heavy-rewrite candidates.
func (ix *Index) rewriteSamples(t *rewriteText) []uint32 {
	return sampleShingles(nil, t.union, ix.s2)
}

// AddBatch indexes docs[i] under ids[i] for every i (Doc{Signature: sig}
// for a signature alone), all or nothing: if any ID is empty, too long or
// indexed already, comes twice in ids, or any document is empty, made
// under another config or has a malformed Evidence, it returns the error
// AddDoc would return for it (wrapping ErrEmptyID, ErrLimit,
// ErrDuplicateID, ErrEmpty, ErrConfigMismatch or ErrConfig) and leaves
// the index unchanged (with another Store than the in-memory one, see
// below). It returns an error wrapping ErrConfig if ids and docs differ
// in length. The index then answers queries as if each document had been
// added with AddDoc, in order (each alone in its cluster: AddBatch
// applies no decision rule; Deduper.Add does).
//
// With the in-memory store, AddBatch is faster than AddDoc per document:
// it sizes each table once and posts the batch band by band, a batch of
// 4,096 documents or more on up to GOMAXPROCS goroutines (the bands are
// shared out among them). It holds the store's lock for the whole batch,
// so queries wait for it; split a large load into batches (tens of
// thousands of documents each lose little speed) where queries must not
// wait long. With another Store, AddBatch is not pipelined: it checks the
// IDs with Get, then calls the Store's Add for each document, one round
// trip each, and removes the ones it added if one fails (another process
// may have added the same ID meanwhile); the batch is then not atomic for
// concurrent readers, and if a removal fails too (a shared store that
// became unreachable), the documents added before it stay and the error
// says so. A store may offer a faster bulk path of its own (redisstore's
// Store.AddBatch).
func (ix *Index) AddBatch(ids []string, docs []Doc) error {
	if len(ids) != len(docs) {
		return fmt.Errorf("%w: AddBatch of %d IDs and %d documents", ErrConfig, len(ids), len(docs))
	}
	for i, id := range ids {
		if id == "" {
			return fmt.Errorf("%w: batch item %d", ErrEmptyID, i)
		}
		if err := checkID(id); err != nil {
			return err
		}
		if ev := docs[i].Evidence; len(ev) > 0 && !ev.valid() {
			return fmt.Errorf("%w: malformed Evidence for %q", ErrConfig, id)
		}
		if docs[i].Signature.Empty() {
			return fmt.Errorf("%w: %q", ErrEmpty, id)
		}
		if err := ix.check(docs[i].Signature); err != nil {
			return err
		}
	}
	if ms, ok := ix.store.(*memStore); ok {
		if err := ms.addBatch(ids, docs); err != nil {
			return err
		}
		if ix.st != nil {
			samples := make([][]uint32, len(docs))
			unions := make([]int, len(docs))
			parallel(len(docs), func(i int) { samples[i], unions[i] = ix.docSamples(docs[i].Evidence) })
			ix.st.mu.Lock()
			for i, id := range ids {
				ix.st.add(id, timeOf(docs[i].Time), "", samples[i], unions[i])
			}
			ix.st.mu.Unlock()
		}
		return nil
	}
	for _, id := range ids {
		if _, ok, err := ix.store.Get(id); err != nil {
			return err
		} else if ok {
			return fmt.Errorf("%w: %q", ErrDuplicateID, id)
		}
	}
	for i, id := range ids {
		if err := ix.AddDoc(id, docs[i]); err != nil {
			for _, added := range ids[:i] {
				if _, rerr := ix.Remove(added); rerr != nil {
					return fmt.Errorf("%w (and undoing the batch: %w)", err, rerr)
				}
			}
			return err
		}
	}
	return nil
}

// Remove deletes id from the index and reports whether it was there. Its
// cluster keeps its name and its other documents.
func (ix *Index) Remove(id string) (bool, error) {
	var samples []uint32
	if ix.st != nil {
		ev, _, _ := ix.evidence(id)
		samples, _ = ix.docSamples(ev)
	}
	ok, err := ix.store.Remove(id)
	if err == nil && ix.st != nil {
		ix.st.mu.Lock()
		ix.st.remove(id, samples)
		ix.st.mu.Unlock()
	}
	return ok, err
}

// Expire removes every document whose time (Doc.Time, or the time it was
// added when that was zero) is before before, and returns how many it
// removed. Clusters keep their names and their other documents. Expire
// knows the documents this process added or loaded: with a Store shared
// between processes, each process expires its own (and redisstore can
// expire documents by a TTL itself). On a Store error it stops, and the
// documents not yet removed stay indexed.
func (ix *Index) Expire(before time.Time) (int, error) {
	if ix.st == nil {
		return 0, nil
	}
	ix.st.mu.RLock()
	old := ix.st.expired(nil, before.UnixNano())
	ix.st.mu.RUnlock()
	n := 0
	for _, id := range old {
		ok, err := ix.Remove(id)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// Candidates returns the IDs of the indexed documents that share at least
// one LSH band with sig, unverified, sorted. See AppendCandidates.
func (ix *Index) Candidates(sig Signature) ([]string, error) {
	ids, err := ix.AppendCandidates(nil, sig)
	slices.Sort(ids)
	return ids, err
}

// AppendCandidates appends to dst the IDs of the indexed documents that
// share at least one LSH band with sig, each once, in no set order, and
// returns the extended slice. They are not verified: this is the LSH step
// alone, for callers that check candidates their own way (for example
// with the texts' exact similarity). The in-memory store follows at most
// MaxPostings documents under one band key. It allocates only if dst
// must grow. An empty signature (the zero Signature too) has no
// candidates; a signature made under another config gives an error
// wrapping ErrConfigMismatch.
func (ix *Index) AppendCandidates(dst []string, sig Signature) ([]string, error) {
	if sig.Empty() {
		// Checked first: the zero Signature is empty, whatever its config.
		return dst, nil
	}
	if err := ix.check(sig); err != nil {
		return dst, err
	}
	qs := ix.prepare(sig)
	defer queryPool.Put(qs)
	if ms, ok := ix.store.(*memStore); ok {
		return ms.appendCandidates(dst, qs.keys, qs.vals), nil
	}
	return appendCandidateIDs(ix.store, dst, qs.keys)
}

// appendCandidateIDs appends to dst the IDs of the candidates of keys in
// store. (A function of its own for the same reason as appendVerified.)
func appendCandidateIDs(store Store, dst []string, keys []uint64) ([]string, error) {
	err := store.Candidates(keys, func(r Record) bool {
		dst = append(dst, r.ID)
		return true
	})
	return dst, err
}

// Query returns the indexed documents that a document of signature sig
// copies by the decision rules, most similar first: QueryDoc without
// Evidence, so on the signatures' estimates and without heavy rewrites.
// Use QueryDoc (or Deduper.Check) with a Doc from Hasher.Doc for the
// exact answer.
func (ix *Index) Query(sig Signature) ([]Match, error) {
	return ix.QueryDoc(Doc{Signature: sig})
}

// AppendQuery appends to dst the indexed documents whose estimated
// similarity to sig reaches threshold, most similar first (ties by ID).
// Only LSH candidates are verified, so documents far below the index's own
// threshold may be missed when threshold is lower than it. A threshold of
// 0 or below, or NaN, returns every candidate. An empty signature (the
// zero Signature too) matches nothing; a signature made under another
// config gives an error wrapping ErrConfigMismatch.
func (ix *Index) AppendQuery(dst []Match, sig Signature, threshold float64) ([]Match, error) {
	if sig.Empty() {
		// Checked first: the zero Signature is empty, whatever its config.
		return dst, nil
	}
	if err := ix.check(sig); err != nil {
		return dst, err
	}
	qs := ix.prepare(sig)
	defer queryPool.Put(qs)
	vals, keys := qs.vals, qs.keys
	base := len(dst)
	if ms, ok := ix.store.(*memStore); ok {
		// Sorted by the store, which orders ties by ID without reading
		// most IDs.
		return ms.appendMatches(dst, keys, vals, sig.shingles, threshold), nil
	}
	dst, err := appendVerified(ix.store, dst, keys, vals, sig.shingles, threshold)
	slices.SortFunc(dst[base:], func(a, b Match) int {
		if c := cmp.Compare(b.Similarity, a.Similarity); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return dst, err
}

// appendVerified appends to dst the candidates of keys in store whose
// similarity to a query of values vals reaches threshold. (A function of
// its own, so that the closure's capture of dst does not move AppendQuery's
// dst to the heap.)
func appendVerified(store Store, dst []Match, keys []uint64, vals []uint32, shingles int, threshold float64) ([]Match, error) {
	err := store.Candidates(keys, func(r Record) bool {
		if m, ok := verify(vals, shingles, r, threshold); ok {
			dst = append(dst, m)
		}
		return true
	})
	return dst, err
}

// queryScratch holds a query's (or an Add's) compacted values and band
// keys. Pooled:
// stack arrays would escape to the heap through the Store interface.
type queryScratch struct {
	vals []uint32
	keys []uint64
}

var queryPool = sync.Pool{New: func() any { return new(queryScratch) }}

// prepare returns pooled scratch holding sig's compacted values and band
// keys; the caller puts it back in queryPool.
func (ix *Index) prepare(sig Signature) *queryScratch {
	qs := queryPool.Get().(*queryScratch)
	qs.vals = compact(qs.vals[:0], sig.values)
	qs.keys = bandKeys(qs.keys[:0], qs.vals, ix.cfg.Bands, ix.cfg.Rows)
	return qs
}

// verify estimates the similarity of a query to a candidate record.
func verify(q []uint32, qShingles int, r Record, threshold float64) (Match, bool) {
	if len(r.Values) != len(q) {
		return Match{}, false
	}
	eq := matching(q, r.Values)
	if float64(eq)/float64(len(q)) < threshold {
		return Match{}, false
	}
	return newMatch(r.ID, eq, len(q), qShingles, r.Shingles), true
}

// newMatch returns the match of a document id of shingles shingles to a
// query of qShingles shingles, whose signatures hold eq equal values out
// of k.
func newMatch(id string, eq, k, qShingles, shingles int) Match {
	j := float64(eq) / float64(k)
	return Match{ID: id, Similarity: j, Containment: containment(j, qShingles, shingles), Shingles: shingles}
}

// matching returns the number of positions where a and b hold equal
// values; b must be as long as a.
func matching(a, b []uint32) int {
	b = b[:len(a)]
	eq := 0
	for i, v := range a {
		if b[i] == v {
			eq++
		}
	}
	return eq
}

// containment estimates |A∩B| / min(|A|,|B|) from the Jaccard similarity j
// and the set sizes: |A∩B| = j/(1+j) * (|A|+|B|).
func containment(j float64, a, b int) float64 {
	if a <= 0 || b <= 0 {
		return 0
	}
	inter := j / (1 + j) * float64(a+b)
	return min(1, inter/float64(min(a, b)))
}

// compact appends the low 32 bits of each value to dst.
func compact(dst []uint32, values []uint64) []uint32 {
	for _, v := range values {
		dst = append(dst, uint32(v))
	}
	return dst
}

// bandKeys appends one key per band: a hash of the band's values. Four
// bands are hashed side by side (their hash chains are independent, so
// the processor overlaps them); the keys are those of bandKey.
func bandKeys(dst []uint64, values []uint32, bands, rows int) []uint64 {
	b := 0
	for ; b+4 <= bands; b += 4 {
		v0 := values[b*rows : (b+1)*rows]
		v1 := values[(b+1)*rows : (b+2)*rows]
		v2 := values[(b+2)*rows : (b+3)*rows]
		v3 := values[(b+3)*rows : (b+4)*rows]
		h0 := uint64(b+1) * 0x9e3779b97f4a7c15
		h1 := uint64(b+2) * 0x9e3779b97f4a7c15
		h2 := uint64(b+3) * 0x9e3779b97f4a7c15
		h3 := uint64(b+4) * 0x9e3779b97f4a7c15
		for r := range v0 {
			h0 = mix64(h0 ^ uint64(v0[r]))
			h1 = mix64(h1 ^ uint64(v1[r]))
			h2 = mix64(h2 ^ uint64(v2[r]))
			h3 = mix64(h3 ^ uint64(v3[r]))
		}
		dst = append(dst, h0, h1, h2, h3)
	}
	for ; b < bands; b++ {
		dst = append(dst, bandKey(values[b*rows:(b+1)*rows], b))
	}
	return dst
}

// evidence returns the Evidence and shingle count of the indexed document
// id, if it is there with a well-formed Evidence. The Evidence is shared
// with the store and must not be modified.
func (ix *Index) evidence(id string) (Evidence, int, bool) {
	if ms, ok := ix.store.(*memStore); ok {
		ms.mu.RLock()
		defer ms.mu.RUnlock()
		doc, ok := ms.byID[id]
		if !ok {
			return nil, 0, false
		}
		ev := Evidence(ms.sent.get(doc))
		return ev, ms.record(doc).Shingles, ev.valid()
	}
	rec, ok, err := ix.store.Get(id)
	if err != nil || !ok {
		return nil, 0, false
	}
	ev := Evidence(rec.Evidence)
	return ev, rec.Shingles, ev.valid()
}
