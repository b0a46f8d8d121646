// The scan page and the dashboard in the real Chromium against the real cardmintd (OCR, SQLite
// catalog, collection and price list; no model, no mock): a devset photo uploaded, its answer
// shown stage by stage, confirmed with the keyboard, scanned again and merged, undone, exported
// as TCGplayer CSV and imported back; a photo without a card; a wrong card corrected through the
// catalog search; the webcam's auto-capture; the dashboard's charts and its alert.
//
//   node scan_page_test.mjs --cardmintd PATH --cli PATH --source-dir DIR --screenshots DIR
//
// Screenshots of every step go to --screenshots.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { cameraFrames, writeY4m } from './fake_camera.mjs';
import { Cardmintd, launchChromium, makeTempDir, parseArgs, prepareData, withDeadline } from './harness.mjs';

const args = parseArgs(process.argv.slice(2), ['cardmintd', 'cli', 'source-dir', 'screenshots']);
const PHOTO = path.join(args['source-dir'], 'data', 'devset', '0006.jpg');
const TCGPLAYER_HEADER = 'Quantity,Name,Simple Name,Set,Card Number,Set Code,Printing,Condition,Language,Rarity,Product ID,SKU';
const PRICE = 1.25; // the price list's market price of the photo's card, normal printing

// The photo's card, from the devset manifest: what the page must show.
const truth = fs
  .readFileSync(path.join(args['source-dir'], 'data', 'devset', 'manifest.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line))
  .find((entry) => entry.file === '0006.jpg');

// The whole run may not hang: past this everything is killed and the test fails.
const watchdog = setTimeout(() => {
  console.error('browser test: over 240 s, giving up');
  process.exit(1);
}, 240_000);
watchdog.unref();

let server;
let browser;
let cameraBrowser;
let page;
let tmp;
let data; // the catalog and price list prepareData() made
fs.mkdirSync(args.screenshots, { recursive: true });

async function shot(name) {
  await page.screenshot({ path: path.join(args.screenshots, `${name}.png`) });
}

// Installed before the page's own scripts: records, in the order the DOM changed, when the name,
// the set line and the price were first filled and each value the stage indicator took. Mutation
// records keep their order even when several events arrive in one network chunk.
function observeStages() {
  const fields = { 'card-name': 'name', 'card-set': 'set', 'card-price': 'price' };
  window.__observed = [];
  const filled = {};
  const fieldOf = (node) => {
    for (let n = node; n; n = n.parentNode) if (n.id && fields[n.id]) return n.id;
    return null;
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes' && r.target.id === 'stages') {
        // A record holds the old value; the new one is the next record's old value, or now's.
        window.__observed.push({ kind: 'stage-old', value: r.oldValue || '' });
        continue;
      }
      const id = fieldOf(r.target);
      if (!id) continue;
      const text = [...r.addedNodes].map((n) => n.textContent).join('');
      const was = filled[id] || false;
      filled[id] = text.trim() !== '' || (r.type === 'characterData' && r.target.data.trim() !== '');
      if (!was && filled[id]) window.__observed.push({ kind: 'filled', field: fields[id], text });
      if (r.removedNodes.length && !text.trim()) filled[id] = false;
    }
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-stage'], attributeOldValue: true });
}

async function observed() {
  return page.evaluate(() => {
    const log = window.__observed.slice();
    window.__observed.length = 0;
    return { log, stageNow: document.querySelector('#stages').dataset.stage };
  });
}

async function upload() {
  const before = Number((await page.locator('#result').getAttribute('data-scan')) || 0);
  await page.setInputFiles('#file-input', PHOTO);
  await page.waitForFunction(
    (n) => {
      const r = document.querySelector('#result');
      return Number(r.dataset.scan || 0) > n && r.dataset.status === 'verify';
    },
    before,
    { timeout: 60_000 },
  );
}

async function sessionCount() {
  return Number(await page.locator('#session-count').getAttribute('data-count'));
}

async function waitCount(n) {
  await page.waitForSelector(`#session-count[data-count="${n}"]`, { timeout: 10_000 });
}

async function noticeText(kind) {
  const el = page.locator(`#notice[data-kind="${kind}"]`);
  await el.waitFor({ timeout: 10_000 });
  return el.innerText();
}

// RFC 4180 enough for one row: quoted fields with "" inside.
function csvFields(line) {
  const out = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') field += c, i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') out.push(field), (field = '');
    else field += c;
  }
  out.push(field);
  return out;
}

