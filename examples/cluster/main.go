// Command cluster groups news articles into clusters of reworded copies of
// one story.
//
// Usage:
//
//	go run ./examples/cluster [flags] [FILE|DIR|-]...
//
// With no arguments it clusters the five Kandahar articles in
// testdata/kandahar. A FILE is one article (its ID is the file name without
// extension) or, if it ends in .jsonl, JSON Lines with "id" and "text"; a
// DIR contributes its files; "-" reads JSON Lines from stdin. A malformed
// JSON line stops the program with its line number.
//
// The output lists every article in exactly one cluster; -json prints one
// JSON object {"clusters": [...], "config": {...}} instead.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/examples/internal/articles"
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "cluster:", err)
		os.Exit(1)
	}
}

func run(args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("cluster", flag.ContinueOnError)
	var cfg dedup.Config
	asJSON := fs.Bool("json", false, "print one JSON object")
	fs.Float64Var(&cfg.Threshold, "threshold", 0, "similarity threshold in (0,1] (0: library default)")
	fs.IntVar(&cfg.Shingle.Size, "shingle", 0, "words per shingle (0: library default)")
	fs.IntVar(&cfg.NumHashes, "hashes", 0, "MinHash values per signature (0: library default)")
	fs.StringVar(&cfg.Shingle.Language, "lang", "", "stemming language (default english)")
	fs.BoolVar(&cfg.Shingle.StopWords, "stopwords", false, "remove stop words")
	fs.Uint64Var(&cfg.Seed, "seed", 0, "hash seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{articles.Kandahar()}
	}
	d, err := dedup.New(cfg)
	if err != nil {
		return err
	}
	docs, err := articles.FromPaths(paths, stdin)
	if err != nil {
		return err
	}
	res, err := d.Cluster(docs)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		return enc.Encode(struct {
			*dedup.Clustering
			Config dedup.Config `json:"config"`
		}{res, d.Config()})
	}
	b := d.Index().Banding()
	fmt.Fprintf(stdout, "%d articles, %d clusters (threshold %.2f, %d bands x %d rows)\n",
		len(docs), len(res.Clusters), b.Threshold, b.Bands, b.Rows)
	for i, c := range res.Clusters {
		fmt.Fprintf(stdout, "\ncluster %d: %d article(s), representative %s\n", i+1, len(c.Members), c.Representative)
		for _, m := range c.Members {
			fmt.Fprintf(stdout, "  %s\n", m)
		}
		for _, p := range c.Pairs {
			fmt.Fprintf(stdout, "  pair %s ~ %s  similarity %.3f\n", p.A, p.B, p.Similarity)
		}
	}
	return nil
}
