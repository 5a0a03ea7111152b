// Step 3, forms of collaboration (worksheet 1 "Vormen van samenwerking"): each participant
// places an actor on six dimensions from 0 to 100; the group's mean position on the scale
// consultation → ad hoc → network → merger suggests a form; the facilitator records the form.
import { h, setText, syncList } from './dom.js';
import { t } from './i18n.js';
import { pager, stepLabel } from './widgets.js';
import { bindField } from './fields.js';
import { sendEstimate } from './estimate.js';
import { byRank } from './ranking.js';
import { fmtNum } from './spread.js';

export const DIMENSIONS = ['interests', 'factualDecisions', 'formalDecisions', 'resources', 'engagement', 'identification'];
export const FORMS = ['consultation', 'adhoc', 'network', 'merger'];
const BOUNDS = [25, 50, 75]; // the rule: below 25 consultation, below 50 ad hoc, below 75 network
const SLIDER_STEP = 5;
const START = 50; // where an unplaced slider starts: the middle commits to nothing

// formOf maps a position 0-100 to a form by the rule above.
export function formOf(pos) {
  const i = BOUNDS.findIndex((b) => pos < b);
  return FORMS[i < 0 ? FORMS.length - 1 : i];
}

export const formLabel = (f) => (f ? t(`form.${f}`) : '');
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * formStats reads step 3 from an estimates message: the group's mean position (mean), the
 * band to draw (lo..hi), the mean of each dimension (dims) and whether the band is the
 * people's spread (byPeople). The band runs from the lowest to the highest participant's
 * place (position, PROTOCOL.md "Extensions"); from a server that does not send position it
 * falls back to the lowest and highest of the six dimension means, a stand-in that hides how
 * far apart people are. Null without placements.
 */
export function formStats(est) {
  const form = est?.form;
  if (!form || !DIMENSIONS.every((d) => typeof form[d] === 'number')) return null;
  const dims = Object.fromEntries(DIMENSIONS.map((d) => [d, form[d]]));
  const pos = est.position;
  if (pos && [pos.mean, pos.min, pos.max].every(Number.isFinite)) {
    return { mean: pos.mean, lo: pos.min, hi: pos.max, dims, byPeople: true };
  }
  const ms = Object.values(dims);
  return { mean: mean(ms), lo: Math.min(...ms), hi: Math.max(...ms), dims, byPeople: false };
}

// formAxis: the four forms as a header over the scales.
export function formAxis() {
  return h('div', { class: 'form-axis', 'aria-hidden': 'true' }, FORMS.map((f) => h('span', { class: `axis-${f}` }, formLabel(f))));
}

// formScale: the zones of the four forms, a band for the spread and a marker at the mean.
export function formScale(stats) {
  const zones = FORMS.map((f) => h('span', { class: `zone zone-${f}` }));
  const el = h('div', { class: 'form-scale', role: 'img' }, zones);
  if (!stats) {
    el.classList.add('no-data');
    el.setAttribute('aria-label', t('forms.noData'));
    return el;
  }
  const { lo, hi } = stats;
  const band = h('span', { class: ['form-band', stats.byPeople && 'people'] });
  band.style.left = `${lo}%`;
  band.style.width = `${Math.max(0, hi - lo)}%`;
  const marker = h('span', { class: 'form-marker' });
  marker.style.left = `${stats.mean}%`;
  el.append(band, marker);
  const words = { pos: fmtNum(stats.mean, 0), form: formLabel(formOf(stats.mean)), lo: fmtNum(lo, 0), hi: fmtNum(hi, 0) };
  el.setAttribute('aria-label', t(stats.byPeople ? 'forms.scaleLabel' : 'forms.scaleLabelDims', words));
  return el;
}

function rule() {
  return h('p', { class: 'rule', id: 'forms-rule' }, t('forms.rule'));
}

/**
 * legend explains the scale under a table. update(stats) takes the stats of the rows shown
 * and says what the band is: the people's spread, or the stand-in of a server that does not
 * send it.
 */
function legend() {
  const text = h('span', { class: 'legend-text' }, t('forms.legend'));
  return {
    el: h('p', { class: 'spread-legend forms-legend' },
      h('span', { class: 'legend-scale' }, h('span', { class: 'form-band' }), h('span', { class: 'form-marker' })), ' ', text),
    update(stats) {
      setText(text, t(stats.some((s) => s && !s.byPeople) ? 'forms.legendDims' : 'forms.legend'));
    },
  };
}

