package dedup

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Index files.
//
// An index file holds every document of an Index and its Config. Version 2
// of the format is, with every integer little-endian and "uvarint" and
// "varint" the varints of encoding/binary:
//
//	header
//	  magic        8 bytes   "NDUPIDX\x00"
//	  version      uint32    2 (1 is read too: see below)
//	  configLen    uint32    at most 64 KiB
//	  config       configLen bytes: the Config as JSON, defaults filled in
//	  fingerprint  uint64    the Config's fingerprint (signature version,
//	                         NumHashes, seeds, shingle settings)
//	  headerCRC    uint32    CRC-32C (Castagnoli) of the header before it
//	records, in no set order, each
//	  tag          byte      1: a record follows; 0: end of the records
//	  idLen        uvarint   1..1 MiB
//	  id           idLen bytes
//	  shingles     uvarint   0..2^32-1
//	  values       NumHashes × uint32
//	  evidence     uvarint   0..2^24, then that many uint32 (Evidence)
//	  time         varint    the document's time, Unix nanoseconds
//	  clusterLen   uvarint   0..1 MiB: the name of the document's cluster,
//	  cluster      clusterLen bytes (empty: the document's own ID)
//	  flags        byte      bit 0: the document joined its cluster as a
//	                         trimmed copy (see Deduper.Add); others 0
//	trailer
//	  count        uint64    the number of records
//	  checksum     uint32    CRC-32C of every byte before it
//
// Version 1 records end after the evidence (then called a sentence
// sketch, which the library left empty): they load with the time of
// loading, each document alone in its cluster.
//
// Band postings are not stored: they are recomputed from the values on
// load, so the file does not depend on the in-memory layout; so are the
// heavy-rewrite postings, from the Evidence. A change of
// how signatures are computed changes the fingerprint, which ReadIndex
// checks; a change of this layout must bump fileVersion.

// Errors of index files. They are wrapped with context (the offset and
// what was expected there); test for them with errors.Is.
var (
	// ErrFormat reports a file that is not an index file: its magic bytes
	// are wrong.
	ErrFormat = errors.New("dedup: not an index file")
	// ErrVersion reports an index file of a format version this library
	// cannot read (written by a newer version).
	ErrVersion = errors.New("dedup: unsupported index file version")
	// ErrCorrupt reports an index file that is truncated, fails its
	// checksum, or holds values no writer writes.
	ErrCorrupt = errors.New("dedup: corrupt index file")
	// ErrLimit reports a document that the index file format cannot hold
	// (see MaxSavedIDLen and MaxSavedEvidence). Index.Add and AddBatch
	// refuse an ID longer than MaxSavedIDLen with it, so that one document
	// cannot make an index unsaveable; Save and WriteTo return it for a
	// document a Store was given directly, and then write no complete
	// file.
	ErrLimit = errors.New("dedup: document exceeds the index file limits")
)

// Limits of the index file format. ReadIndex rejects longer fields as
// corrupt, so WriteTo refuses to write them.
const (
	// MaxSavedIDLen is the longest document ID, in bytes, an index file
	// can hold.
	MaxSavedIDLen = 1 << 20
	// MaxSavedEvidence is the largest Evidence, in 32-bit values, an
	// index file can hold per document (MaxEvidenceWords fit).
	MaxSavedEvidence = 1 << 24
)

