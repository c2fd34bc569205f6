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
	A          string  `json:"a"`
	B          string  `json:"b"`
	Similarity float64 `json:"similarity"`
}

// Cluster is a group of articles that are copies of one story.
type Cluster struct {
	// Members lists the articles in input order.
	Members []string `json:"members"`
	// Representative is the member most similar to the others (the
	// largest sum of pair similarities; ties go to the earliest).
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
	i, j int
	sim  float64
}

// components groups n items into connected components over edges and
// returns the clusters in a deterministic order.
func components(ids []string, edges []edge) []Cluster {
	n := len(ids)
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for _, e := range edges {
		a, b := find(e.i), find(e.j)
		if a != b {
			// The root is the smallest position, so a cluster is
			// named by its first member.
			parent[max(a, b)] = min(a, b)
		}
	}
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
		clusters[c].Pairs = append(clusters[c].Pairs, Pair{A: ids[e.i], B: ids[e.j], Similarity: e.sim})
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
