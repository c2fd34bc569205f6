package articles

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/neardup/neardup/dedup"
)

// OpenDeduper returns a Deduper for cfg. If path is not empty and names an
// existing index file, the Deduper starts from that index (saved under the
// same Config, else an error wrapping dedup.ErrConfigMismatch); a missing
// file starts an empty index.
func OpenDeduper(cfg dedup.Config, path string) (*dedup.Deduper, error) {
	if path == "" {
		return dedup.New(cfg)
	}
	ix, err := dedup.LoadIndex(path, &dedup.LoadOptions{Config: &cfg})
	if errors.Is(err, fs.ErrNotExist) {
		return dedup.New(cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("-index %s: %w", path, err)
	}
	return dedup.NewWithIndex(cfg, ix)
}