before(async () => {
  assert.ok(truth, 'data/devset/manifest.jsonl has no 0006.jpg');
  tmp = makeTempDir();
  data = prepareData({
    cli: args.cli,
    sourceDir: args['source-dir'],
    dir: tmp,
    prices: [{ card_id: truth.card_id, printing: 'normal', market: PRICE }],
  });
  server = await Cardmintd.start({
    binary: args.cardmintd,
    // No cache: the second upload of the photo goes through OCR again, as a real double scan.
    flags: ['--catalog-db', data.catalog, '--threads', '1', '--cache-size', '0'],
    env: {
      COLLECTION_DB: path.join(tmp, 'collection.sqlite'),
      STATS_HISTORY_INTERVAL_MS: '500',
      WEB_ROOT: path.join(args['source-dir'], 'web'),
      PRICE_CSV_DB: data.priceDb,
      PRICE_BUDGET_MS: '2000',
    },
    logPath: path.join(tmp, 'cardmintd.log'),
  });
  await server.waitReady(60_000);
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  context.setDefaultTimeout(20_000);
  await context.addInitScript(observeStages);
  page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err.message));
});

after(async () => {
  clearTimeout(watchdog);
  for (const b of [cameraBrowser, browser].filter(Boolean)) {
    await withDeadline(b.close(), 20_000, 'closing Chromium').catch((e) => console.error(e.message));
  }
  if (server) {
    if (process.exitCode) console.error(`cardmintd's log:\n${server.log()}`);
    await server.stop(10_000);
  }
});

