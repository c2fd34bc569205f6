// Command quality measures how well neardup finds reworded copies, on
// labelled JSON Lines, using the library as a user would: the public API
// and the default Config unless flags change it.
//
// Usage:
//
//	go run ./bench/quality [flags] FILE.jsonl
//
// Documents (objects with "id", "text", "cluster"; a null or absent
// cluster means the document is a copy of nothing) are clustered with
// Deduper.Cluster and scored with pair precision, recall and F1, the
// adjusted Rand index and B-cubed F1. With -stream they are fed to
// Deduper.Add one at a time in file order instead, as a streaming user
// would, and each document is scored in the cluster the library keeps
// for it (Deduper.ClusterOf; the ARI of following CopyOf alone is
// printed too). Pairs (objects with "text1",
// "text2", "label" 0/1) are scored with Hasher.WordSimilarity, the
// library's measure for sentences, against dedup.DefaultWordThreshold
// (or -threshold); -measure shingles scores them with the shingle Jaccard
// of Hasher.Compare against the Config's threshold instead. -tune
// TRAIN.jsonl first picks the threshold that maximises accuracy on a
// training file; -folds K also reports K-fold cross-validation on the
// file itself (the threshold tuned on K-1 folds, measured on the
// held-out one), the figure to expect on pairs not tuned on. -method oph
// signs with one-permutation hashing instead of the default MinWise.
// -sweep prints the figures over a grid of thresholds and shingle sizes
// (for the words measure, of thresholds alone), and with documents -plot
// FILE.svg draws the precision/recall curve of that grid. A flag that
// does not apply to the file's kind or to the other flags is an error,
// not ignored.
//
// A human-readable table comes first; the last line printed is one JSON
// object with every figure.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/neardup/neardup/dedup"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quality:", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	cfg     dedup.Config
	tune    string
	sweep   bool
	plot    string
	stream  bool
	measure string
	folds   int
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("quality", flag.ContinueOnError)
	var o options
	fs.Float64Var(&o.cfg.Threshold, "threshold", 0, "similarity threshold (0: library default)")
	fs.IntVar(&o.cfg.Shingle.Size, "shingle", 0, "words per shingle (0: library default)")
	fs.IntVar(&o.cfg.NumHashes, "hashes", 0, "MinHash values per signature (0: library default)")
	fs.Uint64Var(&o.cfg.Seed, "seed", 0, "hash seed")
	fs.StringVar(&o.cfg.Method, "method", "", `signing method: "" (MinWise, the library default) or "oph"`)
	fs.StringVar(&o.tune, "tune", "", "pairs mode: pick the threshold on this training file first")
	fs.BoolVar(&o.sweep, "sweep", false, "print figures over a grid of thresholds and shingle sizes")
	fs.StringVar(&o.plot, "plot", "", "with -sweep: write the precision/recall curve to this SVG file")
	fs.StringVar(&o.measure, "measure", measureWords, `pairs mode: "words" (Hasher.WordSimilarity) or "shingles" (the shingle Jaccard of Hasher.Compare)`)
	fs.IntVar(&o.folds, "folds", 0, "pairs mode: also report K-fold cross-validated accuracy and F1 of the tuned threshold (0: off)")
	fs.BoolVar(&o.stream, "stream", false, "docs mode: add the documents one at a time in file order (Deduper.Add) instead of clustering the batch")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: go run ./bench/quality [flags] FILE.jsonl")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("want exactly one FILE.jsonl")
	}
	if o.measure != measureWords && o.measure != measureShingles {
		return fmt.Errorf("-measure %q: want %q or %q", o.measure, measureWords, measureShingles)
	}
	if o.folds < 0 || o.folds == 1 {
		return fmt.Errorf("-folds %d: want 0 (off) or at least 2", o.folds)
	}
	path := fs.Arg(0)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("%s not found (the labelled data lives in ../shared/eval beside the checkout)", path)
	}
	kind, err := DetectKind(path)
	if err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	misuse := func(name, why string) error { return fmt.Errorf("-%s %s", name, why) }
	switch {
	case set["plot"] && !o.sweep:
		return misuse("plot", "draws the grid of -sweep; add -sweep")
	case kind == KindPairs && set["plot"]:
		return misuse("plot", "draws the pair precision/recall of documents; it does not take a pairs file")
	case kind == KindPairs && set["stream"]:
		return misuse("stream", "adds documents one at a time; it does not take a pairs file")
	case kind == KindPairs && o.sweep && (set["folds"] || set["tune"]):
		return errors.New("-sweep scores every threshold of its grid; it does not take -folds or -tune")
	case kind != KindPairs && (set["measure"] || set["folds"] || set["tune"]):
		return errors.New("-measure, -folds and -tune are for pairs files; this file holds documents")
	}
	if kind == KindPairs {
		return runPairs(o, path, stdout)
	}
	return runDocs(o, path, stdout)
}

