package storetest_test

import (
	"fmt"
	"maps"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/dedup/storetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bug names a deliberate fault of refStore.
type bug string

const (
	noBug              bug = ""
	dupOverwrites      bug = "dup-overwrites"       // Add replaces a stored ID
	dupHalfIndexes     bug = "dup-half-indexes"     // a rejected Add leaves its postings
	removeKeepsPosting bug = "remove-keeps-posting" // Remove leaves the postings
	ignoresBand        bug = "ignores-band"         // a key matches in any band
	reportsPerBand     bug = "reports-per-band"     // Candidates reports a doc once per band
	aliasesValues      bug = "aliases-values"       // Add keeps the caller's slice
	lenCountsAdds      bug = "len-counts-adds"      // Len ignores removals
	rangeIgnoresStop   bug = "range-ignores-stop"   // Range goes on after false
	candIgnoresStop    bug = "cand-ignores-stop"    // Candidates goes on after false
	noShapeCheck       bug = "no-shape-check"       // accepts records of any shape
	dropsSentences     bug = "drops-sentences"      // does not keep Sentences
)

var bugs = []bug{
	dupOverwrites, dupHalfIndexes, removeKeepsPosting, ignoresBand, reportsPerBand,
	aliasesValues, lenCountsAdds, rangeIgnoresStop, candIgnoresStop, noShapeCheck,
	dropsSentences,
}

// refStore is a naive Store built from maps, with an optional bug.
type refStore struct {
	bug      bug
	k, bands int
	mu       sync.Mutex
	recs     map[string]dedup.Record
	keys     map[string][]uint64
	postings map[[2]uint64]map[string]bool // (band, key) -> ids
	added    int
}

func newRefStore(cfg dedup.Config, b bug) *refStore {
	cfg = cfg.WithDefaults()
	return &refStore{
		bug: b, k: cfg.NumHashes, bands: cfg.Bands,
		recs:     map[string]dedup.Record{},
		keys:     map[string][]uint64{},
		postings: map[[2]uint64]map[string]bool{},
	}
}

func (s *refStore) posting(band int, key uint64) [2]uint64 {
	if s.bug == ignoresBand {
		band = 0
	}
	return [2]uint64{uint64(band), key}
}

func (s *refStore) Add(rec dedup.Record, keys []uint64) error {
	if s.bug != noShapeCheck && (len(rec.Values) != s.k || len(keys) != s.bands) {
		return fmt.Errorf("%w: wrong shape", dedup.ErrConfigMismatch)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.recs[rec.ID]; ok {
		switch s.bug {
		case dupOverwrites:
			s.removeLocked(rec.ID)
		case dupHalfIndexes:
			for b, key := range keys {
				s.addPosting(b, key, rec.ID)
			}
			return fmt.Errorf("%w: %q", dedup.ErrDuplicateID, rec.ID)
		default:
			return fmt.Errorf("%w: %q", dedup.ErrDuplicateID, rec.ID)
		}
	}
	if s.bug != aliasesValues {
		rec.Values = slices.Clone(rec.Values)
	}
	rec.Evidence = slices.Clone(rec.Evidence)
	if s.bug == dropsSentences {
		rec.Evidence = nil
	}
	s.recs[rec.ID] = rec
	s.keys[rec.ID] = slices.Clone(keys)
	for b, key := range keys {
		s.addPosting(b, key, rec.ID)
	}
	s.added++
	return nil
}

func (s *refStore) addPosting(b int, key uint64, id string) {
	p := s.posting(b, key)
	if s.postings[p] == nil {
		s.postings[p] = map[string]bool{}
	}
	s.postings[p][id] = true
}

func (s *refStore) removeLocked(id string) bool {
	if _, ok := s.recs[id]; !ok {
		return false
	}
	if s.bug != removeKeepsPosting {
		for b, key := range s.keys[id] {
			delete(s.postings[s.posting(b, key)], id)
		}
		delete(s.recs, id)
	} else {
		// The record stays reachable through its postings.
		r := s.recs[id]
		delete(s.recs, id)
		s.recs["\x00removed\x00"+id] = r
	}
	delete(s.keys, id)
	return true
}

func (s *refStore) Remove(id string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.removeLocked(id), nil
}

func (s *refStore) lookup(id string) (dedup.Record, bool) {
	if r, ok := s.recs[id]; ok {
		return r, true
	}
	r, ok := s.recs["\x00removed\x00"+id]
	return r, ok
}

func (s *refStore) Candidates(keys []uint64, fn func(dedup.Record) bool) error {
	if len(keys) != s.bands {
		return fmt.Errorf("%w: wrong number of keys", dedup.ErrConfigMismatch)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for b, key := range keys {
		ids = append(ids, slices.Collect(maps.Keys(s.postings[s.posting(b, key)]))...)
	}
	slices.Sort(ids)
	if s.bug != reportsPerBand {
		ids = slices.Compact(ids)
	}
	for _, id := range ids {
		r, ok := s.lookup(id)
		if ok && !fn(r) && s.bug != candIgnoresStop {
			break
		}
	}
	return nil
}

func (s *refStore) Get(id string) (dedup.Record, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.recs[id]
	if !ok {
		return dedup.Record{}, false, nil
	}
	if s.bug != aliasesValues {
		r.Values = slices.Clone(r.Values)
	}
	r.Evidence = slices.Clone(r.Evidence)
	return r, true, nil
}

func (s *refStore) Len() (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bug == lenCountsAdds {
		return s.added, nil
	}
	n := 0
	for id := range s.recs {
		if !strings.HasPrefix(id, "\x00") {
			n++
		}
	}
	return n, nil
}

func (s *refStore) Range(fn func(dedup.Record) bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, r := range s.recs {
		if strings.HasPrefix(id, "\x00") {
			continue
		}
		if !fn(r) && s.bug != rangeIgnoresStop {
			break
		}
	}
	return nil
}

// TestReferenceStore checks that the suite passes a correct store.
func TestReferenceStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T, cfg dedup.Config) dedup.Store {
		return newRefStore(cfg, noBug)
	})
}

const mutantEnv = "STORETEST_MUTANT"

// TestMutantHelper runs the suite on one faulty store when the test binary
// is re-executed by TestSuiteCatchesBugs; otherwise it does nothing.
func TestMutantHelper(t *testing.T) {
	b := bug(os.Getenv(mutantEnv))
	if b == noBug {
		t.Skip("helper for TestSuiteCatchesBugs")
	}
	storetest.Run(t, func(t *testing.T, cfg dedup.Config) dedup.Store {
		return newRefStore(cfg, b)
	})
}

// TestSuiteCatchesBugs checks that the suite fails each faulty store, by
// running it on that store in a child process.
func TestSuiteCatchesBugs(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite once per bug in child processes")
	}
	for _, bug := range bugs {
		t.Run(string(bug), func(t *testing.T) {
			t.Parallel()
			// The first config is enough to catch each bug, in half the time.
			b := storetest.Configs[0].Banding()
			run := fmt.Sprintf("-test.run=^TestMutantHelper$/^bands=%d,rows=%d$", b.Bands, b.Rows)
			cmd := exec.Command(os.Args[0], run, "-test.count=1", "-test.v")
			cmd.Env = append(os.Environ(), mutantEnv+"="+string(bug))
			out, err := cmd.CombinedOutput()
			require.Error(t, err, "the suite passed a store with bug %q:\n%s", bug, out)
			assert.Contains(t, string(out), "--- FAIL", "the child did not fail a test:\n%s", out)
		})
	}
}
