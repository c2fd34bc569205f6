package redisstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/neardup/neardup/dedup"
	"github.com/redis/go-redis/v9"
)

// Defaults used where an Options field is zero.
const (
	// DefaultKeyPrefix is the first part of every key when
	// Options.KeyPrefix is empty.
	DefaultKeyPrefix = "neardup"
	// DefaultTimeout bounds each call of a dedup.Store method when
	// Options.Timeout is zero.
	DefaultTimeout = 10 * time.Second
	// DefaultSweepLimit is the number of expired documents each Add drops
	// when Options.SweepLimit is zero.
	DefaultSweepLimit = 16
	// DefaultBatchSize is the number of documents AddBatch sends per round
	// trip when Options.BatchSize is zero.
	DefaultBatchSize = 256
)

// storageFormat names the key layout and blob encoding; Open refuses an
// index stored in another.
const storageFormat = "1"

// neverExpires is the expiry score of documents added without a TTL (ms,
// year 33658); scripts treat a score above the server time as live.
const neverExpires = 1e15

// Options tunes a Store. The zero value (or nil) means the defaults.
type Options struct {
	// TTL, when positive, makes every document added through this Store
	// expire that long after its Add (by the Redis server's clock, with
	// millisecond resolution): a news index then keeps only the last hours
	// or days. Expiry is per document, so processes with different TTLs
	// can share an index. 0 keeps documents until Remove.
	TTL time.Duration
	// Timeout bounds each call of a dedup.Store method, which takes no
	// context. 0 means DefaultTimeout; a negative value means no bound
	// beyond the client's own timeouts.
	Timeout time.Duration
	// SweepLimit is how many expired documents each Add removes (with
	// their postings) before adding. 0 means DefaultSweepLimit; negative
	// means none (call Sweep yourself).
	SweepLimit int
	// BatchSize is the number of documents AddBatch sends in one
	// pipeline (one round trip). 0 means DefaultBatchSize.
	BatchSize int
	// KeyPrefix starts every key of the index. "" means DefaultKeyPrefix.
	KeyPrefix string
}

// Store is a dedup.Store on Redis: one LSH index, kept under one
// namespace, that many processes can share. See the package
// documentation for the key layout, atomicity, expiry and failure
// behaviour.
//
// A Store is safe for concurrent use by multiple goroutines, and any
// number of Stores, in any number of processes, may use one namespace at
// once. The Values and Evidence of a Record from Get are the caller's;
// those passed to a Candidates or Range callback are valid only during
// the call, as the dedup.Store contract says.
type Store struct {
	client redis.UniversalClient
	owned  bool // Close closes client
	ns     string
	cfg    dedup.Config
	k      int
	bands  int
	ttlMS  int64
	opts   Options

	// The config record Open checked, which Add writes again if the
	// index's keys were lost (a flushed or restarted server) and refuses
	// to add under if another config took the namespace meanwhile.
	cfgJSON string
	fp      string

	// Key names.
	fixed   [5]string // ids, docs, bkeys, exp, meta: KEYS[1..5]
	posting string    // prefix of posting set names
}

var _ dedup.Store = (*Store)(nil)

