// A webcam for the browser test: Chromium plays a Y4M file as its camera
// (--use-file-for-fake-video-capture), looping it. The file is made from a devset photo: a few
// frames of an empty table, then the photo held still, so the page's auto-capture sees a card
// arrive, lie still, and leave again on every loop.
import fs from 'node:fs';

export const FAKE_CAMERA = { width: 640, height: 360, fps: 5, emptyFrames: 5, cardFrames: 15 };

// RGBA → planar YUV 4:2:0 (BT.601, full range, as Y4M's default 420jpeg wants).
export function rgbaToI420(rgba, width, height) {
  const y = Buffer.alloc(width * height);
  const u = Buffer.alloc((width / 2) * (height / 2));
  const v = Buffer.alloc((width / 2) * (height / 2));
  const clamp = (x) => (x < 0 ? 0 : x > 255 ? 255 : Math.round(x));
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const p = (row * width + col) * 4;
      y[row * width + col] = clamp(0.299 * rgba[p] + 0.587 * rgba[p + 1] + 0.114 * rgba[p + 2]);
    }
  }
  for (let row = 0; row < height / 2; row++) {
    for (let col = 0; col < width / 2; col++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
        const p = ((row * 2 + dy) * width + col * 2 + dx) * 4;
        r += rgba[p] / 4;
        g += rgba[p + 1] / 4;
        b += rgba[p + 2] / 4;
      }
      u[row * (width / 2) + col] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
      v[row * (width / 2) + col] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
    }
  }
  return Buffer.concat([y, u, v]);
}

// Draws the photo letterboxed into a width × height frame, and an empty table of the same size,
// in the browser (which decodes JPEG); returns both frames' RGBA bytes.
export async function cameraFrames(page, photoPath, { width, height } = FAKE_CAMERA) {
  const b64 = fs.readFileSync(photoPath).toString('base64');
  const frames = await page.evaluate(
    async ({ b64, width, height }) => {
      const img = await createImageBitmap(await (await fetch(`data:image/jpeg;base64,${b64}`)).blob());
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const g = canvas.getContext('2d');
      const pixels = () => {
        const bytes = g.getImageData(0, 0, width, height).data;
        let text = '';
        for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        return btoa(text);
      };
      const table = () => {
        g.fillStyle = 'rgb(52, 38, 30)';
        g.fillRect(0, 0, width, height);
      };
      table();
      const empty = pixels();
      table();
      const w = (height * img.width) / img.height;
      g.drawImage(img, (width - w) / 2, 0, w, height);
      const card = pixels();
      return { empty, card };
    },
    { b64, width, height },
  );
  return { empty: Buffer.from(frames.empty, 'base64'), card: Buffer.from(frames.card, 'base64') };
}

// Writes the looping clip: emptyFrames of the table, then cardFrames of the photo.
export function writeY4m(file, frames, { width, height, fps, emptyFrames, cardFrames } = FAKE_CAMERA) {
  const empty = rgbaToI420(frames.empty, width, height);
  const card = rgbaToI420(frames.card, width, height);
  const out = fs.openSync(file, 'w');
  fs.writeSync(out, `YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`);
  for (let i = 0; i < emptyFrames + cardFrames; i++) {
    fs.writeSync(out, 'FRAME\n');
    fs.writeSync(out, i < emptyFrames ? empty : card);
  }
  fs.closeSync(out);
}