// docFigures are the figures of one clustering run.
type docFigures struct {
	Mode          string  `json:"mode"`
	Docs          int     `json:"docs"`
	Threshold     float64 `json:"threshold"`
	ShingleSize   int     `json:"shingle_size"`
	Method        string  `json:"method,omitempty"`
	Clusters      int     `json:"clusters"`
	ARI           float64 `json:"ari"`
	PairPrecision float64 `json:"pair_precision"`
	PairRecall    float64 `json:"pair_recall"`
	PairF1        float64 `json:"pair_f1"`
	BCubedF1      float64 `json:"bcubed_f1"`
	// MixedClusters counts predicted clusters holding documents of two
	// or more gold clusters (a copy of nothing is a gold cluster of its
	// own).
	MixedClusters int `json:"mixed_clusters"`
	// Related counts the partial relations reported between clusters;
	// RelatedSameGold those whose two documents share a gold cluster
	// (copies the clustering missed, seen as partial).
	Related         int `json:"related"`
	RelatedSameGold int `json:"related_same_gold"`
	// CopyOfARI (stream mode only) is the ARI of the clusters made by
	// following CopyOf alone, without merging over every match.
	CopyOfARI float64 `json:"copy_of_ari,omitempty"`
}

// streamClusters adds docs to d one at a time, in order, and returns each
// document's cluster as the library keeps it (Deduper.ClusterOf once
// every document is added; Add's Result.Cluster names it as it goes). It
// also returns the clusters made from CopyOf alone (each copy joins the
// cluster of its best match only). A document Add rejects (no words)
// stays alone.
func streamClusters(d *dedup.Deduper, docs []Document) (byCluster, byCopyOf []int, err error) {
	byCopyOf = make([]int, len(docs))
	pos := make(map[string]int, len(docs))
	for i, doc := range docs {
		byCopyOf[i] = i
		res, err := d.Add(doc.ID, doc.Text)
		if errors.Is(err, dedup.ErrEmpty) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		pos[doc.ID] = i
		if !res.New {
			byCopyOf[i] = byCopyOf[pos[res.CopyOf]]
		}
	}
	byCluster = make([]int, len(docs))
	label := make(map[string]int)
	for i, doc := range docs {
		name, ok := d.ClusterOf(doc.ID)
		if !ok {
			byCluster[i] = -1 - i // never added: alone
			continue
		}
		if _, seen := label[name]; !seen {
			label[name] = len(label)
		}
		byCluster[i] = label[name]
	}
	return byCluster, byCopyOf, nil
}

