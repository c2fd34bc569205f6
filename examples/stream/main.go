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
// copies of articles read in an earlier one. With -redis URL the index
// lives in Redis (package dedup/redisstore), so several instances started
// side by side share it: a copy read by one is matched against an article
// another read a moment before.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/dedup/redisstore"
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
	articles.ConfigFlags(fs, &cfg)
	indexPath := fs.String("index", "", "keep the index in this file between runs (loaded if present, saved at the end)")
	redisURL := fs.String("redis", "", "share one index in Redis at this URL (redis://host:port/db) with other instances")
	namespace := fs.String("namespace", "stream", "with -redis: the index's namespace")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		// A file name here used to be ignored silently while the
		// program waited on stdin.
		return fmt.Errorf("unexpected arguments %q: stream reads articles from standard input (stream < FILE)", fs.Args())
	}
	if *indexPath != "" && *redisURL != "" {
		return errors.New("-index and -redis exclude each other")
	}
	var d *dedup.Deduper
	var err error
	if *redisURL != "" {
		store, err := redisstore.OpenURL(context.Background(), *redisURL, *namespace, cfg, nil)
		if err != nil {
			return err
		}
		defer store.Close()
		ix, err := dedup.NewIndexWithStore(cfg, store)
		if err != nil {
			return err
		}
		d, err = dedup.NewWithIndex(cfg, ix)
		if err != nil {
			return err
		}
	} else if d, err = articles.OpenDeduper(cfg, *indexPath); err != nil {
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
