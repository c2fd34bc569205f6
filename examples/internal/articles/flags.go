package articles

import (
	"flag"

	"github.com/neardup/neardup/dedup"
)

// ConfigFlags registers on fs the flags that set cfg: -threshold, -shingle,
// -hashes, -lang, -stopwords, -seed and -method. Zero values mean the
// library's defaults.
func ConfigFlags(fs *flag.FlagSet, cfg *dedup.Config) {
	fs.Float64Var(&cfg.Threshold, "threshold", 0, "similarity threshold in (0,1] (0: library default)")
	fs.IntVar(&cfg.Shingle.Size, "shingle", 0, "words per shingle (0: library default)")
	fs.IntVar(&cfg.NumHashes, "hashes", 0, "MinHash values per signature (0: library default)")
	fs.StringVar(&cfg.Shingle.Language, "lang", "", "stemming language (default english)")
	fs.BoolVar(&cfg.Shingle.StopWords, "stopwords", false, "remove stop words")
	fs.Uint64Var(&cfg.Seed, "seed", 0, "hash seed")
	fs.StringVar(&cfg.Method, "method", "", `signing method: "" (MinWise) or "oph" (one-permutation hashing, faster)`)
}

// RuleFlags registers on fs the flags that turn off the library's extra
// decision rules: -no-containment, -no-rewrites and -no-relations
// (Config.NoContainment, NoRewrites and NoRelations).
func RuleFlags(fs *flag.FlagSet, cfg *dedup.Config) {
	fs.BoolVar(&cfg.NoContainment, "no-containment", false, "turn off the trimmed-copy rule: only the threshold and heavy rewrites join articles")
	fs.BoolVar(&cfg.NoRewrites, "no-rewrites", false, "turn off heavy-rewrite detection")
	fs.BoolVar(&cfg.NoRelations, "no-relations", false, "do not look for partial reuse between clusters (batch only)")
}
