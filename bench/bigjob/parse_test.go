package main

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// TestParseArticle checks the fast decoder against encoding/json: where
// it accepts a line, it must decode it as json.Unmarshal does, and it
// must accept the usual lines.
func TestParseArticle(t *testing.T) {
	must := []string{
		`{"id":"a0000001","text":"Hello \"world\"\n\nA second — paragraph.\\ \/ \t \u00e9 \u20ac","cluster":"a0000000"}`,
		`{"id":"x","text":"plain","cluster":""}`,
		`  { "id" : "x" , "text" : "t" , "cluster" : null }  `,
		`{"text":"t","id":"y"}`,
		`{"id":"x","text":"t","extra":"skip me","flag":true,"other":false,"nothing":null}`,
		`{}`,
		`{"id":"x","id":"y","text":null}`,
	}
	maybe := []string{
		`{"id":"x","text":"t","n":12}`,
		`{"ID":"x","text":"t"}`,
		`{"id":"x","text":"\ud83d\ude00"}`,
		`{"id":"x","text":"\ud83d"}`,
		`{"id":"x","text":"t","cluster":{"a":1}}`,
		`{"id":"x","text":"t","cluster":7}`,
		`{"id":1,"text":"t"}`,
		`{"id":true,"text":"t"}`,
		`{"id":"x","text":"t"} trailing`,
		`{"id":"x","text":"t",}`,
		`{"id":"x" "text":"t"}`,
		`{"id":"x","text":"bad \x escape"}`,
		"{\"id\":\"x\",\"text\":\"ctl \x01\"}",
		"{\"id\":\"x\",\"text\":\"bad utf8 \xff\"}",
		`{"id":"x","text":"t"`,
		`{"id":"x","text":"unterminated}`,
		`not json`,
		`[1,2]`,
		`{"id":"x","text":"t","cluster":nul}`,
		`{"id":"x","text":"\u00zz"}`,
		`{"id":"x","text":"t\`,
	}
	check := func(line string, required bool) {
		t.Helper()
		var got article
		_, ok := parseArticle([]byte(line), &got, nil)
		if required && !ok {
			t.Errorf("%q: not accepted", line)
		}
		if !ok {
			return
		}
		var want article
		if err := json.Unmarshal([]byte(line), &want); err != nil {
			t.Errorf("%q: accepted, but encoding/json says %v", line, err)
			return
		}
		if got.ID != want.ID || got.Text != want.Text || !bytes.Equal(got.Cluster, want.Cluster) {
			t.Errorf("%q: got %+v, want %+v", line, got, want)
		}
	}
	for _, l := range must {
		check(l, true)
	}
	for _, l := range maybe {
		check(l, false)
	}
	// Random mutations of a typical line.
	base := []byte(must[0])
	alphabet := []byte("{}[]\":,\\ nu0e\x01\xffabtfl")
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		b := append([]byte(nil), base...)
		for range 1 + r.IntN(3) {
			i := r.IntN(len(b))
			switch r.IntN(3) {
			case 0:
				b[i] = alphabet[r.IntN(len(alphabet))]
			case 1:
				b = append(b[:i], b[i+1:]...)
			default:
				b = append(b[:i], append([]byte{alphabet[r.IntN(len(alphabet))]}, b[i:]...)...)
			}
		}
		check(string(b), false)
	}
}
