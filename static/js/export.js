// The facilitator's download of the report afterwards (GET /api/workshops/{code}/export).
// The call needs the facilitator token in a header, so it is fetched and handed to the
// browser as a file, never opened as a page.
import { h } from './dom.js';
import { t, getLang } from './i18n.js';
import { toast } from './feedback.js';

const FORMATS = [
  { format: 'md', label: 'export.md' },
  { format: 'csv', label: 'export.csv' },
  { format: 'json', label: 'export.json' },
];

async function download(code, token, format) {
  const res = await fetch(`/api/workshops/${encodeURIComponent(code)}/export?format=${format}&lang=${getLang()}`, {
    headers: { Authorization: `Bearer ${token}` },
    cache: 'no-store',
  });
  if (!res.ok) throw new Error(String(res.status));
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: `arena-${code}.${format}`, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// exportBox: one button a format.
export function exportBox(code, token) {
  const buttons = FORMATS.map(({ format, label }) => {
    const b = h('button', { type: 'button', class: 'btn btn-small', dataset: { format } }, t(label));
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        await download(code, token, format);
      } catch (e) {
        toast(t('export.failed'), e.message);
      } finally {
        b.disabled = false;
      }
    });
    return b;
  });
  return h('section', { class: 'side-box export-box', id: 'export-box' },
    h('div', { class: 'field-label' }, t('export.title')),
    h('p', { class: 'muted' }, t('export.hint')),
    h('div', { class: 'export-buttons' }, buttons));
}
