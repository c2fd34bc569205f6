package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/neardup/neardup/dedup"
)

func cmdCompare(ctx context.Context, args []string, e *env) error {
	f := newFlags("compare", "A B",
		"Scores two articles and says whether the library takes them for copies, and\n"+
			"by which rule. A and B are files, - (stdin, for one of them), or the texts\n"+
			"themselves (an argument that is not a file and has a space in it).\n", e, false)
	asJSON := f.fs.Bool("json", false, "print one JSON object")
	if err := f.parse(args); err != nil {
		return err
	}
	if len(f.args) != 2 {
		return usagef("compare takes two articles, A and B; got %d", len(f.args))
	}
	if f.args[0] == "-" && f.args[1] == "-" {
		return usagef(`only one of A and B can be "-" (stdin)`)
	}
	var texts [2]text
	for i := range texts {
		t, err := readText(f.args[i], e.stdin)
		if err != nil {
			return err
		}
		texts[i] = t
	}
	c, err := compare(f.cfg, texts[0], texts[1])
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(c)
	}
	return c.print(e.stdout)
}

// text is one article of compare.
type text struct {
	Name string `json:"name"`
	Text string `json:"-"`
	// Words is the number of words the library reads in it.
	Words int `json:"words"`
}

// readText reads an argument of compare: "-" is stdin, a file its
// content, else the argument is the text if it has a space in it.
func readText(arg string, stdin io.Reader) (text, error) {
	if arg == "-" {
		b, err := io.ReadAll(stdin)
		return text{Name: "stdin", Text: string(b)}, err
	}
	if fi, err := os.Stat(arg); err == nil && !fi.IsDir() {
		b, err := os.ReadFile(arg)
		return text{Name: filepath.Base(arg), Text: string(b)}, err
	}
	if strings.IndexFunc(arg, unicode.IsSpace) < 0 {
		return text{}, fmt.Errorf("%s: no such file (a text to compare must have a space in it)", arg)
	}
	name := arg
	if len(name) > 40 {
		name = strings.TrimSpace(name[:37]) + "..."
	}
	return text{Name: fmt.Sprintf("%q", name), Text: arg}, nil
}

// comparison is what compare finds.
type comparison struct {
	A text `json:"a"`
	B text `json:"b"`
	// Exact is the exact Jaccard similarity and containment of the
	// shingle sets (Deduper.Compare).
	Exact dedup.Score `json:"exact"`
	// Estimate is the MinHash estimate of the Jaccard similarity.
	Estimate float64 `json:"estimate"`
	// WordSimilarity is Deduper.WordSimilarity, meant for sentences.
	WordSimilarity float64 `json:"word_similarity"`
	// Pair is the library's pair when it joins the two (its similarity
	// and containment as the rules measured them; a coverage for a heavy
	// rewrite).
	Pair *dedup.Pair `json:"pair,omitempty"`
	// Copy: the library takes the two for copies of one story.
	Copy bool `json:"copy"`
	// Rule is the rule that joins them: "threshold", "containment" or
	// "rewrite"; "" when none does.
	Rule string `json:"rule,omitempty"`
	// Related is the partial-reuse score of two articles that are not
	// copies but share some sentences (Clustering.Related), 0 if none.
	Related float64 `json:"related,omitempty"`
	// Why says it in words.
	Why    string       `json:"why"`
	Config dedup.Config `json:"config"`
}

