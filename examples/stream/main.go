// Command stream reads news articles as JSON Lines from stdin, one object
// with "id" and "text" a line, and prints for each whether it is new or a
// copy of an article read before, with the similarity.
//
// Usage:
//
//	go run ./examples/stream [flags] < articles.jsonl
//
// A malformed line (not JSON, or without "id" or "text") is reported with
// its line number on stderr and skipped; an article with no words or a
// repeated id likewise. With -json each answer is printed as one JSON
// object a line. With -index FILE the index is loaded from FILE if it
// exists and saved to it (atomically) at the end, so a later run finds
// copies of articles read in an earlier one.
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
	if err := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "stream:", err)
		os.Exit(1)
	}
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("stream", flag.ContinueOnError)
	var cfg dedup.Config
	asJSON := fs.Bool("json", false, "print one JSON object per article")
	fs.Float64Var(&cfg.Threshold, "threshold", 0, "similarity threshold in (0,1] (0: library default)")
	fs.IntVar(&cfg.Shingle.Size, "shingle", 0, "words per shingle (0: library default)")
	fs.IntVar(&cfg.NumHashes, "hashes", 0, "MinHash values per signature (0: library default)")
	fs.StringVar(&cfg.Shingle.Language, "lang", "", "stemming language (default english)")
	indexPath := fs.String("index", "", "keep the index in this file between runs (loaded if present, saved at the end)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := articles.OpenDeduper(cfg, *indexPath)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	err = articles.ReadLines(stdin, func(n int, a dedup.Article, err error) error {
		if err != nil {
			fmt.Fprintf(stderr, "stream: %v (skipped)\n", err)
			return nil
		}
		res, err := d.Add(a.ID, a.Text)
		if err != nil {
			fmt.Fprintf(stderr, "stream: line %d: %v (skipped)\n", n, err)
			return nil
		}
		if *asJSON {
			return enc.Encode(res)
		}
		if res.New {
			_, err = fmt.Fprintf(stdout, "%s\tnew\n", res.ID)
		} else {
			_, err = fmt.Fprintf(stdout, "%s\tcopy of %s\t%.3f\n", res.ID, res.CopyOf, res.Similarity)
		}
		return err
	})
	if err != nil {
		return err
	}
	if *indexPath != "" {
		return d.Index().Save(*indexPath)
	}
	return nil
}
