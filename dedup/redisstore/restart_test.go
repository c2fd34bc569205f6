package redisstore

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/neardup/neardup/dedup"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

// testServer is a redis-server of a test's own, on a throwaway port with
// its data in a temporary directory, persisted with an fsync'd
// append-only file so that it survives being killed.
type testServer struct {
	t    *testing.T
	bin  string
	addr string
	dir  string
	cmd  *exec.Cmd
}

// newTestServer starts a server, stopped when t ends, or skips t if
// redis-server is not on PATH.
func newTestServer(t *testing.T) *testServer {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server is not on PATH (bash .ci/redis.sh installs it)")
	}
	s := &testServer{t: t, bin: bin, addr: closedPort(t), dir: t.TempDir()}
	s.start()
	t.Cleanup(s.kill)
	return s
}

func (s *testServer) start() {
	s.t.Helper()
	_, port, _ := strings.Cut(s.addr, ":")
	s.cmd = exec.Command(s.bin, "--bind", "127.0.0.1", "--port", port, "--dir", s.dir,
		"--save", "", "--appendonly", "yes", "--appendfsync", "always",
		"--daemonize", "no", "--logfile", filepath.Join(s.dir, "redis.log"))
	require.NoError(s.t, s.cmd.Start())
	c := redis.NewClient(&redis.Options{Addr: s.addr, MaxRetries: -1, DialTimeout: 100 * time.Millisecond})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for c.Ping(context.Background()).Err() != nil {
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(s.dir, "redis.log"))
			s.t.Fatalf("redis-server on %s did not start:\n%s", s.addr, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill kills the server with SIGKILL, as a crash would.
func (s *testServer) kill() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
		s.cmd = nil
	}
}

// TestServerKilledAndRestarted kills Redis while several goroutines add
// articles, checks that the calls fail with ErrUnavailable and that the
// index holds only whole documents, restarts Redis, and checks that work
// resumes and every copy is found.
func TestServerKilledAndRestarted(t *testing.T) {
	redisURL(t) // run with the other Redis tests
	srv := newTestServer(t)
	c := redis.NewClient(&redis.Options{
		Addr: srv.addr, DialTimeout: 200 * time.Millisecond,
		ReadTimeout: time.Second, WriteTimeout: time.Second, MaxRetries: 1,
	})
	defer c.Close()
	cfg := dedup.Config{}
	s, err := Open(context.Background(), c, "restart", cfg, &Options{Timeout: 3 * time.Second})
	require.NoError(t, err)
	ix, err := dedup.NewIndexWithStore(cfg, s)
	require.NoError(t, err)
	h, err := dedup.NewHasher(cfg)
	require.NoError(t, err)
	ids, texts := testCorpus(7, 50, 4)
	sigs := make([]dedup.Signature, len(ids))
	for i := range texts {
		sigs[i] = h.Sign(texts[i])
	}

	// Phase 1: four writers add the first 160 articles; Redis is killed
	// after the 40th success.
	const phase1, killAfter, workers = 160, 40, 4
	results := make([]error, phase1)
	var next, ok atomic.Int64
	var killOnce sync.Once
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= phase1 {
					return
				}
				results[i] = ix.Add(ids[i], sigs[i])
				if results[i] == nil && ok.Add(1) == killAfter {
					killOnce.Do(srv.kill)
				}
			}
		})
	}
	wg.Wait()
	var failed int
	for i, err := range results {
		if err != nil {
			failed++
			require.ErrorIs(t, err, ErrUnavailable, "Add(%s)", ids[i])
		}
	}
	require.Greater(t, failed, 0, "no Add failed after the kill")
	t.Logf("%d of %d adds failed", failed, phase1)

	// Every call fails while Redis is down.
	_, err = ix.Query(sigs[0])
	require.ErrorIs(t, err, ErrUnavailable)
	_, err = ix.Remove(ids[0])
	require.ErrorIs(t, err, ErrUnavailable)
	_, _, err = s.Get(ids[0])
	require.ErrorIs(t, err, ErrUnavailable)
	_, err = s.Len()
	require.ErrorIs(t, err, ErrUnavailable)
	require.ErrorIs(t, s.Range(func(dedup.Record) bool { return true }), ErrUnavailable)
	for _, err := range s.AddBatch(context.Background(), []Doc{{ID: "x", Sig: sigs[0]}}) {
		require.ErrorIs(t, err, ErrUnavailable)
	}

	// Restart on the same data: only whole documents, every successful
	// Add among them (a failed one may have been applied before the
	// connection broke, but then whole).
	srv.start()
	// The client's pool stops dialling after repeated failures and probes
	// the server once a second: calls fail until a probe succeeds.
	deadline := time.Now().Add(10 * time.Second)
	for _, err := s.Len(); err != nil; _, err = s.Len() {
		require.ErrorIs(t, err, ErrUnavailable)
		require.True(t, time.Now().Before(deadline), "the store did not recover: %v", err)
		time.Sleep(50 * time.Millisecond)
	}
	n := checkConsistent(t, s)
	stored := map[string]bool{}
	require.NoError(t, s.Range(func(r dedup.Record) bool { stored[r.ID] = true; return true }))
	require.Len(t, stored, n)
	for i, err := range results {
		if err == nil {
			require.True(t, stored[ids[i]], "%s was added but is lost", ids[i])
		}
	}
	for id := range stored {
		require.Contains(t, ids[:phase1], id, "stored %s was never added", id)
	}

	// Work resumes: add what failed and the rest.
	for i := range ids {
		if i < phase1 && results[i] == nil {
			continue
		}
		err := ix.Add(ids[i], sigs[i])
		if errors.Is(err, dedup.ErrDuplicateID) && stored[ids[i]] {
			continue // applied before the kill, though reported failed
		}
		require.NoError(t, err, "Add(%s) after the restart", ids[i])
	}
	require.Equal(t, len(ids), checkConsistent(t, s))
	for i, id := range ids {
		matches, err := ix.Query(sigs[i])
		require.NoError(t, err)
		require.Len(t, matches, 4, "matches of %s", id)
		for _, m := range matches {
			require.Equal(t, story(id), story(m.ID), "%s matched %s", id, m.ID)
		}
	}
}
