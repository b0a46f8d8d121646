// The scanning page: pictures in (files or the webcam), the service's answer shown as its events
// arrive, the operator's verdict (confirm, correct, skip) out to the collection. Keyboard first:
// every step has a key, shown on the page.
import { ApiError, api, recognizeStream } from './api.js';
import { Camera } from './camera.js';
import { $, cardNumber, clear, h, money, ms, percent, plural } from './dom.js';

const CONDITIONS = ['mint', 'near mint', 'lightly played', 'moderately played', 'heavily played', 'damaged'];
const FINISHES = ['normal', 'holo', 'reverse holo', 'first edition'];
const STAGES = ['detected', 'quick', 'identified', 'complete'];

// What tests and curious operators can read: every stage the page showed, in order.
const stageLog = [];
window.cardmint = { stageLog, captures: 0 };

const state = {
  session: '',
  defaultCondition: 'near mint',
  queue: [], // {blob, name, url}
  current: null, // the scan on screen, see newScan()
  scanSeq: 0,
};

// ---------------------------------------------------------------------------------------------
// Session

function newSessionId() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}`;
  const random = Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0');
  return `s-${stamp}-${random}`;
}

function setSession(id) {
  state.session = id.trim() || newSessionId();
  $('#session-id').value = state.session;
  localStorage.setItem('cardmint.session', state.session);
  updateExportLinks();
  pushDefaultCondition();
  refreshSession();
}

function setDefaultCondition(condition) {
  state.defaultCondition = CONDITIONS.includes(condition) ? condition : 'near mint';
  $('#default-condition').value = state.defaultCondition;
  localStorage.setItem('cardmint.condition', state.defaultCondition);
  pushDefaultCondition();
}

// The service's session learns the default too, so its answers carry it ("session default").
function pushDefaultCondition() {
  api.putSession(state.session, { default_condition: state.defaultCondition }).catch(() => {});
}

// ---------------------------------------------------------------------------------------------
// Queue

function enqueue(blob, name) {
  state.queue.push({ blob, name: name || 'photo', url: URL.createObjectURL(blob) });
  renderQueue();
  if (!state.current) nextScan();
}

function renderQueue() {
  $('#queue-count').textContent = String(state.queue.length);
  clear($('#queue-list')).append(
    ...state.queue.map((item, i) =>
      h('li', {}, h('img', { src: item.url, alt: '' }), h('span', {}, `${i + 1}. ${item.name}`)),
    ),
  );
}

function nextScan() {
  // The photo on screen goes: hundreds of scans an hour would otherwise pile up in memory.
  if (state.current) URL.revokeObjectURL(state.current.item.url);
  const item = state.queue.shift();
  renderQueue();
  if (!item) {
    state.current = null;
    renderIdle();
    return;
  }
  startScan(item);
}

// ---------------------------------------------------------------------------------------------
// One scan

function newScan(item) {
  return {
    seq: ++state.scanSeq,
    item,
    status: 'scanning', // scanning → verify → saving; 'failed' when the service said no
    stages: {}, // stage → elapsed ms
    name: '', // the quick name
    card: null, // {id, name, set_id, set_name, set_code, number, printed_total, rarity, printings}
    finish: '',
    finishes: [], // the printings the picker offers
    condition: state.defaultCondition,
    touched: { finish: false, condition: false }, // the operator's choice wins over later events
    confirmWhenDone: false, // Enter pressed while the answer was still coming
    quantity: 1,
    confidence: null,
    source: '',
    candidates: [], // the service's alternatives, one per card and printing
    price: { status: 'waiting' }, // {status, value?, currency?, for?}
    unknown: '', // the service's reason when it found no card
    error: '',
    corrected: false,
    abort: new AbortController(),
  };
}

function startScan(item) {
  const scan = newScan(item);
  state.current = scan;
  render();
  const onEvent = (name, data) => {
    if (state.current !== scan) return; // skipped or confirmed meanwhile
    handleEvent(scan, name, data);
    render();
  };
  recognizeStream(item.blob, { session: state.session, signal: scan.abort.signal }, onEvent)
    .catch((err) => {
      if (err.name === 'AbortError' || state.current !== scan) return;
      scan.error = describeError(err);
    })
    .finally(() => {
      if (state.current !== scan) return;
      if (scan.status === 'scanning') {
        scan.status = 'failed';
        if (!scan.error) scan.error = 'the service closed the stream without an answer';
      }
      render();
    });
}

function markStage(scan, stage, elapsed) {
  if (scan.stages[stage] !== undefined) return;
  scan.stages[stage] = elapsed;
  stageLog.push({ scan: scan.seq, stage, elapsed_ms: elapsed, at: performance.now() });
}

function handleEvent(scan, name, data) {
  switch (name) {
    case 'detected':
      markStage(scan, 'detected', data.elapsed_ms);
      scan.source = data.source || scan.source;
      break;
    case 'quick':
      markStage(scan, 'quick', data.elapsed_ms);
      scan.name = data.name || '';
      scan.source = data.source || scan.source;
      break;
    case 'identified':
      markStage(scan, 'identified', data.elapsed_ms);
      takeAnswer(scan, data);
      break;
    case 'complete':
      markStage(scan, 'complete', data.timings_ms ? data.timings_ms.total : undefined);
      takeAnswer(scan, data);
      if (!data.card) scan.unknown = data.unknown_reason || 'no card was found in the picture';
      if (!scan.corrected) takePrice(scan, data);
      scan.status = 'verify';
      if (scan.confirmWhenDone && scan.card) setTimeout(confirm);
      break;
    case 'price':
      if (!scan.corrected) takePrice(scan, data);
      break;
    case 'error':
      scan.error = data && data.error ? data.error.message : String(data);
      scan.status = 'failed';
      break;
  }
}

// identified and complete both carry the card, its confidence and the alternatives.
function takeAnswer(scan, data) {
  scan.confidence = data.confidence;
  scan.source = data.source || scan.source;
  scan.candidates = distinctCandidates(data.candidates || []);
  if (scan.corrected || !data.card) return;
  const c = data.card;
  const sameCard = scan.card && scan.card.id === c.id;
  scan.card = {
    ...(sameCard ? scan.card : {}),
    id: c.id,
    name: c.name,
    set_id: c.set_id,
    set_name: c.set_name,
    number: c.number,
    printed_total: c.printed_total,
  };
  if (!scan.touched.finish) scan.finish = c.finish;
  if (!scan.touched.condition && CONDITIONS.includes(c.condition)) scan.condition = c.condition;
  scan.finishes = finishesFromCandidates(scan);
  if (!sameCard) loadPrintings(scan);
}

function distinctCandidates(list) {
  const seen = new Set();
  return list.filter((c) => {
    const key = `${c.id}|${c.finish}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// Until the catalog answers: the printings the service itself offered for this card.
