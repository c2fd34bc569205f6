package dedup_test

import (
	"testing"

	"github.com/neardup/neardup/dedup"
	"github.com/neardup/neardup/dedup/storetest"
	"github.com/stretchr/testify/require"
)

// TestMemoryStoreSuite runs the Store behaviour suite on the in-memory
// store.
func TestMemoryStoreSuite(t *testing.T) {
	storetest.Run(t, func(t *testing.T, cfg dedup.Config) dedup.Store {
		s, err := dedup.NewMemoryStore(cfg)
		require.NoError(t, err)
		return s
	})
}
