package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/dedup/redisstore"
	"github.com/neardup/neardup/examples/internal/articles"
)

func cmdStream(ctx context.Context, args []string, e *env) error {
	f := newFlags("stream", "[IN.jsonl|-]...",
		"Adds the articles one at a time, in input order (stdin if no argument), and\n"+
			"prints for each: new, or copy of which (with the similarity), and its cluster\n"+
			"so far. A bad line is reported on stderr and skipped.\n", e, true)
	f.fs.StringVar(&f.fields.Time, "time-field", "time", `JSON field of the article's time (RFC 3339, 2006-01-02 or Unix seconds; "" or absent: when read)`)
	asJSON := f.fs.Bool("json", false, "print the library's answer for each article as one JSON object a line")
	indexPath := f.fs.String("index", "", "keep the index in this file between runs (loaded if present, saved at the end)")
	redisURL := f.fs.String("redis", "", "share the index in Redis at this URL (redis://host:port/db) with other processes")
	namespace := f.fs.String("namespace", "stream", "with -redis: the index's namespace")
	var window, ttl time.Duration
	f.fs.Var(durationValue{&window}, "window", "forget articles older than this before the newest article time read (72h, 3d; 0: never)")
	f.fs.Var(durationValue{&ttl}, "ttl", "with -redis: Redis drops each article this long after it was added (72h, 3d; 0: never)")
	if err := f.parse(args); err != nil {
		return err
	}
	switch {
	case *indexPath != "" && *redisURL != "":
		return usagef("-index and -redis exclude each other")
	case ttl != 0 && *redisURL == "":
		return usagef("-ttl needs -redis (use -window to expire by article time)")
	case window < 0 || ttl < 0:
		return usagef("-window and -ttl must not be negative")
	}
	paths := f.args
	if len(paths) == 0 {
		paths = []string{"-"}
	}
	ins, err := listInputs(paths, true)
	if err != nil {
		return err
	}
	var d *dedup.Deduper
	if *redisURL != "" {
		store, err := redisstore.OpenURL(ctx, *redisURL, *namespace, f.cfg, &redisstore.Options{TTL: ttl})
		if err != nil {
			return err
		}
		defer store.Close()
		ix, err := dedup.NewIndexWithStore(f.cfg, store)
		if err != nil {
			return err
		}
		if d, err = dedup.NewWithIndex(f.cfg, ix); err != nil {
			return err
		}
	} else if d, err = articles.OpenDeduper(f.cfg, *indexPath); err != nil {
		return err
	}

	s := &streamer{d: d, asJSON: *asJSON, window: window, out: e.stdout, errs: e.stderr, enc: json.NewEncoder(e.stdout), now: e.now}
	err = s.run(ctx, ins, e.stdin, f.fields)
	if errors.Is(err, errInterrupted) {
		if *indexPath != "" {
			if serr := d.Index().Save(*indexPath); serr != nil {
				return fmt.Errorf("%w after %s; saving the index: %v", errInterrupted, plural(s.added, "article"), serr)
			}
			return fmt.Errorf("%w after %s; the index is saved with them", errInterrupted, plural(s.added, "article"))
		}
		return fmt.Errorf("%w after %s", errInterrupted, plural(s.added, "article"))
	}
	if err != nil {
		return err
	}
	if *indexPath != "" {
		return d.Index().Save(*indexPath)
	}
	return nil
}

// streamer adds articles to d one at a time and answers for each.
type streamer struct {
	d      *dedup.Deduper
	asJSON bool
	window time.Duration
	out    io.Writer
	errs   io.Writer
	enc    *json.Encoder
	now    func() time.Time

	clock      time.Time // the newest article time read
	lastExpiry time.Time // the clock at the last Expire
	added      int
}

// item is what the reading goroutine passes on: an article, or a bad
// line's error.
type item struct {
	a   article
	err error
}

