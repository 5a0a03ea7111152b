// Tiny DOM helpers. Text always goes through textContent/createTextNode and attributes through
// setAttribute or properties, so user text can never become markup. Event handlers are attached
// with addEventListener by the caller; "on*" attributes are refused because the CSP forbids
// inline handlers and because an attribute name taken from data must never become code.

const PROPS = new Set(['value', 'checked', 'disabled', 'readOnly', 'selected', 'hidden', 'type', 'maxLength']);

/**
 * h('button', {class: 'x', dataset: {step: 2}}, 'text', child) builds an element.
 * attrs: class (string or array), dataset (object), known DOM properties, other attributes
 * (null/false skips them, true sets an empty attribute).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (/^on/i.test(name)) throw new Error(`dom: refusing attribute ${name}`);
      if (name === 'class') {
        el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
      } else if (name === 'dataset') {
        for (const [k, v] of Object.entries(value)) el.dataset[k] = String(v);
      } else if (PROPS.has(name)) {
        el[name] = value;
      } else {
        el.setAttribute(name, value === true ? '' : String(value));
      }
    }
  }
  append(el, children);
  return el;
}

// append adds children: nodes, strings (as text nodes), arrays of them; null/false are skipped
// so callers can write `cond && h(...)`.
export function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
  return el;
}

// replace swaps all children of el for the given ones.
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

// setText changes text only when it differs, so an unchanged render does not touch the DOM.
export function setText(el, text) {
  const s = String(text ?? '');
  if (el.textContent !== s) el.textContent = s;
}

/**
 * changeGate answers a function that reports whether what it is given differs from the last
 * time (compared as JSON). A list that is rebuilt only when its content changes keeps its
 * buttons between renders, and a tap or the keyboard's focus on one is not lost to a
 * render that changed nothing in it (renders come with every event and live message).
 */
export function changeGate() {
  let last;
  return (content) => {
    const s = JSON.stringify(content);
    if (s === last) return false;
    last = s;
    return true;
  };
}

/**
 * syncList makes parent's children follow items (each with an id), one entry {el, ...} per
 * item, kept in cache (a Map id → entry) from one call to the next: make(item) builds a
 * missing entry, update(entry, item) refreshes every entry, and entries whose id is gone are
 * removed. An entry is never rebuilt, and moved only when out of place, so a field someone is
 * typing in keeps its DOM and its focus. parent holds these entries and nothing else.
 */
export function syncList(parent, cache, items, { make, update }) {
  const ids = new Set(items.map((item) => item.id));
  // Drop the gone ones first, so they do not push the others out of place.
  for (const [id, entry] of cache) {
    if (!ids.has(id)) {
      entry.el.remove();
      cache.delete(id);
    }
  }
  items.forEach((item, i) => {
    let entry = cache.get(item.id);
    if (!entry) {
      entry = make(item);
      cache.set(item.id, entry);
    }
    update(entry, item);
    if (parent.children[i] !== entry.el) parent.insertBefore(entry.el, parent.children[i] || null);
  });
}
