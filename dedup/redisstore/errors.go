package redisstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// Errors returned by this package, wrapped with context; test for them
// with errors.Is. Errors of package dedup (ErrDuplicateID,
// ErrConfigMismatch) are returned where the dedup.Store contract names
// them.
var (
	// ErrUnavailable reports that Redis could not be reached or could not
	// serve the command (connection refused or lost, timeout, server
	// loading its data, read-only replica, cluster down). The underlying
	// go-redis error is wrapped too. A write that fails with it was
	// either applied whole or not at all.
	ErrUnavailable = errors.New("redisstore: redis unavailable")
	// ErrRedis reports a command that Redis rejected (out of memory, a
	// key of the wrong type, a script error).
	ErrRedis = errors.New("redisstore: redis command failed")
	// ErrNamespace reports an invalid namespace or key prefix.
	ErrNamespace = errors.New("redisstore: invalid namespace")
	// ErrOptions reports invalid Options.
	ErrOptions = errors.New("redisstore: invalid options")
	// ErrFormat reports an index stored in a layout this version of the
	// package cannot read.
	ErrFormat = errors.New("redisstore: unsupported storage format")
	// ErrCorrupt reports stored data that cannot be decoded.
	ErrCorrupt = errors.New("redisstore: corrupt data")
)

// wrap returns err, from operation op, wrapped with ErrUnavailable or
// ErrRedis. It returns nil for nil.
func wrap(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("redisstore: %s: %w", op, err)
	case isUnavailable(err):
		return fmt.Errorf("%w: %s: %w", ErrUnavailable, op, err)
	default:
		return fmt.Errorf("%w: %s: %w", ErrRedis, op, err)
	}
}

// isUnavailable reports whether err means the server could not be reached
// or could not serve, rather than that it rejected the command.
func isUnavailable(err error) bool {
	var re redis.Error
	if !errors.As(err, &re) {
		return true // network, dial, pool timeout, closed client, deadline
	}
	return redis.IsLoadingError(err) || redis.IsReadOnlyError(err) ||
		redis.IsClusterDownError(err) || redis.IsTryAgainError(err) ||
		redis.IsMasterDownError(err) || redis.IsMaxClientsError(err) ||
		redis.HasErrorPrefix(err, "BUSY")
}
