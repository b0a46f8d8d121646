// The webcam: a live picture with a card-shaped guide, captured by itself when a card lies still
// in the guide (steady.js decides when), or by hand.
import { SteadyDetector, toGray } from './steady.js';

const SAMPLE_MS = 100;

const HINTS = {
  empty: 'Place a card in the frame',
  moving: 'Hold still…',
  steady: 'Steady — capturing',
  capture: 'Captured',
  captured: 'Captured — swap the card',
};

export class Camera {
  // video: <video>; frame: the element whose data-state shows the guide's state; hint: text;
  // onCapture(blob): a captured picture.
  constructor({ video, frame, hint, onCapture }) {
    Object.assign(this, { video, frame, hint, onCapture });
    this.detector = new SteadyDetector();
    this.small = document.createElement('canvas');
    this.small.width = this.detector.options.width;
    this.small.height = this.detector.options.height;
    this.stream = null;
    this.timer = null;
  }

  get running() {
    return this.stream !== null;
  }

  async start() {
    if (this.running) return;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw new Error('this browser gives the page no camera (it needs https or localhost)');
    }
    this.stream = await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: 1920 }, height: { ideal: 1080 }, facingMode: 'environment' },
      audio: false,
    });
    this.video.srcObject = this.stream;
    await this.video.play();
    this.detector.unlock();
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
    if (this.stream) for (const track of this.stream.getTracks()) track.stop();
    this.stream = null;
    this.video.srcObject = null;
    this.show({ state: 'off', progress: 0 });
  }

  sample() {
    if (this.video.readyState < 2) return;
    const { width, height } = this.small;
    const ctx = this.small.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(this.video, 0, 0, width, height);
    const gray = toGray(ctx.getImageData(0, 0, width, height).data, width, height);
    const verdict = this.detector.feed(gray, performance.now());
    this.show(verdict);
    if (verdict.state === 'capture') this.capture();
  }

  show({ state, progress }) {
    this.frame.dataset.state = state;
    this.frame.style.setProperty('--progress', String(progress));
    if (this.hint) this.hint.textContent = HINTS[state] || 'Camera off';
  }

  // The full-resolution frame as a JPEG.
  capture() {
    const canvas = document.createElement('canvas');
    canvas.width = this.video.videoWidth;
    canvas.height = this.video.videoHeight;
    canvas.getContext('2d').drawImage(this.video, 0, 0);
    canvas.toBlob((blob) => blob && this.onCapture(blob), 'image/jpeg', 0.92);
  }
}