function finishesFromCandidates(scan) {
  const found = new Set([scan.finish]);
  for (const c of scan.candidates) if (c.id === scan.card.id) found.add(c.finish);
  return FINISHES.filter((f) => found.has(f));
}

async function loadPrintings(scan) {
  const id = scan.card.id;
  try {
    const card = await api.catalogCard(id);
    if (state.current !== scan || !scan.card || scan.card.id !== id) return;
    Object.assign(scan.card, {
      set_code: card.set_code,
      rarity: card.rarity,
      printings: card.printings,
    });
    if (Array.isArray(card.printings) && card.printings.length) {
      scan.finishes = card.printings.slice();
      if (!scan.finishes.includes(scan.finish)) scan.finishes.push(scan.finish);
    }
    render();
  } catch {
    // the candidates' printings stay on offer
  }
}

function takePrice(scan, data) {
  const status = data.price_status || 'none';
  if (status === 'ok' && data.price) {
    scan.price = {
      status,
      value: data.price.value,
      currency: (data.price.quote && data.price.quote.currency) || 'USD',
      exact: data.price.exact,
      for: `${scan.card && scan.card.id}|${data.price.finish || scan.finish}`,
    };
  } else {
    scan.price = { status, error: data.price_error };
  }
}

// After a correction: the price of the card and printing now chosen.
async function refreshPrice(scan) {
  if (!scan.card) return;
  const key = `${scan.card.id}|${scan.finish}`;
  scan.price = { status: 'asking' };
  render();
  try {
    const answer = await api.price(scan.card.id, scan.finish);
    if (state.current !== scan || `${scan.card.id}|${scan.finish}` !== key) return;
    takePrice(scan, answer);
  } catch (err) {
    if (state.current !== scan) return;
    scan.price = { status: err.status === 503 ? 'off' : 'unavailable', error: err.message };
  }
  render();
}

