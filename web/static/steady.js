// Webcam auto-capture: decides from small grayscale frames when a card lies still in the guide.
// Pure (typed arrays in, a state out), so node tests it without a camera.
//
// A frame is compared with the one before it (mean absolute difference of 0..255 pixels). The
// scene is steady while that stays under `steadyDiff`; after `steadyMs` of steadiness with
// something card-like inside the guide, the detector says 'capture' once and locks onto that
// frame. It stays 'captured' until the scene differs from the locked frame by more than
// `changeDiff` (the card was taken away or replaced), so one card is never captured twice.

export const DEFAULTS = Object.freeze({
  width: 64, // the frames the detector compares
  height: 48,
  steadyDiff: 5, // mean |Δ| between consecutive frames under which the scene is still
  steadyMs: 600, // how long it must stay still
  changeDiff: 14, // mean |Δ| from the captured frame that counts as a new scene
  minEdges: 7, // mean gradient inside the guide: something with print on it is there
  // The guide, as fractions of the frame: a card (63 × 88 mm) upright, centred.
  guide: { x: 0.33, y: 0.08, w: 0.34, h: 0.84 },
});

// RGBA bytes (canvas ImageData) → one luma byte per pixel.
export function toGray(rgba, width, height) {
  const gray = new Uint8Array(width * height);
  for (let i = 0, p = 0; i < gray.length; i++, p += 4) {
    gray[i] = (rgba[p] * 77 + rgba[p + 1] * 150 + rgba[p + 2] * 29) >> 8;
  }
  return gray;
}

export function meanAbsDiff(a, b) {
  if (!a || !b || a.length !== b.length) return Infinity;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

// Mean gradient magnitude and brightness inside and outside the guide rectangle.
export function regionStats(gray, width, height, guide = DEFAULTS.guide) {
  const x0 = Math.round(guide.x * width);
  const x1 = Math.round((guide.x + guide.w) * width);
  const y0 = Math.round(guide.y * height);
  const y1 = Math.round((guide.y + guide.h) * height);
  const acc = { in: [0, 0, 0], out: [0, 0, 0] }; // gradient sum, brightness sum, count
  for (let y = 0; y < height - 1; y++) {
    for (let x = 0; x < width - 1; x++) {
      const i = y * width + x;
      const g = Math.abs(gray[i + 1] - gray[i]) + Math.abs(gray[i + width] - gray[i]);
      const a = x >= x0 && x < x1 && y >= y0 && y < y1 ? acc.in : acc.out;
      a[0] += g;
      a[1] += gray[i];
      a[2] += 1;
    }
  }
  const mean = (a, k) => (a[2] ? a[k] / a[2] : 0);
  return {
    edgesIn: mean(acc.in, 0),
    edgesOut: mean(acc.out, 0),
    brightIn: mean(acc.in, 1),
    brightOut: mean(acc.out, 1),
  };
}

// Something card-like in the guide: print inside it (edges), standing out from what is around
// it by more detail or by its brightness.
export function looksLikeCard(stats, options = DEFAULTS) {
  if (stats.edgesIn < options.minEdges) return false;
  return stats.edgesIn >= 1.15 * stats.edgesOut || Math.abs(stats.brightIn - stats.brightOut) >= 12;
}

export class SteadyDetector {
  constructor(options = {}) {
    this.options = { ...DEFAULTS, ...options };
    this.previous = null;
    this.steadySince = null;
    this.locked = null;
  }

  // Forget the locked frame: the next steady card is captured even if it is the same scene.
  unlock() {
    this.locked = null;
    this.steadySince = null;
  }

  // One frame (gray, options.width × options.height) at time `now` (ms) →
  // {state: 'empty'|'moving'|'steady'|'capture'|'captured', progress: 0..1, diff, card}.
  feed(gray, now) {
    const o = this.options;
    const diff = meanAbsDiff(this.previous, gray);
    this.previous = gray;
    const card = looksLikeCard(regionStats(gray, o.width, o.height, o.guide), o);
    if (this.locked) {
      if (meanAbsDiff(this.locked, gray) <= o.changeDiff) {
        return { state: 'captured', progress: 1, diff, card };
      }
      this.locked = null;
    }
    if (!card) {
      this.steadySince = null;
      return { state: 'empty', progress: 0, diff, card };
    }
    if (!(diff <= o.steadyDiff)) {
      this.steadySince = null;
      return { state: 'moving', progress: 0, diff, card };
    }
    if (this.steadySince === null) this.steadySince = now;
    const progress = Math.min(1, (now - this.steadySince) / o.steadyMs);
    if (progress < 1) return { state: 'steady', progress, diff, card };
    this.locked = gray;
    this.steadySince = null;
    return { state: 'capture', progress: 1, diff, card };
  }
}