test('a scanned photo: shown stage by stage, confirmed, merged on a double scan, undone, exported and imported back', async () => {
  await page.goto(server.url + '/');
  assert.equal(await page.title(), 'CardMint · Scan');
  const session = await page.inputValue('#session-id');
  assert.ok(session.length > 0, 'the page made a session id');
  await waitCount(0);
  await observed(); // forget the page's first render

  // 1. Upload: the answer arrives stage by stage.
  await page.setInputFiles('#file-input', PHOTO);
  await shot('01-upload');
  await page.waitForSelector('#result[data-status="verify"]', { timeout: 60_000 });
  await shot('02-identified');

  assert.equal(await page.innerText('#card-name'), truth.name);
  const setLine = await page.innerText('#card-set');
  assert.ok(setLine.includes(truth.printed_number), `${setLine} shows ${truth.printed_number}`);
  const card = await server.json(`/catalog/cards/${truth.card_id}`);
  assert.ok(setLine.includes(card.set_name), `${setLine} names the set ${card.set_name}`);
  assert.equal(await page.innerText('#card-price'), `$${PRICE.toFixed(2)}`);
  assert.equal(await page.inputValue('#printing'), 'normal');
  assert.equal(await page.inputValue('#condition'), 'near mint');

  // 2. The order the page showed things in: the name, then set and number, then the price; the
  // stage indicator went through quick, identified and complete in that order.
  const { log, stageNow } = await observed();
  const fills = log.filter((e) => e.kind === 'filled').map((e) => e.field);
  assert.deepEqual(fills, ['name', 'set', 'price'], JSON.stringify(log));
  const stages = [...log.filter((e) => e.kind === 'stage-old').map((e) => e.value).slice(1), stageNow].filter(
    (s, i, all) => s !== '' && s !== all[i - 1],
  );
  for (const [a, b] of [['quick', 'identified'], ['identified', 'complete']]) {
    assert.ok(stages.includes(a) && stages.indexOf(a) < stages.indexOf(b), `${a} before ${b} in ${stages}`);
  }
  assert.equal(stages.at(-1), 'complete');
  const pageLog = await page.evaluate(() => window.cardmint.stageLog.map((s) => s.stage));
  assert.deepEqual(pageLog.filter((s) => s !== 'detected'), ['quick', 'identified', 'complete']);
  for (const step of ['quick', 'identified', 'complete']) {
    assert.match(await page.innerText(`#stages [data-step="${step}"] [data-ms]`), /^\d+(\.\d)? m?s$/);
  }

  // 3. Confirm with Enter: the session's count goes from 0 to 1.
  assert.equal(await sessionCount(), 0);
  await page.keyboard.press('Enter');
  assert.match(await noticeText('added'), /Added ×1/);
  await waitCount(1);
  const row = await page.innerText('#session-list li:first-child');
  for (const part of [truth.name, truth.printed_number, 'normal', 'near mint', '$1.25']) {
    assert.ok(row.includes(part), `session row "${row}" shows ${part}`);
  }
  await shot('03-confirmed');

  // 4. The same photo again: confirmed, it merges (×2) and says so; undo takes it back (×1).
  await upload();
  assert.equal(await page.innerText('#card-name'), truth.name);
  await page.keyboard.press('Enter');
  assert.match(await noticeText('merged'), /Already in collection: now ×2/);
  await waitCount(2);
  await shot('04-merged');
  await page.keyboard.press('u');
  assert.match(await noticeText('undone'), new RegExp(`Undone: ${truth.name} −1`));
  await waitCount(1);
  await shot('05-undone');
  const collection = await server.json(`/collection?session=${encodeURIComponent(session)}`);
  assert.equal(collection.entries.length, 1, JSON.stringify(collection));
  assert.equal(collection.entries[0].card_id, truth.card_id);
  assert.equal(collection.entries[0].quantity, 1);
  assert.equal(collection.entries[0].price, PRICE);

  // 5. The TCGplayer export through the page's link.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-tcgplayer')]);
  const file = path.join(tmp, 'export.csv');
  await download.saveAs(file);
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/).filter(Boolean);
  assert.equal(lines[0], TCGPLAYER_HEADER);
  assert.equal(lines.length, 2, lines.join('\n'));
  const header = csvFields(lines[0]);
  const cells = Object.fromEntries(csvFields(lines[1]).map((v, i) => [header[i], v]));
  assert.equal(cells.Quantity, '1');
  assert.equal(cells.Name, truth.name);
  assert.equal(cells['Card Number'], truth.printed_number);
  assert.equal(cells.Printing, 'Normal');
  assert.equal(cells.Condition, 'Near Mint');

  // The same file back through the page's import chooser: one more copy of the card.
  await page.setInputFiles('#import-file', file);
  await page.waitForSelector('#import-result[data-kind="ok"]');
  assert.match(await page.innerText('#import-result'), /export\.csv: 1 added \(tcgplayer\)/);
  await page.waitForFunction(() => /^Whole collection: 2 cards in 1 entry/.test(document.querySelector('#collection-summary').textContent));
  const whole = await server.json('/collection');
  assert.equal(whole.summary.cards, 2, JSON.stringify(whole.summary));

  // 6. The dashboard: a latency chart of the source that answered, with points, and big numbers.
  await page.goto(server.url + '/dashboard');
  const source = (await server.json('/stats')).latency_ms.by_source;
  assert.ok(source.ocr && source.ocr.count >= 2, JSON.stringify(source));
  const line = page.locator('[data-latency-source="ocr"] polyline[data-series="p50"]');
  await page.waitForFunction(
    () => {
      const l = document.querySelector('[data-latency-source="ocr"] polyline[data-series="p50"]');
      return l && l.getAttribute('points').trim().split(/\s+/).length >= 2;
    },
    null,
    { timeout: 15_000 },
  );
  assert.ok(Number(await line.getAttribute('data-count')) >= 2);
  const p50 = await page.innerText('#tile-p50 [data-value]');
  assert.match(p50, /^[1-9][\d,.]* m?s$/, `p50 tile shows ${p50}`);
  const cardsPerHour = await page.innerText('#tile-cards [data-value]');
  assert.ok(Number(cardsPerHour.replace(/,/g, '')) > 0, `cards/hour tile shows ${cardsPerHour}`);
  assert.equal(await page.isVisible('#alert-banner'), false);
  assert.equal(await page.innerText('#tile-alerts [data-value]'), 'All clear');
  await page.setViewportSize({ width: 1280, height: 1200 });
  await shot('06-dashboard');
  await page.setViewportSize({ width: 1280, height: 800 });
});

test('a photo without a card: unknown, with the reason, nothing to confirm; Esc skips it', async () => {
  await page.goto(server.url + '/');
  await page.waitForSelector('#session-count[data-count]'); // the session list has loaded
  const before = await sessionCount();
  // A plain grey picture, drawn by the browser itself.
  const dataUrl = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 640;
    c.height = 480;
    const g = c.getContext('2d');
    g.fillStyle = '#777';
    g.fillRect(0, 0, 640, 480);
    return c.toDataURL('image/png');
  });
  await page.setInputFiles('#file-input', {
    name: 'empty-table.png',
    mimeType: 'image/png',
    buffer: Buffer.from(dataUrl.split(',')[1], 'base64'),
  });
  await page.waitForSelector('#result[data-status="verify"]', { timeout: 60_000 });
  assert.equal(await page.innerText('#card-name'), 'Unknown card');
  const reason = await page.innerText('#unknown');
  assert.match(reason, /^Unknown card — .{3,}/, reason);
  assert.equal(await page.isDisabled('#confirm'), true);
  await shot('07-unknown');
  await page.keyboard.press('Enter'); // nothing to confirm
  await page.keyboard.press('Escape');
  assert.match(await noticeText('info'), /Skipped/);
  assert.equal(await page.getAttribute('#result', 'data-status'), 'idle');
  assert.equal(await sessionCount(), before);
});

