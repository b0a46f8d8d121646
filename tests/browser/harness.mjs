// What the browser test stands on: the real cardmintd on a free 127.0.0.1 port (its own catalog,
// price list and collection in a temporary folder) and the real Chromium driven by
// playwright-core. Everything started here is stopped by stopAll(), with a deadline, and
// SIGKILLed when node exits however it exits.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const CHROMIUM = process.env.CARDMINT_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// --name value pairs from the command line (CMake passes the built binaries' paths this way).
export function parseArgs(argv, required) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || i + 1 >= argv.length) throw new Error(`bad argument ${argv[i]}`);
    args[argv[i].slice(2)] = argv[i + 1];
  }
  for (const name of required) {
    if (!args[name]) throw new Error(`missing --${name}; usage: node scan_page_test.mjs ${required.map((n) => `--${n} X`).join(' ')}`);
  }
  return args;
}

const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

// Runs a command to its end within timeoutMs; throws with its output when it fails.
export function runChecked(argv, timeoutMs, options = {}) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', ...options });
  if (r.status !== 0) {
    throw new Error(`${argv.join(' ')} failed (${r.error ? r.error.message : `exit ${r.status}, signal ${r.signal}`}):\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

export function makeTempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardmint-browser-test-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// The catalog from the checkout's data/catalog and a shop price list (card_id, printing, market
// price) for `prices`.
export function prepareData({ cli, sourceDir, dir, prices }) {
  const catalog = path.join(dir, 'catalog.sqlite');
  runChecked([cli, 'catalog', 'import', '--from', path.join(sourceDir, 'data', 'catalog'), '--db', catalog], 180_000);
  const csv = path.join(dir, 'prices.csv');
  fs.writeFileSync(csv, ['card_id,printing,currency,low,mid,high,market', ...prices.map((p) => `${p.card_id},${p.printing},USD,,,,${p.market}`)].join('\n') + '\n');
  const priceDb = path.join(dir, 'prices.sqlite');
  runChecked([cli, 'prices', 'import', '--db', priceDb, csv], 60_000);
  return { catalog, priceDb };
}

export class Cardmintd {
  // Starts cardmintd on OCR and the catalog (no model), its port chosen by the kernel and read
  // from its "cardmintd listening on 127.0.0.1:PORT" line.
  static async start({ binary, flags = [], env = {}, logPath }) {
    const log = fs.openSync(logPath, 'w');
    const child = spawn(binary, ['--host', '127.0.0.1', '--port', '0', ...flags], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', log],
    });
    fs.closeSync(log);
    children.add(child);
    child.on('exit', () => children.delete(child));
    const server = new Cardmintd(child, logPath);
    server.port = await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`cardmintd printed no listening line in 30 s:\n${server.log()}`)), 30_000);
      child.stdout.on('data', (chunk) => {
        out += chunk;
        const m = out.match(/cardmintd listening on 127\.0\.0\.1:(\d+)\n/);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`cardmintd exited (${code ?? signal}) before listening:\n${server.log()}`));
      });
    });
    child.stdout.resume();
    return server;
  }

  constructor(child, logPath) {
    this.child = child;
    this.logPath = logPath;
    this.port = 0;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  log() {
    try {
      return fs.readFileSync(this.logPath, 'utf8').split('\n').slice(-40).join('\n');
    } catch {
      return '(no log)';
    }
  }

  async waitReady(timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      try {
        const res = await fetch(`${this.url}/ready`, { signal: AbortSignal.timeout(2000) });
        if (res.ok) return;
        last = `${res.status} ${await res.text()}`;
      } catch (err) {
        last = err.message;
      }
      if (this.child.exitCode !== null) break;
      await sleep(100);
    }
    throw new Error(`cardmintd not ready within ${timeoutMs} ms (last: ${last}):\n${this.log()}`);
  }

  async json(pathname, init) {
    const res = await fetch(this.url + pathname, { ...init, signal: AbortSignal.timeout(10_000) });
    const body = await res.json();
    if (!res.ok) throw new Error(`${pathname}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  }

  // SIGTERM (cardmintd drains and exits), SIGKILL when it is not gone within graceMs.
  async stop(graceMs = 10_000) {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const gone = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!gone) {
      child.kill('SIGKILL');
      await exited;
    }
  }
}

// Chromium through playwright-core. Both must be there: a missing one fails the test with what
// to install, never skips it.
export async function launchChromium(extraArgs = []) {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (scripts/install-deps.sh)`);
  }
  let playwright;
  try {
    playwright = await import('playwright-core');
  } catch (err) {
    throw new Error(`playwright-core is missing (${err.message}): run scripts/install-node-deps.sh`);
  }
  return playwright.chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs], timeout: 60_000 });
}

// Resolves to fn's value, or rejects after ms: nothing in the test may wait forever.
export function withDeadline(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
