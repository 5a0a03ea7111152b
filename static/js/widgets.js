// Small view parts shared by the pages.
import { h } from './dom.js';
import { t } from './i18n.js';
import { toast } from './feedback.js';

// copyToClipboard works on plain http too: navigator.clipboard exists only in secure contexts,
// and venues serve Arena on http://192.168.x.x, so fall back to selecting a field and copying.
export async function copyToClipboard(text, field) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      /* fall through */
    }
  }
  if (!field) return false;
  field.focus();
  field.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  }
}

// copyField shows a read-only link with a copy button.
export function copyField(label, value, hint) {
  const input = h('input', { type: 'text', class: 'copy-input', readOnly: true, value, 'aria-label': label });
  input.addEventListener('focus', () => input.select());
  const btn = h('button', { type: 'button', class: 'btn btn-small' }, t('fac.copy'));
  btn.addEventListener('click', async () => {
    if (await copyToClipboard(input.value, input)) {
      btn.textContent = t('fac.copied');
      setTimeout(() => {
        btn.textContent = t('fac.copy');
      }, 2000);
    } else {
      toast(t('fac.copyFailed'));
    }
  });
  return h('div', { class: 'copy-field' },
    h('div', { class: 'field-label' }, label),
    h('div', { class: 'copy-row' }, input, btn),
    hint && h('p', { class: 'hint' }, hint));
}

// panel is a centred message with optional actions (not found, removed, no token).
export function panel(title, body, ...actions) {
  return h('section', { class: 'panel message' },
    h('h1', null, title),
    body && h('p', null, body),
    actions.length > 0 && h('div', { class: 'actions' }, actions));
}

export function homeLink() {
  return h('a', { class: 'btn', href: '/' }, t('home'));
}

export function stepName(n) {
  return t(`step.${n}.name`);
}

export function stepLabel(n) {
  return t('step.label', { n, name: stepName(n) });
}

/**
 * pager lets the projector show a long table in pages (present.js decides when and how many
 * rows a page holds): the rows are the children of body; note says which page is shown.
 * Returns {note, total(), show(from, n, page), reapply()} where page is {i, n} or null for no
 * pages; reapply() shows the same page again after the rows were drawn anew.
 */
export function pager(body) {
  const note = h('p', { class: 'page-note', hidden: true });
  let last = null;
  // body may be a function answering the element whose children are the rows (a view that
  // draws its list anew as a new element).
  const rows = () => (typeof body === 'function' ? body() : body)?.children ?? [];
  return {
    note,
    total: () => rows().length,
    reapply() {
      if (last) this.show(...last);
    },
    show(from, n, page) {
      last = [from, n, page];
      let i = 0;
      for (const row of rows()) {
        row.hidden = i < from || i >= from + n;
        i++;
      }
      note.hidden = !page;
      note.textContent = page ? t('present.page', page) : '';
    },
  };
}
