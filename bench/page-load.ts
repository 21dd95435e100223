/**
 * Navigation to first finding on the bundled sample, in headless Debian Chromium against the
 * production build served by `vite preview` (cold cache, no service worker, each run in a new
 * browser context). Writes bench/results/page-load.json. Run `npm run build` first.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { chromium } from '@playwright/test';

const PORT = 4179;
const RUNS = Number(process.env.RUNS ?? 7);
const args = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function waitForServer(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server at ${url} did not start`);
}

const server = spawn(
  'npx',
  ['vite', 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'],
  {
    stdio: 'ignore',
    detached: true,
  },
);
try {
  await waitForServer(`http://127.0.0.1:${PORT}/`);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args });
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${PORT}/`);
    await page.waitForSelector('[data-testid="finding"]', { timeout: 30_000 });
    samples.push(await page.evaluate(() => performance.now()));
    await context.close();
  }
  await browser.close();
  samples.sort((a, b) => a - b);
  const result = {
    machine: `${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown'}`,
    runs: RUNS,
    navigationToFirstFindingMs: {
      median: Math.round(samples[Math.floor(samples.length / 2)]!),
      min: Math.round(samples[0]!),
      max: Math.round(samples.at(-1)!),
    },
  };
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(
    new URL('./results/page-load.json', import.meta.url),
    JSON.stringify(result, null, 2),
  );
  console.log(result);
} finally {
  process.kill(-server.pid!, 'SIGTERM');
}
