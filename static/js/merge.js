// Merging a duplicate actor (actor.merge, the facilitator only): choose the actor to keep, then
// confirm. The duplicate disappears; what the kept one lacks is filled in from it, and its
// ballots and estimates move over (PROTOCOL.md).
import { h } from './dom.js';
import { t } from './i18n.js';
import { confirmDialog } from './dialog.js';

const collator = () => new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

export async function mergeActor(store, conn, dup) {
  const others = store.state.actors.filter((a) => a.id !== dup.id).sort((a, b) => collator().compare(a.name, b.name));
  if (others.length === 0) {
    await confirmDialog({ title: t('merge.title', { name: dup.name }), body: t('merge.none'), ok: t('ok') });
    return;
  }
  // A likely twin first: the actor whose name starts like this one's.
  const key = dup.name.trim().toLowerCase().slice(0, 4);
  const guess = others.find((a) => a.name.trim().toLowerCase().startsWith(key)) || others[0];
  const select = h('select', { id: 'merge-into', 'aria-label': t('merge.into') },
    others.map((a) => h('option', { value: a.id }, a.name)));
  select.value = guess.id;
  const chosen = await confirmDialog({
    title: t('merge.title', { name: dup.name }),
    body: t('merge.choose'),
    content: h('label', { class: 'dialog-field' }, h('span', { class: 'field-label' }, t('merge.into')), select),
    ok: t('merge.next'),
  });
  if (!chosen) return;
  const into = store.state.actors.find((a) => a.id === select.value);
  if (!into) return;
  const sure = await confirmDialog({
    title: t('merge.confirm', { name: dup.name, into: into.name }),
    body: t('merge.explain', { name: dup.name, into: into.name }),
    ok: t('merge.do'),
    danger: true,
  });
  if (sure) conn.op('actor.merge', { id: dup.id, into: into.id });
}