// Open attaches to the index named namespace on client, creating it if it
// does not exist, and returns its Store. The index's Config is stored in
// Redis when the index is created; Open returns an error wrapping
// dedup.ErrConfigMismatch if the stored Config differs from cfg (after
// defaults), ErrUnavailable if Redis cannot be reached, and ErrNamespace,
// ErrOptions or dedup.ErrConfig for bad arguments. ctx bounds Open only.
//
// A namespace is non-empty, at most 256 bytes, and has no braces, spaces
// or control characters. The caller keeps ownership of client: Close does
// not close it.
func Open(ctx context.Context, client redis.UniversalClient, namespace string, cfg dedup.Config, opts *Options) (*Store, error) {
	if client == nil {
		return nil, fmt.Errorf("%w: nil client", ErrOptions)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.TTL < 0 || (o.TTL > 0 && o.TTL < time.Millisecond) {
		return nil, fmt.Errorf("%w: TTL %v: want 0 or at least 1ms", ErrOptions, o.TTL)
	}
	if o.BatchSize < 0 {
		return nil, fmt.Errorf("%w: BatchSize %d is negative", ErrOptions, o.BatchSize)
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.SweepLimit == 0 {
		o.SweepLimit = DefaultSweepLimit
	}
	if o.BatchSize == 0 {
		o.BatchSize = DefaultBatchSize
	}
	if o.KeyPrefix == "" {
		o.KeyPrefix = DefaultKeyPrefix
	}
	if err := checkName("namespace", namespace); err != nil {
		return nil, err
	}
	if err := checkName("key prefix", o.KeyPrefix); err != nil {
		return nil, err
	}
	base := o.KeyPrefix + ":{" + namespace + "}:"
	s := &Store{
		client: client, ns: namespace, cfg: cfg,
		k: cfg.NumHashes, bands: cfg.Bands,
		ttlMS: o.TTL.Milliseconds(), opts: o,
		fixed:   [5]string{base + "ids", base + "docs", base + "bkeys", base + "exp", base + "meta"},
		posting: base + "p:",
	}
	js, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("redisstore: marshal config: %w", err)
	}
	sum := sha256.Sum256(js)
	fp := hex.EncodeToString(sum[:8])
	s.cfgJSON, s.fp = string(js), fp
	res, err := initScript.Run(ctx, client, s.fixed[:], storageFormat, js, fp).StringSlice()
	if err != nil {
		return nil, wrap("open "+namespace, err)
	}
	if len(res) != 3 {
		return nil, fmt.Errorf("%w: namespace %q: config record of %d fields", ErrCorrupt, namespace, len(res))
	}
	if res[0] != storageFormat {
		return nil, fmt.Errorf("%w: namespace %q is stored in format %q, this package reads %q",
			ErrFormat, namespace, res[0], storageFormat)
	}
	if res[2] != fp {
		return nil, fmt.Errorf("%w: namespace %q holds an index of config %s, not %s",
			dedup.ErrConfigMismatch, namespace, res[1], js)
	}
	return s, nil
}

// OpenURL connects to the Redis server at url (redis://[user:pass@]host:port/db,
// rediss:// for TLS, or unix://path; see redis.ParseURL for the query
// options) and opens the index named namespace on it, as Open does. The
// Store owns the connection: Close closes it. For Redis Cluster or
// Sentinel, make a redis.UniversalClient and call Open.
func OpenURL(ctx context.Context, url, namespace string, cfg dedup.Config, opts *Options) (*Store, error) {
	ro, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("%w: redis URL: %w", ErrOptions, err)
	}
	client := redis.NewClient(ro)
	s, err := Open(ctx, client, namespace, cfg, opts)
	if err != nil {
		client.Close()
		return nil, err
	}
	s.owned = true
	return s, nil
}

// checkName validates a namespace or key prefix.
func checkName(what, name string) error {
	if name == "" || len(name) > 256 {
		return fmt.Errorf("%w: %s %q: want 1 to 256 bytes", ErrNamespace, what, name)
	}
	if i := strings.IndexFunc(name, func(r rune) bool {
		return r == '{' || r == '}' || unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar
	}); i >= 0 {
		return fmt.Errorf("%w: %s %q: no braces, spaces or control characters", ErrNamespace, what, name)
	}
	return nil
}

// Close closes the Redis client if the Store made it (OpenURL).
func (s *Store) Close() error {
	if !s.owned {
		return nil
	}
	return s.client.Close()
}

// Namespace returns the index's namespace.
func (s *Store) Namespace() string { return s.ns }

// Config returns the index's Config, with defaults filled in.
func (s *Store) Config() dedup.Config { return s.cfg }

// Client returns the Redis client.
func (s *Store) Client() redis.UniversalClient { return s.client }

// KeyPrefix returns the prefix shared by every key of the index, hash tag
// included, such as "neardup:{news}:".
func (s *Store) KeyPrefix() string { return strings.TrimSuffix(s.posting, "p:") }

