// The landing page: start a workshop, or join one with its code.
import { h, replace, setText } from './dom.js';
import { t, initLang, getLang, langToggle, onLangChange, LANGS } from './i18n.js';
import { createWorkshop, getWorkshop, normalizeCode, workshopStore, links, spacedCode } from './api.js';
import { errorText } from './feedback.js';

const TITLE_MAX = 120;
const CODE_LEN = 6;
const root = document.getElementById('app');

// Without a workshop there is no locale to follow: the visitor's choice, else Dutch.
initLang(null);
let serverUp = null; // unknown until /healthz answers
const typed = { title: '', code: '', locale: null }; // survives a language switch
build();
onLangChange(build);
checkServer();
window.addEventListener('online', checkServer);
window.addEventListener('offline', () => {
  serverUp = false;
  showServer();
});

// The landing page holds no websocket; its indicator says whether the server answers, which
// is the first thing to know on a venue's Wi-Fi.
async function checkServer() {
  try {
    serverUp = (await fetch('/healthz', { cache: 'no-store' })).ok;
  } catch {
    serverUp = false;
  }
  showServer();
}

function showServer() {
  const el = document.getElementById('conn-status');
  if (!el) return;
  el.dataset.state = serverUp === null ? 'connecting' : serverUp ? 'connected' : 'closed';
  setText(el.querySelector('.conn-text'), serverUp === null ? t('conn.connecting') : t(serverUp ? 'conn.server.ok' : 'conn.server.down'));
}

function build() {
  document.title = 'Arena';
  replace(root,
    h('header', { class: 'landing-head' },
      h('div', { class: 'topline' },
        h('span', { class: 'brand' }, 'Arena'),
        h('div', { id: 'conn-status', class: 'conn-status', role: 'status' }, h('span', { class: 'conn-dot', 'aria-hidden': 'true' }), h('span', { class: 'conn-text' })),
        langToggle()),
      h('p', { class: 'tagline' }, t('landing.tagline'))),
    h('main', { class: 'landing' }, joinCard(), createCard()));
  showServer();
}

function joinCard() {
  const input = h('input', {
    type: 'text', id: 'join-code', value: typed.code, placeholder: t('join.codePh'), autocomplete: 'off',
    autocapitalize: 'characters', spellcheck: 'false', maxLength: 12, enterkeyhint: 'go', class: 'code-input',
    'aria-describedby': 'join-error',
  });
  const error = h('p', { class: 'form-error', id: 'join-error', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', id: 'join-submit', class: 'btn btn-primary btn-block' }, t('join.submit'));
  const form = h('form', { class: 'panel card' },
    h('h2', null, t('join.heading')),
    h('label', { class: 'field-label', for: 'join-code' }, t('join.code')),
    input, error, submit);
  input.addEventListener('input', () => {
    typed.code = input.value;
    setText(error, '');
    input.removeAttribute('aria-invalid');
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const code = normalizeCode(input.value);
    if (code.length !== CODE_LEN) {
      setText(error, t('join.invalid'));
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    submit.disabled = true;
    try {
      const ws = await getWorkshop(code);
      location.assign(links.join(ws.code || code));
    } catch (e) {
      setText(error, e.status === 404 ? t('join.notFound', { code: spacedCode(code) }) : errorText(e.code));
      submit.disabled = false;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  });
  return form;
}

function createCard() {
  const title = h('input', { type: 'text', id: 'create-title', value: typed.title, maxLength: TITLE_MAX, placeholder: t('create.titlePh'), autocomplete: 'off' });
  const locale = h('select', { id: 'create-locale' }, LANGS.map((l) => h('option', { value: l }, t(`locale.${l}`))));
  locale.value = typed.locale || getLang();
  const error = h('p', { class: 'form-error', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', id: 'create-submit', class: 'btn btn-block' }, t('create.submit'));
  const form = h('form', { class: 'panel card' },
    h('h2', null, t('create.heading')),
    h('label', { class: 'field-label', for: 'create-title' }, t('create.title')),
    title,
    h('label', { class: 'field-label', for: 'create-locale' }, t('create.locale')),
    locale, error, submit);
  title.addEventListener('input', () => {
    typed.title = title.value;
    setText(error, '');
  });
  locale.addEventListener('change', () => {
    typed.locale = locale.value;
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const value = title.value.trim();
    if (!value || [...value].length > TITLE_MAX) {
      setText(error, t('create.invalid'));
      title.focus();
      return;
    }
    submit.disabled = true;
    try {
      const ws = await createWorkshop(value, locale.value);
      // Stored before leaving, so the console works even if the fragment gets lost.
      workshopStore(ws.code).set('facilitatorToken', ws.facilitatorToken);
      location.assign(ws.links?.facilitate || `${links.facilitate(ws.code)}#token=${encodeURIComponent(ws.facilitatorToken)}`);
    } catch (e) {
      setText(error, errorText(e.code));
      submit.disabled = false;
    }
  });
  return form;
}