func evalDocs(cfg dedup.Config, docs []Document, gold []string, stream bool) (docFigures, error) {
	d, err := dedup.New(cfg)
	if err != nil {
		return docFigures{}, err
	}
	arts := make([]dedup.Article, len(docs))
	pos := make(map[string]int, len(docs))
	for i, doc := range docs {
		arts[i] = dedup.Article{ID: doc.ID, Text: doc.Text}
		pos[doc.ID] = i
	}
	mode := "docs"
	var pred, byCopyOf []int
	var related []dedup.Relation
	if stream {
		mode = "stream"
		if pred, byCopyOf, err = streamClusters(d, docs); err != nil {
			return docFigures{}, err
		}
	} else {
		res, err := d.Cluster(arts)
		if err != nil {
			return docFigures{}, err
		}
		pred = make([]int, len(docs))
		for c, cl := range res.Clusters {
			for _, m := range cl.Members {
				pred[pos[m]] = c
			}
		}
		related = res.Related
	}
	// Count the predicted clusters and those holding two gold clusters.
	golds := map[int]map[string]bool{}
	for i, c := range pred {
		if golds[c] == nil {
			golds[c] = map[string]bool{}
		}
		// A copy of nothing is a story of its own.
		g := gold[i]
		if g == NoCluster {
			g = "\x00" + strconv.Itoa(i)
		}
		golds[c][g] = true
	}
	mixed := 0
	for _, g := range golds {
		if len(g) > 1 {
			mixed++
		}
	}
	pc, err := CountPairs(gold, pred)
	if err != nil {
		return docFigures{}, err
	}
	ari, err := AdjustedRandIndex(gold, pred)
	if err != nil {
		return docFigures{}, err
	}
	b3, err := BCubedScores(gold, pred)
	if err != nil {
		return docFigures{}, err
	}
	sameGold := 0
	for _, r := range related {
		if g := gold[pos[r.A]]; g != NoCluster && g == gold[pos[r.B]] {
			sameGold++
		}
	}
	var copyOfARI float64
	if stream {
		if copyOfARI, err = AdjustedRandIndex(gold, byCopyOf); err != nil {
			return docFigures{}, err
		}
	}
	c := d.Config()
	return docFigures{
		CopyOfARI: copyOfARI,
		Related:   len(related), RelatedSameGold: sameGold,
		Mode: mode, Docs: len(docs), Threshold: c.Threshold, ShingleSize: c.Shingle.Size, Method: c.Method,
		Clusters: len(golds), ARI: ari,
		PairPrecision: pc.Precision(), PairRecall: pc.Recall(), PairF1: pc.F1(),
		BCubedF1: b3.F1, MixedClusters: mixed,
	}, nil
}

func runDocs(o options, path string, w io.Writer) error {
	docs, err := LoadDocuments(path)
	if err != nil {
		return err
	}
	gold := GoldLabels(docs)
	if o.sweep {
		rows, err := sweep(o.cfg, sweepSizes, sweepThresholds, func(cfg dedup.Config) (docFigures, error) { return evalDocs(cfg, docs, gold, o.stream) })
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "shingle\tthreshold\tclusters\tARI\tpair P\tpair R\tpair F1\tB3 F1\tmixed\t")
		best := rows[0]
		for _, f := range rows {
			fmt.Fprintf(tw, "%d\t%.3f\t%d\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%d\t\n", f.ShingleSize, f.Threshold,
				f.Clusters, f.ARI, f.PairPrecision, f.PairRecall, f.PairF1, f.BCubedF1, f.MixedClusters)
			if f.ARI > best.ARI {
				best = f
			}
		}
		tw.Flush()
		if o.plot != "" {
			if err := writePlot(o.plot, path, rows); err != nil {
				return err
			}
			fmt.Fprintf(w, "wrote %s\n", o.plot)
		}
		return printJSON(w, struct {
			Mode string       `json:"mode"`
			Best docFigures   `json:"best"`
			Grid []docFigures `json:"grid"`
		}{"docs-sweep", best, rows})
	}
	f, err := evalDocs(o.cfg, docs, gold, o.stream)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "file\t%s\n", path)
	fmt.Fprintf(tw, "mode\t%s\n", f.Mode)
	fmt.Fprintf(tw, "documents\t%d\n", f.Docs)
	fmt.Fprintf(tw, "threshold\t%.3f\n", f.Threshold)
	fmt.Fprintf(tw, "shingle size\t%d\n", f.ShingleSize)
	if f.Method != "" {
		fmt.Fprintf(tw, "method\t%s\n", f.Method)
	}
	fmt.Fprintf(tw, "clusters\t%d\n", f.Clusters)
	fmt.Fprintf(tw, "pair precision\t%.4f\n", f.PairPrecision)
	fmt.Fprintf(tw, "pair recall\t%.4f\n", f.PairRecall)
	fmt.Fprintf(tw, "pair F1\t%.4f\n", f.PairF1)
	fmt.Fprintf(tw, "adjusted Rand index\t%.4f\n", f.ARI)
	fmt.Fprintf(tw, "B-cubed F1\t%.4f\n", f.BCubedF1)
	fmt.Fprintf(tw, "clusters mixing stories\t%d\n", f.MixedClusters)
	if o.stream {
		fmt.Fprintf(tw, "ARI following CopyOf only\t%.4f\n", f.CopyOfARI)
	} else {
		fmt.Fprintf(tw, "partial relations\t%d (%d within one gold cluster)\n", f.Related, f.RelatedSameGold)
	}
	tw.Flush()
	return printJSON(w, f)
}

