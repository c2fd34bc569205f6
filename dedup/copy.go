package dedup

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
)

// CopyIndex adds every document of src to dst and returns how many it
// added: the way to move an index from one Store to another (an index
// file into Redis, say: LoadIndex, then NewIndexWithStore over the Redis
// store, then CopyIndex), to merge indexes, and to band a saved index
// afresh for a new threshold (copy it into NewIndex of the new Config).
//
// The two Configs must sign alike (NumHashes, Seed, Method and Shingle;
// else an error wrapping ErrConfigMismatch); their banding may differ,
// since band keys are computed again from each document's values. Each
// document keeps its Evidence, its time and its cluster, as far as src
// knows them (a shared Store's documents that another process added are
// timed now and alone, as NewIndexWithStore adopts them); documents of
// one cluster in src are one cluster in dst, named as in src.
//
// A document whose ID dst holds already stops the copy with an error
// wrapping ErrDuplicateID; the documents added before it stay, and dst
// stays consistent. CopyIndex checks ctx between documents and returns
// ctx.Err() when it is done. It reads src's documents as they are when it
// starts; documents added to src meanwhile may be missed.
func CopyIndex(ctx context.Context, dst, src *Index) (int, error) {
	if dst == nil || src == nil {
		return 0, fmt.Errorf("%w: nil index", ErrConfig)
	}
	if dst.fp != src.fp || dst.cfg.NumHashes != src.cfg.NumHashes {
		_, err := dst.cfg.Adopt(src.cfg)
		if err == nil {
			err = fmt.Errorf("%w: the configs sign differently", ErrConfigMismatch)
		}
		return 0, err
	}
	var ids []string
	if err := src.store.Range(func(r Record) bool {
		ids = append(ids, r.ID)
		return true
	}); err != nil {
		return 0, fmt.Errorf("dedup: copy index: %w", err)
	}
	// In src's order of arrival where src knows it, so that clusters
	// keep their first document (documents it does not know go first).
	if src.st != nil {
		src.st.mu.RLock()
		order := func(id string) int32 {
			if n, ok := src.st.num[id]; ok {
				return n
			}
			return -1
		}
		slices.SortStableFunc(ids, func(a, b string) int { return cmp.Compare(order(a), order(b)) })
		src.st.mu.RUnlock()
	}

	first := make(map[string]int32) // cluster name -> its first document in dst
	var keys []uint64
	added := 0
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return added, err
		}
		rec, ok, err := src.store.Get(id)
		if err != nil {
			return added, fmt.Errorf("dedup: copy index: %w", err)
		}
		if !ok {
			continue // removed since Range
		}
		when, name, attached := time.Now().UnixNano(), rec.ID, false
		if src.st != nil {
			src.st.mu.RLock()
			if n, ok := src.st.num[id]; ok {
				when, name, attached = src.st.time[n], src.st.name[src.st.find(n)], src.st.attached[n]
			}
			src.st.mu.RUnlock()
		}
		keys = bandKeys(keys[:0], rec.Values, dst.cfg.Bands, dst.cfg.Rows)
		if err := dst.store.Add(rec, keys); err != nil {
			return added, fmt.Errorf("dedup: copy index: %q: %w", id, err)
		}
		added++
		if dst.st == nil {
			continue
		}
		samples, union := dst.docSamples(Evidence(rec.Evidence))
		dst.st.mu.Lock()
		n := dst.st.add(id, when, name, samples, union)
		dst.st.attached[n] = attached
		if f, ok := first[name]; ok {
			dst.st.union(f, n)
		} else if root, ok := dst.st.num[name]; ok && name != id {
			// The cluster's first document came before this copy.
			dst.st.union(root, n)
		} else {
			first[name] = n
		}
		dst.st.mu.Unlock()
	}
	return added, nil
}
