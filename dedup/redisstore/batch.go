package redisstore

import (
	"context"
	"errors"
	"slices"

	"github.com/neardup/neardup/dedup"
	"github.com/redis/go-redis/v9"
)

// Doc is one article for AddBatch: its ID and signature.
type Doc struct {
	// ID is the article's ID.
	ID string
	// Sig is the article's signature, made under the index's Config.
	Sig dedup.Signature
}

// AddBatch adds docs to the index as dedup.Index.Add would, sending
// Options.BatchSize of them per round trip (one pipeline of Add scripts).
// Each document is added atomically, on its own: the batch as a whole is
// not, and documents are added in order, so of two with one ID the first
// wins. It returns one error per document, nil for those added: an error
// wrapping dedup.ErrEmptyID, dedup.ErrLimit, dedup.ErrEmpty,
// dedup.ErrConfigMismatch or dedup.ErrDuplicateID as Index.Add returns
// them, or ErrUnavailable or
// ErrRedis when the round trip failed (a document that reports one of
// these was added whole or not at all).
func (s *Store) AddBatch(ctx context.Context, docs []Doc) []error {
	errs := make([]error, len(docs))
	if len(docs) == 0 {
		return errs
	}
	// A dedup.Index over a recording store computes each document's
	// record and band keys exactly as Index.Add does.
	var rec recorder
	ix, err := dedup.NewIndexWithStore(s.cfg, &rec)
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	type item struct {
		i    int
		keys []string
		args []any
	}
	items := make([]item, 0, len(docs))
	for i, d := range docs {
		rec.added = false
		if err := ix.Add(d.ID, d.Sig); err != nil {
			errs[i] = err
			continue
		}
		if !rec.added {
			errs[i] = errors.New("redisstore: internal error: Index.Add stored nothing")
			continue
		}
		kl, args := s.addArgs(rec.rec, rec.keys)
		items = append(items, item{i, kl, args})
	}
	for len(items) > 0 {
		chunk := items[:min(s.opts.BatchSize, len(items))]
		items = items[len(chunk):]
		cmds := make([]*redis.Cmd, len(chunk))
		send := func(which []int) {
			pipe := s.client.Pipeline()
			for _, j := range which {
				cmds[j] = addScript.EvalSha(ctx, pipe, chunk[j].keys, chunk[j].args...)
			}
			_, _ = pipe.Exec(ctx) // errors are read per command
		}
		all := make([]int, len(chunk))
		for j := range all {
			all[j] = j
		}
		send(all)
		// A command that found no script in the server's cache (after a
		// restart or SCRIPT FLUSH) did not run: load the script and send
		// those again.
		var again []int
		for j, cmd := range cmds {
			if redis.HasErrorPrefix(cmd.Err(), "NOSCRIPT") {
				again = append(again, j)
			}
		}
		if len(again) > 0 {
			if err := addScript.Load(ctx, s.client).Err(); err == nil {
				send(again)
			}
		}
		for j, it := range chunk {
			n, err := cmds[j].Int64()
			errs[it.i] = addResult(docs[it.i].ID, n, err)
		}
	}
	return errs
}

// recorder is a dedup.Store that records the document of the last Add
// made through it, so that AddBatch gets the same records and band keys
// as dedup.Index.Add computes. Only Len (when the Index is made: the
// recorder is empty, so there is nothing to adopt) and Add are called. Like every Store
// it copies what it keeps: Index.Add passes pooled buffers that another
// goroutine's query may reuse as soon as Add returns.
type recorder struct {
	rec   dedup.Record
	keys  []uint64
	added bool
}

var errRecorder = errors.New("redisstore: internal error: recorder only records Add")

func (r *recorder) Add(rec dedup.Record, keys []uint64) error {
	rec.Values, rec.Evidence = slices.Clone(rec.Values), slices.Clone(rec.Evidence)
	r.rec, r.keys, r.added = rec, slices.Clone(keys), true
	return nil
}
func (r *recorder) Remove(string) (bool, error)                        { return false, errRecorder }
func (r *recorder) Candidates([]uint64, func(dedup.Record) bool) error { return errRecorder }
func (r *recorder) Get(string) (dedup.Record, bool, error)             { return dedup.Record{}, false, errRecorder }
func (r *recorder) Len() (int, error)                                  { return 0, nil } // an empty store: nothing to adopt
func (r *recorder) Range(func(dedup.Record) bool) error                { return errRecorder }