function priceFor(scan) {
  const p = scan.price;
  if (p.status !== 'ok' || !scan.card) return null;
  return p.for === `${scan.card.id}|${scan.finish}` ? p.value : null;
}

// ---------------------------------------------------------------------------------------------
// Corrections

function pickCard(scan, card, finish) {
  scan.card = {
    id: card.card_id || card.id,
    name: card.name,
    set_id: card.set_id,
    set_name: card.set_name,
    set_code: card.set_code,
    number: card.number,
    printed_total: card.printed_total,
    rarity: card.rarity,
    printings: card.printings,
  };
  scan.corrected = true;
  scan.unknown = '';
  scan.finishes = Array.isArray(card.printings) && card.printings.length ? card.printings.slice() : [];
  scan.finish = finish && (scan.finishes.length === 0 || scan.finishes.includes(finish)) ? finish : scan.finishes[0] || 'normal';
  if (!scan.finishes.includes(scan.finish)) scan.finishes.unshift(scan.finish);
  if (!card.printings) loadPrintings(scan);
  if (scan.status === 'scanning' || scan.status === 'failed') scan.status = 'verify';
  scan.error = '';
  refreshPrice(scan);
  render();
}

function pickCandidate(index) {
  const scan = state.current;
  if (!scan) return;
  const alternatives = alternativesOf(scan);
  if (index >= alternatives.length) return;
  const c = alternatives[index];
  pickCard(scan, c, c.finish);
}

// The service's other answers: the candidates that are not the card and printing chosen now.
function alternativesOf(scan) {
  const chosen = scan.card ? `${scan.card.id}|${scan.finish}` : '';
  return scan.candidates.filter((c) => `${c.id}|${c.finish}` !== chosen).slice(0, 3);
}

function cycle(list, value, step) {
  if (!list.length) return value;
  const i = list.indexOf(value);
  return list[(i + step + list.length) % list.length];
}

function setQuantity(n) {
  const scan = state.current;
  if (!scan) return;
  scan.quantity = Math.max(1, Math.min(10000, Math.round(Number(n) || 1)));
  render();
}

function setCondition(condition) {
  const scan = state.current;
  if (!scan) return;
  scan.condition = condition;
  scan.touched.condition = true;
  render();
}

function setFinish(finish) {
  const scan = state.current;
  if (!scan || !scan.card || finish === scan.finish) return;
  scan.finish = finish;
  scan.touched.finish = true;
  refreshPrice(scan);
  render();
}

// ---------------------------------------------------------------------------------------------
// Verdicts

function canConfirm(scan) {
  return !!(scan && scan.card && (scan.status === 'verify' || scan.corrected));
}

async function confirm() {
  const scan = state.current;
  if (scan && scan.status === 'scanning' && !scan.corrected) {
    // The answer is still coming (a better model may be checking it): confirm once it is there.
    scan.confirmWhenDone = true;
    render();
    return;
  }
  if (!canConfirm(scan) || scan.status === 'saving') return;
  scan.status = 'saving';
  render();
  const item = {
    card_id: scan.card.id,
    finish: scan.finish,
    condition: scan.condition,
    quantity: scan.quantity,
    session_id: state.session,
  };
  const price = priceFor(scan);
  if (price !== null) item.price = price;
  try {
    const answer = await api.addItem(item);
    scan.abort.abort();
    showAdded(answer, scan.quantity);
    showSummaries(answer);
    nextScan();
    refreshSession();
  } catch (err) {
    scan.status = 'verify';
    notice('error', `Not saved: ${describeError(err)}`);
    render();
  }
}

// "Baltoy · Holon Phantoms 59/110 · normal · near mint"
function describeEntry(e) {
  return `${e.name} · ${e.set_name} ${cardNumber(e.number, e.printed_total)} · ${e.finish} · ${e.condition}`;
}

function showAdded(answer, quantity) {
  const e = answer.entry;
  const what = describeEntry(e);
  if (answer.merged) {
    notice('merged', `Already in collection: now ×${e.quantity}`, `${what} (was ×${answer.quantity_before}, +${quantity})`);
  } else {
    notice('added', `Added ×${e.quantity}`, what);
  }
}

