package session

import (
	"fmt"
	"unicode/utf8"
)

// Text co-editing (issue 13): server-ordered operational transformation, Jupiter style.
// Every change of a free text travels as an Edit made against a version of the text;
// the server transforms it against the edits committed since that version, in the
// workshop's one seq order, and commits the result; clients transform what they have
// not sent yet against what arrives. No CRDT is needed because the server orders.

// Splice is one change in a text: at Pos, Del characters removed and Ins put there.
// Positions and lengths count Unicode code points, as the limits do.
type Splice struct {
	Pos int    `json:"pos"`
	Del int    `json:"del,omitempty"`
	Ins string `json:"ins,omitempty"`
}

// Edit is the splices of one change, all against the same text (the one before the
// edit): in ascending order of Pos and not overlapping (each starts at or after the end
// of the one before it). An empty Edit changes nothing.
type Edit []Splice

// Check reports whether e is well formed against a text of n code points.
func (e Edit) Check(n int) error {
	end := 0
	for i, s := range e {
		switch {
		case s.Pos < 0 || s.Del < 0:
			return fmt.Errorf("splice %d: negative position or length", i)
		case s.Pos < end:
			return fmt.Errorf("splice %d: out of order or overlapping the one before", i)
		case s.Pos+s.Del > n:
			return fmt.Errorf("splice %d: beyond the end of the text (%d characters)", i, n)
		case s.Del == 0 && s.Ins == "":
			return fmt.Errorf("splice %d: changes nothing", i)
		case !utf8.ValidString(s.Ins):
			return fmt.Errorf("splice %d: not valid UTF-8", i)
		}
		end = s.Pos + s.Del
	}
	return nil
}

// Apply returns text with e made; e must Check against it.
func (e Edit) Apply(text string) (string, error) {
	rs := []rune(text)
	if err := e.Check(len(rs)); err != nil {
		return "", err
	}
	out := make([]rune, 0, len(rs)+e.grows())
	at := 0
	for _, s := range e {
		out = append(out, rs[at:s.Pos]...)
		out = append(out, []rune(s.Ins)...)
		at = s.Pos + s.Del
	}
	return string(append(out, rs[at:]...)), nil
}

func (e Edit) grows() int {
	n := 0
	for _, s := range e {
		n += utf8.RuneCountInString(s.Ins)
	}
	return n
}

// Transform rewrites a, made against the same text as b (of n code points), to apply
// after b: b was committed first, so where both insert at one position b's text comes
// first. A character that both delete is deleted once; what b inserted inside a range
// that a deletes is kept (a's author had not seen it). Both must Check against n.
func Transform(a, b Edit, n int) Edit {
	ap, _ := TransformPair(a, b, n)
	return ap
}

// TransformPair is Transform that also returns b rewritten to apply after a (what a
// client does with an incoming edit while its own is not acknowledged yet).
func TransformPair(a, b Edit, n int) (ap, bp Edit) {
	bo, ao := transformOps(toOps(b, n), toOps(a, n))
	return fromOps(ao), fromOps(bo)
}

// Delta is how many code points e adds to the text's length (negative when it shrinks).
func (e Edit) Delta() int {
	d := 0
	for _, s := range e {
		d += utf8.RuneCountInString(s.Ins) - s.Del
	}
	return d
}

// Rebase rewrites edits, made one after another starting from a text of n code points,
// to apply after committed, also made one after another from that same text. Every edit
// must Check against the text it was made on; Rebase says so when one does not.
func Rebase(edits []Edit, n int, committed []Edit) ([]Edit, error) {
	out := append([]Edit(nil), edits...)
	for _, c := range committed {
		if err := c.Check(n); err != nil {
			return nil, fmt.Errorf("committed edit: %w", err)
		}
		next := n + c.Delta()
		l := n
		for i, e := range out {
			if err := e.Check(l); err != nil {
				return nil, err
			}
			ap, cp := TransformPair(e, c, l)
			l += e.Delta()
			out[i], c = ap, cp
		}
		n = next
	}
	return out, nil
}

// op is one component of an edit over a whole text: retain n, delete n, or insert s
// (exactly one of them).
type op struct {
	retain, del int
	ins         []rune
}

