package redisstore

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/neardup/neardup/dedup"
	"github.com/stretchr/testify/require"
)

// Environment of the helper processes of TestMultiProcess.
const (
	helperEnv = "NEARDUP_TEST_HELPER" // "multiproc" in a helper
	nsEnv     = "NEARDUP_TEST_NS"
	procEnv   = "NEARDUP_TEST_PROC"  // this helper's number
	procsEnv  = "NEARDUP_TEST_PROCS" // number of helpers
)

// The corpus of TestMultiProcess: copies of a story go to different
// processes.
const (
	mpStories = 60
	mpCopies  = 4
	mpProcs   = 4
)

// mpShard returns the corpus positions that process p adds.
func mpShard(p int) []int {
	var pos []int
	for i := range mpStories * mpCopies {
		if s, c := i/mpCopies, i%mpCopies; (s+c)%mpProcs == p {
			pos = append(pos, i)
		}
	}
	return pos
}

// barrierKey is the counter that helpers increment when they have added
// their share; it shares the index's hash tag.
func barrierKey(s *Store) string { return s.KeyPrefix() + "test-barrier" }

// TestMultiProcess runs several processes that add and query one index at
// once, each adding a share of the corpus in which every story has copies
// in other processes, and checks that each process then finds every copy
// of each of its articles, wherever it was added.
func TestMultiProcess(t *testing.T) {
	c := testClient(t)
	cfg := dedup.Config{}
	s := openTest(t, c, cfg, nil)
	t.Cleanup(func() { c.Del(context.Background(), barrierKey(s)) })

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	outs := make([]bytes.Buffer, mpProcs)
	errs := make([]error, mpProcs)
	var wg sync.WaitGroup
	for p := range mpProcs {
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(),
			helperEnv+"=multiproc", nsEnv+"="+s.Namespace(),
			procEnv+"="+strconv.Itoa(p), procsEnv+"="+strconv.Itoa(mpProcs))
		cmd.Stdout = &outs[p]
		cmd.Stderr = &outs[p]
		require.NoError(t, cmd.Start())
		wg.Go(func() { errs[p] = cmd.Wait() })
	}
	wg.Wait()
	for p := range mpProcs {
		require.NoError(t, errs[p], "helper %d:\n%s", p, outs[p].String())
	}

	ids, _ := testCorpus(mpSeed, mpStories, mpCopies)
	found := map[string][]string{}
	for p := range mpProcs {
		sc := bufio.NewScanner(&outs[p])
		for sc.Scan() {
			id, matches, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "MATCHES "), "\t")
			if ok && strings.HasPrefix(sc.Text(), "MATCHES ") {
				found[id] = strings.Split(matches, ",")
			}
		}
	}
	require.Len(t, found, len(ids), "articles reported by the helpers")
	for _, id := range ids {
		var want []string
		for c := range mpCopies {
			want = append(want, fmt.Sprintf("%s-%d", story(id), c))
		}
		require.Equal(t, want, found[id], "matches of %s", id)
	}
	n, err := s.Len()
	require.NoError(t, err)
	require.Equal(t, len(ids), n)
	require.Equal(t, len(ids), checkConsistent(t, s))
}

const mpSeed = 42

// TestHelperProcess is a helper process of TestMultiProcess; run on its
// own it skips.
func TestHelperProcess(t *testing.T) {
	if os.Getenv(helperEnv) != "multiproc" {
		t.Skip("helper process of TestMultiProcess")
	}
	p, err := strconv.Atoi(os.Getenv(procEnv))
	require.NoError(t, err)
	procs, err := strconv.Atoi(os.Getenv(procsEnv))
	require.NoError(t, err)
	ctx := context.Background()
	cfg := dedup.Config{}
	s, err := OpenURL(ctx, redisURL(t), os.Getenv(nsEnv), cfg, nil)
	require.NoError(t, err)
	defer s.Close()
	ix, err := dedup.NewIndexWithStore(cfg, s)
	require.NoError(t, err)
	h, err := dedup.NewHasher(cfg)
	require.NoError(t, err)
	ids, texts := testCorpus(mpSeed, mpStories, mpCopies)
	shard := mpShard(p)

	// Add the share, querying before each Add as a deduper does, with two
	// goroutines, while the other processes do the same.
	var wg sync.WaitGroup
	errs := make(chan error, len(shard))
	for half := range 2 {
		wg.Go(func() {
			for j := half; j < len(shard); j += 2 {
				i := shard[j]
				sig := h.Sign(texts[i])
				if _, err := ix.Query(sig); err != nil {
					errs <- err
					return
				}
				if err := ix.Add(ids[i], sig); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	// Wait until every process has added its share.
	require.NoError(t, s.client.Incr(ctx, barrierKey(s)).Err())
	deadline := time.Now().Add(time.Minute)
	for {
		n, err := s.client.Get(ctx, barrierKey(s)).Int()
		require.NoError(t, err)
		if n >= procs {
			break
		}
		require.True(t, time.Now().Before(deadline), "the other processes did not finish")
		time.Sleep(10 * time.Millisecond)
	}

	for _, i := range shard {
		matches, err := ix.Query(h.Sign(texts[i]))
		require.NoError(t, err)
		got := make([]string, len(matches))
		for k, m := range matches {
			got[k] = m.ID
		}
		slices.Sort(got)
		fmt.Printf("MATCHES %s\t%s\n", ids[i], strings.Join(got, ","))
	}
}