// ctx returns the context of one dedup.Store call.
func (s *Store) ctx() (context.Context, context.CancelFunc) {
	if s.opts.Timeout < 0 {
		return context.WithCancel(context.Background())
	}
	return context.WithTimeout(context.Background(), s.opts.Timeout)
}

// postingKey appends the name of the posting set of key in band b.
func (s *Store) postingKey(dst []byte, b int, key uint64) []byte {
	dst = append(dst, s.posting...)
	dst = strconv.AppendInt(dst, int64(b), 10)
	dst = append(dst, ':')
	const digits = "0123456789abcdef"
	for shift := 60; shift >= 0; shift -= 4 {
		dst = append(dst, digits[key>>uint(shift)&0xf])
	}
	return dst
}

// keyList returns the script keys: the five fixed keys, then the posting
// set of each band key.
func (s *Store) keyList(keys []uint64) []string {
	list := make([]string, 0, len(s.fixed)+len(keys))
	list = append(list, s.fixed[:]...)
	var buf []byte
	for b, key := range keys {
		buf = s.postingKey(buf[:0], b, key)
		list = append(list, string(buf))
	}
	return list
}

// checkShape returns an error wrapping dedup.ErrConfigMismatch unless rec
// and keys fit the index.
func (s *Store) checkShape(rec dedup.Record, keys []uint64) error {
	if len(rec.Values) != s.k || len(keys) != s.bands {
		return fmt.Errorf("%w: record of %d values and %d keys, store wants %d and %d",
			dedup.ErrConfigMismatch, len(rec.Values), len(keys), s.k, s.bands)
	}
	return nil
}

// addArgs returns the script keys and arguments that add rec.
func (s *Store) addArgs(rec dedup.Record, keys []uint64) ([]string, []any) {
	return s.keyList(keys), []any{
		rec.ID, appendDoc(nil, rec), appendKeys(nil, keys, rec.ID),
		s.ttlMS, max(s.opts.SweepLimit, 0), s.posting, s.bands,
		storageFormat, s.cfgJSON, s.fp,
	}
}

// addResult interprets the reply of addScript.
func addResult(id string, n int64, err error) error {
	switch {
	case err != nil:
		return wrap("add "+strconv.Quote(id), err)
	case n == 0:
		return fmt.Errorf("%w: %q", dedup.ErrDuplicateID, id)
	case n == -1:
		return fmt.Errorf("%w: add %q: the namespace now holds an index of another config (it was dropped or flushed and opened again)", dedup.ErrConfigMismatch, id)
	default:
		return nil
	}
}

// Add stores rec and its postings in one Lua script (one round trip):
// all of it or, on any error, nothing. It returns an error wrapping
// dedup.ErrDuplicateID if rec.ID is stored and has not expired,
// dedup.ErrConfigMismatch if rec or keys do not fit the index or the
// namespace's config record is now another config's, or ErrUnavailable
// or ErrRedis. If the config record is gone (a flushed server, or one
// restarted without persistence), Add writes the Store's again, so that
// an Open under another config still fails.
func (s *Store) Add(rec dedup.Record, keys []uint64) error {
	if err := s.checkShape(rec, keys); err != nil {
		return err
	}
	ctx, cancel := s.ctx()
	defer cancel()
	kl, args := s.addArgs(rec, keys)
	n, err := addScript.Run(ctx, s.client, kl, args...).Int64()
	return addResult(rec.ID, n, err)
}

// Remove deletes the document id and all its postings in one Lua script,
// and reports whether it was stored (and had not expired).
func (s *Store) Remove(id string) (bool, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	n, err := removeScript.Run(ctx, s.client, s.fixed[:], id, s.posting, s.bands).Int64()
	if err != nil {
		return false, wrap("remove "+strconv.Quote(id), err)
	}
	return n == 1, nil
}

