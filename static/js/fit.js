// The projector's fit: the stage's type as large as the content allows, never a word broken
// inside, in pages only when nothing else fits. present.js owns the stage; this module
// searches the scale (--fit on the stage) and, for a view with paging, the rows per page.
//
// A scale fits when the stage overflows neither way, no table cell's content sticks out of it
// and no word is broken over two lines (the projector's CSS never breaks a word, so a word
// too wide for its column sticks out instead, or wraps at a soft hyphen: both count).
// Each fit is a search of many layouts, so fit() runs at most once every THROTTLE_MS; while
// one is due the stage says data-settled="false", after it "true" (the tests wait for it).

export const MIN_SCALE = 0.45; // below this the back row cannot read it anyway
export const MAX_SCALE = 1.3; // a short table grows rather than fill half the screen
// A table that fits whole only below PAGE_SCALE is shown in pages (at most MAX_PAGES), each
// for PAGE_MS. At 1920 wide the stage's full type is 29.8 px: 0.81 is 24 px.
export const PAGE_SCALE = 0.81;
export const PAGE_MS = 12000;
export const MAX_PAGES = 3; // 40 actors in three pages at most
export const THROTTLE_MS = 400;

const WORD = /[^\s\-/]{2,}/g;

// brokenWord answers the first word in root whose characters lie on two lines, or null.
export function brokenWord(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    if (!parent || !n.data.trim() || parent.closest('[hidden]')) continue;
    WORD.lastIndex = 0;
    for (let w = WORD.exec(n.data); w; w = WORD.exec(n.data)) {
      range.setStart(n, w.index);
      range.setEnd(n, w.index + w[0].length);
      const rects = range.getClientRects();
      if (rects.length < 2) continue;
      const top = Math.round(rects[0].top);
      for (const r of rects) {
        if (r.width > 0 && Math.abs(Math.round(r.top) - top) > 1) return w[0];
      }
    }
  }
  return null;
}

/**
 * stageFitter(stage, current) fits the stage element; current() answers the view shown, whose
 * optional paging ({total(), show(from, n, page)}, widgets.js pager) lets a long table go in
 * pages. Returns {request(), fit(), stop()}: request() asks for a fit soon (throttled), fit()
 * fits now, stop() ends the page timer.
 */
export function stageFitter(stage, current) {
  let page = 0;
  let pageTimer = null;
  let last = 0;
  let due = null;

  function fits(scale) {
    stage.style.setProperty('--fit', scale.toFixed(3));
    if (stage.scrollHeight > stage.clientHeight + 1) return false;
    if (stage.scrollWidth > stage.clientWidth + 1) return false;
    for (const c of stage.querySelectorAll('th, td, .bar-name')) {
      if (c.scrollWidth > c.clientWidth + 1) return false;
    }
    return brokenWord(stage) === null;
  }
  // largest answers the largest scale in lo..hi that fits, searched (wrapping makes the
  // height jump with the scale), and whether it fits at all.
  function largest(lo = MIN_SCALE, hi = MAX_SCALE) {
    if (fits(hi)) return { scale: hi, ok: true };
    if (!fits(lo)) return { scale: lo, ok: false };
    for (let i = 0; i < 8 && hi - lo > 0.01; i++) {
      const mid = (lo + hi) / 2;
      if (fits(mid)) lo = mid;
      else hi = mid;
    }
    fits(lo);
    return { scale: lo, ok: true };
  }
  function stopPages() {
    clearInterval(pageTimer);
    pageTimer = null;
    page = 0;
  }
  // pageRows: the rows per page. The fewest pages (2 up to MAX_PAGES) whose first page fits
  // at PAGE_SCALE or more; else MAX_PAGES at the largest type that fits. The rows are spread
  // evenly over the pages.
  function pageRows(pg, total) {
    let best = 0;
    for (let count = 2; count <= MAX_PAGES && count <= total; count++) {
      const rows = Math.ceil(total / count);
      pg.show(0, rows, { i: 1, n: count });
      best = rows;
      if (largest().scale >= PAGE_SCALE) return rows;
    }
    return best;
  }
  function fit() {
    last = performance.now();
    clearTimeout(due);
    due = null;
    const pg = current()?.paging;
    const total = pg ? pg.total() : 0;
    pg?.show(0, total, null);
    const whole = largest();
    if (!pg || total <= 1 || (whole.ok && whole.scale >= PAGE_SCALE)) {
      stopPages();
    } else {
      const rows = pageRows(pg, total);
      if (!rows || rows >= total) {
        stopPages();
        pg.show(0, total, null);
        largest();
      } else {
        const count = Math.ceil(total / rows);
        page %= count;
        pg.show(page * rows, rows, { i: page + 1, n: count });
        largest();
        if (!pageTimer) {
          pageTimer = setInterval(() => {
            page++;
            fit();
          }, PAGE_MS);
        }
      }
    }
    stage.dataset.settled = 'true';
  }
  return {
    fit,
    stop: stopPages,
    // request: fit now, or THROTTLE_MS after the last fit when that was recent (a burst of
    // estimates renders many times a second); till then the rows keep their page.
    request() {
      if (due) return;
      const wait = THROTTLE_MS - (performance.now() - last);
      if (wait <= 0) {
        fit();
        return;
      }
      stage.dataset.settled = 'false';
      current()?.paging?.reapply?.();
      due = setTimeout(fit, wait);
    },
  };
}