const (
	fileMagic     = "NDUPIDX\x00"
	fileVersion   = 2
	maxConfigLen  = 1 << 16
	tagRecord     = 1
	tagEnd        = 0
	ioBufSize     = 256 << 10
	maxNoProgress = 100
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// WriteTo writes every document of the index and its Config to w in the
// index file format, and returns the number of bytes written. It
// implements io.WriterTo.
//
// The documents are read with the Store's Range, so the file is a
// consistent snapshot if Range is one: the in-memory store's is, and it
// holds off Add and Remove (not queries) until WriteTo returns. The
// in-memory store's Range follows the order in which the documents were
// added, so a loaded index follows the same documents under a band key
// with more than MaxPostings of them as the saved one did (given the same
// MaxPostings: see LoadOptions). On error
// what was written is not a complete file. A document that the format
// cannot hold gives an error wrapping ErrLimit.
func (ix *Index) WriteTo(w io.Writer) (int64, error) {
	cfgJSON, err := json.Marshal(ix.cfg)
	if err != nil {
		return 0, fmt.Errorf("dedup: save index: config: %w", err)
	}
	if len(cfgJSON) > maxConfigLen {
		return 0, fmt.Errorf("%w: config JSON of %d bytes exceeds %d", ErrLimit, len(cfgJSON), maxConfigLen)
	}
	bw := &fileWriter{w: w, buf: make([]byte, 0, ioBufSize)}
	bw.buf = append(bw.buf, fileMagic...)
	bw.buf = binary.LittleEndian.AppendUint32(bw.buf, fileVersion)
	bw.buf = binary.LittleEndian.AppendUint32(bw.buf, uint32(len(cfgJSON)))
	bw.buf = append(bw.buf, cfgJSON...)
	bw.buf = binary.LittleEndian.AppendUint64(bw.buf, ix.fp)
	bw.buf = binary.LittleEndian.AppendUint32(bw.buf, bw.sum())

	var count uint64
	var recErr error
	st := ix.st
	if st == nil {
		st = newIndexState()
	}
	st.mu.RLock()
	defer st.mu.RUnlock()
	err = ix.store.Range(func(r Record) bool {
		if recErr = checkSavable(r, ix.cfg.NumHashes); recErr != nil {
			return false
		}
		m := docMeta{time: time.Now().UnixNano()}
		if n, ok := st.num[r.ID]; ok {
			m.time, m.attached = st.time[n], st.attached[n]
			root := n
			for st.parent[root] != root { // no path compression under a read lock
				root = st.parent[root]
			}
			if m.cluster = st.name[root]; m.cluster == r.ID {
				m.cluster = ""
			}
		}
		if len(m.cluster) > MaxSavedIDLen {
			recErr = fmt.Errorf("%w: cluster name of %d bytes", ErrLimit, len(m.cluster))
			return false
		}
		bw.writeRecord(r, m)
		count++
		return bw.err == nil
	})
	switch {
	case recErr != nil:
		return bw.n, recErr
	case bw.err != nil:
		return bw.n, fmt.Errorf("dedup: save index: %w", bw.err)
	case err != nil:
		return bw.n, fmt.Errorf("dedup: save index: %w", err)
	}
	bw.buf = append(bw.buf, tagEnd)
	bw.buf = binary.LittleEndian.AppendUint64(bw.buf, count)
	bw.buf = binary.LittleEndian.AppendUint32(bw.buf, bw.sum())
	bw.flush()
	if bw.err != nil {
		return bw.n, fmt.Errorf("dedup: save index: %w", bw.err)
	}
	return bw.n, nil
}

// checkSavable returns an error unless ReadIndex would accept r.
func checkSavable(r Record, numHashes int) error {
	switch {
	case r.ID == "":
		return fmt.Errorf("%w: store returned a record without an ID", ErrEmptyID)
	case len(r.ID) > MaxSavedIDLen:
		return fmt.Errorf("%w: ID of %d bytes (max %d) starting %q", ErrLimit, len(r.ID), MaxSavedIDLen, r.ID[:64])
	case len(r.Values) != numHashes:
		return fmt.Errorf("%w: record %q has %d values, config wants %d", ErrConfigMismatch, r.ID, len(r.Values), numHashes)
	case r.Shingles < 0 || uint64(r.Shingles) > math.MaxUint32:
		return fmt.Errorf("%w: record %q has shingle count %d (want 0..2^32-1)", ErrLimit, r.ID, r.Shingles)
	case len(r.Evidence) > MaxSavedEvidence:
		return fmt.Errorf("%w: record %q has %d sentence values (max %d)", ErrLimit, r.ID, len(r.Evidence), MaxSavedEvidence)
	}
	return nil
}

// fileWriter buffers the bytes of an index file and checksums them.
type fileWriter struct {
	w   io.Writer
	buf []byte
	crc uint32 // of the bytes flushed so far
	n   int64
	err error // sticky
}

// sum returns the CRC-32C of every byte appended so far.
func (w *fileWriter) sum() uint32 { return crc32.Update(w.crc, castagnoli, w.buf) }

// flush writes the buffer out.
func (w *fileWriter) flush() {
	if w.err != nil || len(w.buf) == 0 {
		return
	}
	w.crc = crc32.Update(w.crc, castagnoli, w.buf)
	m, err := w.w.Write(w.buf)
	w.n += int64(m)
	if err == nil && m < len(w.buf) {
		err = io.ErrShortWrite
	}
	w.err = err
	w.buf = w.buf[:0]
}

// docMeta is what a record holds of the index's state (indexState).
type docMeta struct {
	time     int64
	cluster  string // "" for the document's own ID
	attached bool
}

// writeRecord appends one record, flushing when the buffer is full.
func (w *fileWriter) writeRecord(r Record, m docMeta) {
	w.buf = append(w.buf, tagRecord)
	w.buf = binary.AppendUvarint(w.buf, uint64(len(r.ID)))
	w.buf = append(w.buf, r.ID...)
	w.buf = binary.AppendUvarint(w.buf, uint64(r.Shingles))
	for _, v := range r.Values {
		w.buf = binary.LittleEndian.AppendUint32(w.buf, v)
	}
	w.buf = binary.AppendUvarint(w.buf, uint64(len(r.Evidence)))
	for i, v := range r.Evidence {
		w.buf = binary.LittleEndian.AppendUint32(w.buf, v)
		if i%4096 == 4095 && len(w.buf) >= ioBufSize {
			w.flush()
		}
	}
	w.buf = binary.AppendVarint(w.buf, m.time)
	w.buf = binary.AppendUvarint(w.buf, uint64(len(m.cluster)))
	w.buf = append(w.buf, m.cluster...)
	flags := byte(0)
	if m.attached {
		flags = 1
	}
	w.buf = append(w.buf, flags)
	if len(w.buf) >= ioBufSize-ioBufSize/8 {
		w.flush()
	}
}

// Save writes the index to the file at path, replacing it atomically: the
// index is written to a temporary file in the same directory, synced, and
// renamed over path, and the directory is synced. A failure or a crash
// midway leaves the previous file at path as it was, and Save removes its
// temporary file on failure (a crash may leave one behind, named
// ".<name>.tmp*"). A new file gets mode 0644; a replaced file keeps its
// mode. If path is a symbolic link, the link itself is replaced. See
// WriteTo for concurrent use.
func (ix *Index) Save(path string) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if base == "" {
		return fmt.Errorf("dedup: save index: %q names a directory", path)
	}
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("dedup: save index: %s is not a regular file", path)
		}
		mode = fi.Mode().Perm()
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return saveError(path, err)
	}
	tmp := f.Name()
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				f.Close()
			}
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(mode); err != nil && runtime.GOOS != "windows" {
		return saveError(path, err)
	}
	if _, err := ix.WriteTo(f); err != nil {
		if pe := (*os.PathError)(nil); errors.As(err, &pe) && pe.Path == tmp {
			return saveError(path, pe)
		}
		return fmt.Errorf("%w (saving to %s)", err, path)
	}
	if err := f.Sync(); err != nil {
		return saveError(path, err)
	}
	closed = true
	if err := f.Close(); err != nil {
		return saveError(path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return saveError(path, err)
	}
	// The rename is durable once the directory is synced. Windows cannot
	// open a directory for syncing; its rename is durable enough.
	if runtime.GOOS != "windows" {
		d, err := os.Open(dir)
		if err != nil {
			return fmt.Errorf("dedup: save index %s: sync directory: %w", path, err)
		}
		err = d.Sync()
		d.Close()
		if err != nil {
			return fmt.Errorf("dedup: save index %s: sync directory: %w", path, err)
		}
	}
	return nil
}