// placementCard is one actor on the phone: closed it shows the answer; open, six sliders.
function placementCard(actor, conn, mine) {
  const id = actor.id;
  const name = h('span', { class: 'estimate-name' });
  const agreed = h('span', { class: 'chip agreed' });
  const summary = h('p', { class: 'placement-summary' });
  const toggle = h('button', { type: 'button', class: 'btn btn-small placement-toggle' });
  const sliders = DIMENSIONS.map((d) => {
    const input = h('input', { type: 'range', class: 'dim-slider', min: 0, max: 100, step: SLIDER_STEP, value: START, dataset: { dim: d }, 'aria-label': t(`dim.${d}`) });
    const out = h('output', { class: 'dim-value' });
    input.addEventListener('input', () => showLive());
    return {
      d,
      input,
      out,
      el: h('div', { class: 'dim-row' },
        h('div', { class: 'dim-head' }, h('span', { class: 'dim-name' }, t(`dim.${d}`)), out),
        input,
        h('div', { class: 'dim-ends', 'aria-hidden': 'true' }, h('span', null, t(`dim.${d}.left`)), h('span', null, t(`dim.${d}.right`)))),
    };
  });
  const live = h('p', { class: 'placement-live', 'aria-live': 'polite' });
  const send = h('button', { type: 'button', class: 'btn btn-primary placement-send' }, t('forms.send'));
  const editor = h('div', { class: 'placement-editor', hidden: true }, sliders.map((s) => s.el), live, send);
  const el = h('article', { class: 'estimate-card placement-card', dataset: { id } },
    h('h3', { class: 'estimate-head' }, name, agreed), summary, toggle, editor);
  let open = false;

  const values = () => Object.fromEntries(sliders.map((s) => [s.d, Number(s.input.value)]));
  function showLive() {
    const v = values();
    for (const s of sliders) {
      setText(s.out, `${s.input.value}%`);
      // A screen reader says the value with the scale's two ends, not only "65".
      s.input.setAttribute('aria-valuetext', `${s.input.value}% (0: ${t(`dim.${s.d}.left`)}, 100: ${t(`dim.${s.d}.right`)})`);
    }
    const pos = mean(Object.values(v));
    setText(live, t('forms.yours', { pos: fmtNum(pos, 0), form: formLabel(formOf(pos)) }));
  }
  function setOpen(o) {
    open = o;
    if (o) {
      // Start from what was sent before, else from the middle.
      const m = mine.get(id).form || {};
      for (const s of sliders) s.input.value = String(m[s.d] ?? START);
      showLive();
    }
    update();
  }
  toggle.addEventListener('click', () => setOpen(!open));
  send.addEventListener('click', () => {
    send.disabled = true;
    const form = values();
    sendEstimate(conn, mine, id, { form }).then(
      () => {
        send.disabled = false;
        setOpen(false);
      },
      () => {
        send.disabled = false;
      },
    );
  });

  let current = actor;
  function update(a = current) {
    current = a;
    setText(name, a.name);
    agreed.hidden = !a.form;
    setText(agreed, a.form ? t('forms.agreedChip', { form: formLabel(a.form) }) : '');
    const m = mine.get(id).form;
    const pos = m ? mean(DIMENSIONS.map((d) => m[d] ?? START)) : null;
    setText(summary, m ? t('forms.yours', { pos: fmtNum(pos, 0), form: formLabel(formOf(pos)) }) : t('forms.notYet'));
    el.classList.toggle('complete', !!m);
    editor.hidden = !open;
    setText(toggle, open ? t('forms.close') : m ? t('forms.change') : t('forms.place'));
    toggle.setAttribute('aria-expanded', String(open));
  }
  return { el, update };
}

// phoneForms is step 3 on the phone: one card per actor, opened to place it.
export function phoneForms(store, conn, mine) {
  const cards = new Map();
  const list = h('div', { class: 'estimate-cards', id: 'placement-cards' });
  const empty = h('p', { class: 'muted empty' }, t('forms.noActors'));
  const el = h('div', { class: 'forms-phone' },
    h('p', { class: 'step-desc' }, t('forms.phoneIntro')),
    rule(),
    empty, list);
  return {
    el,
    update() {
      const actors = byRank(store.state.actors);
      empty.hidden = actors.length > 0;
      syncList(list, cards, actors, { make: (a) => placementCard(a, conn, mine), update: (c, a) => c.update(a) });
    },
  };
}

// groupForm: the group's position in words, for a cell beside the scale.
function groupForm(stats, n) {
  if (!stats) return h('span', { class: 'muted' }, t('forms.noData'));
  return h('span', { class: 'group-form' },
    h('strong', { class: `form-word form-${formOf(stats.mean)}` }, formLabel(formOf(stats.mean))),
    h('span', { class: 'form-pos' }, ` ${fmtNum(stats.mean, 0)}`),
    n ? h('span', { class: 'form-n' }, ` · ${t('spread.n', { n })}`) : null);
}

