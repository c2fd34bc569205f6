package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/examples/internal/articles"
)

func cmdCluster(ctx context.Context, args []string, e *env) error {
	f := newFlags("cluster", "[FILE|DIR|-]...",
		"Groups the articles into clusters of reworded copies of one story and prints\n"+
			"every article in exactly one cluster, with its representative and the pairs\n"+
			"that joined it. A .jsonl, .ndjson or .gz FILE is JSON Lines; another FILE is\n"+
			"one article (its ID is the file name); a DIR gives its files; - is JSON Lines\n"+
			"on stdin. With no argument: the five Kandahar articles of testdata/kandahar.\n", e, true)
	f.workerFlag()
	asJSON := f.fs.Bool("json", false, `print one JSON object {"clusters", "related", "earlier", "config"}`)
	indexPath := f.fs.String("index", "", "keep an index in this file between runs: report copies of articles of earlier runs, then add this batch")
	if err := f.parse(args); err != nil {
		return err
	}
	paths := f.args
	if len(paths) == 0 {
		k := articles.Kandahar()
		if _, err := os.Stat(k); err != nil {
			// An installed binary finds them in the module cache, where
			// it was built from; that may be gone.
			return fmt.Errorf("no FILE given, and the Kandahar articles are not at %s: give the files to cluster", k)
		}
		paths = []string{k}
	}
	ins, err := listInputs(paths, false)
	if err != nil {
		return err
	}
	d, err := articles.OpenDeduper(f.cfg, *indexPath)
	if err != nil {
		return err
	}
	m := newMeter(e, totalSize(ins))
	defer m.stop()

	// With -index, each article is checked against the index (earlier
	// runs only: the batch is added after) and its Doc kept to be added.
	type pending struct {
		id  string
		doc dedup.Doc
	}
	var (
		earlier []seen
		toAdd   []pending
		n       int
	)
	ids := map[string]string{} // ID -> where it was read
	seq, readErr := articleSeq(ctx, ins, e.stdin, f.fields, m, nil, func(a article) (dedup.Article, error) {
		at := ins[a.in].where(a.line)
		if a.line == 0 {
			at = ins[a.in].path
		}
		if prev, ok := ids[a.ID]; ok {
			return a.Article, fmt.Errorf("%s: id %q repeated (first at %s)", at, a.ID, prev)
		}
		ids[a.ID] = at
		n++
		if *indexPath == "" {
			return a.Article, nil
		}
		doc := d.Hasher().Doc(a.Text)
		matches, err := d.Index().QueryDoc(doc)
		if err != nil {
			return a.Article, err
		}
		for _, x := range matches {
			if x.ID != a.ID { // not itself, indexed by an earlier run
				earlier = append(earlier, seen{ID: a.ID, CopyOf: x.ID, Similarity: x.Similarity})
				break
			}
		}
		toAdd = append(toAdd, pending{a.ID, doc})
		return a.Article, nil
	})
	res, err := d.ClusterSeq(ctx, seq, f.batchOptions(m))
	if *readErr != nil {
		err = *readErr
	}
	if err != nil {
		return interrupted(ctx, err, "no clusters written"+map[bool]string{true: ", index not saved"}[*indexPath != ""])
	}
	m.stop()
	if n == 0 {
		return errEmptyInput
	}
	if *indexPath != "" {
		for _, p := range toAdd {
			if _, err := d.AddDoc(p.id, p.doc); err != nil && !errors.Is(err, dedup.ErrDuplicateID) && !errors.Is(err, dedup.ErrEmpty) {
				return err
			}
		}
		if err := ctx.Err(); err != nil {
			return interrupted(ctx, err, "index not saved")
		}
		if err := d.Index().Save(*indexPath); err != nil {
			return err
		}
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(struct {
			*dedup.Clustering
			Earlier []seen       `json:"earlier,omitempty"`
			Config  dedup.Config `json:"config"`
		}{res, earlier, d.Config()})
	}
	return printClusters(e.stdout, d, res, earlier, n)
}

// seen is an article of this batch that copies one indexed by an earlier
// run (the most similar of them).
type seen struct {
	ID         string  `json:"id"`
	CopyOf     string  `json:"copy_of"`
	Similarity float64 `json:"similarity"`
}

// articleSeq returns the articles of ins as the sequence ClusterSeq
// reads (see readAll for tee). each, if not nil, is called on every
// article and returns the article to yield (with another ID, say); an
// error of each, or of the input, ends the sequence and is also left in
// *err, so that the caller can tell it from the library's.
func articleSeq(ctx context.Context, ins []input, stdin io.Reader, fields articles.Fields, m *meter,
	tee func(int) io.Writer, each func(article) (dedup.Article, error)) (iter.Seq2[dedup.Article, error], *error) {
	var stop error
	errStop := errors.New("stopped")
	seq := func(yield func(dedup.Article, error) bool) {
		err := readAll(ctx, ins, stdin, fields, m.bytes, tee, nil, func(a article) error {
			out := a.Article
			if each != nil {
				var err error
				if out, err = each(a); err != nil {
					return err
				}
			}
			m.article()
			if !yield(out, nil) {
				return errStop
			}
			return nil
		})
		if err != nil && err != errStop {
			if ctx.Err() == nil {
				stop = err
			}
			yield(dedup.Article{}, err)
		}
	}
	return seq, &stop
}

// printClusters prints res as text.
func printClusters(w io.Writer, d *dedup.Deduper, res *dedup.Clustering, earlier []seen, n int) error {
	bw := &errWriter{w: w}
	for _, e := range earlier {
		bw.printf("%s: copy of %s from an earlier run, similarity %.3f\n", e.ID, e.CopyOf, e.Similarity)
	}
	b := d.Config().Banding()
	bw.printf("%s, %s (threshold %.2f, %d bands x %d rows)\n", plural(n, "article"), plural(len(res.Clusters), "cluster"), b.Threshold, b.Bands, b.Rows)
	for i, c := range res.Clusters {
		bw.printf("\ncluster %d: %d article(s), representative %s\n", i+1, len(c.Members), c.Representative)
		for _, m := range c.Members {
			bw.printf("  %s\n", m)
		}
		for _, p := range c.Pairs {
			if p.Coverage > 0 {
				bw.printf("  pair %s ~ %s  similarity %.3f, heavy rewrite (sentence coverage %.2f)\n", p.A, p.B, p.Similarity, p.Coverage)
			} else {
				bw.printf("  pair %s ~ %s  similarity %.3f, containment %.3f\n", p.A, p.B, p.Similarity, p.Containment)
			}
		}
	}
	if len(res.Related) > 0 {
		bw.printf("\nrelated (partial reuse, not copies):\n")
		for _, r := range res.Related {
			bw.printf("  %s ~ %s  score %.3f\n", r.A, r.B, r.Score)
		}
	}
	return bw.err
}

// errWriter keeps the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