// sweep evaluates cfg at every shingle size of sizes and every threshold
// of thresholds, in that order.
func sweep[T any](cfg dedup.Config, sizes []int, thresholds []float64, eval func(dedup.Config) (T, error)) ([]T, error) {
	var rows []T
	for _, size := range sizes {
		for _, t := range thresholds {
			c := cfg
			c.Threshold, c.Shingle.Size = t, size
			f, err := eval(c)
			if err != nil {
				return nil, err
			}
			rows = append(rows, f)
		}
	}
	return rows, nil
}

// sweepThresholds and sweepSizes span the grid of -sweep.
var (
	sweepThresholds = []float64{0.05, 0.075, 0.1, 0.125, 0.15, 0.175, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8}
	sweepSizes      = []int{1, 2, 3, 4, 5}
	// wordSweepThresholds is the grid of the words measure (pairs mode).
	wordSweepThresholds = []float64{0.1, 0.2, 0.25, 0.275, 0.3, 0.325, 0.34, 0.35, 0.375, 0.4, 0.45, 0.5, 0.6}
)

// The measures of the pairs mode.
const (
	measureWords    = "words"
	measureShingles = "shingles"
)

// pairFigures are the figures of one pair-classification run.
type pairFigures struct {
	Mode    string `json:"mode"`
	Measure string `json:"measure"`
	Pairs   int    `json:"pairs"`
	// ShingleSize is the Config's shingle size; the words measure does
	// not use it.
	ShingleSize int     `json:"shingle_size"`
	Threshold   float64 `json:"threshold"`
	Tuned       bool    `json:"tuned"`
	Accuracy    float64 `json:"accuracy"`
	Precision   float64 `json:"precision"`
	Recall      float64 `json:"recall"`
	F1          float64 `json:"f1"`
	// CVFolds, CVAccuracy and CVF1 (with -folds) are the accuracy and F1
	// of every pair scored while held out, at a threshold tuned on the
	// other folds.
	CVFolds    int     `json:"cv_folds,omitempty"`
	CVAccuracy float64 `json:"cv_accuracy,omitempty"`
	CVF1       float64 `json:"cv_f1,omitempty"`
}

// scorePairs scores each pair with the measure.
func scorePairs(d *dedup.Deduper, measure string, pairs []Pair) ([]float64, []bool) {
	scores := make([]float64, len(pairs))
	labels := make([]bool, len(pairs))
	for i, p := range pairs {
		if measure == measureShingles {
			scores[i] = d.Hasher().Compare(p.Text1, p.Text2).Similarity
		} else {
			scores[i] = d.Hasher().WordSimilarity(p.Text1, p.Text2)
		}
		labels[i] = p.Label
	}
	return scores, labels
}

// evalPairs classifies pairs at the threshold: tuned on train if train is
// not nil, else -threshold (cfg.Threshold) if set, else the measure's
// default. With folds > 1 it adds cross-validated figures on pairs.
func evalPairs(cfg dedup.Config, measure string, pairs, train []Pair, folds int) (pairFigures, error) {
	d, err := dedup.New(cfg)
	if err != nil {
		return pairFigures{}, err
	}
	threshold := d.Config().Threshold
	if measure == measureWords && cfg.Threshold == 0 {
		threshold = dedup.DefaultWordThreshold
	}
	tuned := false
	if train != nil {
		s, l := scorePairs(d, measure, train)
		if threshold, _, err = TuneThreshold(s, l); err != nil {
			return pairFigures{}, err
		}
		tuned = true
	}
	s, l := scorePairs(d, measure, pairs)
	c, err := Classify(s, l, threshold)
	if err != nil {
		return pairFigures{}, err
	}
	f := pairFigures{
		Mode: "pairs", Measure: measure, Pairs: len(pairs), ShingleSize: d.Config().Shingle.Size, Threshold: threshold, Tuned: tuned,
		Accuracy: c.Accuracy(), Precision: c.Precision(), Recall: c.Recall(), F1: c.F1(),
	}
	if folds > 1 {
		if f.CVAccuracy, f.CVF1, err = CrossValidate(s, l, folds, cvSeed); err != nil {
			return pairFigures{}, err
		}
		f.CVFolds = folds
	}
	return f, nil
}

// cvSeed fixes the folds of -folds, so that runs compare.
const cvSeed = 1

