// The pages' modules that need no browser: server-sent event frames as fetch() hands them over
// (split anywhere), the webcam's auto-capture decisions on synthetic frames, and chart ticks.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { niceTicks, timeTicks } from '../../web/static/charts.js';
import { parseFrames, readEventStream } from '../../web/static/sse.js';
import { DEFAULTS, SteadyDetector, looksLikeCard, meanAbsDiff, regionStats, toGray } from '../../web/static/steady.js';

const STREAM =
  'event: detected\ndata: {"elapsed_ms":12.5,"source":"ocr"}\n\n' +
  'event: quick\r\ndata: {"name":"Pikachu é","source":"ocr"}\r\n\r\n' +
  ': a comment\n\n' +
  'event: complete\ndata: {"card":null,\ndata: "confidence":0}\n\n';

test('frames: every event with its JSON, CRLF and comments handled, the unfinished rest kept', () => {
  const { frames, rest } = parseFrames(STREAM + 'event: price\ndata: {"pri');
  assert.deepEqual(
    frames.map((f) => f.event),
    ['detected', 'quick', 'complete'],
  );
  assert.equal(JSON.parse(frames[1].data).name, 'Pikachu é');
  assert.deepEqual(JSON.parse(frames[2].data), { card: null, confidence: 0 }); // two data lines
  assert.equal(rest, 'event: price\ndata: {"pri');
});

test('a stream split at every byte gives the same events in the same order', async () => {
  const bytes = new TextEncoder().encode(STREAM + 'event: price\ndata: {"price":1.5}'); // no final blank line
  for (const size of [1, 2, 7, bytes.length]) {
    const body = new ReadableStream({
      start(controller) {
        for (let i = 0; i < bytes.length; i += size) controller.enqueue(bytes.slice(i, i + size));
        controller.close();
      },
    });
    const seen = [];
    await readEventStream(body, (name, data) => seen.push([name, data]));
    assert.deepEqual(
      seen.map(([n]) => n),
      ['detected', 'quick', 'complete', 'price'],
      `chunks of ${size}`,
    );
    assert.equal(seen[1][1].name, 'Pikachu é', `chunks of ${size}: UTF-8 split across chunks`);
    assert.deepEqual(seen[3][1], { price: 1.5 });
  }
});

// A w × h frame: a flat table with noise, and optionally a "card" (bright, printed) in the guide,
// shifted by dx pixels.
function frame({ card = true, dx = 0, noise = 2, seed = 1 } = {}) {
  const { width: w, height: h, guide } = DEFAULTS;
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const gray = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let v = 70;
      const gx = (x - dx) / w;
      const gy = y / h;
      if (card && gx >= guide.x && gx < guide.x + guide.w && gy >= guide.y && gy < guide.y + guide.h) {
        v = 200 - ((Math.floor(x - dx) * 7 + y * 13) % 5 === 0 ? 120 : 0); // print on a light card
      }
      gray[y * w + x] = Math.max(0, Math.min(255, v + Math.round((rand() - 0.5) * 2 * noise)));
    }
  }
  return gray;
}

test('gray and difference', () => {
  assert.deepEqual([...toGray(new Uint8Array([255, 255, 255, 255, 0, 0, 0, 255]), 2, 1)], [255, 0]);
  assert.equal(meanAbsDiff(new Uint8Array([0, 10]), new Uint8Array([4, 0])), 7);
  assert.equal(meanAbsDiff(null, new Uint8Array([1])), Infinity);
});

test('a card in the guide looks like a card; an empty table does not', () => {
  const { width, height } = DEFAULTS;
  assert.equal(looksLikeCard(regionStats(frame(), width, height)), true);
  assert.equal(looksLikeCard(regionStats(frame({ card: false }), width, height)), false);
});

test('captures once after the card is steady for steadyMs, not while it moves, not twice', () => {
  const d = new SteadyDetector();
  const states = [];
  let t = 0;
  const feed = (f) => {
    const v = d.feed(f, t);
    t += 100;
    states.push(v.state);
    return v;
  };
  feed(frame({ card: false, seed: 1 }));
  assert.equal(feed(frame({ card: false, seed: 2 })).state, 'empty');
  // Sliding in: moving.
  for (const dx of [-12, -8, -4]) assert.equal(feed(frame({ dx, seed: dx + 50 })).state, 'moving');
  // Still: steady until 600 ms have passed, then one capture.
  const still = [];
  for (let i = 0; i < 12; i++) still.push(feed(frame({ seed: 100 + i })).state);
  assert.equal(still.filter((s) => s === 'capture').length, 1, still.join());
  assert.ok(still.indexOf('capture') >= 6, `captured after ${still.indexOf('capture')} steady frames`);
  assert.deepEqual(still.slice(still.indexOf('capture') + 1), still.slice(still.indexOf('capture') + 1).map(() => 'captured'));
  // Taken away and a card laid down again: a new capture.
  assert.equal(feed(frame({ card: false, seed: 300 })).state, 'empty');
  feed(frame({ seed: 301 }));
  const again = [];
  for (let i = 0; i < 10; i++) again.push(feed(frame({ seed: 400 + i })).state);
  assert.equal(again.filter((s) => s === 'capture').length, 1, again.join());
});

test('chart ticks are round numbers covering the range', () => {
  assert.deepEqual(niceTicks(0, 573, 4), [0, 200, 400, 600]);
  assert.deepEqual(niceTicks(0, 1, 4), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(niceTicks(0, 1, 4, true), [0, 1]);
  assert.deepEqual(niceTicks(0, 0, 4), [0, 0.25, 0.5, 0.75, 1]);
});

test('time ticks fall on round seconds or minutes inside the range', () => {
  const t0 = Date.UTC(2026, 0, 1, 12, 0, 3, 400);
  assert.deepEqual(
    timeTicks(t0, t0 + 9000, 5).ticks.map((t) => (t - Date.UTC(2026, 0, 1, 12)) / 1000),
    [4, 6, 8, 10, 12],
  );
  const { ticks, step } = timeTicks(t0, t0 + 3600_000, 4);
  assert.equal(step, 900_000);
  assert.ok(ticks.every((t) => t % 900_000 === 0 && t >= t0 && t <= t0 + 3600_000));
});
