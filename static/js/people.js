// People: one's own name with a way to change it (phone and console), and the facilitator's
// list of participants with a way to remove one.
import { changeGate, h, replace, setText } from './dom.js';
import { t } from './i18n.js';
import { confirmDialog } from './dialog.js';

export const NAME_MAX = 40;

/**
 * displayNames answers Map(participant id -> the name to show): the name as given, and where
 * two or more people gave the same name (two "Ahmed (OCMW)"), each with its number in the
 * order they joined, "Ahmed (OCMW) #1" and "Ahmed (OCMW) #2", so lists tell them apart.
 */
export function displayNames(participants) {
  const count = new Map();
  for (const p of participants) count.set(p.name, (count.get(p.name) || 0) + 1);
  const seen = new Map();
  const out = new Map();
  for (const p of participants) {
    if (count.get(p.name) < 2) {
      out.set(p.id, p.name);
      continue;
    }
    const i = (seen.get(p.name) || 0) + 1;
    seen.set(p.name, i);
    out.set(p.id, `${p.name} #${i}`);
  }
  return out;
}

/**
 * youBox shows "you: Name [change name]" and swaps in a small form to rename oneself
 * (participant.rename). Returns {el, update(), reset()}.
 */
export function youBox(store, conn) {
  const box = h('div', { class: 'you' });
  const name = h('span', { class: 'you-name' });
  let renaming = false;

  function display() {
    const btn = h('button', { type: 'button', class: 'btn btn-link', id: 'rename-btn' }, t('name.rename'));
    btn.addEventListener('click', () => {
      renaming = true;
      replace(box, form());
    });
    replace(box, h('span', { class: 'muted' }, `${t('you')}: `), name, btn);
  }

  function form() {
    const input = h('input', { type: 'text', id: 'rename-input', maxLength: NAME_MAX, value: store.you?.name || '', 'aria-label': t('name.label'), autocomplete: 'name' });
    const cancel = h('button', { type: 'button', class: 'btn btn-small' }, t('cancel'));
    const f = h('form', { class: 'rename-form' }, input, h('button', { type: 'submit', class: 'btn btn-primary btn-small', id: 'rename-submit' }, t('save')), cancel);
    const close = () => {
      renaming = false;
      display();
      update();
    };
    cancel.addEventListener('click', close);
    f.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const v = input.value.trim();
      if (!v || [...v].length > NAME_MAX) {
        input.focus();
        return;
      }
      conn.op('participant.rename', { name: v });
      close();
    });
    setTimeout(() => input.focus());
    return f;
  }

  function update() {
    if (!renaming) setText(name, store.you?.name || '');
  }

  display();
  return {
    el: box,
    update,
    reset() {
      renaming = false;
      display();
      update();
    },
  };
}

/**
 * participantsPanel is the facilitator's side box: who joined, who is online, remove one.
 * Returns {el, update()}.
 */
export function participantsPanel(store, conn) {
  const heading = h('h2', null);
  const list = h('ul', { class: 'people' });
  const viewers = h('p', { class: 'muted' });
  const you = youBox(store, conn);

  async function remove(p) {
    const ok = await confirmDialog({ title: t('people.removeConfirm', { name: p.name }), body: t('people.removeBody'), ok: t('people.remove'), danger: true });
    if (ok) conn.op('participant.remove', { participantId: p.id });
  }

  const changed = changeGate();
  return {
    el: h('section', { class: 'side-box people-box' }, heading, you.el, list, viewers),
    update() {
      you.update();
      const ps = store.state.participants;
      setText(heading, t('fac.participants', { n: ps.filter((p) => p.role !== 'facilitator').length }));
      setText(viewers, store.presence.viewers ? t('fac.viewers', { n: store.presence.viewers }) : '');
      // Online people first, then by name: the facilitator looks for who is missing.
      const names = displayNames(ps);
      const sorted = [...ps].sort((a, b) => (store.isOnline(b.id) - store.isOnline(a.id)) || names.get(a.id).localeCompare(names.get(b.id)));
      if (!changed(sorted.map((p) => [p.id, names.get(p.id), p.role, store.isOnline(p.id), p.id === store.you?.participantId]))) return;
      list.replaceChildren(...sorted.map((p) => {
        const on = store.isOnline(p.id);
        const self = p.id === store.you?.participantId;
        let btn = null;
        if (p.role !== 'facilitator' && !self) {
          btn = h('button', { type: 'button', class: 'btn btn-small btn-danger person-remove', dataset: { id: p.id }, title: t('people.removeLabel', { name: p.name }), 'aria-label': t('people.removeLabel', { name: p.name }) }, '✕');
          btn.addEventListener('click', () => remove(p));
        }
        return h('li', { class: ['person', on ? 'online' : 'offline'], dataset: { id: p.id } },
          h('span', { class: 'dot', role: 'img', title: t(on ? 'fac.online' : 'fac.offline'), 'aria-label': t(on ? 'fac.online' : 'fac.offline') }),
          h('span', { class: 'person-name' }, names.get(p.id)),
          p.role === 'facilitator' && h('span', { class: 'chip' }, t('fac.role.facilitator')),
          self && h('span', { class: 'muted' }, ` (${t('you')})`),
          btn);
      }));
      if (ps.length === 0) list.appendChild(h('li', { class: 'muted' }, t('fac.noParticipants')));
    },
  };
}
