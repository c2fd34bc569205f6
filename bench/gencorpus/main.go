// Command gencorpus writes a reproducible benchmark corpus of news-like
// articles with planted reworded copies, as JSON Lines
// ({"id":...,"text":...,"cluster":...} per line). See package
// github.com/neardup/neardup/bench/corpus for how the text is made; it
// needs Debian's wordnet-base package:
//
//	apt-get install -y --no-install-recommends wordnet-base
//
// Usage:
//
//	go run ./bench/gencorpus -n 1000000 -seed 1 -o corpus.jsonl
//
// Without -o the corpus goes to standard output. A summary is printed to
// standard error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/neardup/neardup/bench/corpus"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "gencorpus:", err)
		}
		os.Exit(2)
	}
}

func run(args []string, stdout, stderr io.Writer) (err error) {
	fs := flag.NewFlagSet("gencorpus", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 10000, "number of articles")
	seed := fs.Int64("seed", 1, "random seed; the same seed gives the same corpus")
	out := fs.String("o", "", "output file (default: standard output)")
	copyRate := fs.Float64("copy-rate", corpus.DefaultCopyRate, "fraction of articles that are reworded copies of an earlier article, in [0, 1)")
	words := fs.Int("words", corpus.DefaultMeanWords, "mean words per base article")
	swapMin := fs.Float64("swap-min", corpus.DefaultSwapMin, "least fraction of content words a copy swaps for synonyms")
	swapMax := fs.Float64("swap-max", corpus.DefaultSwapMax, "greatest fraction of content words a copy swaps for synonyms")
	dir := fs.String("wordnet", "", "WordNet database directory (default: $"+corpus.DirEnv+" or "+corpus.DefaultDir+")")
	quiet := fs.Bool("q", false, "do not print the summary")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: gencorpus [flags]\n\nWrites a benchmark corpus of news-like articles with planted reworded copies as JSON Lines.\nNeeds: "+corpus.InstallCommand+"\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}

	start := time.Now()
	src, err := corpus.Load(*dir)
	if err != nil {
		return err
	}
	loaded := time.Since(start)
	cfg := corpus.Config{N: *n, Seed: *seed, CopyRate: *copyRate, MeanWords: *words,
		SwapMin: *swapMin, SwapMax: *swapMax, Source: src}
	g, err := corpus.NewGenerator(cfg)
	if err != nil {
		return err
	}

	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer func() {
			if cerr := f.Close(); err == nil && cerr != nil {
				err = cerr
			}
		}()
		w = f
	}
	genStart := time.Now()
	sum, err := g.WriteJSONL(w)
	if err != nil {
		return err
	}
	if !*quiet {
		el := time.Since(genStart)
		dest := *out
		if dest == "" {
			dest = "stdout"
		}
		fmt.Fprintf(stderr, "gencorpus: %d articles (%d bases, %d copies in %d clusters) to %s\n",
			sum.Articles, sum.Bases, sum.Copies, sum.Clusters, dest)
		fmt.Fprintf(stderr, "gencorpus: %d words (%.1f per article), %.1f MB of text; seed %d, copy rate %v\n",
			sum.Words, float64(sum.Words)/float64(max(sum.Articles, 1)), float64(sum.Bytes)/1e6, *seed, *copyRate)
		fmt.Fprintf(stderr, "gencorpus: source %s (%d sentences, %d definitions, %d words with synonyms) loaded in %v\n",
			src.Dir(), src.Sentences(), src.Glosses(), src.SynonymWords(), loaded.Round(time.Millisecond))
		fmt.Fprintf(stderr, "gencorpus: generated in %v (%.0f articles/s, %.1f MB/s of text)\n",
			el.Round(time.Millisecond), float64(sum.Articles)/el.Seconds(), float64(sum.Bytes)/1e6/el.Seconds())
	}
	return nil
}
