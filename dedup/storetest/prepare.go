package storetest

import (
	"errors"
	"slices"

	"github.com/neardup/neardup/dedup"
)

// Prepared is a document as dedup.Index hands it to its Store.
type Prepared struct {
	// Record is the document's record.
	Record dedup.Record
	// Keys holds the document's band keys, one per band.
	Keys []uint64
}

// Prepare returns the record and band keys that dedup.Index.Add passes to
// its Store when it adds sig under id, or the error Index.Add returns.
// It stores nothing. It is safe for concurrent use.
func Prepare(cfg dedup.Config, id string, sig dedup.Signature) (Prepared, error) {
	var c capture
	ix, err := dedup.NewIndexWithStore(cfg, &c)
	if err != nil {
		return Prepared{}, err
	}
	if err := ix.Add(id, sig); err != nil {
		return Prepared{}, err
	}
	return c.p, nil
}

// errCapture is returned by the capture store's methods other than Add.
var errCapture = errors.New("storetest: capture store only records Add")

// capture is a Store that records the one Add made through it.
type capture struct{ p Prepared }

func (c *capture) Add(rec dedup.Record, keys []uint64) error {
	// Like any Store, copy what the caller may reuse.
	rec.Values = slices.Clone(rec.Values)
	rec.Evidence = slices.Clone(rec.Evidence)
	c.p = Prepared{Record: rec, Keys: slices.Clone(keys)}
	return nil
}
func (c *capture) Remove(string) (bool, error) { return false, errCapture }
func (c *capture) Candidates([]uint64, func(dedup.Record) bool) error {
	return errCapture
}
func (c *capture) Get(string) (dedup.Record, bool, error) { return dedup.Record{}, false, errCapture }
func (c *capture) Len() (int, error)                      { return 0, nil } // empty until the Add
func (c *capture) Range(func(dedup.Record) bool) error    { return errCapture }
