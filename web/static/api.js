// cardmintd's HTTP API as the pages use it. Every call rejects with an ApiError carrying the
// service's {"error":{"code","message"}} when the answer is not a 2xx.
import { readEventStream } from './sse.js';

export class ApiError extends Error {
  constructor(status, code, message, requestId) {
    super(message || `HTTP ${status}`);
    this.status = status;
    this.code = code || 'http_' + status;
    this.requestId = requestId || '';
  }
}

async function errorOf(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    // not JSON: keep the status alone
  }
  const err = body && body.error ? body.error : {};
  return new ApiError(res.status, err.code, err.message || res.statusText, body && body.request_id);
}

// With API keys configured (README "Access"), every write needs one. The page asks for it on the
// first 401, keeps it in this browser, and sends it as X-API-Key from then on.
const KEY_STORAGE = 'cardmint.apiKey';

function withKey(headers = {}) {
  const key = localStorage.getItem(KEY_STORAGE);
  return key ? { ...headers, 'X-API-Key': key } : { ...headers };
}

async function fetchWithKey(path, init = {}) {
  const res = await fetch(path, { ...init, headers: withKey(init.headers) });
  if (res.status !== 401) return res;
  const key = window.prompt('This CardMint needs an API key to change things. Enter it:');
  if (!key || !key.trim()) return res;
  localStorage.setItem(KEY_STORAGE, key.trim());
  return fetch(path, { ...init, headers: withKey(init.headers) });
}

async function call(method, path, body, headers = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    if (typeof body === 'string' || body instanceof Blob) {
      init.body = body;
    } else {
      init.body = JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
  }
  const res = await fetchWithKey(path, init);
  if (!res.ok) throw await errorOf(res);
  const type = res.headers.get('Content-Type') || '';
  return type.includes('json') ? res.json() : res.text();
}

const enc = encodeURIComponent;

function query(params) {
  const parts = [];
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') parts.push(`${enc(k)}=${enc(v)}`);
  }
  return parts.length ? '?' + parts.join('&') : '';
}

// POST /recognize?stream=1: calls onEvent(name, data) for detected, quick, identified, complete,
// price and error as they arrive; resolves when the stream ends. `signal` aborts it.
export async function recognizeStream(image, { session, signal } = {}, onEvent) {
  const type = image.type && image.type.startsWith('image/') ? image.type : 'image/jpeg';
  const res = await fetchWithKey('/recognize' + query({ stream: 1, session }), {
    method: 'POST',
    headers: { 'Content-Type': type, Accept: 'text/event-stream' },
    body: image,
    signal,
  });
  if (!res.ok) throw await errorOf(res);
  if (!(res.headers.get('Content-Type') || '').startsWith('text/event-stream')) {
    onEvent('complete', await res.json());
    return;
  }
  await readEventStream(res.body, onEvent);
}

export const api = {
  stats: () => call('GET', '/stats'),
  statsHistory: () => call('GET', '/stats/history'),
  searchCatalog: (q, limit = 10, signal) =>
    fetchWithKey('/catalog/search' + query({ q, limit }), { signal }).then(async (res) => {
      if (!res.ok) throw await errorOf(res);
      return res.json();
    }),
  catalogCard: (id) => call('GET', `/catalog/cards/${enc(id)}`),
  price: (cardId, finish) => call('GET', `/prices/${enc(cardId)}` + query({ finish })),
  putSession: (id, settings) => call('PUT', `/sessions/${enc(id)}`, settings),
  sessionEvents: (id, limit = 50) =>
    call('GET', `/collection/sessions/${enc(id)}/events` + query({ limit })),
  collection: (params) => call('GET', '/collection' + query(params)),
  addItem: (item) => call('POST', '/collection/items', item),
  patchItem: (id, change) => call('PATCH', `/collection/items/${enc(id)}`, change),
  deleteItem: (id) => call('DELETE', `/collection/items/${enc(id)}`),
  undo: (sessionId) => call('POST', '/collection/undo', { session_id: sessionId }),
  importCsv: (text) => call('POST', '/collection/import', text, { 'Content-Type': 'text/csv' }),
  exportUrl: (format, session) => '/collection/export' + query({ format, session }),
};
