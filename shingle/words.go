package shingle

// Word is one word of a text as the pipeline sees it, for evidence that
// needs more than the shingle set: which words are stop words and where
// the sentences end.
type Word struct {
	// Term is the word's term hash: the hash of its stem, the value
	// shingles are combined from.
	Term uint64
	// Sentence is the index of the word's sentence, counting from 0 (see
	// AppendSentenceShingles for where a sentence ends).
	Sentence int32
	// Stop reports whether the word is a stop word of the Config's
	// language, whatever Config.StopWords says. Languages without a stop
	// list have none.
	Stop bool
	// Dropped reports whether the shingles leave the word out (a stop
	// word under Config.StopWords).
	Dropped bool
}

// AppendWords appends every word of text to words and the shingle set
// of text, as AppendHashes makes it, to hashes, from one pass over the
// text. The elements already in either slice are left as they are.
func (s *Shingler) AppendWords(hashes []uint64, words []Word, text string) ([]uint64, []Word) {
	s.tokenize(text)
	s.terms = s.terms[:0]
	b := s.buf
	for _, sp := range s.spans {
		t := s.lookup(b, sp.start, sp.end-sp.start)
		words = append(words, Word{Term: t.hash, Sentence: int32(sp.sentence), Stop: s.isStopWord(t), Dropped: t.stop})
		if !t.stop {
			s.terms = append(s.terms, t.hash)
		}
	}
	return s.appendShingleHashes(hashes, s.terms), words
}

// isStopWord reports whether the word of a term lookup returned is a
// stop word of the language, remembering the answer in the cache.
func (s *Shingler) isStopWord(t term) bool {
	if t.stop {
		return true
	}
	e := &s.cache.cold[t.idx]
	if e.stopWord == 0 {
		e.stopWord = 1
		if s.lang.isStop != nil && s.lang.isStop(e.word) {
			e.stopWord = 2
		}
	}
	return e.stopWord == 2
}
