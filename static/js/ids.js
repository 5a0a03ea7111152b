// Identifiers made in the browser.

// uuid4 returns a random UUID version 4. crypto.randomUUID exists only in secure contexts
// (https, localhost), and workshops often run on http://192.168.x.x, so build it from
// getRandomValues, which every context has.
export function uuid4() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; // version 4
  b[8] = (b[8] & 0x3f) | 0x80; // variant 10xx
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// refs are unique per page load; the random prefix keeps two tabs of one participant apart.
const refPrefix = uuid4().slice(0, 8);
let refCounter = 0;

export function nextRef() {
  refCounter++;
  return `${refPrefix}-${refCounter}`;
}