func runPairs(o options, path string, w io.Writer) error {
	pairs, err := LoadPairs(path)
	if err != nil {
		return err
	}
	var train []Pair
	if o.tune != "" {
		if train, err = LoadPairs(o.tune); err != nil {
			return err
		}
	}
	if o.sweep {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "measure\tshingle\tthreshold\taccuracy\tprecision\trecall\tF1\t")
		sizes, thresholds := sweepSizes, sweepThresholds
		if o.measure == measureWords {
			// The words measure does not use the shingle size; its
			// scores sit higher, so its grid is finer there.
			sizes, thresholds = []int{o.cfg.Shingle.Size}, wordSweepThresholds
		}
		rows, err := sweep(o.cfg, sizes, thresholds, func(cfg dedup.Config) (pairFigures, error) { return evalPairs(cfg, o.measure, pairs, nil, 0) })
		if err != nil {
			return err
		}
		for _, f := range rows {
			size := strconv.Itoa(f.ShingleSize)
			if f.Measure == measureWords {
				size = "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%.3f\t%.4f\t%.4f\t%.4f\t%.4f\t\n", f.Measure, size, f.Threshold, f.Accuracy, f.Precision, f.Recall, f.F1)
		}
		tw.Flush()
		return printJSON(w, struct {
			Mode string        `json:"mode"`
			Grid []pairFigures `json:"grid"`
		}{"pairs-sweep", rows})
	}
	f, err := evalPairs(o.cfg, o.measure, pairs, train, o.folds)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "file\t%s\n", path)
	fmt.Fprintf(tw, "pairs\t%d\n", f.Pairs)
	fmt.Fprintf(tw, "measure\t%s\n", f.Measure)
	how := "library default or -threshold"
	if f.Tuned {
		how = "tuned for accuracy on " + o.tune
	}
	fmt.Fprintf(tw, "threshold\t%.4f (%s)\n", f.Threshold, how)
	fmt.Fprintf(tw, "accuracy\t%.4f\n", f.Accuracy)
	fmt.Fprintf(tw, "precision\t%.4f\n", f.Precision)
	fmt.Fprintf(tw, "recall\t%.4f\n", f.Recall)
	fmt.Fprintf(tw, "F1\t%.4f\n", f.F1)
	if f.CVFolds > 0 {
		fmt.Fprintf(tw, "%d-fold cross-validated accuracy\t%.4f\n", f.CVFolds, f.CVAccuracy)
		fmt.Fprintf(tw, "%d-fold cross-validated F1\t%.4f\n", f.CVFolds, f.CVF1)
	}
	tw.Flush()
	return printJSON(w, f)
}

func printJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, string(b))
	return err
}

// writePlot draws pair precision against pair recall, one line per shingle
// size, as a small standalone SVG.
func writePlot(path, title string, rows []docFigures) error {
	const W, H, M = 640, 480, 60
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`+"\n", W, H)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", W, H)
	x := func(r float64) float64 { return M + r*(W-2*M) }
	y := func(p float64) float64 { return H - M - p*(H-2*M) }
	fmt.Fprintf(&b, `<path d="M%g %g H%g M%g %g V%g" stroke="black"/>`+"\n", x(0), y(0), x(1), x(0), y(0), y(1))
	for i := 0; i <= 10; i++ {
		v := float64(i) / 10
		fmt.Fprintf(&b, `<text x="%g" y="%g" text-anchor="middle">%.1f</text>`+"\n", x(v), y(0)+16, v)
		fmt.Fprintf(&b, `<text x="%g" y="%g" text-anchor="end">%.1f</text>`+"\n", x(0)-6, y(v)+4, v)
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">pair recall</text>`+"\n", W/2, H-20)
	fmt.Fprintf(&b, `<text x="16" y="%d" transform="rotate(-90 16 %d)" text-anchor="middle">pair precision</text>`+"\n", H/2, H/2)
	fmt.Fprintf(&b, `<text x="%d" y="24" text-anchor="middle">%s: precision/recall over thresholds</text>`+"\n", W/2, title)
	colors := []string{"#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02"}
	for i, size := range sweepSizes {
		var pts []string
		for _, f := range rows {
			if f.ShingleSize == size {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(f.PairRecall), y(f.PairPrecision)))
			}
		}
		c := colors[i%len(colors)]
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", strings.Join(pts, " "), c)
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="%s">%d-word shingles</text>`+"\n", M+20, H-M-20-16*(len(sweepSizes)-1-i), c, size)
	}
	b.WriteString("</svg>\n")
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
