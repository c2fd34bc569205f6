package dedup_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/shingle"
)

// exampleConfig is spelled out so that the examples do not depend on the
// library's defaults.
var exampleConfig = dedup.Config{
	NumHashes: 128,
	Threshold: 0.3,
	Seed:      1,
	Shingle:   shingle.Config{Size: 3, Language: "english"},
}

var exampleArticles = []dedup.Article{
	{ID: "wire", Text: "Taliban fighters captured Kandahar, Afghanistan's second-largest city, on Thursday night, officials said."},
	{ID: "weather", Text: "Heavy rain caused flooding across the south of England on Friday, closing roads and railway lines."},
	{ID: "reprint", Text: "Taliban fighters captured Kandahar, Afghanistan's second largest city, late on Thursday night, officials said on Friday."},
}

// Cluster groups a batch into clusters of copies of one story; every
// article is in exactly one cluster.
func ExampleDeduper_Cluster() {
	d, err := dedup.New(exampleConfig)
	if err != nil {
		log.Fatal(err)
	}
	c, err := d.Cluster(exampleArticles)
	if err != nil {
		log.Fatal(err)
	}
	for _, cl := range c.Clusters {
		fmt.Println(cl.Members, "representative:", cl.Representative, "pairs:", len(cl.Pairs))
	}
	// Output:
	// [wire reprint] representative: wire pairs: 1
	// [weather] representative: weather pairs: 0
}

// Add answers, for each arriving article, whether it copies an earlier one.
func ExampleDeduper_Add() {
	d, err := dedup.New(exampleConfig)
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range exampleArticles {
		r, err := d.Add(a.ID, a.Text)
		if err != nil {
			log.Fatal(err)
		}
		if r.New {
			fmt.Println(r.ID, "is new")
		} else {
			fmt.Println(r.ID, "copies", r.CopyOf)
		}
	}
	// Output:
	// wire is new
	// weather is new
	// reprint copies wire
}

// Check answers as Add would, without indexing the article: for a
// lookup that must not change the index.
func ExampleDeduper_Check() {
	d, err := dedup.New(exampleConfig)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := d.Add(exampleArticles[0].ID, exampleArticles[0].Text); err != nil {
		log.Fatal(err)
	}
	r, err := d.Check(exampleArticles[2].Text)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.New, r.CopyOf, d.Index().Len())
	// Output:
	// false wire 1
}

// An Index stores signatures and answers which stored documents are
// similar to a signature; a Hasher of the same Config makes them.
func ExampleIndex() {
	h, err := dedup.NewHasher(exampleConfig)
	if err != nil {
		log.Fatal(err)
	}
	ix, err := dedup.NewIndex(exampleConfig)
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range exampleArticles[:2] {
		if err := ix.Add(a.ID, h.Sign(a.Text)); err != nil {
			log.Fatal(err)
		}
	}
	matches, err := ix.Query(h.Sign(exampleArticles[2].Text))
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range matches {
		fmt.Println(m.ID, m.Similarity >= exampleConfig.Threshold)
	}
	fmt.Println(ix.Len(), "documents")

	removed, _ := ix.Remove("wire")
	matches, _ = ix.Query(h.Sign(exampleArticles[2].Text))
	fmt.Println(removed, len(matches))
	// Output:
	// wire true
	// 2 documents
	// true 0
}

// AppendCandidates is the LSH step alone: the IDs that share a band with
// a signature, unverified, for callers that check candidates themselves.
func ExampleIndex_AppendCandidates() {
	h, err := dedup.NewHasher(exampleConfig)
	if err != nil {
		log.Fatal(err)
	}
	ix, err := dedup.NewIndex(exampleConfig)
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range exampleArticles[:2] {
		if err := ix.Add(a.ID, h.Sign(a.Text)); err != nil {
			log.Fatal(err)
		}
	}
	var ids []string // reused from query to query
	ids, err = ix.AppendCandidates(ids[:0], h.Sign(exampleArticles[2].Text))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ids)
	// Output:
	// [wire]
}

// Banding shows the LSH banding chosen for a threshold, and the chance
// that a pair exactly at the threshold becomes a candidate.
func ExampleConfig_Banding() {
	b := dedup.Config{NumHashes: 128, Threshold: 0.5}.Banding()
	fmt.Printf("%d bands of %d rows, P(candidate at %.1f) = %.4f\n", b.Bands, b.Rows, b.Threshold, b.AtThreshold)
	for _, s := range []float64{0.2, 0.3, 0.8} {
		fmt.Printf("P(candidate at %.1f) = %.4f\n", s, dedup.CandidateProbability(s, b.Bands, b.Rows))
	}
	// Output:
	// 42 bands of 3 rows, P(candidate at 0.5) = 0.9963
	// P(candidate at 0.2) = 0.2863
	// P(candidate at 0.3) = 0.6832
	// P(candidate at 0.8) = 1.0000
}

