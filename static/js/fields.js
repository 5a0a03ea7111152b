// bindField connects a form control to one value of the shared state. The rules keep live
// updates from fighting the person typing:
//  - while the control has focus, renders leave its value alone; on blur it catches up;
//  - a changed value is sent once, on "change" (blur or Enter), and shown until answered;
//  - a refused value falls back to what the server holds.

/**
 * bindField(el, {commit, parse, format, required, onState})
 *  commit(value): sends the new value; returns a promise (the op)
 *  parse(string): control value -> state value (default: trimmed string)
 *  format(value): state value -> control value (default: String)
 *  required:      an empty value is not sent; the control reverts
 *  onState(s):    'dirty' | 'saving' | 'saved' | 'error' (for a visible saved state)
 * Returns {set(value), setEnabled(bool)}.
 */
export function bindField(el, opts) {
  const parse = opts.parse || ((s) => s.trim());
  const format = opts.format || ((v) => (v === null || v === undefined ? '' : String(v)));
  let server; // the value the shared state holds
  let pending; // the value sent and not yet answered
  let waiting = false;
  let latest = 0; // only the newest commit's answer ends the wait

  const editing = () => document.activeElement === el;
  const show = () => {
    const v = format(waiting ? pending : server);
    if (el.value !== v) el.value = v;
  };
  const state = (s) => opts.onState && opts.onState(s);

  el.addEventListener('input', () => state('dirty'));
  el.addEventListener('change', () => {
    const v = parse(el.value);
    if (v === (waiting ? pending : server) || (opts.required && (v === '' || v === null))) {
      if (!editing()) show();
      state('saved');
      return;
    }
    pending = v;
    waiting = true;
    state('saving');
    const mine = ++latest;
    opts.commit(v).then(
      () => {
        if (mine !== latest) return;
        waiting = false;
        state('saved');
        if (!editing()) show();
      },
      () => {
        if (mine !== latest) return;
        waiting = false;
        state('error');
        if (!editing()) show();
      },
    );
  });
  // A value that arrived while the control had focus shows once the person moves on. An edit
  // fires "change" before "blur", so its commit is already waiting and stays on screen.
  el.addEventListener('blur', () => {
    if (!waiting) show();
  });

  return {
    set(value) {
      server = value;
      if (!editing()) show();
    },
    setEnabled(on) {
      el.disabled = !on;
    },
  };
}