// saveError returns err, an error of Save's temporary file, as an error
// about path: the file the caller named, not the temporary one.
func saveError(path string, err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = &os.PathError{Op: pe.Op, Path: path, Err: pe.Err}
	} else {
		var le *os.LinkError
		if errors.As(err, &le) {
			err = &os.PathError{Op: le.Op, Path: path, Err: le.Err}
		}
	}
	return fmt.Errorf("dedup: save index: %w", err)
}

// LoadOptions choose how LoadIndex and ReadIndex make an index. The zero
// value (and a nil *LoadOptions) means the saved Config and the default
// in-memory store.
type LoadOptions struct {
	// Config, if not nil, is the Config to work under: Config.Adopt
	// applies to the saved Config before any document is read, so the
	// index decides at Config's Threshold and rules, with the saved
	// banding, and signing settings that differ give an error wrapping
	// ErrConfigMismatch that names the field. It must be valid (else
	// ErrConfig).
	Config *Config
	// Store tunes the new index's in-memory store. Index files do not
	// keep the posting cap an index was made with: MaxPostings applies
	// (0 means DefaultMaxPostings). ExpectedDocs is not needed (the
	// tables are sized for the documents read) and is only checked.
	Store MemoryStoreOptions
}

// ReadIndex reads an index file written by WriteTo or Save from r, to its
// end, and returns a new in-memory index with every saved document, under
// the saved Config or opts.Config (see LoadOptions; opts may be nil). It
// returns an error wrapping ErrFormat (not an index file), ErrVersion (a
// newer format), ErrCorrupt (truncated, checksum mismatch, invalid
// field), ErrConfigMismatch (saved by a library whose signatures differ
// from this one's for the same Config, or under a Config that opts.Config
// cannot adopt), ErrConfig (invalid options), or r's own read error. It
// never returns a partly loaded index, and the memory it allocates is
// bounded by what it has read, whatever the length fields say.
func ReadIndex(r io.Reader, opts *LoadOptions) (*Index, error) {
	want, so, err := opts.check()
	if err != nil {
		return nil, err
	}
	return readIndex(r, want, so)
}

