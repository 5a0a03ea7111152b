// HTTP calls, workshop codes and the per-workshop keys in localStorage.

// normalizeCode accepts what people type or read aloud ("abc 234", "ABC-234") and returns the
// canonical upper-case form the server uses.
export function normalizeCode(raw) {
  return String(raw || '').replace(/[\s-]+/g, '').toUpperCase();
}

// spacedCode shows a code in two groups of three, easier to read from the back of a room.
export function spacedCode(code) {
  return code.length === 6 ? `${code.slice(0, 3)} ${code.slice(3)}` : code;
}

// codeFromPath reads the code from /w/{code}/...
export function codeFromPath(pathname = location.pathname) {
  const m = pathname.match(/^\/w\/([^/]+)/);
  return m ? normalizeCode(decodeURIComponent(m[1])) : '';
}

export const links = {
  join: (code) => `/w/${encodeURIComponent(code)}`,
  present: (code) => `/w/${encodeURIComponent(code)}/present`,
  facilitate: (code) => `/w/${encodeURIComponent(code)}/facilitate`,
  qr: (code) => `/api/workshops/${encodeURIComponent(code)}/qr.svg`,
  ws: (code) => `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/api/workshops/${encodeURIComponent(code)}/ws`,
};

// ApiError carries the server's error code, or "network" when no answer came.
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code);
    this.status = status;
    this.code = code;
  }
}

async function request(method, path, body) {
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, 'network', e.message);
  }
  let data = null;
  try {
    data = await res.json();
  } catch {
    /* an empty or non-JSON answer; the status still tells */
  }
  if (!res.ok) {
    const err = data && data.error ? data.error : {};
    throw new ApiError(res.status, err.code || (res.status === 404 ? 'not_found' : 'unknown'), err.message);
  }
  return data;
}

export const createWorkshop = (title, locale) => request('POST', '/api/workshops', { title, locale });

// getWorkshop answers the public summary, or throws ApiError with status 404.
export const getWorkshop = (code) => request('GET', `/api/workshops/${encodeURIComponent(code)}`);

// store wraps localStorage for one workshop; storage may be unavailable (private mode), and then
// values live in memory for the life of the page.
export function workshopStore(code) {
  const mem = new Map();
  const key = (k) => `arena:${code}:${k}`;
  return {
    get(k) {
      try {
        return localStorage.getItem(key(k)) ?? mem.get(k) ?? null;
      } catch {
        return mem.get(k) ?? null;
      }
    },
    set(k, v) {
      mem.set(k, v);
      try {
        localStorage.setItem(key(k), v);
      } catch {
        /* kept in memory */
      }
    },
    remove(k) {
      mem.delete(k);
      try {
        localStorage.removeItem(key(k));
      } catch {
        /* nothing stored */
      }
    },
  };
}
