package main

// JSON Lines loaders for labelled evaluation data.
//
//	func DetectKind(path string) (Kind, error)
//	func LoadDocuments(path string) ([]Document, error)
//	func LoadPairs(path string) ([]Pair, error)
//	func ReadDocuments(r io.Reader, name string) ([]Document, error)
//	func ReadPairs(r io.Reader, name string) ([]Pair, error)
//	func DetectKindReader(r io.Reader, name string) (Kind, error)
//	func GoldLabels(docs []Document) []string

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// MaxLineBytes is the longest JSON Lines record the loaders accept.
const MaxLineBytes = 64 << 20

// Document is one labelled document of a clustering data set.
type Document struct {
	// ID identifies the document; it is unique within a file.
	ID string
	// Text is the document text.
	Text string
	// Cluster is the gold cluster name, or NoCluster ("") when the document
	// is a copy of nothing (JSON null, absent, or the empty string).
	Cluster string
}

// Pair is one labelled pair of texts.
type Pair struct {
	// ID1 and ID2 are the optional ids of the two texts ("" if absent).
	ID1, ID2 string
	// Text1 and Text2 are the two texts.
	Text1, Text2 string
	// Label is true when the texts are copies (JSON label 1 or true).
	Label bool
}

// Kind is the kind of records a data file holds.
type Kind int

const (
	// KindDocuments marks a file of Document records (objects with "text").
	KindDocuments Kind = iota + 1
	// KindPairs marks a file of Pair records (objects with "text1").
	KindPairs
)

// String returns "documents", "pairs" or "unknown".
func (k Kind) String() string {
	switch k {
	case KindDocuments:
		return "documents"
	case KindPairs:
		return "pairs"
	}
	return "unknown"
}

// GoldLabels returns the Cluster of every document, in order, for use as the
// gold argument of the clustering metrics.
func GoldLabels(docs []Document) []string {
	gold := make([]string, len(docs))
	for i, d := range docs {
		gold[i] = d.Cluster
	}
	return gold
}

// eachLine calls fn with every non-blank line of r and its 1-based line
// number, stopping at the first error. A UTF-8 byte order mark at the start
// is ignored. Errors other than fn's are prefixed with name and line.
func eachLine(r io.Reader, name string, fn func(line []byte, num int) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLineBytes)
	num := 0
	for sc.Scan() {
		num++
		line := sc.Bytes()
		if num == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if err := fn(line, num); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("%s:%d: line longer than %d bytes", name, num+1, MaxLineBytes)
		}
		return fmt.Errorf("%s:%d: %w", name, num+1, err)
	}
	return nil
}

