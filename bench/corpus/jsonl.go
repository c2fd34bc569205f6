package corpus

import (
	"bufio"
	"fmt"
	"io"
)

// Write generates the corpus described by cfg and writes it to w as JSON
// Lines, one {"id":...,"text":...,"cluster":...} object per article, in
// order. Memory use does not grow with cfg.N beyond the plan (about 4 bytes
// per article). It returns what was written.
func Write(w io.Writer, cfg Config) (Summary, error) {
	g, err := NewGenerator(cfg)
	if err != nil {
		return Summary{}, err
	}
	return g.WriteJSONL(w)
}

// WriteJSONL writes the generator's remaining articles to w as JSON Lines
// (see Write) and returns the generator's summary.
func (g *Generator) WriteJSONL(w io.Writer) (Summary, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	var line []byte
	for g.pos < g.cfg.N {
		pos, text := g.next()
		line = append(line[:0], `{"id":"`...)
		line = g.appendID(line, pos)
		line = append(line, `","text":"`...)
		line = appendJSONString(line, text)
		line = append(line, `","cluster":"`...)
		if c := g.cluster(pos); c >= 0 {
			line = g.appendID(line, c)
		}
		line = append(line, "\"}\n"...)
		if _, err := bw.Write(line); err != nil {
			return g.Summary(), fmt.Errorf("corpus: writing article %d: %w", pos, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return g.Summary(), fmt.Errorf("corpus: writing corpus: %w", err)
	}
	return g.Summary(), nil
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends the contents of a JSON string literal for s
// (without the quotes). s is valid UTF-8: the source text is ASCII and the
// framing adds only well-formed characters.
func appendJSONString(b, s []byte) []byte {
	start := 0
	for i, c := range s {
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\t':
			b = append(b, '\\', 't')
		case '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	return append(b, s[start:]...)
}
