package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neardup/neardup/dedup"
)

// meter shows a batch run's progress on one line of a terminal, rewritten
// in place: the articles read, their rate and, when the input's size is
// known, the share read and the time left; then the library's stages
// (dedup.BatchOptions.Progress). It shows nothing when off (stderr is not
// a terminal).
type meter struct {
	w   io.Writer
	on  bool
	now func() time.Time
	// every is the least time between two lines of one stage.
	every time.Duration
	// bytes counts the input bytes read; total is their number, 0 when
	// not known.
	bytes *atomic.Int64
	total int64

	mu         sync.Mutex
	start      time.Time
	stageStart time.Time
	stage      string
	done, all  int // the stage's items done and total (0: unknown)
	articles   int // articles read
	last       time.Time
	shown      bool // a line is on the terminal
}

func newMeter(e *env, total int64) *meter {
	now := e.now
	if now == nil {
		now = time.Now
	}
	t := now()
	return &meter{w: e.stderr, on: e.terminal, now: now, every: 200 * time.Millisecond,
		bytes: new(atomic.Int64), total: total, start: t, stageStart: t, stage: "read"}
}

// article counts one more article read.
func (m *meter) article() {
	if !m.on {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.articles++
	if m.stage == "read" {
		m.done = m.articles
	}
	m.show(false)
}

// progress is the BatchOptions.Progress callback.
func (m *meter) progress(p dedup.Progress) {
	if !m.on {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if p.Stage == "done" {
		m.clear()
		return
	}
	// The end of reading (a total at last) shows at once, as a new stage
	// does.
	changed := p.Stage != m.stage || p.Stage == "read" && p.Total > 0 && m.all == 0
	if p.Stage != m.stage {
		m.stage, m.stageStart = p.Stage, m.now()
	}
	m.done, m.all = p.Done, p.Total
	if p.Stage == "read" && p.Done > m.articles {
		m.articles = p.Done
	}
	m.show(changed)
}

// setStage starts a stage of the command's own (as "write").
func (m *meter) setStage(stage string, total int64) {
	if !m.on {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stage, m.stageStart, m.done, m.all = stage, m.now(), 0, 0
	m.bytes.Store(0)
	m.total = total
	m.show(true)
}

// step sets the items done of the command's own stage, and shows the
// line if it is time to.
func (m *meter) step(done int) {
	if !m.on {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.done = done
	m.show(false)
}

// stop clears the line.
func (m *meter) stop() {
	if !m.on {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.clear()
}

func (m *meter) clear() {
	if m.shown {
		fmt.Fprint(m.w, "\r\x1b[K")
		m.shown = false
	}
}

// show writes the line if the stage changed or enough time has passed.
func (m *meter) show(force bool) {
	now := m.now()
	if !force && m.shown && now.Sub(m.last) < m.every {
		return
	}
	m.last = now
	fmt.Fprintf(m.w, "\r%s\x1b[K", m.line(now))
	m.shown = true
}

// line is the progress line at now.
func (m *meter) line(now time.Time) string {
	var b strings.Builder
	elapsed := now.Sub(m.stageStart)
	switch {
	case m.stage == "read" && m.all > 0:
		// Read: the library indexes the batch before its "pairs"
		// stage, and says nothing meanwhile.
		fmt.Fprintf(&b, "read %s articles; indexing them (no progress reported)", count(m.all))
	case m.stage == "read" || m.stage == "write":
		verb := map[string]string{"read": "reading", "write": "writing"}[m.stage]
		n := m.articles
		if m.stage == "write" {
			n = m.done
		}
		fmt.Fprintf(&b, "%s: %s", verb, count(n))
		if n == 1 {
			b.WriteString(" article")
		} else {
			b.WriteString(" articles")
		}
		if s := elapsed.Seconds(); s > 0 && n > 0 {
			if r := float64(n) / s; r < 10 {
				fmt.Fprintf(&b, ", %.1f/s", r)
			} else {
				fmt.Fprintf(&b, ", %s/s", count(int(r+0.5)))
			}
		}
		read := m.bytes.Load()
		if m.total > 0 {
			share := float64(read) / float64(m.total)
			if share > 1 {
				share = 1
			}
			fmt.Fprintf(&b, ", %s of %s (%.0f%%)", mb(read), mb(m.total), 100*share)
			if share > 0 && elapsed > 0 {
				left := time.Duration(float64(elapsed) * (1 - share) / share)
				fmt.Fprintf(&b, ", %s left", eta(left))
			}
		} else if read > 0 {
			fmt.Fprintf(&b, ", %s", mb(read))
		}
	default:
		fmt.Fprintf(&b, "%s: %s", m.stage, count(m.done))
		if m.all > 0 {
			share := float64(m.done) / float64(m.all)
			fmt.Fprintf(&b, " of %s (%.0f%%)", count(m.all), 100*share)
			if share > 0 && share < 1 && elapsed > 0 {
				fmt.Fprintf(&b, ", %s left", eta(time.Duration(float64(elapsed)*(1-share)/share)))
			}
		}
	}
	fmt.Fprintf(&b, " [%s]", eta(now.Sub(m.start)))
	return b.String()
}

// count writes n with thousands separators.
func count(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }

// eta writes d rounded to the second: "45s", "3m05s", "2h10m".
func eta(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	default:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
}