function skip() {
  const scan = state.current;
  if (!scan) return;
  scan.abort.abort();
  notice('info', 'Skipped', scan.card ? scan.card.name : scan.item.name);
  nextScan();
}

async function undo() {
  try {
    const answer = await api.undo(state.session);
    const u = answer.undone;
    const left = u.entry && u.entry_id && u.entry.quantity > 0 ? `now ×${u.entry.quantity}` : 'no longer in the collection';
    notice('undone', `Undone: ${u.entry ? u.entry.name : 'card'} −${u.quantity}`, u.entry ? `${describeEntry(u.entry)} — ${left}` : left);
    showSummaries(answer);
  } catch (err) {
    notice(err.status === 404 ? 'info' : 'error', err.status === 404 ? 'Nothing to undo in this session' : `Undo failed: ${describeError(err)}`);
  }
  refreshSession();
}

function describeError(err) {
  if (err instanceof ApiError) return `${err.message} (${err.code})`;
  return err && err.message ? err.message : String(err);
}

let noticeTimer = null;
function notice(kind, title, detail = '') {
  const el = $('#notice');
  el.hidden = false;
  el.dataset.kind = kind;
  clear(el).append(h('strong', {}, title), detail ? h('span', {}, detail) : '');
  clearTimeout(noticeTimer);
  if (kind === 'info') noticeTimer = setTimeout(() => (el.hidden = true), 4000);
}

// ---------------------------------------------------------------------------------------------
// The session list

const SESSION_ROWS = 200; // the rows the list shows

let sessionRefresh = 0;
async function refreshSession() {
  const ticket = ++sessionRefresh;
  const session = state.session;
  try {
    // The service's session summary counts this session's own adds, merges into older entries too.
    const answer = await api.sessionEvents(session, SESSION_ROWS);
    if (ticket !== sessionRefresh) return;
    renderSessionList(answer.events || []);
    renderSessionSummary(answer.summary);
  } catch (err) {
    if (ticket !== sessionRefresh) return;
    renderSessionList([]);
    renderSessionSummary(null);
    $('#collection-summary').textContent = `Session list unavailable: ${describeError(err)}`;
  }
  try {
    const all = await api.collection({ limit: 1 });
    if (ticket === sessionRefresh) renderCollectionSummary(all.summary);
  } catch {
    // the session list's message stays
  }
}

function showSummaries(answer) {
  if (answer.summary) renderCollectionSummary(answer.summary);
}

function renderSessionSummary(summary) {
  const cards = summary ? summary.cards : 0;
  $('#session-count').textContent = plural(cards, 'card');
  $('#session-count').dataset.count = String(cards);
  $('#session-value').textContent = summary ? `${money(summary.total_value)} this session` : '';
}

function renderCollectionSummary(summary) {
  if (!summary) return;
  $('#collection-summary').textContent = `Whole collection: ${plural(summary.cards, 'card')} in ${plural(summary.entries, 'entry', 'entries')} · ${money(summary.total_value)}`;
}