// LoadIndex reads the index file at path; see ReadIndex. Errors name the
// file.
func LoadIndex(path string, opts *LoadOptions) (*Index, error) {
	want, so, err := opts.check()
	if err != nil {
		return nil, err
	}
	return loadIndex(path, want, so)
}

// check validates the options and returns the Config to adopt (nil for
// the saved one) and the store options.
func (o *LoadOptions) check() (*Config, MemoryStoreOptions, error) {
	if o == nil {
		return nil, MemoryStoreOptions{}, nil
	}
	if err := o.Store.check(); err != nil {
		return nil, MemoryStoreOptions{}, err
	}
	if o.Config == nil {
		return nil, o.Store, nil
	}
	if err := o.Config.Validate(); err != nil {
		return nil, MemoryStoreOptions{}, err
	}
	cfg := *o.Config
	return &cfg, o.Store, nil
}

func loadIndex(path string, want *Config, opts MemoryStoreOptions) (*Index, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dedup: load index: %w", err)
	}
	defer f.Close()
	ix, err := readIndex(f, want, opts)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	return ix, nil
}

// readIndex reads an index file; if want is not nil, the saved Config must
// equal *want. The store gets opts.MaxPostings.
func readIndex(src io.Reader, want *Config, opts MemoryStoreOptions) (*Index, error) {
	r := &fileReader{r: src, buf: make([]byte, ioBufSize)}

	// Header.
	if err := r.fill(len(fileMagic)); err != nil {
		if r.end > 0 && r.end < len(fileMagic) && string(r.buf[:r.end]) != fileMagic[:r.end] {
			return nil, fmt.Errorf("%w: %d bytes, magic %q, want %q", ErrFormat, r.end, r.buf[:r.end], fileMagic)
		}
		return nil, r.fail(err, "magic")
	}
	if magic := r.bytes(len(fileMagic)); string(magic) != fileMagic {
		return nil, fmt.Errorf("%w: magic %q, want %q", ErrFormat, magic, fileMagic)
	}
	version, err := r.uint32("format version")
	if err != nil {
		return nil, err
	}
	switch {
	case version == 0:
		return nil, fmt.Errorf("%w: format version 0 at offset %d", ErrCorrupt, len(fileMagic))
	case version > fileVersion:
		return nil, fmt.Errorf("%w: format version %d, this library reads versions 1 to %d", ErrVersion, version, fileVersion)
	}
	cfgLen, err := r.uint32("config length")
	if err != nil {
		return nil, err
	}
	if cfgLen == 0 || cfgLen > maxConfigLen {
		return nil, fmt.Errorf("%w: at offset %d: config length %d, want 1..%d", ErrCorrupt, r.offset()-4, cfgLen, maxConfigLen)
	}
	if err := r.fill(int(cfgLen)); err != nil {
		return nil, r.fail(err, "config")
	}
	cfgJSON := string(r.bytes(int(cfgLen)))
	fp, err := r.uint64("config fingerprint")
	if err != nil {
		return nil, err
	}
	headerSum := r.sum()
	stored, err := r.uint32("header checksum")
	if err != nil {
		return nil, err
	}
	if stored != headerSum {
		return nil, fmt.Errorf("%w: header checksum %#08x, computed %#08x", ErrCorrupt, stored, headerSum)
	}

	var cfg Config
	dec := json.NewDecoder(strings.NewReader(cfgJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		// The header checksum holds, so a writer wrote this: one whose
		// Config has fields this library does not know.
		return nil, fmt.Errorf("%w: config written by another library version: %w", ErrVersion, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: data after the config JSON", ErrCorrupt)
	}
	if err := cfg.validate(false); err != nil {
		return nil, fmt.Errorf("%w: saved config: %w", ErrCorrupt, err)
	}
	cfg = cfg.WithDefaults()
	if cfg.fingerprint() != fp {
		return nil, fmt.Errorf("%w: the index was saved by a library version whose signatures differ from this one's", ErrConfigMismatch)
	}
	if want != nil {
		if cfg, err = want.Adopt(cfg); err != nil {
			return nil, err
		}
	}
	ix := newIndex(cfg, newMemStore(cfg.NumHashes, cfg.Bands, cfg.Rows))

	// Records. They are stored first and indexed once all are read (see
	// buildPostings), which is several times faster than Add per record.
	ms := ix.store.(*memStore)
	ms.setOptions(MemoryStoreOptions{MaxPostings: opts.MaxPostings})
	k := cfg.NumHashes
	rec := Record{Values: make([]uint32, k)}
	var id []byte
	var count uint64
	var metas []docMeta
	now := time.Now().UnixNano()
	for ; ; count++ {
		start := r.offset()
		if err := r.fill(1); err != nil {
			return nil, r.fail(err, fmt.Sprintf("record %d", count))
		}
		tag := r.bytes(1)[0]
		if tag == tagEnd {
			break
		}
		if tag != tagRecord {
			return nil, fmt.Errorf("%w: at offset %d: record tag %#02x, want 0 or 1", ErrCorrupt, start, tag)
		}
		idLen, err := r.uvarint("record ID length")
		if err != nil {
			return nil, err
		}
		if idLen == 0 || idLen > MaxSavedIDLen {
			return nil, fmt.Errorf("%w: at offset %d: record %d: ID length %d, want 1..%d", ErrCorrupt, start, count, idLen, MaxSavedIDLen)
		}
		if id, err = r.appendBytes(id[:0], int(idLen), "record ID"); err != nil {
			return nil, err
		}
		shingles, err := r.uvarint("shingle count")
		if err != nil {
			return nil, err
		}
		if shingles > math.MaxUint32 {
			return nil, fmt.Errorf("%w: at offset %d: record %d: shingle count %d", ErrCorrupt, start, count, shingles)
		}
		if err := r.fill(4 * k); err != nil {
			return nil, r.fail(err, "MinHash values")
		}
		vb := r.bytes(4 * k)
		for i := range rec.Values {
			rec.Values[i] = binary.LittleEndian.Uint32(vb[4*i:])
		}
		nSent, err := r.uvarint("sentence count")
		if err != nil {
			return nil, err
		}
		if nSent > MaxSavedEvidence {
			return nil, fmt.Errorf("%w: at offset %d: record %d: %d sentence values, want at most %d", ErrCorrupt, start, count, nSent, MaxSavedEvidence)
		}
		rec.Evidence = rec.Evidence[:0]
		for left := int(nSent); left > 0; {
			// Grow with what is there, not with what the count says.
			n := min(left, ioBufSize/4)
			if err := r.fill(4 * n); err != nil {
				return nil, r.fail(err, "sentence values")
			}
			sb := r.bytes(4 * n)
			for i := range n {
				rec.Evidence = append(rec.Evidence, binary.LittleEndian.Uint32(sb[4*i:]))
			}
			left -= n
		}
		m := docMeta{time: now}
		if version >= 2 {
			if m.time, err = r.varint("time"); err != nil {
				return nil, err
			}
			nameLen, err := r.uvarint("cluster name length")
			if err != nil {
				return nil, err
			}
			if nameLen > MaxSavedIDLen {
				return nil, fmt.Errorf("%w: at offset %d: record %d: cluster name length %d, want at most %d", ErrCorrupt, start, count, nameLen, MaxSavedIDLen)
			}
			name, err := r.appendBytes(nil, int(nameLen), "cluster name")
			if err != nil {
				return nil, err
			}
			m.cluster = string(name)
			if err := r.fill(1); err != nil {
				return nil, r.fail(err, "flags")
			}
			switch flags := r.bytes(1)[0]; flags {
			case 0, 1:
				m.attached = flags == 1
			default:
				return nil, fmt.Errorf("%w: at offset %d: record %d: flags %#02x", ErrCorrupt, start, count, flags)
			}
		}
		rec.ID = string(id)
		rec.Shingles = int(shingles)
		if err := ms.loadRecord(rec); err != nil {
			return nil, fmt.Errorf("%w: at offset %d: record %d: %w", ErrCorrupt, start, count, err)
		}
		metas = append(metas, m)
	}

	// Trailer.
	saved, err := r.uint64("record count")
	if err != nil {
		return nil, err
	}
	if saved != count {
		return nil, fmt.Errorf("%w: trailer at offset %d counts %d records, file has %d", ErrCorrupt, r.offset()-8, saved, count)
	}
	sum := r.sum()
	if stored, err = r.uint32("checksum"); err != nil {
		return nil, err
	}
	if stored != sum {
		return nil, fmt.Errorf("%w: checksum %#08x, computed %#08x", ErrCorrupt, stored, sum)
	}
	if err := r.fill(1); err == nil {
		return nil, fmt.Errorf("%w: data after the checksum at offset %d", ErrCorrupt, r.offset())
	} else if err != io.EOF {
		return nil, fmt.Errorf("dedup: read index: after the checksum: %w", err)
	}
	ms.buildPostings()
	ix.loadState(metas)
	return ix, nil
}

// loadState fills the index's state from the records of a file, loaded
// in file order (metas[i] is record i's).
func (ix *Index) loadState(metas []docMeta) {
	ms := ix.store.(*memStore)
	type rec struct {
		id string
		ev Evidence
	}
	recs := make([]rec, 0, len(metas))
	_ = ms.Range(func(r Record) bool {
		recs = append(recs, rec{r.ID, Evidence(r.Evidence)})
		return true
	})
	samples := make([][]uint32, len(recs))
	unions := make([]int, len(recs))
	parallel(len(recs), func(i int) { samples[i], unions[i] = ix.docSamples(recs[i].ev) })
	st := ix.st
	st.mu.Lock()
	defer st.mu.Unlock()
	first := make(map[string]int32)
	for i, r := range recs {
		m := metas[i]
		name := m.cluster
		if name == "" {
			name = r.id
		}
		n := st.add(r.id, m.time, name, samples[i], unions[i])
		st.attached[n] = m.attached
		if f, ok := first[name]; ok {
			st.union(f, n)
		} else {
			first[name] = n
		}
	}
}

// fileReader reads an index file through a buffer, keeping the CRC-32C of
// the bytes consumed.
type fileReader struct {
	r        io.Reader
	buf      []byte
	pos, end int   // unread bytes are buf[pos:end]
	hashed   int   // buf[:hashed] are in crc
	base     int64 // file offset of buf[0]
	crc      uint32
	err      error // sticky error of r
}

// offset returns the file offset of the next unread byte.
func (r *fileReader) offset() int64 { return r.base + int64(r.pos) }

// sum returns the CRC-32C of every byte consumed so far.
func (r *fileReader) sum() uint32 {
	r.crc = crc32.Update(r.crc, castagnoli, r.buf[r.hashed:r.pos])
	r.hashed = r.pos
	return r.crc
}

// fill makes n <= len(buf) bytes available unread. It returns io.EOF if
// the input ends exactly at the next byte, io.ErrUnexpectedEOF if it ends
// later but too soon, or the reader's error.
func (r *fileReader) fill(n int) error {
	for r.end-r.pos < n {
		if r.err != nil {
			if r.err == io.EOF && r.end > r.pos {
				return io.ErrUnexpectedEOF
			}
			return r.err
		}
		if r.pos > 0 {
			r.sum()
			copy(r.buf, r.buf[r.pos:r.end])
			r.base += int64(r.pos)
			r.end -= r.pos
			r.pos, r.hashed = 0, 0
		}
		for tries := 0; ; tries++ {
			m, err := r.r.Read(r.buf[r.end:])
			if m < 0 || m > len(r.buf)-r.end {
				r.err = errors.New("invalid Read count")
				break
			}
			r.end += m
			if err != nil {
				r.err = err
				break
			}
			if m > 0 {
				break
			}
			if tries == maxNoProgress {
				r.err = io.ErrNoProgress
				break
			}
		}
	}
	return nil
}

// bytes consumes n bytes made available by fill. They are valid until the
// next fill.
func (r *fileReader) bytes(n int) []byte {
	b := r.buf[r.pos : r.pos+n]
	r.pos += n
	return b
}

// fail turns an error of fill, reading what, into the error to return.
func (r *fileReader) fail(err error, what string) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("%w: truncated at offset %d, reading the %s", ErrCorrupt, r.base+int64(r.end), what)
	}
	return fmt.Errorf("dedup: read index: at offset %d, reading the %s: %w", r.offset(), what, err)
}