// Candidates calls fn for every live document posted under at least one
// of keys: one Lua script (one round trip) reads the postings, checks
// expiry and returns the records. Documents whose record is missing are
// skipped. The Record passed to fn is only valid during the call.
func (s *Store) Candidates(keys []uint64, fn func(dedup.Record) bool) error {
	if len(keys) != s.bands {
		return fmt.Errorf("%w: %d band keys, store has %d bands", dedup.ErrConfigMismatch, len(keys), s.bands)
	}
	ctx, cancel := s.ctx()
	defer cancel()
	blobs, err := candidatesScript.Run(ctx, s.client, s.keyList(keys)).StringSlice()
	if err != nil {
		return wrap("candidates", err)
	}
	return s.each(blobs, fn)
}

// each decodes blobs and calls fn for each until it returns false.
func (s *Store) each(blobs []string, fn func(dedup.Record) bool) error {
	vals := make([]uint32, 0, s.k)
	var sents []uint32
	for _, b := range blobs {
		rec, err := decodeDoc(b, vals, sents)
		if err != nil {
			return err
		}
		vals, sents = rec.Values, rec.Evidence
		if !fn(rec) {
			return nil
		}
	}
	return nil
}

// Get returns the stored document id, unless it has expired.
func (s *Store) Get(id string) (dedup.Record, bool, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	blob, err := getScript.Run(ctx, s.client, s.fixed[:], id).Text()
	if errors.Is(err, redis.Nil) {
		return dedup.Record{}, false, nil
	}
	if err != nil {
		return dedup.Record{}, false, wrap("get "+strconv.Quote(id), err)
	}
	rec, err := decodeDoc(blob, nil, nil)
	if err != nil {
		return dedup.Record{}, false, err
	}
	return rec, true, nil
}

// Len returns the number of live documents.
func (s *Store) Len() (int, error) {
	ctx, cancel := s.ctx()
	defer cancel()
	n, err := lenScript.Run(ctx, s.client, s.fixed[:]).Int()
	if err != nil {
		return 0, wrap("len", err)
	}
	return n, nil
}

// rangePage is the number of documents Range fetches per round trip.
const rangePage = 512

// Range calls fn for every document live when Range starts, in no set
// order, until fn returns false. It lists the handles of the live
// documents in one round trip, then fetches their records a page at a
// time; a document removed meanwhile is skipped, one added meanwhile is
// not visited. The Timeout option bounds each round trip, not the whole
// Range.
func (s *Store) Range(fn func(dedup.Record) bool) error {
	ctx, cancel := s.ctx()
	handles, err := liveScript.Run(ctx, s.client, s.fixed[:]).StringSlice()
	cancel()
	if err != nil {
		return wrap("range", err)
	}
	for len(handles) > 0 {
		page := handles[:min(rangePage, len(handles))]
		handles = handles[len(page):]
		ctx, cancel := s.ctx()
		vals, err := s.client.HMGet(ctx, s.fixed[1], page...).Result()
		cancel()
		if err != nil {
			return wrap("range", err)
		}
		blobs := make([]string, 0, len(vals))
		for _, v := range vals {
			if b, ok := v.(string); ok {
				blobs = append(blobs, b)
			}
		}
		stopped := false
		if err := s.each(blobs, func(r dedup.Record) bool {
			stopped = !fn(r)
			return !stopped
		}); err != nil || stopped {
			return err
		}
	}
	return nil
}

// Sweep removes every expired document, with its postings, and returns
// how many it removed. Adds sweep a few expired documents each (see
// Options.SweepLimit); call Sweep when an index with a TTL may sit idle,
// or when SweepLimit is negative.
func (s *Store) Sweep(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := sweepScript.Run(ctx, s.client, s.fixed[:], rangePage, s.posting, s.bands).Int()
		total += n
		if err != nil {
			return total, wrap("sweep", err)
		}
		if n < rangePage {
			return total, nil
		}
	}
}

// Drop deletes the whole index: every document and posting, then the
// stored Config. It works in steps of a few hundred documents, each
// atomic, so it does not block Redis for long; Stores using the index
// meanwhile see it shrink. The Store must not be used afterwards.
func (s *Store) Drop(ctx context.Context) error {
	for {
		n, err := dropScript.Run(ctx, s.client, s.fixed[:], rangePage, s.posting, s.bands).Int()
		if err != nil {
			return wrap("drop", err)
		}
		if n == 0 {
			return nil
		}
	}
}
