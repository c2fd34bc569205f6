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
// Clusters are the library's (Result.Cluster, Merged and Attached; see
// Deduper.Add): this program keeps none of its own. A cluster is named by
// the ID of its first article. Each answer gives the article's cluster
// after it was added ("cluster", always set); when the article joined
// clusters that were apart, the names merged away ("merged", no longer
// used afterwards); and when earlier articles that were alone joined its
// cluster because of it (a trimmed copy found inside it, a heavy rewrite
// of it), their IDs ("attached": their cluster is now "cluster"). The
// text output prints merged, attached and foreign (below) as extra
// lines after the article's.
//
// With -index the clusters are saved in the index file with the
// articles, so a resumed run goes on with them: a copy of an article of
// an earlier run joins that article's cluster, under its name. (An index
// file of format version 1, written by an older library, loads each
// article alone in its cluster.)
//
// With -redis the clusters are this process's own: they are not kept in
// Redis. Each article that Redis holds when the program starts (read by
// earlier runs or by other instances) is alone in a cluster named by its
// ID, whatever cluster it was in there (a merge made by another process
// is not known here), and a copy of one read here joins its cluster;
// when a copy joins several of them, the name kept is the one listed
// first by Redis, not necessarily the earliest article. An article that another instance adds while this one runs
// is in no cluster of this process: a copy of it read here is still
// reported as a copy ("copy_of", "matches") but does not join it, and its
// cluster is the one Result.Cluster names (its own ID when it matches
// nothing else). Such matches are listed in "foreign" (text output: a
// "matched ... of another process" line), so that a reader can tell where
// the clusters of two instances started side by side stay apart. Both
// are limitations of the library, which does not yet share clusters
// through a Store.
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
	if err := stream(d, *asJSON, stdin, stdout, stderr); err != nil {
		return err
	}
	if *indexPath != "" {
		return d.Index().Save(*indexPath)
	}
	return nil
}

// stream adds the articles of stdin to d, one JSON object a line, and
// prints an answer for each (JSON Lines with asJSON).
func stream(d *dedup.Deduper, asJSON bool, stdin io.Reader, stdout, stderr io.Writer) error {
	enc := json.NewEncoder(stdout)
	return articles.ReadLines(stdin, func(n int, a dedup.Article, err error) error {
		if err != nil {
			fmt.Fprintf(stderr, "stream: %v (skipped)\n", err)
			return nil
		}
		res, err := d.Add(a.ID, a.Text)
		if err != nil {
			if !articles.Skippable(err) {
				return fmt.Errorf("line %d: %w", n, err)
			}
			fmt.Fprintf(stderr, "stream: line %d: %v (skipped)\n", n, err)
			return nil
		}
		ans := articles.NewAnswer(d, res)
		if asJSON {
			return enc.Encode(ans)
		}
		return printText(stdout, ans)
	})
}

// answer is one line of -json output (see articles.Answer).
type answer = articles.Answer

// printText prints a as text: one line for the article, then one for
// each of the merged clusters, attached articles and foreign matches
// that a has.
func printText(w io.Writer, a answer) error {
	var err error
	if a.New {
		_, err = fmt.Fprintf(w, "%s\tnew\tcluster %s\n", a.ID, a.Cluster)
	} else {
		_, err = fmt.Fprintf(w, "%s\tcopy of %s\t%.3f\tcluster %s\n", a.ID, a.CopyOf, a.Similarity, a.Cluster)
	}
	if err == nil && len(a.Merged) > 0 {
		_, err = fmt.Fprintf(w, "\tmerged clusters %v into %s\n", a.Merged, a.Cluster)
	}
	if err == nil && len(a.Attached) > 0 {
		_, err = fmt.Fprintf(w, "\tattached %v to cluster %s\n", a.Attached, a.Cluster)
	}
	if err == nil && len(a.Foreign) > 0 {
		_, err = fmt.Fprintf(w, "\tmatched %v of another process: not in cluster %s\n", a.Foreign, a.Cluster)
	}
	return err
}
