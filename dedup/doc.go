// Package dedup finds near-duplicate news articles: the reworded, trimmed
// and padded copies of one wire story.
//
// # Basics
//
// A [Config] decides everything that makes two signatures comparable: the
// number of MinHash values, the seed, and how text becomes shingles (see
// package shingle). A [Hasher] turns text into a [Signature] with
// github.com/dgryski/go-minhash; an [Index] stores signatures under string
// IDs in LSH bands and answers which indexed documents are similar to a
// signature. A [Deduper] ties them together for the two ways users work:
//
//   - batch: [Deduper.Cluster] groups a slice of articles into clusters of
//     copies, signing on every core;
//   - streaming: [Deduper.Add] answers, for each arriving article, whether it
//     is new or a copy of an earlier one, and indexes it.
//
// # Thresholds
//
// Reworded wire copies share far fewer word 3-grams than the
// near-identical copies generic tools look for: the Jaccard similarity of
// real reprinted pairs is typically 0.2–0.5. DefaultThreshold is chosen for
// them; see the README's Quality section for the evidence.
//
// # LSH banding
//
// An index cuts each signature into Bands bands of Rows values; documents
// that agree on a whole band become candidates, and candidates are then
// verified against the threshold. The banding is chosen from the threshold
// so that a pair exactly at the threshold becomes a candidate with
// probability at least 0.9 (see [CandidateProbability] and
// [Config.Banding]).
//
// # Caveats
//
// Signatures made under different configs are never compared: every
// comparison checks a fingerprint of the config and returns an error
// wrapping [ErrConfigMismatch]. A text with no words has an empty
// signature; it is never indexed (ErrEmpty) and is a singleton in a batch.
package dedup
