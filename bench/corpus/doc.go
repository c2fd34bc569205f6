// Package corpus generates a reproducible benchmark corpus of English
// news-like articles with planted reworded copies, for the performance
// benchmarks of neardup. Any size can be produced, as a slice (Generate),
// one article at a time (Generator.Next) or streamed as JSON Lines (Write),
// and the same seed, configuration and source text always give
// byte-identical output.
//
// # Source text
//
// The text is real English taken from the WordNet 3.0 database as packaged
// by Debian: about 22,000 distinct example sentences quoted in the synset
// glosses ("the committee published its report on Monday"), kept only when
// they read as clauses rather than bare noun phrases, about 33,000 noun
// definitions, person and topic nouns, and a synonym table built from each
// word's most frequent sense. Install it (as root, also in CI) with
//
//	apt-get install -y --no-install-recommends wordnet-base
//
// which puts data.noun, index.noun and the other files in
// /usr/share/wordnet (DefaultDir). Load("") looks there, or in the directory
// named by $NEARDUP_WORDNET_DIR or $WNSEARCHDIR; Load returns an error
// wrapping ErrNotInstalled when the files are missing, and the tests skip.
//
// # Base articles
//
// A base article is a title-cased headline, often a byline, and 8 to 20
// paragraphs (fewer for very short articles) opening with a wire dateline
// such as "WASHINGTON (AP) —". Most body sentences are WordNet examples as
// they stand; the rest wrap them in quotes and attributions ("..., said
// Maria Garcia, a farmer from Denver."), explain a WordNet noun by its
// definition, or carry numbers (vote counts, percentages, money, ordinals).
// Lengths are spread around Config.MeanWords (620 by default, the benchmark
// reference size) with a standard deviation of 30%. Names, cities, agencies
// and sentence templates come from short lists in framing.go; the content
// itself comes from the source text.
//
// # Copies
//
// A fraction Config.CopyRate of the articles (0.3 by default) are copies of
// an earlier base, rewritten the way a content farm re-runs wire copy. Most
// copies follow a recent story and popular stories attract more copies, so
// cluster sizes are heavy-tailed. Starting from the base, a copy may get:
//
//   - a new headline, or the old one with a prefix ("UPDATE 2-") or an
//     outlet suffix;
//   - a different or extra byline, a "Published ..." line, an added lead;
//   - the dateline kept, dropped or rewritten for another agency;
//   - the bottom 5-55% of the body cut off, sentences dropped (up to 12%)
//     or swapped with their neighbours, paragraphs swapped or merged;
//   - "Advertisement"/"RELATED:" lines between paragraphs and new credit
//     lines at the end;
//   - 10-30% of its content words (Config.SwapMin, Config.SwapMax) replaced
//     by WordNet synonyms, keeping "a"/"an" in agreement;
//   - numbers rewritten between digits and words ("12th"/"twelfth",
//     "seven"/"7", "12 percent"/"12%", "$4.5 million"/"4.5 million
//     dollars").
//
// Article.Cluster names the base story: a copy carries its base's ID, a base
// with copies its own ID, and an article without copies "".
//
// # Speed
//
// Articles are built from pre-tokenized text in reused buffers, so memory
// stays flat (the plan costs about 4 bytes per article) and one core writes
// 1,000,000 articles (3.6 GB of JSON Lines) in about 80 seconds of CPU time.
// The command github.com/neardup/neardup/bench/gencorpus wraps Write.
package corpus