// run reads the inputs on a goroutine of its own, so that a signal stops
// it even while it waits for input, and adds their articles.
func (s *streamer) run(ctx context.Context, ins []input, stdin io.Reader, fields articles.Fields) error {
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	items := make(chan item, 64)
	done := make(chan error, 1)
	send := func(it item) error {
		select {
		case items <- it:
			return nil
		case <-rctx.Done():
			return rctx.Err()
		}
	}
	go func() {
		defer close(items)
		done <- readAll(rctx, ins, stdin, fields, nil, nil,
			func(err error) error { return send(item{err: err}) },
			func(a article) error { a.raw = nil; return send(item{a: a}) })
	}()
	for {
		select {
		case <-ctx.Done():
			return errInterrupted
		case it, ok := <-items:
			if !ok {
				err := <-done
				if ctx.Err() != nil {
					return errInterrupted
				}
				return err
			}
			if it.err != nil {
				fmt.Fprintf(s.errs, "neardup stream: %v (skipped)\n", it.err)
				continue
			}
			if err := s.add(ins, it.a); err != nil {
				return err
			}
		}
	}
}

// add adds one article, after forgetting those out of the window.
func (s *streamer) add(ins []input, a article) error {
	t := a.time
	if t.IsZero() {
		t = s.now()
	}
	if t.After(s.clock) {
		s.clock = t
	}
	// Expire looks at every article: run it when the clock has moved by
	// a 64th of the window, so that an article outlives the window by at
	// most that.
	if s.window > 0 && (s.lastExpiry.IsZero() || s.clock.Sub(s.lastExpiry) >= s.window/64) {
		if _, err := s.d.Expire(s.clock.Add(-s.window)); err != nil {
			return err
		}
		s.lastExpiry = s.clock
	}
	at := ins[a.in].where(a.line)
	res, err := s.d.AddAt(a.ID, a.Text, t)
	if err != nil {
		if !articles.Skippable(err) {
			return fmt.Errorf("%s: %w", at, err)
		}
		fmt.Fprintf(s.errs, "neardup stream: %s: %v (skipped)\n", at, err)
		return nil
	}
	s.added++
	ans := articles.NewAnswer(s.d, res)
	if s.asJSON {
		return s.enc.Encode(ans)
	}
	return printAnswer(s.out, ans)
}

// answer is one line of -json output (see articles.Answer).
type answer = articles.Answer

// printAnswer prints a as text: one line for the article, then one for
// each of the merged clusters, attached articles and foreign matches.
func printAnswer(w io.Writer, a answer) error {
	bw := &errWriter{w: w}
	if a.New {
		bw.printf("%s\tnew\tcluster %s\n", a.ID, a.Cluster)
	} else {
		bw.printf("%s\tcopy of %s\t%.3f\tcluster %s\n", a.ID, a.CopyOf, a.Similarity, a.Cluster)
	}
	if len(a.Merged) > 0 {
		bw.printf("\tmerged clusters %v into %s\n", a.Merged, a.Cluster)
	}
	if len(a.Attached) > 0 {
		bw.printf("\tattached %v to cluster %s\n", a.Attached, a.Cluster)
	}
	if len(a.Foreign) > 0 {
		bw.printf("\tmatched %v of another process: not in cluster %s\n", a.Foreign, a.Cluster)
	}
	return bw.err
}

// durationValue is a flag.Value for a time.Duration that also takes
// days ("3d").
type durationValue struct{ d *time.Duration }

func (v durationValue) String() string {
	if v.d == nil || *v.d == 0 {
		return "0"
	}
	return v.d.String()
}

func (v durationValue) Set(s string) error {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.ParseFloat(n, 64)
		if err != nil {
			return fmt.Errorf("not a duration: %q", s)
		}
		*v.d = time.Duration(days * float64(24*time.Hour))
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("not a duration: %q (72h, 30m, 3d)", s)
	}
	*v.d = d
	return nil
}