// consoleForms is step 3 for the facilitator: the group's placements and the recorded form.
export function consoleForms(store, conn) {
  const body = h('tbody');
  const rows = new Map();
  const empty = h('p', { class: 'muted' }, t('forms.noActors'));
  const table = h('table', { class: 'forms-table', id: 'forms-edit-table' },
    h('thead', null, h('tr', null,
      h('th', { class: 'col-name' }, t('actor.name')),
      h('th', { class: 'col-scale' }, formAxis()),
      h('th', { class: 'col-group' }, t('forms.group')),
      h('th', { class: 'col-dims' }, t('forms.dims')),
      h('th', { class: 'col-form' }, t('forms.recorded')))),
    body);
  const key = legend();

  function row(a) {
    const select = h('select', { class: 'field-form', 'aria-label': t('forms.recordedFor', { name: a.name }) },
      h('option', { value: '' }, '–'), FORMS.map((f) => h('option', { value: f }, formLabel(f))));
    const binding = bindField(select, { commit: (v) => conn.op('actor.update', { id: a.id, form: v }) });
    const take = h('button', { type: 'button', class: 'btn btn-small take-form' });
    let suggestion = '';
    take.addEventListener('click', () => {
      if (!suggestion) return;
      select.value = suggestion;
      select.dispatchEvent(new Event('change'));
    });
    const name = h('td', { class: 'col-name actor-name' });
    const scale = h('td', { class: 'col-scale' });
    const group = h('td', { class: 'col-group' });
    const dims = h('td', { class: 'col-dims' });
    const el = h('tr', { dataset: { id: a.id } }, name, scale, group, dims, h('td', { class: 'col-form' }, select, take));
    return {
      el,
      update(actor) {
        setText(name, actor.name);
        binding.set(actor.form);
        const est = store.live.estimates.get(actor.id);
        const stats = formStats(est);
        scale.replaceChildren(formScale(stats));
        group.replaceChildren(groupForm(stats, est?.n));
        dims.replaceChildren(stats ? h('ul', { class: 'dim-list' }, DIMENSIONS.map((d) => h('li', null, h('span', { class: 'dim-short' }, t(`dim.${d}.short`)), ` ${fmtNum(stats.dims[d], 0)}`))) : '');
        suggestion = stats ? formOf(stats.mean) : '';
        take.hidden = !suggestion || suggestion === actor.form;
        setText(take, suggestion ? `→ ${formLabel(suggestion)}` : '');
        take.title = suggestion ? t('forms.take', { form: formLabel(suggestion) }) : '';
        take.setAttribute('aria-label', take.title);
      },
    };
  }

  return {
    el: h('section', { class: 'forms-facilitator' },
      h('h2', null, stepLabel(3)),
      h('p', { class: 'step-desc' }, t('step.3.desc')),
      rule(),
      h('div', { class: 'table-scroll' }, table), empty, key.el),
    update() {
      const actors = byRank(store.state.actors);
      empty.hidden = actors.length > 0;
      table.hidden = actors.length === 0;
      syncList(body, rows, actors, { make: row, update: (r, a) => r.update(a) });
      key.update(actors.map((a) => formStats(store.live.estimates.get(a.id))));
    },
  };
}

// projectorForms is step 3 on the projector: per actor where the group places it.
export function projectorForms(store) {
  const body = h('tbody');
  const empty = h('p', { class: 'empty' }, t('forms.noActors'));
  const table = h('table', { class: 'forms-table present-forms', id: 'forms-table' },
    h('thead', null, h('tr', null,
      h('th', { class: 'col-name' }, t('actor.name')),
      h('th', { class: 'col-scale' }, formAxis()),
      h('th', { class: 'col-group' }, t('forms.group')),
      h('th', { class: 'col-form' }, t('forms.recordedShort')))),
    body);
  const key = legend();
  const pages = pager(body);
  return {
    el: h('div', { class: 'forms-present' }, rule(), table, pages.note, empty, key.el),
    paging: pages,
    update() {
      const actors = byRank(store.state.actors);
      empty.hidden = actors.length > 0;
      table.hidden = actors.length === 0;
      key.update(actors.map((a) => formStats(store.live.estimates.get(a.id))));
      body.replaceChildren(...actors.map((a) => {
        const est = store.live.estimates.get(a.id);
        const stats = formStats(est);
        return h('tr', { dataset: { id: a.id } },
          h('td', { class: 'col-name actor-name' }, a.name),
          h('td', { class: 'col-scale' }, formScale(stats)),
          h('td', { class: 'col-group' }, groupForm(stats, est?.n)),
          h('td', { class: 'col-form' }, a.form ? h('span', { class: `chip form-chip form-${a.form}` }, formLabel(a.form)) : ''));
      }));
    },
  };
}