func (r *fileReader) uint32(what string) (uint32, error) {
	if err := r.fill(4); err != nil {
		return 0, r.fail(err, what)
	}
	return binary.LittleEndian.Uint32(r.bytes(4)), nil
}

func (r *fileReader) uint64(what string) (uint64, error) {
	if err := r.fill(8); err != nil {
		return 0, r.fail(err, what)
	}
	return binary.LittleEndian.Uint64(r.bytes(8)), nil
}

func (r *fileReader) varint(what string) (int64, error) {
	v, err := r.uvarint(what)
	// The zig-zag encoding of encoding/binary's Varint.
	return int64(v>>1) ^ -int64(v&1), err
}

func (r *fileReader) uvarint(what string) (uint64, error) {
	err := r.fill(binary.MaxVarintLen64)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return 0, r.fail(err, what)
	}
	v, n := binary.Uvarint(r.buf[r.pos:r.end])
	switch {
	case n == 0:
		return 0, r.fail(io.ErrUnexpectedEOF, what)
	case n < 0:
		return 0, fmt.Errorf("%w: at offset %d: %s overflows 64 bits", ErrCorrupt, r.offset(), what)
	}
	r.pos += n
	return v, nil
}

// appendBytes consumes n bytes and appends them to dst, growing it only as
// bytes arrive.
func (r *fileReader) appendBytes(dst []byte, n int, what string) ([]byte, error) {
	for n > 0 {
		m := min(n, len(r.buf))
		if err := r.fill(m); err != nil {
			return dst, r.fail(err, what)
		}
		dst = append(dst, r.bytes(m)...)
		n -= m
	}
	return dst, nil
}
