package dedup

import (
	"cmp"
	"math"
	"slices"
	"sync"
	"time"
)

// indexState is what an Index keeps of its documents beside the Store,
// in this process: each document's time and cluster, and the postings of
// sampled content-word shingles that propose heavy-rewrite candidates.
// Index files save it; with a shared Store (Redis) it holds only the
// documents this process added (or loaded).
//
// Clusters are a union-find over document numbers: a cluster is named by
// the ID of its first document, and keeps that name when documents leave
// (Remove, Expire). Safe for concurrent use (mu).
type indexState struct {
	mu       sync.RWMutex
	num      map[string]int32 // document -> number
	ids      []string         // number -> document ("" once removed)
	time     []int64          // number -> the document's time, Unix nanoseconds
	parent   []int32
	name     []string // at a root: the cluster's name
	size     []int32  // at a root: the cluster's live documents
	attached []bool   // joined a cluster as the shorter side of a trimmed copy
	nunion   []int32  // number -> distinct content-word n-grams (rewriteText.union)
	rw       rewritePostings
}

func newIndexState() *indexState {
	return &indexState{num: make(map[string]int32), rw: rewritePostings{head: make(map[uint32]rwHead)}}
}

// add records a new document alone in a cluster named name ("" names it
// by its ID), with its rewrite samples and the size of its rewrite
// union, and returns its number.
func (st *indexState) add(id string, t int64, name string, samples []uint32, union int) int32 {
	n := int32(len(st.ids))
	st.num[id] = n
	st.ids = append(st.ids, id)
	st.time = append(st.time, t)
	st.parent = append(st.parent, n)
	if name == "" {
		name = id
	}
	st.name = append(st.name, name)
	st.size = append(st.size, 1)
	st.attached = append(st.attached, false)
	st.nunion = append(st.nunion, int32(min(union, math.MaxInt32)))
	for _, v := range samples {
		st.rw.add(v, n)
	}
	return n
}

// remove forgets document id (its cluster keeps its name); samples are
// its rewrite samples.
func (st *indexState) remove(id string, samples []uint32) {
	n, ok := st.num[id]
	if !ok {
		return
	}
	delete(st.num, id)
	st.ids[n] = ""
	st.size[st.find(n)]--
	for _, v := range samples {
		st.rw.remove(v, n)
	}
}

func (st *indexState) find(x int32) int32 {
	for st.parent[x] != x {
		st.parent[x] = st.parent[st.parent[x]]
		x = st.parent[x]
	}
	return x
}

// union joins the clusters of a and b under the older one's name, and
// returns the name given up ("" if they were one cluster).
func (st *indexState) union(a, b int32) string {
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

// clusterOf returns the name of id's cluster.
func (st *indexState) clusterOf(id string) (string, bool) {
	n, ok := st.num[id]
	if !ok {
		return "", false
	}
	return st.name[st.find(n)], true
}

// expired appends the documents older than before, oldest first.
func (st *indexState) expired(dst []string, before int64) []string {
	type old struct {
		t  int64
		id string
	}
	var olds []old
	for n, id := range st.ids {
		if id != "" && st.time[n] < before {
			olds = append(olds, old{st.time[n], id})
		}
	}
	slices.SortFunc(olds, func(a, b old) int { return cmp.Or(cmp.Compare(a.t, b.t), cmp.Compare(a.id, b.id)) })
	for _, o := range olds {
		dst = append(dst, o.id)
	}
	return dst
}

// rewritePostings maps a sampled content-word shingle to the documents
// that have it, at most maxRewritePostings+1 of them: a shingle found in
// more documents than maxRewritePostings is common and proposes no
// candidates (as in a batch), and stays so. Entries are chained in one
// slice, so that a posting costs 8 bytes plus a map entry per shingle.
type rewritePostings struct {
	head    map[uint32]rwHead
	entries []rwEntry
	free    []int32
}

type rwHead struct {
	first int32 // entry + 1; 0: none
	n     int32 // documents posted; > maxRewritePostings: common
}

type rwEntry struct{ doc, next int32 }

// maxRewritePostings: a sampled content-word shingle found in more
// documents than this proposes no heavy-rewrite candidates (as
// maxPostings in a batch).
const maxRewritePostings = maxPostings

func (p *rewritePostings) add(v uint32, doc int32) {
	h := p.head[v]
	if h.n > maxRewritePostings {
		return
	}
	h.n++
	if h.n > maxRewritePostings {
		// Common from now on: its postings are of no more use.
		for e := h.first; e != 0; {
			next := p.entries[e-1].next
			p.free = append(p.free, e-1)
			e = next
		}
		h.first = 0
		p.head[v] = h
		return
	}
	e := rwEntry{doc: doc, next: h.first}
	var at int32
	if k := len(p.free); k > 0 {
		at = p.free[k-1]
		p.free = p.free[:k-1]
		p.entries[at] = e
	} else {
		at = int32(len(p.entries))
		p.entries = append(p.entries, e)
	}
	h.first = at + 1
	p.head[v] = h
}

func (p *rewritePostings) remove(v uint32, doc int32) {
	h, ok := p.head[v]
	if !ok || h.n > maxRewritePostings {
		return
	}
	prev := int32(0)
	for e := h.first; e != 0; prev, e = e, p.entries[e-1].next {
		if p.entries[e-1].doc != doc {
			continue
		}
		if prev == 0 {
			h.first = p.entries[e-1].next
		} else {
			p.entries[prev-1].next = p.entries[e-1].next
		}
		p.free = append(p.free, e-1)
		h.n--
		break
	}
	if h.n == 0 {
		delete(p.head, v)
	} else {
		p.head[v] = h
	}
}

// appendDocs appends the documents posted under v, unless v is common.
func (p *rewritePostings) appendDocs(dst []int32, v uint32) []int32 {
	h := p.head[v]
	for e := h.first; e != 0; e = p.entries[e-1].next {
		dst = append(dst, p.entries[e-1].doc)
	}
	return dst
}

// timeOf returns t in Unix nanoseconds, the present for the zero time.
func timeOf(t time.Time) int64 {
	if t.IsZero() {
		return time.Now().UnixNano()
	}
	return t.UnixNano()
}