// Similarity estimates the Jaccard similarity of two texts' shingle sets.
func ExampleSignature_Similarity() {
	h, err := dedup.NewHasher(exampleConfig)
	if err != nil {
		log.Fatal(err)
	}
	a := h.Sign("The city fell to the insurgents on Thursday night.")
	b := h.Sign("The city fell to the insurgents on Thursday night.")
	empty := h.Sign("")
	sim, _ := a.Similarity(b)
	fmt.Println(sim, a.Shingles(), empty.Empty())

	other, _ := dedup.NewHasher(dedup.Config{NumHashes: 64})
	_, err = a.Similarity(other.Sign("The city fell to the insurgents on Thursday night."))
	fmt.Println(err != nil)
	// Output:
	// 1 7 true
	// true
}

// WordSimilarity compares sentences, where word n-grams are too few: it
// counts shared words, synonyms included, and penalizes a sentence that
// says more than the other.
func ExampleHasher_WordSimilarity() {
	h, err := dedup.NewHasher(exampleConfig)
	if err != nil {
		log.Fatal(err)
	}
	lede := "The company bought the rival firm on Monday."
	for _, other := range []string{
		"On Monday the company purchased the rival firm.",
		"Shares of the rival firm fell 4 percent after the announcement.",
	} {
		s := h.WordSimilarity(lede, other)
		fmt.Printf("%.2f %v\n", s, s >= dedup.DefaultWordThreshold)
	}
	// Output:
	// 1.00 true
	// 0.18 false
}

// Streaming with cluster identity: Add names each article's cluster
// (the ID of its first article), and says which clusters an article
// joined.
func ExampleResult_Cluster() {
	d, err := dedup.New(exampleConfig)
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range exampleArticles {
		r, err := d.Add(a.ID, a.Text)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(r.ID, "in cluster", r.Cluster)
	}
	c, _ := d.ClusterOf("reprint")
	fmt.Println("reprint:", c)
	// Output:
	// wire in cluster wire
	// weather in cluster weather
	// reprint in cluster wire
	// reprint: wire
}

// Resuming a saved index: save it, load it back later (here at another
// threshold, keeping its banding), and go on adding; clusters and times
// come back with it.
func ExampleLoadIndex() {
	dir, err := os.MkdirTemp("", "neardup-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "news.idx")

	d, err := dedup.New(exampleConfig)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := d.Add("wire", exampleArticles[0].Text); err != nil {
		log.Fatal(err)
	}
	if err := d.Save(path); err != nil {
		log.Fatal(err)
	}

	// Later, maybe in another process.
	resume := exampleConfig
	resume.Threshold = 0.25
	ix, err := dedup.LoadIndex(path, &dedup.LoadOptions{Config: &resume})
	if err != nil {
		log.Fatal(err) // wraps dedup.ErrConfigMismatch if the file signs otherwise
	}
	d, err = dedup.NewWithIndex(resume, ix)
	if err != nil {
		log.Fatal(err)
	}
	r, err := d.Add("reprint", exampleArticles[2].Text)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.Len(), r.CopyOf, r.Cluster, d.Config().Threshold)
	// Output:
	// 2 wire wire 0.25
}

// CopyIndex moves an index between stores, or into a new banding: here
// into an index for a higher threshold.
func ExampleCopyIndex() {
	d, err := dedup.New(exampleConfig)
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range exampleArticles {
		if _, err := d.Add(a.ID, a.Text); err != nil {
			log.Fatal(err)
		}
	}
	strict := exampleConfig
	strict.Threshold = 0.6
	dst, err := dedup.NewIndex(strict)
	if err != nil {
		log.Fatal(err)
	}
	n, err := dedup.CopyIndex(context.Background(), dst, d.Index())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d documents; rows per band: %d before, %d after\n", n, d.Index().Banding().Rows, dst.Banding().Rows)
	// Output:
	// 3 documents; rows per band: 2 before, 4 after
}

// A Signature keeps in a caller's own database as bytes, and compares as
// before once read back.
func ExampleSignature_MarshalBinary() {
	h, err := dedup.NewHasher(exampleConfig)
	if err != nil {
		log.Fatal(err)
	}
	b, err := h.Sign(exampleArticles[0].Text).MarshalBinary()
	if err != nil {
		log.Fatal(err)
	}
	var sig dedup.Signature
	if err := sig.UnmarshalBinary(b); err != nil {
		log.Fatal(err)
	}
	s, err := sig.Similarity(h.Sign(exampleArticles[0].Text))
	fmt.Println(len(b), "bytes;", s, err)
	// Output:
	// 1040 bytes; 1 <nil>
}
