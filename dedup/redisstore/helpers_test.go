package redisstore

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/neardup/neardup/dedup"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

// urlEnv names the variable that points the tests at a Redis server.
const urlEnv = "NEARDUP_REDIS_URL"

// skipMessage tells how to run the tests that need Redis.
const skipMessage = urlEnv + " is not set: run `eval \"$(bash .ci/redis.sh start)\"` " +
	"(or start redis-server and set " + urlEnv + "=redis://127.0.0.1:PORT/0) to run the Redis tests"

// redisURL returns the test server's URL or skips tb.
func redisURL(tb testing.TB) string {
	tb.Helper()
	url := os.Getenv(urlEnv)
	if url == "" {
		tb.Skip(skipMessage)
	}
	return url
}

// testClient returns a client of the test server, closed when tb ends,
// or skips tb.
func testClient(tb testing.TB) *redis.Client {
	tb.Helper()
	opts, err := redis.ParseURL(redisURL(tb))
	require.NoError(tb, err, "parse %s", urlEnv)
	c := redis.NewClient(opts)
	tb.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(tb, c.Ping(ctx).Err(), "ping the server at %s=%s", urlEnv, opts.Addr)
	return c
}

var nsSeq atomic.Int64

// testNamespace returns a namespace no other test uses, even one in
// another process.
func testNamespace(tb testing.TB) string {
	name := strings.NewReplacer("/", ".", "=", "", ",", ".").Replace(tb.Name())
	return fmt.Sprintf("test.%s.%d.%d.%d", name, os.Getpid(), time.Now().UnixNano()%1e9, nsSeq.Add(1))
}

// openTest opens a store in a fresh namespace on c and drops the index
// when tb ends, checking that nothing of it is left.
func openTest(tb testing.TB, c redis.UniversalClient, cfg dedup.Config, opts *Options) *Store {
	tb.Helper()
	ctx := context.Background()
	s, err := Open(ctx, c, testNamespace(tb), cfg, opts)
	require.NoError(tb, err)
	tb.Cleanup(func() {
		if err := s.Drop(ctx); err != nil {
			tb.Errorf("drop %s: %v", s.Namespace(), err)
			return
		}
		if left := indexKeys(tb, s); len(left) > 0 {
			tb.Errorf("Drop left %d keys, such as %q", len(left), left[0])
		}
	})
	return s
}

// indexKeys returns the names of every key of s's index.
func indexKeys(tb testing.TB, s *Store) []string {
	tb.Helper()
	var keys []string
	ctx := context.Background()
	iter := s.client.Scan(ctx, 0, escapeGlob(s.KeyPrefix())+"*", 1000).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	require.NoError(tb, iter.Err())
	return keys
}

// escapeGlob escapes the glob characters of a key prefix for SCAN MATCH.
func escapeGlob(s string) string {
	return strings.NewReplacer(`\`, `\\`, "*", `\*`, "?", `\?`, "[", `\[`, "]", `\]`).Replace(s)
}

// checkConsistent checks that the index of s is whole: every document has
// its ID, blobs and expiry, every posting names a stored document, and
// every document has exactly one posting per band (so no document is
// half written or half removed). It returns the number of documents.
func checkConsistent(tb testing.TB, s *Store) int {
	tb.Helper()
	ctx := context.Background()
	c := s.client
	ids, err := c.HGetAll(ctx, s.fixed[0]).Result()
	require.NoError(tb, err)
	docs, err := c.HLen(ctx, s.fixed[1]).Result()
	require.NoError(tb, err)
	bkeys, err := c.HGetAll(ctx, s.fixed[2]).Result()
	require.NoError(tb, err)
	exp, err := c.ZCard(ctx, s.fixed[3]).Result()
	require.NoError(tb, err)
	n := len(ids)
	require.EqualValues(tb, n, docs, "documents vs IDs")
	require.EqualValues(tb, n, len(bkeys), "band keys vs IDs")
	require.EqualValues(tb, n, exp, "expiry entries vs IDs")
	handles := map[string]bool{}
	for id, h := range ids {
		kb, ok := bkeys[h]
		require.True(tb, ok, "no band keys for %q", id)
		require.Equal(tb, id, kb[8*s.bands:], "band keys blob of %q names another ID", id)
		blob, err := c.HGet(ctx, s.fixed[1], h).Result()
		require.NoError(tb, err, "blob of %q", id)
		rec, err := decodeDoc(blob, nil, nil)
		require.NoError(tb, err)
		require.Equal(tb, id, rec.ID)
		handles[h] = true
	}
	// Every posting names a stored document, once per band.
	perDoc := map[string]int{}
	for _, key := range indexKeys(tb, s) {
		if !strings.HasPrefix(key, s.posting) {
			continue
		}
		members, err := c.SMembers(ctx, key).Result()
		require.NoError(tb, err)
		for _, h := range members {
			require.True(tb, handles[h], "posting %s names unknown handle %s", key, h)
			perDoc[h]++
		}
	}
	for h := range handles {
		require.Equal(tb, s.bands, perDoc[h], "postings of handle %s", h)
	}
	return n
}
