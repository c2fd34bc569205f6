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
// JSON object {"clusters": [...], "config": {...}} instead. With -index FILE
// the program also reports the articles that copy one indexed by an
// earlier run (JSON: "earlier"), then adds the batch to the index and saves
// it atomically.
package main

import (
	"encoding/json"
	"errors"
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
	articles.ConfigFlags(fs, &cfg)
	indexPath := fs.String("index", "", "keep an index in this file between runs: report copies of articles indexed by earlier runs, then add this batch")
	if err := fs.Parse(args); err != nil {
		return err
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{articles.Kandahar()}
	}
	d, err := articles.OpenDeduper(cfg, *indexPath)
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
	var earlier []seen
	if *indexPath != "" {
		if earlier, err = addToIndex(d, docs); err != nil {
			return err
		}
		if err := d.Index().Save(*indexPath); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		return enc.Encode(struct {
			*dedup.Clustering
			Earlier []seen       `json:"earlier,omitempty"`
			Config  dedup.Config `json:"config"`
		}{res, earlier, d.Config()})
	}
	for _, e := range earlier {
		fmt.Fprintf(stdout, "%s: copy of %s from an earlier run, similarity %.3f\n", e.ID, e.CopyOf, e.Similarity)
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
			if p.Coverage > 0 {
				fmt.Fprintf(stdout, "  pair %s ~ %s  similarity %.3f, heavy rewrite (sentence coverage %.2f)\n", p.A, p.B, p.Similarity, p.Coverage)
			} else {
				fmt.Fprintf(stdout, "  pair %s ~ %s  similarity %.3f\n", p.A, p.B, p.Similarity)
			}
		}
	}
	if len(res.Related) > 0 {
		fmt.Fprintln(stdout, "\nrelated (partial reuse, not copies):")
		for _, r := range res.Related {
			fmt.Fprintf(stdout, "  %s ~ %s  score %.3f\n", r.A, r.B, r.Score)
		}
	}
	return nil
}

// seen is an article of this batch that copies one indexed by an earlier
// run.
type seen struct {
	ID         string  `json:"id"`
	CopyOf     string  `json:"copy_of"`
	Similarity float64 `json:"similarity"`
}

// addToIndex reports, for each article, the most similar article indexed
// before this batch that it copies (Deduper.Check: the copy rule of Add,
// trimmed copies included), then indexes the batch. Articles with no
// words or whose ID is indexed already are left out of the index.
func addToIndex(d *dedup.Deduper, docs []dedup.Article) ([]seen, error) {
	var out []seen
	for _, a := range docs {
		res, err := d.Check(a.Text)
		if errors.Is(err, dedup.ErrEmpty) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, x := range res.Matches {
			if x.ID != a.ID {
				out = append(out, seen{a.ID, x.ID, x.Similarity})
				break
			}
		}
	}
	for _, a := range docs {
		err := d.Index().Add(a.ID, d.Hasher().Sign(a.Text))
		if err != nil && !errors.Is(err, dedup.ErrDuplicateID) && !errors.Is(err, dedup.ErrEmpty) {
			return nil, err
		}
	}
	return out, nil
}
