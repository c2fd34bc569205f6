package main

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"
)

// parseArticle decodes a line into a, faster than encoding/json, for the
// lines this job mostly sees: one flat object whose values are strings,
// null, true or false. It reports false, leaving a in an unknown state,
// for anything else (numbers, nested values, keys that only match a field
// case-insensitively, \u escapes of surrogates, invalid UTF-8 in id or
// text, malformed JSON); the caller then decodes the line with
// encoding/json, which also gives the error. On the lines it accepts it
// gives what json.Unmarshal into a zero article gives. buf is scratch
// space for unescaping; the grown buffer is returned.
func parseArticle(line []byte, a *article, buf []byte) ([]byte, bool) {
	*a = article{}
	p := skipSpace(line, 0)
	if p >= len(line) || line[p] != '{' {
		return buf, false
	}
	p = skipSpace(line, p+1)
	if p < len(line) && line[p] == '}' {
		return buf, skipSpace(line, p+1) == len(line)
	}
	for {
		// Key.
		if p >= len(line) || line[p] != '"' {
			return buf, false
		}
		end, esc := scanString(line, p+1)
		if end < 0 || esc {
			return buf, false
		}
		key := line[p+1 : end]
		p = skipSpace(line, end+1)
		if p >= len(line) || line[p] != ':' {
			return buf, false
		}
		p = skipSpace(line, p+1)
		if p >= len(line) {
			return buf, false
		}
		field := 0 // 1 id, 2 text, 3 cluster
		switch string(key) {
		case "id":
			field = 1
		case "text":
			field = 2
		case "cluster":
			field = 3
		default:
			if bytes.EqualFold(key, []byte("id")) || bytes.EqualFold(key, []byte("text")) || bytes.EqualFold(key, []byte("cluster")) {
				return buf, false
			}
		}
		// Value.
		start := p
		switch c := line[p]; {
		case c == '"':
			end, esc := scanString(line, p+1)
			if end < 0 {
				return buf, false
			}
			p = end + 1
			if field == 1 || field == 2 {
				s := line[start+1 : end]
				if esc {
					var ok bool
					if buf, ok = unescape(buf[:0], s); !ok {
						return buf, false
					}
					s = buf
				}
				if !utf8.Valid(s) {
					return buf, false
				}
				if field == 1 {
					a.ID = string(s)
				} else {
					a.Text = string(s)
				}
			}
		case c == 'n' || c == 't' || c == 'f':
			var lit string
			switch c {
			case 'n':
				lit = "null"
			case 't':
				lit = "true"
			default:
				lit = "false"
			}
			if !bytes.HasPrefix(line[p:], []byte(lit)) {
				return buf, false
			}
			p += len(lit)
			if (field == 1 || field == 2) && c != 'n' {
				return buf, false // a bool into a string: an error
			}
		default:
			return buf, false
		}
		if field == 3 {
			a.Cluster = line[start:p]
		}
		p = skipSpace(line, p)
		if p >= len(line) {
			return buf, false
		}
		if line[p] == '}' {
			return buf, skipSpace(line, p+1) == len(line)
		}
		if line[p] != ',' {
			return buf, false
		}
		p = skipSpace(line, p+1)
	}
}

// stringStop marks the bytes that end a run of plain string bytes: the
// quote, the backslash and control characters.
var stringStop = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

func skipSpace(b []byte, p int) int {
	for p < len(b) && (b[p] == ' ' || b[p] == '\t' || b[p] == '\n' || b[p] == '\r') {
		p++
	}
	return p
}

// scanString returns the index of the closing quote of the string whose
// body starts at p, and whether it has escapes; -1 if the string is
// unterminated or holds a control character or an invalid escape.
func scanString(b []byte, p int) (int, bool) {
	esc := false
	for p < len(b) {
		for p < len(b) && !stringStop[b[p]] {
			p++
		}
		if p >= len(b) || b[p] < 0x20 {
			return -1, false
		}
		if b[p] == '"' {
			return p, esc
		}
		esc = true
		if p+1 >= len(b) {
			return -1, false
		}
		switch b[p+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			p += 2
		case 'u':
			if p+6 > len(b) {
				return -1, false
			}
			for _, c := range b[p+2 : p+6] {
				if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
					return -1, false
				}
			}
			p += 6
		default:
			return -1, false
		}
	}
	return -1, false
}

// unescape appends the unescaped string body s to dst. It reports false
// for escapes it does not handle (surrogates) or that are invalid.
func unescape(dst, s []byte) ([]byte, bool) {
	for len(s) > 0 {
		i := bytes.IndexByte(s, '\\')
		if i < 0 {
			return append(dst, s...), true
		}
		dst = append(dst, s[:i]...)
		s = s[i:]
		if len(s) < 2 {
			return dst, false
		}
		switch s[1] {
		case '"', '\\', '/':
			dst = append(dst, s[1])
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			if len(s) < 6 {
				return dst, false
			}
			r := rune(0)
			for _, c := range s[2:6] {
				switch {
				case '0' <= c && c <= '9':
					c -= '0'
				case 'a' <= c && c <= 'f':
					c -= 'a' - 10
				case 'A' <= c && c <= 'F':
					c -= 'A' - 10
				default:
					return dst, false
				}
				r = r<<4 | rune(c)
			}
			if utf16.IsSurrogate(r) {
				return dst, false
			}
			dst = utf8.AppendRune(dst, r)
			s = s[6:]
			continue
		default:
			return dst, false
		}
		s = s[2:]
	}
	return dst, true
}