// compare scores a and b under cfg. Which rule joins them is the
// library's answer, not this program's: the pair is clustered with the
// threshold alone (NoContainment, NoRewrites), then with the containment
// rule too, then with every rule cfg has on, and the first that joins
// them names the rule.
func compare(cfg dedup.Config, a, b text) (*comparison, error) {
	d, err := dedup.New(cfg)
	if err != nil {
		return nil, err
	}
	cfg = d.Config()
	h := d.Hasher()
	da, db := h.Doc(a.Text), h.Doc(b.Text)
	a.Words, b.Words = da.Evidence.Words(), db.Evidence.Words()
	est, err := da.Signature.Similarity(db.Signature)
	if err != nil {
		return nil, err
	}
	c := &comparison{A: a, B: b, Exact: d.Hasher().Compare(a.Text, b.Text), Estimate: est,
		WordSimilarity: d.Hasher().WordSimilarity(a.Text, b.Text), Config: cfg}
	pair := []dedup.Article{{ID: "A", Text: a.Text}, {ID: "B", Text: b.Text}}
	joined := func(cfg dedup.Config) (*dedup.Clustering, bool, error) {
		d, err := dedup.New(cfg)
		if err != nil {
			return nil, false, err
		}
		res, err := d.Cluster(pair)
		if err != nil {
			return nil, false, err
		}
		return res, len(res.Clusters) == 1, nil
	}
	steps := []struct {
		rule string
		cfg  dedup.Config
	}{
		{"threshold", withRules(cfg, false, false)},
		{"containment", withRules(cfg, !cfg.NoContainment, false)},
		{"rewrite", cfg},
	}
	for _, s := range steps {
		if s.rule == "containment" && cfg.NoContainment || s.rule == "rewrite" && cfg.NoRewrites {
			continue
		}
		res, ok, err := joined(s.cfg)
		if err != nil {
			return nil, err
		}
		if ok {
			c.Copy, c.Rule = true, s.rule
			if ps := res.Clusters[0].Pairs; len(ps) > 0 {
				c.Pair = &ps[0]
			}
			break
		}
		if s.rule == "rewrite" {
			for _, r := range res.Related {
				c.Related = r.Score
			}
		}
	}
	if !c.Copy && cfg.NoRewrites && !cfg.NoRelations {
		// The related pairs were not looked for above.
		res, _, err := joined(cfg)
		if err != nil {
			return nil, err
		}
		for _, r := range res.Related {
			c.Related = r.Score
		}
	}
	c.Why = c.why()
	return c, nil
}

// withRules returns cfg with the containment and rewrite rules on or
// off, and no relations.
func withRules(cfg dedup.Config, containment, rewrites bool) dedup.Config {
	cfg.NoContainment, cfg.NoRewrites, cfg.NoRelations = !containment, !rewrites, true
	return cfg
}

// why says in words what the library decided.
func (c *comparison) why() string {
	th := c.Config.Threshold
	sim := c.Exact.Similarity
	if c.Pair != nil {
		sim = c.Pair.Similarity
	}
	switch {
	case c.A.Words == 0 || c.B.Words == 0:
		return "not a copy: an article with no words is a copy of nothing"
	case c.Rule == "threshold":
		return fmt.Sprintf("copy: the Jaccard similarity %.3f reaches the threshold %.2f", sim, th)
	case c.Rule == "containment":
		return fmt.Sprintf("copy: a trimmed or padded copy (the containment rule): similarity %.3f is under the threshold %.2f, but %.0f%% of the shorter article is inside the other",
			sim, th, 100*c.pairContainment())
	case c.Rule == "rewrite":
		return fmt.Sprintf("copy: a heavy rewrite (the rewrite rule): similarity %.3f is under the threshold %.2f, but %.0f%% of the shorter article's sentences are reworded from the other",
			sim, th, 100*c.Pair.Coverage)
	}
	var rules []string
	if !c.Config.NoContainment {
		rules = append(rules, "not a trimmed or padded copy")
	}
	if !c.Config.NoRewrites {
		rules = append(rules, "not a heavy rewrite")
	}
	s := fmt.Sprintf("not a copy: the Jaccard similarity %.3f is under the threshold %.2f", sim, th)
	if len(rules) > 0 {
		s += "; " + strings.Join(rules, ", ")
	}
	if c.Related > 0 {
		s += fmt.Sprintf("; they share some sentences (partial reuse, score %.3f)", c.Related)
	}
	return s
}

func (c *comparison) pairContainment() float64 {
	if c.Pair != nil {
		return c.Pair.Containment
	}
	return c.Exact.Containment
}

func (c *comparison) print(w io.Writer) error {
	bw := &errWriter{w: w}
	bw.printf("A: %s (%s)\n", c.A.Name, plural(c.A.Words, "word"))
	bw.printf("B: %s (%s)\n", c.B.Name, plural(c.B.Words, "word"))
	bw.printf("Jaccard similarity, exact     %.3f   (threshold %.2f)\n", c.Exact.Similarity, c.Config.Threshold)
	bw.printf("Jaccard similarity, MinHash   %.3f   (%d hashes)\n", c.Estimate, c.Config.NumHashes)
	bw.printf("containment, exact            %.3f   (share of the shorter article inside the other)\n", c.Exact.Containment)
	if c.Pair != nil && c.Pair.Coverage > 0 {
		bw.printf("sentence coverage             %.3f   (heavy rewrite)\n", c.Pair.Coverage)
	}
	if c.Related > 0 {
		bw.printf("partial reuse                 %.3f   (share of the shorter article's sentences found in the other)\n", c.Related)
	}
	bw.printf("word similarity               %.3f   (for sentences; %.2f separates paraphrases)\n", c.WordSimilarity, dedup.DefaultWordThreshold)
	bw.printf("%s\n", c.Why)
	return bw.err
}
