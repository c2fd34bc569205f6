package dedup

import (
	"cmp"
	"slices"
)

// Article is one document of a batch.
type Article struct {
	// ID names the article; IDs must be unique and non-empty.
	ID string `json:"id"`
	// Text is the article's text.
	Text string `json:"text"`
}

// Pair is a verified link between two articles.
type Pair struct {
	// A and B are the two articles' IDs, A the one that comes first in
	// the input.
	A string `json:"a"`
	B string `json:"b"`
	// Similarity is the pair's Jaccard similarity: exact when the
	// estimate was near the threshold, else the MinHash estimate.
	Similarity float64 `json:"similarity"`
	// Containment is the share of the shorter article's shingles found
	// in the other (the overlap coefficient), measured like Similarity.
	Containment float64 `json:"containment"`
	// Coverage is set on a pair joined as a heavy rewrite (few shared
	// word 3-grams, but most sentences of the shorter article reworded
	// from the other): the share of the shorter article's sentences
	// that have a near copy in the other. It is 0 on other pairs.
	Coverage float64 `json:"coverage,omitempty"`
}

// Cluster is a group of articles that are copies of one story.
type Cluster struct {
	// Members lists the articles in input order.
	Members []string `json:"members"`
	// Representative is the member most similar to the others (the
	// largest sum of the similarities of its Pairs; ties go to the
	// earliest). The sums are over the pairs found, and a batch follows
	// at most DefaultMaxPostings articles under one band key: among more
	// than that many copies of one text the earliest copies have fewer
	// pairs, and a later copy can be chosen.
	Representative string `json:"representative"`
	// Pairs lists the verified pairs that joined the cluster, in input
	// order of their first then second article.
	Pairs []Pair `json:"pairs"`
}

// Clustering is the result of clustering a batch.
type Clustering struct {
	// Clusters holds every input article in exactly one cluster
	// (singletons included), ordered by their first member's position in
	// the input.
	Clusters []Cluster `json:"clusters"`
	// Related lists pairs of articles in different clusters that share
	// part of their text (see Relation), ordered by their positions in
	// the input; never nil.
	Related []Relation `json:"related"`
}

// edge is a verified pair by input position, i < j.
type edge struct {
	i, j      int
	sim, cont float64
	coverage  float64 // > 0 for a heavy-rewrite edge (see rewriteEdges)
}

// components groups the items into clusters over edges and returns them
// in a deterministic order. Edges with similarity at or above threshold
// join clusters freely (connected components). Weaker edges (trimmed
// copies, joined on containment) only attach a singleton, the shorter
// article of the pair (size gives the shingle counts), to the cluster of
// the longer one, best edge first: a short item that sits inside two
// different stories must not chain them into one cluster.
func components(ids []string, edges []edge, size []int, threshold float64) []Cluster {
	n := len(ids)
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	find := func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	union := func(a, b int) {
		a, b = find(a), find(b)
		if a != b {
			// The root is the smallest position, so a cluster is
			// named by its first member.
			parent[max(a, b)] = min(a, b)
		}
	}
	var weak []edge
	for _, e := range edges {
		// A rewrite edge attaches an article that had no other
		// link, so it joins like a strong one.
		if e.sim >= threshold || e.coverage > 0 {
			union(e.i, e.j)
		} else {
			weak = append(weak, e)
		}
	}
	slices.SortFunc(weak, func(x, y edge) int {
		return cmp.Or(cmp.Compare(y.sim, x.sim), cmp.Compare(x.i, y.i), cmp.Compare(x.j, y.j))
	})
	attached := make([]bool, n) // joined as the shorter side of a weak edge
	// A new slice: the caller's edges are used again (Cluster passes them
	// with the rewrite edges added).
	kept := make([]edge, 0, len(edges))
	for _, e := range edges {
		if e.sim >= threshold || e.coverage > 0 {
			kept = append(kept, e)
		}
	}
	for _, e := range weak {
		short, long := e.i, e.j
		if size[long] < size[short] || (size[long] == size[short] && long < short) {
			short, long = long, short
		}
		if !attached[short] && find(short) != find(long) {
			attached[short] = true
			union(short, long)
			kept = append(kept, e)
		}
	}
	edges = kept
	slices.SortFunc(edges, func(x, y edge) int {
		return cmp.Or(cmp.Compare(x.i, y.i), cmp.Compare(x.j, y.j))
	})
	index := make(map[int]int) // root -> cluster number
	var clusters []Cluster
	var score [][]float64 // per cluster, per member: sum of similarities
	for i := range n {
		r := find(i)
		c, ok := index[r]
		if !ok {
			c = len(clusters)
			index[r] = c
			clusters = append(clusters, Cluster{})
			score = append(score, nil)
		}
		clusters[c].Members = append(clusters[c].Members, ids[i])
		score[c] = append(score[c], 0)
	}
	pos := make([]int, n) // position of item i within its cluster
	seen := make([]int, len(clusters))
	for i := range n {
		c := index[find(i)]
		pos[i] = seen[c]
		seen[c]++
	}
	for _, e := range edges {
		c := index[find(e.i)]
		clusters[c].Pairs = append(clusters[c].Pairs, Pair{A: ids[e.i], B: ids[e.j], Similarity: e.sim, Containment: e.cont, Coverage: e.coverage})
		score[c][pos[e.i]] += e.sim
		score[c][pos[e.j]] += e.sim
	}
	for c := range clusters {
		best := 0
		for m, s := range score[c] {
			if s > score[c][best] {
				best = m
			}
		}
		clusters[c].Representative = clusters[c].Members[best]
		if clusters[c].Pairs == nil {
			clusters[c].Pairs = []Pair{}
		}
	}
	return clusters
}
