package articles

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/neardup/neardup/dedup"
)

// Fields names the JSON fields an article line is read from. ID "" means
// that the line has no ID: its line number is the ID. Time "" means the
// lines have no time.
type Fields struct {
	ID, Text, Time string
}

// DefaultFields reads "id" and "text", and no time.
var DefaultFields = Fields{ID: "id", Text: "text"}

// Line is one non-blank line of JSON Lines input.
type Line struct {
	// N is the line number, from 1.
	N int
	// Raw is the line as read, without its final "\n" (a "\r" before it
	// stays). It is only valid during the call.
	Raw []byte
	// Article is the line's article: its ID is the ID field's value (a
	// string, or a number as written), or the line number in decimal
	// when Fields.ID is "".
	Article dedup.Article
	// Time is the time field's value, the zero Time when Fields.Time is
	// "" or the line has none.
	Time time.Time
}

// LineError is a line that is not an article. It wraps ErrLine.
type LineError struct {
	// File names the input, "" when there is only one.
	File string
	// Line is the line number, from 1.
	Line int
	// Msg says what is wrong, in plain words.
	Msg string
}

func (e *LineError) Error() string {
	if e.File != "" {
		return fmt.Sprintf("%s: line %d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
}

// Unwrap returns ErrLine.
func (e *LineError) Unwrap() error { return ErrLine }

// Scan reads JSON Lines from r and calls fn for each non-blank line in
// order: with the Line, or with a *LineError (File set to name) for a
// line that is not an article under f: not a JSON object, without the
// text or ID field, with an empty ID, or a time that is not one. A text
// with invalid UTF-8 is read as encoding/json reads it (each bad byte
// becomes U+FFFD). Lines may be of any length. Scan stops at the first
// non-nil error fn returns, which it returns, or at a read error.
func (f Fields) Scan(r io.Reader, name string, fn func(Line, error) error) error {
	return ScanRaw(r, name, func(n int, raw []byte) error {
		l, lerr := f.parse(raw)
		l.N = n
		if lerr != "" {
			return fn(l, &LineError{File: name, Line: n, Msg: lerr})
		}
		if f.ID == "" {
			l.Article.ID = strconv.Itoa(n)
		}
		return fn(l, nil)
	})
}

// ScanRaw calls fn for each non-blank line of r (not only white space),
// the lines Scan reads, with its number (from 1) and its bytes without
// the final "\n" (valid during the call only). It stops at the first
// non-nil error fn returns, which it returns, or at a read error (with
// name before it, if not empty).
func ScanRaw(r io.Reader, name string, fn func(n int, raw []byte) error) error {
	br := bufio.NewReaderSize(r, 1<<16)
	var buf []byte
	for n := 1; ; n++ {
		buf = buf[:0]
		var err error
		for {
			var part []byte
			part, err = br.ReadSlice('\n')
			buf = append(buf, part...)
			if err != bufio.ErrBufferFull {
				break
			}
		}
		if len(bytes.TrimSpace(buf)) > 0 {
			if ferr := fn(n, bytes.TrimSuffix(buf, []byte("\n"))); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if name != "" {
				return fmt.Errorf("%s: %w", name, err)
			}
			return err
		}
	}
}

// parse decodes one line; a non-empty string says what is wrong with it.
func (f Fields) parse(raw []byte) (Line, string) {
	l := Line{Raw: raw}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return l, "not a JSON object"
	}
	text, ok := obj[f.Text]
	if !ok || isNull(text) {
		return l, fmt.Sprintf("no %q field", f.Text)
	}
	if err := json.Unmarshal(text, &l.Article.Text); err != nil {
		return l, fmt.Sprintf("%q is not a string", f.Text)
	}
	if f.ID != "" {
		id, ok := obj[f.ID]
		if !ok || isNull(id) {
			return l, fmt.Sprintf("no %q field", f.ID)
		}
		switch id[0] {
		case '"':
			if err := json.Unmarshal(id, &l.Article.ID); err != nil {
				return l, fmt.Sprintf("%q is not a string", f.ID)
			}
		case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			l.Article.ID = string(id) // a number, as written
		default:
			return l, fmt.Sprintf("%q is not a string or a number", f.ID)
		}
		if l.Article.ID == "" {
			return l, fmt.Sprintf("empty %q", f.ID)
		}
	}
	if f.Time != "" {
		if v, ok := obj[f.Time]; ok && !isNull(v) {
			t, err := ParseTime(v)
			if err != nil {
				return l, fmt.Sprintf("%q: %v", f.Time, err)
			}
			l.Time = t
		}
	}
	return l, ""
}

func isNull(v json.RawMessage) bool { return len(v) == 0 || string(v) == "null" }

// timeLayouts are the layouts ParseTime accepts for a string.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"}

// ParseTime reads a JSON time value: a string in RFC 3339 ("2006-01-02T15:04:05Z07:00",
// fractional seconds allowed), "2006-01-02T15:04:05" or "2006-01-02 15:04:05"
// (UTC), or "2006-01-02"; or a number of seconds since 1970 (Unix time,
// fractions allowed).
func ParseTime(v json.RawMessage) (time.Time, error) {
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		for _, layout := range timeLayouts {
			if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
				return t, nil
			}
		}
		return time.Time{}, fmt.Errorf("%q is not a time (RFC 3339, such as 2006-01-02T15:04:05Z, or 2006-01-02)", s)
	}
	var secs float64
	if err := json.Unmarshal(v, &secs); err == nil {
		whole := int64(secs)
		return time.Unix(whole, int64((secs-float64(whole))*1e9)).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("not a time: a string (RFC 3339) or Unix seconds")
}