function renderSessionList(events) {
  const list = clear($('#session-list'));
  if (!events.length) {
    list.append(h('li', { class: 'empty muted' }, 'No cards in this session yet.'));
    return;
  }
  for (const ev of events) {
    const e = ev.entry || {};
    const total = e.quantity > ev.quantity ? h('span', { class: 'tag' }, `×${e.quantity} in collection`) : '';
    list.append(
      h('li', { dataset: { eventId: ev.id, entryId: ev.entry_id, cardId: e.card_id } },
        h('div', { class: 'row-main' },
          h('span', { class: 'qty' }, `+${ev.quantity}`),
          h('span', { class: 'name' }, e.name),
          h('span', { class: 'price' }, money(e.price))),
        h('div', { class: 'row-sub' },
          `${e.set_name} · ${cardNumber(e.number, e.printed_total)} · ${e.finish} · ${e.condition}`,
          total)),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Rendering

function fillSelect(select, values, value) {
  const current = [...select.options].map((o) => o.value).join('|');
  if (current !== values.join('|')) {
    clear(select).append(...values.map((v) => h('option', { value: v }, v)));
  }
  select.value = value;
}

function renderIdle() {
  const el = $('#result');
  el.dataset.status = 'idle';
  $('#stages').dataset.stage = '';
  for (const li of $('#stages').children) {
    delete li.dataset.done;
    li.querySelector('[data-ms]').textContent = '';
  }
  clear($('#photo')).append(h('span', { class: 'muted' }, 'Ready for the next card'));
  $('#status-line').textContent = 'Ready — drop a photo, press o, or use the camera.';
  for (const id of ['#card-name', '#card-set', '#card-price', '#card-confidence', '#card-source']) $(id).textContent = '';
  $('#confidence-bar').style.width = '0';
  $('#unknown').hidden = true;
  $('#candidates').hidden = true;
  $('#confirm').disabled = true;
  $('#skip').disabled = true;
  fillSelect($('#printing'), [], '');
  $('#quantity').value = '1';
  $('#condition').value = state.defaultCondition;
}

function render() {
  const scan = state.current;
  if (!scan) return renderIdle();
  const el = $('#result');
  el.dataset.status = scan.status;
  el.dataset.scan = String(scan.seq);

  // The stage indicator: each step lit as its event arrived, with its elapsed time.
  let last = '';
  for (const li of $('#stages').children) {
    const step = li.dataset.step;
    const elapsed = scan.stages[step];
    if (elapsed !== undefined) {
      li.dataset.done = '';
      last = step;
    } else {
      delete li.dataset.done;
    }
    li.querySelector('[data-ms]').textContent = elapsed !== undefined ? ms(elapsed) : '';
  }
  $('#stages').dataset.stage = last;

  const photo = $('#photo');
  if (photo.dataset.url !== scan.item.url) {
    photo.dataset.url = scan.item.url;
    clear(photo).append(h('img', { src: scan.item.url, alt: 'The photo being scanned' }));
  }

  $('#status-line').textContent = statusText(scan);
  $('#status-line').dataset.kind = scan.status === 'failed' ? 'error' : scan.unknown ? 'warn' : '';

  // Name as soon as the quick read has it; set and number once identified; price once complete.
  const card = scan.card;
  // Unknown at the end: the quick read's name is not an answer, so it is not shown as one.
  $('#card-name').textContent = card ? card.name : scan.unknown ? 'Unknown card' : scan.name;
  $('#card-name').dataset.unknown = String(!card && !!scan.unknown);
  $('#card-set').textContent = card ? setLine(card) : '';
  $('#card-price').textContent = priceText(scan);
  $('#card-price').dataset.status = scan.price.status;
  // A correction is the operator's word: the service's confidence no longer applies to it.
  const conf = Number.isFinite(scan.confidence) && !scan.corrected ? scan.confidence : null;
  $('#card-confidence').textContent = scan.corrected ? '—' : conf === null ? '' : percent(conf);
  $('#confidence-bar').parentElement.hidden = conf === null;
  $('#confidence-bar').style.width = conf === null ? '0' : `${Math.round(conf * 100)}%`;
  $('#confidence-bar').dataset.level = conf === null ? '' : conf >= 0.85 ? 'high' : conf >= 0.6 ? 'mid' : 'low';
  $('#card-source').textContent = scan.corrected ? `${scan.source || 'nobody'}, corrected by you` : scan.source;

  const unknown = $('#unknown');
  unknown.hidden = !scan.unknown || !!scan.card;
  if (!unknown.hidden) {
    clear(unknown).append(
      h('strong', {}, 'Unknown card'),
      h('span', {}, ` — ${scan.unknown}. `),
      h('span', {}, `${alternativesOf(scan).length ? 'Pick a match below, s' : 'S'}earch the catalog (/), or skip (Esc).`),
    );
  }

  const alternatives = alternativesOf(scan);
  $('#candidates').hidden = alternatives.length === 0;
  clear($('#candidate-list')).append(
    ...alternatives.map((c, i) =>
      h('li', {},
        h('button', { type: 'button', class: 'candidate', dataset: { index: i }, onclick: () => pickCandidate(i) },
          h('kbd', {}, String(i + 1)),
          h('span', { class: 'name' }, c.name),
          h('span', { class: 'muted' }, ` ${c.set_name} ${cardNumber(c.number, c.printed_total)} · ${c.finish}`),
          h('span', { class: 'score' }, percent(c.score)))),
    ),
  );

  $('#quantity').value = String(scan.quantity);
  fillSelect($('#condition'), CONDITIONS, scan.condition);
  fillSelect($('#printing'), scan.finishes, scan.finish);
  $('#printing').disabled = !card;
  $('#confirm').disabled = !(canConfirm(scan) || (scan.status === 'scanning' && scan.card)) || scan.status === 'saving';
  $('#skip').disabled = false;
}

function setLine(card) {
  const code = card.set_code ? ` (${card.set_code})` : '';
  const rarity = card.rarity ? ` · ${card.rarity}` : '';
  return `${card.set_name}${code} · ${cardNumber(card.number, card.printed_total)}${rarity}`;
}

function statusText(scan) {
  if (scan.status === 'failed') return `Failed: ${scan.error} — r retries, Esc skips.`;
  if (scan.status === 'saving') return 'Saving…';
  if (scan.confirmWhenDone && scan.status === 'scanning') return 'Confirming as soon as the answer is complete…';
  if (scan.corrected) return 'Corrected — confirm with Enter.';
  if (scan.status === 'verify') {
    if (!scan.card) return 'Unknown — pick or search the card, or skip.';
    return scan.confidence >= 0.85 ? 'Check it and press Enter.' : 'Not sure — check the card carefully.';
  }
  const last = STAGES.filter((s) => scan.stages[s] !== undefined).pop();
  return last ? `Reading… (${last})` : `Scanning ${scan.item.name}…`;
}

function priceText(scan) {
  if (!scan.card) return scan.status === 'scanning' ? '' : '—';
  const p = scan.price;
  switch (p.status) {
    case 'ok':
      return priceFor(scan) !== null ? money(p.value, p.currency) : '—';
    case 'waiting':
      return scan.status === 'scanning' ? '' : '—'; // empty until the complete event
    case 'asking':
    case 'pending':
      return 'price coming…';
    case 'off':
      return 'no price source';
    case 'none':
      return 'no price known';
    default:
      return 'price unavailable';
  }
}

// ---------------------------------------------------------------------------------------------
// Catalog search with autocomplete

const search = { timer: null, abort: null, results: [], active: -1 };

function openSearch() {
  $('#search').focus();
  $('#search').select();
}

function closeSearch() {
  $('#search-results').hidden = true;
  $('#search').setAttribute('aria-expanded', 'false');
  search.active = -1;
}

function onSearchInput() {
  clearTimeout(search.timer);
  const q = $('#search').value.trim();
  if (q.length < 2) {
    search.results = [];
    closeSearch();
    return;
  }
  search.timer = setTimeout(() => runSearch(q), 120);
}

async function runSearch(q) {
  if (search.abort) search.abort.abort();
  search.abort = new AbortController();
  try {
    const answer = await api.searchCatalog(q, 10, search.abort.signal);
    if ($('#search').value.trim() !== q) return;
    search.results = answer.cards || [];
    search.active = search.results.length ? 0 : -1;
    renderSearch();
  } catch (err) {
    if (err.name === 'AbortError') return;
    search.results = [];
    renderSearch(`Search failed: ${describeError(err)}`);
  }
}

function renderSearch(message) {
  const list = clear($('#search-results'));
  if (message || !search.results.length) {
    list.append(h('li', { class: 'muted empty' }, message || 'No card matches'));
  }
  search.results.forEach((c, i) => {
    list.append(
      h('li', {
        role: 'option',
        id: `search-option-${i}`,
        'aria-selected': i === search.active ? 'true' : 'false',
        dataset: { cardId: c.card_id },
        onmousedown: (e) => {
          e.preventDefault();
          choose(i);
        },
      },
      h('span', { class: 'name' }, c.name),
      h('span', { class: 'muted' }, ` ${c.set_name}${c.set_code ? ` (${c.set_code})` : ''} · ${cardNumber(c.number, c.printed_total)}`),
      c.rarity ? h('span', { class: 'tag' }, c.rarity) : ''),
    );
  });
  list.hidden = false;
  list.scrollIntoView({ block: 'nearest' });
  $('#search').setAttribute('aria-expanded', 'true');
  if (search.active >= 0) $('#search').setAttribute('aria-activedescendant', `search-option-${search.active}`);
}

function choose(index) {
  const card = search.results[index];
  if (!card) return;
  closeSearch();
  $('#search').value = '';
  $('#search').blur();
  if (!state.current) return notice('info', 'Scan a card first, then correct it');
  pickCard(state.current, card, state.current.finish);
  // Back to the card, which the open list may have scrolled away.
  requestAnimationFrame(() => window.scrollTo({ top: $('#result').getBoundingClientRect().top + window.scrollY - 12 }));
  notice('info', 'Corrected', `${card.name} · ${card.set_name} ${cardNumber(card.number, card.printed_total)}`);
}

function onSearchKey(e) {
  const n = search.results.length;
  if (e.key === 'ArrowDown' && n) {
    search.active = (search.active + 1) % n;
    renderSearch();
  } else if (e.key === 'ArrowUp' && n) {
    search.active = (search.active - 1 + n) % n;
    renderSearch();
  } else if (e.key === 'Enter') {
    if (search.active >= 0) choose(search.active);
  } else if (e.key === 'Escape') {
    closeSearch();
    $('#search').blur();
  } else {
    return;
  }
  e.preventDefault();
  e.stopPropagation();
}

// ---------------------------------------------------------------------------------------------
// Keys

function onKey(e) {
  const target = e.target;
  const typing = target instanceof HTMLInputElement && target.type !== 'radio' && target.type !== 'file';
  const field = typing || target instanceof HTMLSelectElement || target instanceof HTMLTextAreaElement;
  if (target === $('#search') || target === $('#session-id')) return; // their own handlers
  const scan = state.current;
  if (e.key === 'Enter' && !e.ctrlKey && !e.altKey) {
    if (target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement) return;
    if (target === $('#quantity')) setQuantity(target.value);
    e.preventDefault();
    confirm();
    return;
  }
  if (e.key === 'Escape') {
    e.preventDefault();
    if (field) target.blur();
    skip();
    return;
  }
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z') {
    e.preventDefault();
    undo();
    return;
  }
  if (field || e.ctrlKey || e.metaKey || e.altKey) return;
  const key = e.key;
  let handled = true;
  if (key === '/') openSearch();
  else if (key === '1' || key === '2' || key === '3') pickCandidate(Number(key) - 1);
  else if (key === '+' || key === '=') scan && setQuantity(scan.quantity + 1);
  else if (key === '-' || key === '_') scan && setQuantity(scan.quantity - 1);
  else if (key === 'c' || key === 'C') {
    if (scan) setCondition(cycle(CONDITIONS, scan.condition, key === 'C' ? -1 : 1));
  } else if (key === 'p' || key === 'P') scan && setFinish(cycle(scan.finishes, scan.finish, key === 'P' ? -1 : 1));
  else if (key === 'u') undo();
  else if (key === 'r' && scan && scan.status === 'failed') startScan(scan.item);
  else if (key === 'o') $('#file-input').click();
  else if (key === ' ' && camera.running) camera.capture();
  else handled = false;
  if (handled) e.preventDefault();
}

// ---------------------------------------------------------------------------------------------
// Capture: files and the camera

function addFiles(files) {
  const images = [...files].filter((f) => /^image\//.test(f.type) || /\.(jpe?g|png|webp)$/i.test(f.name));
  if (!images.length) return notice('error', 'Not a picture', 'Drop JPEG, PNG or WebP photos.');
  for (const f of images) enqueue(f, f.name);
}

let captureCount = 0;
const camera = new Camera({
  video: $('#camera-video'),
  frame: $('#camera-frame'),
  hint: $('#camera-hint'),
  onCapture: (blob) => {
    window.cardmint.captures = ++captureCount;
    enqueue(blob, `camera ${captureCount}`);
  },
});

function showMode(mode) {
  const files = mode === 'files';
  $('#mode-files').setAttribute('aria-selected', String(files));
  $('#mode-camera').setAttribute('aria-selected', String(!files));
  $('#dropzone').hidden = !files;
  $('#camera').hidden = files;
  if (files && camera.running) toggleCamera();
}

async function toggleCamera() {
  if (camera.running) {
    camera.stop();
    $('#camera-toggle').textContent = 'Start camera';
    return;
  }
  try {
    await camera.start();
    const v = $('#camera-video');
    if (v.videoWidth) $('#camera-frame').style.aspectRatio = `${v.videoWidth} / ${v.videoHeight}`;
    $('#camera-toggle').textContent = 'Stop camera';
  } catch (err) {
    notice('error', 'No camera', describeError(err));
  }
}

function updateExportLinks() {
  const scope = document.querySelector('input[name="export-scope"]:checked').value;
  for (const a of document.querySelectorAll('.export-links a')) {
    a.href = api.exportUrl(a.dataset.format, scope === 'session' ? state.session : undefined);
    a.setAttribute('download', '');
  }
}

async function importFile(file) {
  const out = $('#import-result');
  out.textContent = `Importing ${file.name}…`;
  out.dataset.kind = '';
  try {
    const answer = await api.importCsv(await file.text());
    const skipped = answer.skipped || [];
    out.textContent = `${file.name}: ${answer.added} added (${answer.format})` + (skipped.length ? `, ${skipped.length} skipped` : '');
    if (skipped.length) {
      out.append(h('ul', {}, ...skipped.slice(0, 5).map((s) => h('li', {}, `line ${s.line}: ${s.error}`))));
    }
    out.dataset.kind = skipped.length ? 'warn' : 'ok';
    refreshSession();
  } catch (err) {
    out.textContent = `Import failed: ${describeError(err)}`;
    out.dataset.kind = 'error';
  }
}

// ---------------------------------------------------------------------------------------------
// Wiring

function init() {
  fillSelect($('#default-condition'), CONDITIONS, 'near mint');
  fillSelect($('#condition'), CONDITIONS, 'near mint');
  state.defaultCondition = localStorage.getItem('cardmint.condition') || 'near mint';
  $('#default-condition').value = state.defaultCondition;
  setSession(localStorage.getItem('cardmint.session') || newSessionId());

  $('#session-form').addEventListener('submit', (e) => {
    e.preventDefault();
    setSession($('#session-id').value);
    $('#session-id').blur();
  });
  $('#session-id').addEventListener('change', () => setSession($('#session-id').value));
  $('#session-id').addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      $('#session-id').value = state.session;
      $('#session-id').blur();
    }
  });
  $('#new-session').addEventListener('click', () => setSession(newSessionId()));
  $('#default-condition').addEventListener('change', (e) => setDefaultCondition(e.target.value));

  const drop = $('#dropzone');
  document.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.dataset.over = '';
  });
  document.addEventListener('dragleave', (e) => {
    if (!e.relatedTarget) delete drop.dataset.over;
  });
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    delete drop.dataset.over;
    if (e.dataTransfer && e.dataTransfer.files.length) addFiles(e.dataTransfer.files);
  });
  $('#file-input').addEventListener('change', (e) => {
    addFiles(e.target.files);
    e.target.value = '';
  });

  $('#mode-files').addEventListener('click', () => showMode('files'));
  $('#mode-camera').addEventListener('click', () => showMode('camera'));
  $('#camera-toggle').addEventListener('click', toggleCamera);
  $('#camera-capture').addEventListener('click', () => camera.running && camera.capture());

  $('#confirm').addEventListener('click', confirm);
  $('#skip').addEventListener('click', skip);
  $('#undo').addEventListener('click', undo);
  $('#qty-minus').addEventListener('click', () => state.current && setQuantity(state.current.quantity - 1));
  $('#qty-plus').addEventListener('click', () => state.current && setQuantity(state.current.quantity + 1));
  $('#quantity').addEventListener('change', (e) => setQuantity(e.target.value));
  $('#condition').addEventListener('change', (e) => setCondition(e.target.value));
  $('#printing').addEventListener('change', (e) => setFinish(e.target.value));

  $('#search').addEventListener('input', onSearchInput);
  $('#search').addEventListener('keydown', onSearchKey);
  $('#search').addEventListener('blur', () => setTimeout(closeSearch, 100));

  for (const radio of document.querySelectorAll('input[name="export-scope"]')) {
    radio.addEventListener('change', updateExportLinks);
  }
  $('#import-file').addEventListener('change', (e) => {
    if (e.target.files[0]) importFile(e.target.files[0]);
    e.target.value = '';
  });

  document.addEventListener('keydown', onKey);
  // A clicked button gives the focus back, so Enter confirms the card next and does not press
  // that button again (Start camera, New session, ...).
  document.addEventListener('click', (e) => {
    const button = e.target.closest('button, a.button');
    if (button) setTimeout(() => button.blur());
  });
  renderIdle();
}

init();
