// Package shingle turns article text into a set of hashed word n-grams
// ("shingles"), the input of MinHash.
//
// # Pipeline
//
// A [Shingler] runs these stages, in order, on every text:
//
//  1. Normalization ([Normalize]): invalid UTF-8, control characters and NUL
//     bytes become spaces; Unicode NFKC (golang.org/x/text/unicode/norm);
//     full case folding (golang.org/x/text/cases); the curly and modifier
//     apostrophes become ', the common typographic quotes (“ ” „ « » and
//     their kin) become ", and the common dashes and minus signs (U+2010
//     to U+2015, U+2212 and their small and full-width forms) become -.
//     Rarer dashes and quotes are left as they are; like every character
//     that is not part of a word, they separate words.
//  2. Tokenization ([Shingler.AppendWords]): a word is a run of letters,
//     digits and combining marks. Hyphens split words ("two-thirds" gives
//     "two", "thirds"), so hyphenated and spaced spellings agree. Digits
//     joined by '.' or ',' stay one number ("2.5", "1,000" gives "1000").
//     An apostrophe between two letters stays inside the word for English
//     (the Snowball English stemmer removes the possessive: "taliban's"
//     gives "taliban"; "don't" gives "dont"); for other languages it splits
//     the word, so French elisions such as "l'armée" give "l", "armée".
//     Apostrophes left after stemming are removed.
//  3. Optional stop-word removal with the Snowball stop-word list of the
//     language (Config.StopWords).
//  4. Snowball stemming (github.com/kljensen/snowball), with a per-Shingler
//     cache of stems, so a word seen before costs one hash-table lookup
//     (the word itself is compared, so the stem is always Snowball's).
//  5. Word n-grams of Config.Size words, each hashed to a uint64 with a
//     seeded xxhash64 of the stems, returned as a sorted set.
//
// A text with fewer words than Config.Size yields a single shingle made of
// all its words, so short texts (headlines, one-line items) still compare;
// a text with no words yields the empty set.
//
// # Concurrency
//
// A Shingler keeps buffers and a stem cache and is not safe for concurrent
// use; create one per goroutine (they are cheap) or use a sync.Pool.
// Config values and the package-level functions are safe for concurrent use.
package shingle
