// The text transform of issue 13, as session/ot.go has it on the server: an edit is a list
// of splices {pos, del, ins} against one text, in ascending order and not overlapping,
// counted in Unicode code points. transformPair(a, b, n) rewrites two edits made against
// the same text of n code points so that each applies after the other, the one committed
// first (b) inserting first at equal positions; it must give what the server gives, or the
// phones and the server end with different texts.

const cps = (s) => Array.from(s);

// codePoints is the length of s in code points.
export const codePoints = (s) => cps(s).length;

// apply answers text with edit e made.
export function apply(text, e) {
  if (!e || !e.length) return text;
  const rs = cps(text);
  let out = '';
  let at = 0;
  for (const s of e) {
    if (s.pos < at || s.pos + (s.del || 0) > rs.length) throw new Error('edit does not fit the text');
    out += rs.slice(at, s.pos).join('') + (s.ins || '');
    at = s.pos + (s.del || 0);
  }
  return out + rs.slice(at).join('');
}

// delta is how many code points e adds to the length of the text.
export function delta(e) {
  let d = 0;
  for (const s of e || []) d += codePoints(s.ins || '') - (s.del || 0);
  return d;
}

// diff answers the edit from a to b as one splice between their common start and end.
export function diff(a, b) {
  if (a === b) return [];
  const ra = cps(a);
  const rb = cps(b);
  let p = 0;
  while (p < ra.length && p < rb.length && ra[p] === rb[p]) p++;
  let q = 0;
  while (q < ra.length - p && q < rb.length - p && ra[ra.length - 1 - q] === rb[rb.length - 1 - q]) q++;
  const s = { pos: p };
  if (ra.length - p - q) s.del = ra.length - p - q;
  const ins = rb.slice(p, rb.length - q).join('');
  if (ins) s.ins = ins;
  return [s];
}

// Components over a whole text: {r: n} retain, {d: n} delete, {i: [code points]} insert.
function toOps(e, n) {
  const ops = [];
  let at = 0;
  for (const s of e || []) {
    if (s.pos > at) ops.push({ r: s.pos - at });
    if (s.del) ops.push({ d: s.del });
    if (s.ins) ops.push({ i: cps(s.ins) });
    at = s.pos + (s.del || 0);
  }
  if (n > at) ops.push({ r: n - at });
  return ops;
}

function fromOps(ops) {
  const e = [];
  let at = 0;
  let open = false;
  for (const o of ops) {
    if (o.r) {
      at += o.r;
      open = false;
      continue;
    }
    if (!open) {
      e.push({ pos: at, del: 0, ins: '' });
      open = true;
    }
    const cur = e[e.length - 1];
    if (o.d) {
      cur.del += o.d;
      at += o.d;
    }
    if (o.i) cur.ins += o.i.join('');
  }
  return e.map((s) => {
    const out = { pos: s.pos };
    if (s.del) out.del = s.del;
    if (s.ins) out.ins = s.ins;
    return out;
  });
}

const size = (o) => o.r || o.d || 0;
const empty = (o) => !o || (!o.r && !o.d && !(o.i && o.i.length));
const shorten = (o, n) => (o.r ? { r: o.r - n } : { d: o.d - n });

// transformOps is session/ot.go's transformOps: b' and a', b's inserts first.
function transformOps(b, a) {
  const bp = [];
  const ap = [];
  let i = 0;
  let j = 0;
  let x = b[i++];
  let y = a[j++];
  while (!empty(x) || !empty(y)) {
    if (x && x.i && x.i.length) {
      bp.push(x);
      ap.push({ r: x.i.length });
      x = b[i++];
      continue;
    }
    if (y && y.i && y.i.length) {
      bp.push({ r: y.i.length });
      ap.push(y);
      y = a[j++];
      continue;
    }
    if (empty(x) || empty(y)) throw new Error('transform of edits over texts of different lengths');
    const n = Math.min(size(x), size(y));
    if (x.d && y.d) {
      // deleted by both: gone once
    } else if (x.d) bp.push({ d: n });
    else if (y.d) ap.push({ d: n });
    else {
      bp.push({ r: n });
      ap.push({ r: n });
    }
    x = shorten(x, n);
    if (empty(x)) x = b[i++];
    y = shorten(y, n);
    if (empty(y)) y = a[j++];
  }
  return [bp, ap];
}

// transformPair(a, b, n): a rewritten to apply after b, and b rewritten to apply after a;
// both were made against one text of n code points, b was committed first.
export function transformPair(a, b, n) {
  const [bo, ao] = transformOps(toOps(b, n), toOps(a, n));
  return [fromOps(ao), fromOps(bo)];
}

// compose(a, b, n): one edit that does a (against a text of n code points), then b.
export function compose(a, b, n) {
  const A = toOps(a, n);
  const B = toOps(b, n + delta(a));
  const out = [];
  let i = 0;
  let j = 0;
  let x = A[i++];
  let y = B[j++];
  while (!empty(x) || !empty(y)) {
    if (y && y.i && y.i.length) {
      out.push(y);
      y = B[j++];
      continue;
    }
    if (x && x.d) {
      out.push(x);
      x = A[i++];
      continue;
    }
    if (empty(x) || empty(y)) throw new Error('compose of edits that do not follow each other');
    const xn = x.i ? x.i.length : x.r;
    const n2 = Math.min(xn, size(y));
    if (x.i) {
      if (y.r) out.push({ i: x.i.slice(0, n2) }); // inserted, then deleted: nothing
      x = x.i.length > n2 ? { i: x.i.slice(n2) } : A[i++];
    } else {
      out.push(y.r ? { r: n2 } : { d: n2 });
      x = x.r > n2 ? { r: x.r - n2 } : A[i++];
    }
    y = shorten(y, n2);
    if (empty(y)) y = B[j++];
  }
  return fromOps(out);
}

// movePos moves a place in a text (a caret, in code points) over edit e: a change before it
// shifts it, one around it puts it where the change is; an insert exactly there leaves it
// before the inserted text.
export function movePos(p, e) {
  let shift = 0;
  for (const s of e || []) {
    const del = s.del || 0;
    if (s.pos >= p) break;
    if (s.pos + del <= p) shift += codePoints(s.ins || '') - del;
    else return s.pos + shift;
  }
  return p + shift;
}

// UTF-16 offsets (what a text field's selection counts) to code points and back.
export const toCodePoints = (text, offset) => codePoints(text.slice(0, offset));
export function toOffset(text, points) {
  let n = 0;
  for (const c of cps(text).slice(0, points)) n += c.length;
  return n;
}
