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
// # What counts as a copy
//
// Reworded wire copies share far fewer word 3-grams than the
// near-identical copies generic tools look for: the Jaccard similarity of
// real reprinted pairs is typically 0.2–0.5. DefaultThreshold is chosen for
// them (measured on labelled reworded news, spun news and the Clough &
// Stevenson corpus of rewritten texts). A pair is a copy
// when its Jaccard similarity reaches Config.Threshold, or reaches half of
// it while the shorter text is at least half inside the other (a trimmed or
// padded copy). Pairs near the threshold are measured exactly from each
// article's Evidence (a compact record of its words kept beside its
// Signature; Hasher.Doc makes both), and a containment link attaches the
// shorter article to one cluster only, so that a short item does not
// chain two stories.
//
// A heavy rewrite, reworded sentence by sentence, shares few word 3-grams
// with its source. An article the copy rule leaves alone is
// attached to the article it matches best when both their content-word
// 1–3-grams overlap (Jaccard 0.06 or more, stop words removed) and at
// least half of its sentences have half their content words in one or two
// consecutive sentences of the other; [Pair.Coverage] marks such links.
//
// These rules are the same on every path: Deduper.Cluster and ClusterSeq
// (the batch), Deduper.Add and Check (the stream, which keeps clusters:
// Result.Cluster), and Index.QueryDoc all decide a pair alike. Config's
// NoContainment and NoRewrites turn the extra rules off, leaving
// Threshold a floor.
//
// Articles of different clusters that share a few sentences (a paragraph
// reused inside another story) are not copies; Cluster reports them in
// Clustering.Related, from sentence-level evidence.
//
// # Persistence and sharing
//
// Index.Save (or Deduper.Save) writes an index file atomically and
// LoadIndex reads it back, checking its version, checksum and Config;
// with LoadOptions.Config it resumes the index under another Threshold
// (Config.Adopt is the one rule for what may differ). The band storage is
// the Store interface: the in-memory store is the default, and package
// dedup/redisstore keeps one index in Redis for many processes. CopyIndex
// moves documents between indexes (a file into Redis, or into a new
// banding), and a Signature or Doc has a binary form (MarshalBinary,
// UnmarshalBinary) for callers who keep them in their own database.
//
// # LSH banding
//
// An index cuts each signature into Bands bands of Rows values; documents
// that agree on a whole band become candidates, and candidates are then
// verified against the threshold. The banding is chosen from the threshold
// so that a pair exactly at the threshold becomes a candidate with
// probability at least 0.9 where NumHashes allows it (see
// [CandidateProbability] and [Config.Banding]; with very low thresholds
// or few hashes even one row per band falls short, and
// Banding().AtThreshold says how far).
//
// # Caveats
//
// Signatures made under configs that sign differently (NumHashes, Seed,
// Method or Shingle differ) are never compared: every comparison checks
// a fingerprint of those settings and returns an error wrapping
// [ErrConfigMismatch]. Configs that differ only in Threshold, Bands or
// Rows sign alike, so their signatures compare. A text with no words has an empty
// signature; it is never indexed (ErrEmpty) and is a singleton in a batch.
package dedup