// withFile opens path and calls fn with it, closing it afterwards.
func withFile(path string, fn func(r io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return fn(f)
}

// decodeLine unmarshals one JSON object line into v, naming name:num in
// errors.
func decodeLine(line []byte, name string, num int, v any) error {
	if err := json.Unmarshal(line, v); err != nil {
		return fmt.Errorf("%s:%d: %w", name, num, err)
	}
	return nil
}

// docRecord is the JSON shape of a Document; pointers detect absent fields.
type docRecord struct {
	ID      *string `json:"id"`
	Text    *string `json:"text"`
	Cluster *string `json:"cluster"`
}

// ReadDocuments reads Document records as JSON Lines from r; name is used in
// error messages. Blank lines are skipped and unknown fields ignored. A
// record without "id" or "text", a non-string field, or a duplicate id is an
// error naming the line.
func ReadDocuments(r io.Reader, name string) ([]Document, error) {
	var docs []Document
	seen := make(map[string]int) // id -> line
	err := eachLine(r, name, func(line []byte, num int) error {
		var rec docRecord
		if err := decodeLine(line, name, num, &rec); err != nil {
			return err
		}
		if rec.ID == nil {
			return fmt.Errorf("%s:%d: missing \"id\"", name, num)
		}
		if rec.Text == nil {
			return fmt.Errorf("%s:%d: missing \"text\"", name, num)
		}
		if prev, ok := seen[*rec.ID]; ok {
			return fmt.Errorf("%s:%d: duplicate id %q (first on line %d)", name, num, *rec.ID, prev)
		}
		seen[*rec.ID] = num
		d := Document{ID: *rec.ID, Text: *rec.Text, Cluster: NoCluster}
		if rec.Cluster != nil {
			d.Cluster = *rec.Cluster
		}
		docs = append(docs, d)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return docs, nil
}

// pairRecord is the JSON shape of a Pair; pointers detect absent fields.
type pairRecord struct {
	ID1   *string         `json:"id1"`
	ID2   *string         `json:"id2"`
	Text1 *string         `json:"text1"`
	Text2 *string         `json:"text2"`
	Label json.RawMessage `json:"label"`
}

// parseLabel accepts 0, 1, false or true (JSON null counts as absent).
func parseLabel(raw json.RawMessage) (bool, error) {
	switch s := string(bytes.TrimSpace(raw)); s {
	case "", "null":
		return false, errors.New("missing \"label\"")
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil || (f != 0 && f != 1) {
		return false, fmt.Errorf("\"label\" is %s, want 0 or 1", raw)
	}
	return f == 1, nil
}

// ReadPairs reads Pair records as JSON Lines from r; name is used in error
// messages. Blank lines are skipped and unknown fields ignored. A record
// without "text1", "text2" or "label", a label other than 0, 1, false or
// true, or a non-string text or id is an error naming the line.
func ReadPairs(r io.Reader, name string) ([]Pair, error) {
	var pairs []Pair
	err := eachLine(r, name, func(line []byte, num int) error {
		var rec pairRecord
		if err := decodeLine(line, name, num, &rec); err != nil {
			return err
		}
		if rec.Text1 == nil {
			return fmt.Errorf("%s:%d: missing \"text1\"", name, num)
		}
		if rec.Text2 == nil {
			return fmt.Errorf("%s:%d: missing \"text2\"", name, num)
		}
		label, err := parseLabel(rec.Label)
		if err != nil {
			return fmt.Errorf("%s:%d: %w", name, num, err)
		}
		p := Pair{Text1: *rec.Text1, Text2: *rec.Text2, Label: label}
		if rec.ID1 != nil {
			p.ID1 = *rec.ID1
		}
		if rec.ID2 != nil {
			p.ID2 = *rec.ID2
		}
		pairs = append(pairs, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return pairs, nil
}

// errStop ends eachLine after the first record in DetectKindReader.
var errStop = errors.New("stop")

// DetectKindReader reads the first non-blank line of r and reports
// KindDocuments if that object has a "text" field, else KindPairs if it has
// "text1". name is used in error messages. An empty input, a first line that
// is not a JSON object, or an object with neither field is an error.
func DetectKindReader(r io.Reader, name string) (Kind, error) {
	var kind Kind
	err := eachLine(r, name, func(line []byte, num int) error {
		var obj map[string]json.RawMessage
		if err := decodeLine(line, name, num, &obj); err != nil {
			return err
		}
		if _, ok := obj["text"]; ok {
			kind = KindDocuments
		} else if _, ok := obj["text1"]; ok {
			kind = KindPairs
		} else {
			return fmt.Errorf("%s:%d: object has neither \"text\" (documents) nor \"text1\" (pairs)", name, num)
		}
		return errStop
	})
	if err != nil && !errors.Is(err, errStop) {
		return 0, err
	}
	if kind == 0 {
		return 0, fmt.Errorf("%s: no records", name)
	}
	return kind, nil
}

// DetectKind opens path and reports its Kind as DetectKindReader does.
func DetectKind(path string) (Kind, error) {
	var kind Kind
	err := withFile(path, func(r io.Reader) (err error) {
		kind, err = DetectKindReader(r, path)
		return err
	})
	return kind, err
}

// LoadDocuments reads the Document records of the JSON Lines file at path
// (see ReadDocuments).
func LoadDocuments(path string) ([]Document, error) {
	var docs []Document
	err := withFile(path, func(r io.Reader) (err error) {
		docs, err = ReadDocuments(r, path)
		return err
	})
	return docs, err
}

// LoadPairs reads the Pair records of the JSON Lines file at path (see
// ReadPairs).
func LoadPairs(path string) ([]Pair, error) {
	var pairs []Pair
	err := withFile(path, func(r io.Reader) (err error) {
		pairs, err = ReadPairs(r, path)
		return err
	})
	return pairs, err
}
