// Command stream reads news articles as JSON Lines from stdin, one object
// with "id" and "text" a line, and prints for each whether it is new or a
// copy of an article read before, with the similarity, and the cluster the
// article belongs to so far.
//
// Usage:
//
//	go run ./examples/stream [flags] < articles.jsonl
//
// A malformed line (not JSON, or without "id" or "text") is reported with
// its line number on stderr and skipped; an article with no words, an
// empty, overlong or repeated id likewise. Any other error (a Redis index
// that has become unreachable) stops the program with a non-zero exit
// status. With -json each answer is printed as one JSON
// object a line. With -index FILE the index is loaded from FILE if it
// exists and saved to it (atomically) at the end, so a later run finds
// copies of articles read in an earlier one. With -redis URL the index
// lives in Redis (package dedup/redisstore), so several instances started
// side by side share it: a copy read by one is matched against an article
// another read a moment before.
//
// Clusters are kept the way the README recommends for a stream: an article
// joins the cluster of every article it matches (Result.Matches, not only
// CopyOf), merging clusters when it matches two. A cluster is named by its
// earliest article: an article indexed by an earlier run (with -index or
// -redis) before any of this run's, ties by id. An answer that merged
// clusters lists the names that were merged away. Clusters are kept for
// this run only: an article of an earlier run joins one when an article
// of this run matches it.
package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"

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
	cl := newClusters()
	err = articles.ReadLines(stdin, func(n int, a dedup.Article, err error) error {
		if err != nil {
			fmt.Fprintf(stderr, "stream: %v (skipped)\n", err)
			return nil
		}
		res, err := d.Add(a.ID, a.Text)
		if err != nil {
			if !skippable(err) {
				return fmt.Errorf("line %d: %w", n, err)
			}
			fmt.Fprintf(stderr, "stream: line %d: %v (skipped)\n", n, err)
			return nil
		}
		name, merged := cl.add(res)
		if *asJSON {
			return enc.Encode(answer{Result: res, Cluster: name, Merged: merged})
		}
		if res.New {
			_, err = fmt.Fprintf(stdout, "%s\tnew\tcluster %s\n", res.ID, name)
		} else {
			_, err = fmt.Fprintf(stdout, "%s\tcopy of %s\t%.3f\tcluster %s\n", res.ID, res.CopyOf, res.Similarity, name)
		}
		if err == nil && len(merged) > 0 {
			_, err = fmt.Fprintf(stdout, "\tmerged clusters %v into %s\n", merged, name)
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

// skippable reports whether err from Deduper.Add is about the article
// itself (no words, a bad or repeated id), so that the stream goes on
// without it; any other error is the index's and stops the stream.
func skippable(err error) bool {
	return errors.Is(err, dedup.ErrEmpty) || errors.Is(err, dedup.ErrEmptyID) ||
		errors.Is(err, dedup.ErrDuplicateID) || errors.Is(err, dedup.ErrLimit)
}

// answer is one line of -json output.
type answer struct {
	dedup.Result
	// Cluster names the article's cluster: its earliest article.
	Cluster string `json:"cluster"`
	// Merged lists the clusters this article joined into Cluster.
	Merged []string `json:"merged,omitempty"`
}

// clusters is a union-find over article IDs, in arrival order.
type clusters struct {
	parent map[string]string
	order  map[string]int
}

func newClusters() *clusters {
	return &clusters{parent: map[string]string{}, order: map[string]int{}}
}

// find returns the name of id's cluster; an ID never seen names itself.
func (c *clusters) find(id string) string {
	for {
		p, ok := c.parent[id]
		if !ok || p == id {
			return id
		}
		if gp := c.parent[p]; gp != "" {
			c.parent[id] = gp
		}
		id = p
	}
}

// rank orders cluster names: earlier articles first, IDs from earlier
// runs (never added here) before all of this run's.
func (c *clusters) rank(id string) int {
	if r, ok := c.order[id]; ok {
		return r + 1
	}
	return 0
}

// add records res and returns the article's cluster and the clusters
// merged into it.
func (c *clusters) add(res dedup.Result) (string, []string) {
	c.order[res.ID] = len(c.order)
	c.parent[res.ID] = res.ID
	roots := []string{res.ID}
	for _, m := range res.Matches {
		r := c.find(m.ID)
		if !slices.Contains(roots, r) {
			roots = append(roots, r)
		}
	}
	slices.SortFunc(roots, func(a, b string) int { return cmp.Or(cmp.Compare(c.rank(a), c.rank(b)), cmp.Compare(a, b)) })
	name := roots[0]
	var merged []string
	for _, r := range roots[1:] {
		c.parent[r] = name
		if r != res.ID {
			merged = append(merged, r)
		}
	}
	if c.parent[name] == "" {
		c.parent[name] = name
	}
	return name, merged
}
