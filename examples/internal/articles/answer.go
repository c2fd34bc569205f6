package articles

import (
	"errors"

	"github.com/neardup/neardup/dedup"
)

// Skippable reports whether err from Deduper.Add is about the article
// itself (no words, a bad or repeated id), so that a stream goes on
// without it; any other error is the index's and stops the stream.
func Skippable(err error) bool {
	return errors.Is(err, dedup.ErrEmpty) || errors.Is(err, dedup.ErrEmptyID) ||
		errors.Is(err, dedup.ErrDuplicateID) || errors.Is(err, dedup.ErrLimit)
}

// Answer is one line of a stream's -json output: the library's Result
// (with its cluster), and the matches outside this process's clusters.
type Answer struct {
	dedup.Result
	// Foreign lists the matched articles that are in no cluster of this
	// process (added by another process sharing the Redis index), in
	// the order of Matches.
	Foreign []string `json:"foreign,omitempty"`
}

// NewAnswer returns the Answer of res, an answer of d.Add.
func NewAnswer(d *dedup.Deduper, res dedup.Result) Answer {
	var foreign []string
	for _, m := range res.Matches {
		if _, ok := d.ClusterOf(m.ID); !ok {
			foreign = append(foreign, m.ID)
		}
	}
	return Answer{Result: res, Foreign: foreign}
}
