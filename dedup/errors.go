package dedup

import "errors"

// Errors returned by this package. They are wrapped with context; test for
// them with errors.Is.
var (
	// ErrConfig reports an invalid Config.
	ErrConfig = errors.New("dedup: invalid config")
	// ErrConfigMismatch reports signatures, indexes or stores made under
	// configurations whose signatures cannot be compared.
	ErrConfigMismatch = errors.New("dedup: signatures made under different configs")
	// ErrDuplicateID reports an Add of an ID that is already indexed.
	ErrDuplicateID = errors.New("dedup: duplicate id")
	// ErrEmptyID reports an empty document ID.
	ErrEmptyID = errors.New("dedup: empty id")
	// ErrEmpty reports a text or signature with no shingles, which cannot
	// be indexed: it would match every other empty text.
	ErrEmpty = errors.New("dedup: no words to shingle")
)
