// How far apart the group's private estimates are (PROTOCOL.md "estimates"): a small range bar
// from the lowest to the highest answer with a dot at the mean, marked when people disagree.
import { h } from './dom.js';
import { t, getLang } from './i18n.js';

export const SPLIT_AT = 2; // max - min of at least this (on 1-4) is a disagreement worth talking about
export const ESTIMATE_FIELDS = ['importance', 'replaceability', 'dependency'];

// Replaceability and dependency go over the wire as numbers (PROTOCOL.md): small 1 .. large 4.
export const DEGREE_OF = { small: 1, ratherSmall: 2, ratherLarge: 3, large: 4 };
export const DEGREE_NAMES = ['small', 'ratherSmall', 'ratherLarge', 'large']; // index = number - 1

export function fmtNum(x, digits = 1) {
  return new Intl.NumberFormat(getLang() === 'nl' ? 'nl-BE' : 'en-GB', { maximumFractionDigits: digits }).format(x);
}

// isSplit: do the answers lie far apart?
export function isSplit(stat) {
  return !!stat && stat.max - stat.min >= SPLIT_AT;
}

const pct = (v, lo, hi) => `${(((v - lo) / (hi - lo)) * 100).toFixed(2)}%`;

// track draws {mean, min, max} on the scale lo..hi: the range as a bar, the mean as a dot.
function track(stat, lo, hi) {
  const range = h('span', { class: 'spread-range' });
  range.style.left = pct(stat.min, lo, hi);
  range.style.width = `${(((stat.max - stat.min) / (hi - lo)) * 100).toFixed(2)}%`;
  const mean = h('span', { class: 'spread-mean' });
  mean.style.left = pct(stat.mean, lo, hi);
  const ticks = [];
  for (let v = lo; v <= hi; v++) {
    const tick = h('span', { class: 'spread-tick' });
    tick.style.left = pct(v, lo, hi);
    ticks.push(tick);
  }
  return h('span', { class: 'spread-track', 'aria-hidden': 'true' }, ticks, range, mean);
}

/**
 * spreadBar(stat, n, {showN}) shows {mean, min, max} on the 1-4 scale for n answers; null
 * without. The count goes along only where showN says (once per actor is enough). Its title
 * says it all in words for a mouse or a screen reader.
 */
export function spreadBar(stat, n, { lo = 1, hi = 4, showN = true, compact = false } = {}) {
  if (!stat || !n) return null;
  const split = isSplit(stat);
  const words = t('spread.title', { mean: fmtNum(stat.mean), min: fmtNum(stat.min), max: fmtNum(stat.max), n });
  // Compact (the projector, where rows must stay low): the bar says min, max and mean; the
  // text only how many answered, once per actor.
  const text = compact
    ? showN && h('span', { class: 'spread-text', 'aria-hidden': 'true' }, t('spread.n', { n }))
    : h('span', { class: 'spread-text', 'aria-hidden': 'true' },
      split && h('span', { class: 'spread-flag' }, '! '),
      `${t('spread.mean')} ${fmtNum(stat.mean)}`,
      showN && h('span', { class: 'spread-n' }, ` · ${t('spread.n', { n })}`));
  return h('span', { class: ['spread', split && 'split', compact && 'compact'], title: words, 'aria-label': words, role: 'img' },
    track(stat, lo, hi), text);
}

// firstStat: the estimate field that shows the count (the first one with answers).
export function firstStat(est) {
  return est ? ESTIMATE_FIELDS.find((f) => est[f]) : undefined;
}

// spreadLegend explains the bars once, under a table that shows them.
export function spreadLegend() {
  return h('p', { class: 'spread-legend' },
    h('span', { class: 'spread legend-bar' }, track({ min: 2, max: 3, mean: 2.6 }, 1, 4)),
    ' ', t('spread.legend'), ' ',
    h('span', { class: 'spread split legend-bar' }, track({ min: 1, max: 4, mean: 2.4 }, 1, 4)),
    ' ', t('spread.legendSplit', { n: SPLIT_AT }));
}