test('a wrong card corrected through the catalog search before confirming', async () => {
  await page.goto(server.url + '/');
  await page.click('#new-session');
  const session = await page.inputValue('#session-id');
  await waitCount(0);
  await page.locator('#new-session').blur();
  await upload();
  assert.equal(await page.innerText('#card-name'), truth.name);

  // "/" focuses the search; part of a name finds cards; arrows and Enter pick one.
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'search');
  await page.keyboard.type('pikac');
  await page.waitForSelector('#search-results li[role="option"]', { timeout: 10_000 });
  const options = await page.$$eval('#search-results li[role="option"]', (els) =>
    els.map((el) => ({ id: el.dataset.cardId, text: el.innerText })),
  );
  assert.ok(options.length >= 2, JSON.stringify(options));
  for (const o of options) assert.match(o.text, /Pikachu/i);
  await page.keyboard.press('ArrowDown');
  await shot('08-search');
  await page.keyboard.press('Enter');
  const picked = await server.json(`/catalog/cards/${encodeURIComponent(options[1].id)}`);
  await page.waitForFunction((name) => document.querySelector('#card-name').textContent === name, picked.name);
  assert.ok((await page.innerText('#card-set')).includes(picked.set_name));
  assert.match(await page.innerText('#status-line'), /^Corrected/);
  assert.match(await page.innerText('#card-source'), /corrected by you$/);
  assert.ok(picked.printings.includes(await page.inputValue('#printing')));

  // Condition with "c", quantity with "+": the loop needs no mouse.
  await page.keyboard.press('c');
  assert.equal(await page.inputValue('#condition'), 'lightly played');
  await page.keyboard.press('+');
  assert.equal(await page.inputValue('#quantity'), '2');
  await shot('09-corrected');
  await page.keyboard.press('Enter');
  assert.match(await noticeText('added'), /Added ×2/);
  await waitCount(2);
  const collection = await server.json(`/collection?session=${encodeURIComponent(session)}`);
  assert.equal(collection.entries.length, 1, JSON.stringify(collection));
  assert.equal(collection.entries[0].card_id, picked.card_id);
  assert.equal(collection.entries[0].condition, 'lightly played');
  assert.equal(collection.entries[0].quantity, 2);
  await shot('10-corrected-confirmed');

  // The same page at a phone's width.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(args.screenshots, '11-phone.png'), fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone`);
  await page.setViewportSize({ width: 1280, height: 800 });
});