// toOps turns e, against a text of n code points, into components that cover it whole.
func toOps(e Edit, n int) []op {
	var ops []op
	at := 0
	for _, s := range e {
		if s.Pos > at {
			ops = append(ops, op{retain: s.Pos - at})
		}
		if s.Del > 0 {
			ops = append(ops, op{del: s.Del})
		}
		if s.Ins != "" {
			ops = append(ops, op{ins: []rune(s.Ins)})
		}
		at = s.Pos + s.Del
	}
	if n > at {
		ops = append(ops, op{retain: n - at})
	}
	return ops
}

// fromOps turns components back into splices against the text they apply to.
func fromOps(ops []op) Edit {
	var e Edit
	at := 0
	open := false // the last splice of e ends at at and may grow
	for _, o := range ops {
		switch {
		case o.retain > 0:
			at += o.retain
			open = false
			continue
		case !open:
			e = append(e, Splice{Pos: at})
			open = true
		}
		cur := &e[len(e)-1]
		cur.Del += o.del
		at += o.del
		cur.Ins += string(o.ins)
	}
	return e
}

// transformOps is the classic transform of two concurrent edits over one text (as in
// ot.js): it returns b' and a' with apply(apply(T, b), a') == apply(apply(T, a), b'),
// b's inserts first at equal positions.
func transformOps(b, a []op) (bp, ap []op) {
	i, j := 0, 0
	var x, y op // what is left of b[i-1] and a[j-1]
	take := func(ops []op, k *int) op {
		if *k < len(ops) {
			*k++
			return ops[*k-1]
		}
		return op{}
	}
	x, y = take(b, &i), take(a, &j)
	for !x.empty() || !y.empty() {
		switch {
		case len(x.ins) > 0: // b inserts: a' skips over it
			bp, ap = append(bp, x), append(ap, op{retain: len(x.ins)})
			x = take(b, &i)
			continue
		case len(y.ins) > 0:
			bp, ap = append(bp, op{retain: len(y.ins)}), append(ap, y)
			y = take(a, &j)
			continue
		case x.empty() || y.empty():
			panic("session: transform of edits over texts of different lengths")
		}
		n := min(x.retain+x.del, y.retain+y.del)
		switch {
		case x.del > 0 && y.del > 0: // deleted by both: gone once
		case x.del > 0:
			bp = append(bp, op{del: n})
		case y.del > 0:
			ap = append(ap, op{del: n})
		default:
			bp, ap = append(bp, op{retain: n}), append(ap, op{retain: n})
		}
		if x = x.shorten(n); x.empty() {
			x = take(b, &i)
		}
		if y = y.shorten(n); y.empty() {
			y = take(a, &j)
		}
	}
	return bp, ap
}

func (o op) empty() bool { return o.retain == 0 && o.del == 0 && len(o.ins) == 0 }

// shorten takes n off a retain or a delete.
func (o op) shorten(n int) op {
	if o.retain > 0 {
		o.retain -= n
	} else {
		o.del -= n
	}
	return o
}

// Compose returns one edit that does a (against a text of n code points) and then b
// (against the text a made). Both must Check against their texts.
func Compose(a, b Edit, n int) Edit {
	as, bs := toOps(a, n), toOps(b, n+a.Delta())
	var out []op
	i, j := 0, 0
	take := func(ops []op, k *int) op {
		if *k < len(ops) {
			*k++
			return ops[*k-1]
		}
		return op{}
	}
	x, y := take(as, &i), take(bs, &j)
	for !x.empty() || !y.empty() {
		switch {
		case len(y.ins) > 0: // b inserts: it comes in whole
			out = append(out, y)
			y = take(bs, &j)
			continue
		case x.del > 0: // a deletes: b never saw it
			out = append(out, x)
			x = take(as, &i)
			continue
		case x.empty() || y.empty():
			panic("session: compose of edits that do not follow each other")
		}
		xn := x.retain
		if len(x.ins) > 0 {
			xn = len(x.ins)
		}
		n := min(xn, y.retain+y.del)
		if len(x.ins) > 0 {
			if y.retain > 0 { // a's insert kept; deleted by b it is nothing
				out = append(out, op{ins: x.ins[:n]})
			}
			if x.ins = x.ins[n:]; len(x.ins) == 0 {
				x = take(as, &i)
			}
		} else {
			if y.retain > 0 {
				out = append(out, op{retain: n})
			} else {
				out = append(out, op{del: n})
			}
			if x.retain -= n; x.retain == 0 {
				x = take(as, &i)
			}
		}
		if y = y.shorten(n); y.empty() {
			y = take(bs, &j)
		}
	}
	return fromOps(out)
}
