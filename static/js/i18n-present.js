// The projector's own strings, in Dutch and English: short column headers that fit a narrow
// column whole at a size the back of the room reads (no soft hyphens: a word on the projector
// is never broken), and the heat map's legend. tp(key, params) reads them like i18n.js's t.
import { getLang } from './i18n.js';

const plural = (one, many) => (p) => (p.n === 1 ? one : many.replace('{n}', String(p.n)));

export const nl = {
  'col.name': 'Actor',
  'col.category': 'Soort',
  'cat.core': 'kern',
  'cat.peripheral': 'rand',
  'cat.context': 'context',
  'cat.anchoring': 'verankering',
  'col.resources': 'Machts- en hulpbronnen',
  'col.importance': 'Belang',
  'col.replaceability': 'Vervangbaar (door)',
  'col.dependency': 'Afhankelijk',
  'col.rank': 'Rang',
  'fu.owner': 'Wie',
  'fu.status': 'Status',
  'fu.assessment': 'Juist ingeschat?',
  'fu.interest': 'Belang',
  'fu.willingness': 'Bereid',
  'fu.notes': 'Notities',
  'heat.legend': 'Kleur: hoe ver de inschattingen uiteenlopen',
  'heat.0': 'eens',
  'heat.1': '1 stap',
  'heat.2': '2 stappen',
  'heat.3': '3 stappen',
  'heat.n': plural('van 1 deelnemer', 'van {n} deelnemers'),
};

export const en = {
  'col.name': 'Actor',
  'col.category': 'Kind',
  'cat.core': 'core',
  'cat.peripheral': 'peripheral',
  'cat.context': 'context',
  'cat.anchoring': 'anchoring',
  'col.resources': 'Power and help resources',
  'col.importance': 'Importance',
  'col.replaceability': 'Replaceable (by)',
  'col.dependency': 'Dependency',
  'col.rank': 'Rank',
  'fu.owner': 'Who',
  'fu.status': 'Status',
  'fu.assessment': 'Assessed right?',
  'fu.interest': 'Interest',
  'fu.willingness': 'Willing',
  'fu.notes': 'Notes',
  'heat.legend': 'Colour: how far the estimates lie apart',
  'heat.0': 'agreed',
  'heat.1': '1 step',
  'heat.2': '2 steps',
  'heat.3': '3 steps',
  'heat.n': plural('from 1 participant', 'from {n} participants'),
};

export const dictionaries = { nl, en };

export function tp(key, params = {}) {
  const d = dictionaries[getLang()] || nl;
  const v = d[key] ?? nl[key];
  if (v === undefined) return key;
  if (typeof v === 'function') return v(params);
  return v.replace(/\{(\w+)\}/g, (m, p) => (p in params ? String(params[p]) : m));
}