test('the webcam: a card laid in the frame is captured once when still, recognised and confirmed', async () => {
  // Chromium's fake camera plays a clip made from the photo: an empty table, then the card.
  const clip = path.join(tmp, 'camera.y4m');
  writeY4m(clip, await cameraFrames(page, PHOTO));
  cameraBrowser = await launchChromium([
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-video-capture=${clip}`,
  ]);
  const context = await cameraBrowser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(20_000);
  const cam = await context.newPage();
  cam.on('pageerror', (err) => console.error('page error:', err.message));
  await cam.goto(server.url + '/');
  await cam.click('#new-session');
  await cam.waitForSelector('#session-count[data-count="0"]');
  await cam.evaluate(() => {
    window.__camera = [];
    const frame = document.querySelector('#camera-frame');
    new MutationObserver(() => {
      if (window.__camera.at(-1) !== frame.dataset.state) window.__camera.push(frame.dataset.state);
    }).observe(frame, { attributes: true, attributeFilter: ['data-state'] });
  });
  await cam.click('#mode-camera');
  await cam.click('#camera-toggle');

  // Captured once the card lay still, and not again while it stays: the next capture waits for
  // the scene to change (the clip's empty table).
  await cam.waitForFunction(() => window.cardmint.captures >= 1, null, { timeout: 30_000 });
  const { states, captures } = await (
    await cam.waitForFunction(
      () => {
        const s = window.__camera;
        const at = s.indexOf('captured');
        return at !== -1 && s.indexOf('empty', at) !== -1 && { states: s.slice(), captures: window.cardmint.captures };
      },
      null,
      { timeout: 30_000 },
    )
  ).jsonValue();
  assert.equal(captures, 1, `captures before the scene changed: ${states}`);
  const order = ['steady', 'capture', 'captured'].map((s) => states.indexOf(s));
  assert.ok(order.every((i, k) => i !== -1 && (k === 0 || i > order[k - 1])), `camera states ${states}`);
  assert.ok(states.indexOf('empty') < order[0], `an empty frame before the card: ${states}`);

  await cam.waitForSelector('#result[data-status="verify"]', { timeout: 60_000 });
  assert.equal(await cam.innerText('#card-name'), truth.name);
  assert.ok((await cam.innerText('#card-set')).includes(truth.printed_number));
  await cam.screenshot({ path: path.join(args.screenshots, '12-camera.png') });
  // The first test left this card (same printing and condition) in the collection.
  const before = (await server.json('/collection')).entries.find((e) => e.card_id === truth.card_id && e.condition === 'near mint');
  assert.ok(before, 'the first test left the card in the collection');
  await cam.keyboard.press('Enter');
  assert.match(await cam.innerText('#notice[data-kind="merged"]'), new RegExp(`Already in collection: now ×${before.quantity + 1}`));
  await cam.waitForSelector('#session-count[data-count="1"]');
  await cam.click('#camera-toggle'); // stop
  assert.equal(await cam.getAttribute('#camera-frame', 'data-state'), 'off');
});

test('the dashboard turns red while the slow-request alert fires', async () => {
  // A second cardmintd whose alert fires on any answer slower than 1 ms, i.e. on every one.
  const slow = await Cardmintd.start({
    binary: args.cardmintd,
    flags: ['--catalog-db', data.catalog, '--threads', '1', '--cache-size', '0',
      '--alert-slow-ms', '1', '--alert-window', '1', '--alert-slow-share', '0'],
    env: {
      COLLECTION_DB: path.join(tmp, 'collection-alert.sqlite'),
      STATS_HISTORY_INTERVAL_MS: '500',
      WEB_ROOT: path.join(args['source-dir'], 'web'),
    },
    logPath: path.join(tmp, 'cardmintd-alert.log'),
  });
  try {
    await slow.waitReady(60_000);
    await page.goto(slow.url + '/dashboard');
    await page.waitForSelector('#tile-alerts[data-level="ok"]');
    assert.equal(await page.isVisible('#alert-banner'), false);
    const res = await fetch(`${slow.url}/recognize`, {
      method: 'POST',
      headers: { 'Content-Type': 'image/jpeg' },
      body: fs.readFileSync(PHOTO),
      signal: AbortSignal.timeout(60_000),
    });
    assert.equal(res.status, 200, await res.text());
    await page.waitForSelector('#alert-banner', { state: 'visible', timeout: 10_000 });
    assert.match(await page.innerText('#alert-banner'), /Slow requests — firing/);
    assert.equal(await page.innerText('#tile-alerts [data-value]'), '1 firing');
    assert.equal(await page.getAttribute('[data-alert="slow_requests"] .state-pill', 'data-firing'), 'true');
    await shot('13-alert-firing');
  } finally {
    await slow.stop(10_000);
  }
});

test('with API keys the page asks for one once, keeps it, and its scans are stored', async () => {
  const KEY = 'shop-counter-key-0123456789abcdef';
  const guarded = await Cardmintd.start({
    binary: args.cardmintd,
    flags: ['--catalog-db', data.catalog, '--threads', '1', '--cache-size', '0'],
    env: {
      COLLECTION_DB: path.join(tmp, 'collection-keys.sqlite'),
      WEB_ROOT: path.join(args['source-dir'], 'web'),
      API_KEYS: KEY,
      OPEN_READ: 'true',
    },
    logPath: path.join(tmp, 'cardmintd-keys.log'),
  });
  try {
    await guarded.waitReady(60_000);
    await page.goto(guarded.url + '/');
    const asked = [];
    const onDialog = (dialog) => {
      asked.push(dialog.message());
      dialog.accept(KEY);
    };
    page.on('dialog', onDialog);
    try {
      await upload();
      assert.equal(asked.length, 1, 'the page asks for the key once');
      assert.match(asked[0], /API key/);
      assert.equal(await page.evaluate(() => localStorage.getItem('cardmint.apiKey')), KEY);
      await page.keyboard.press('Enter');
      await waitCount(1);
      assert.equal(asked.length, 1, 'the kept key is sent without asking again');
    } finally {
      page.off('dialog', onDialog);
    }
    // Stored: the service's own listing (reads are open here) has the card.
    const res = await fetch(`${guarded.url}/collection`, { signal: AbortSignal.timeout(10_000) });
    const listed = await res.json();
    assert.equal(listed.summary.cards, 1);
    assert.equal(listed.entries[0].card_id, truth.card_id);
    // Without the key the same write is refused.
    const refused = await fetch(`${guarded.url}/collection/items`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ card_id: truth.card_id }),
      signal: AbortSignal.timeout(10_000),
    });
    assert.equal(refused.status, 401);
  } finally {
    await guarded.stop(10_000);
  }
});
