import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

interface AxeResult {
  violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
}

/**
 * Runs axe-core in the page. The script is served from the app's own origin so the page's
 * strict CSP stays on during the check (an inline script would be refused, rightly).
 */
async function axe(page: Page): Promise<AxeResult['violations']> {
  await page.route('**/__axe.min.js', (route) =>
    route.fulfill({ contentType: 'text/javascript', body: axeSource }),
  );
  await page.addScriptTag({ url: '/__axe.min.js' });
  const result = await page.evaluate(async () => {
    const w = window as unknown as {
      axe: { run: (ctx: unknown, opts: unknown) => Promise<unknown> };
    };
    // Monaco included: its text areas are named and its theme (monaco/theme.ts) passes 4.5:1.
    return (await w.axe.run(document, { resultTypes: ['violations'] })) as AxeResult;
  });
  return result.violations.map((v) => ({ ...v, nodes: v.nodes.slice(0, 3) }));
}

async function ready(page: Page, url = '/') {
  await page.goto(url);
  await expect(page.locator('[data-testid="finding"]').first()).toBeVisible();
  await expect(page.getByTestId('diff-view').locator('.monaco-diff-editor')).toBeVisible();
}

test('axe finds no accessibility violations, light and dark, diff marked, dialog open, embed', async ({
  page,
}) => {
  await ready(page, '/?sample=app-timeout');
  // The diff open on a card's change and on an evidence line: both marks drawn.
  await page.locator('[data-testid="finding"]').first().getByTestId('show-change').click();
  await expect(page.locator('.change-line').first()).toBeVisible();
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    expect(await axe(page), scheme).toEqual([]);
  }
  await page.locator('[data-testid="finding"] button.loc').first().click();
  await expect(page.locator('.evidence-line').first()).toBeVisible();
  expect(await axe(page), 'dark, evidence line marked').toEqual([]);
  await page.getByTestId('edit-inputs').click();
  expect(await axe(page), 'dark, inputs open').toEqual([]);
  await page.getByTestId('share-open').click();
  await expect(page.getByTestId('share-dialog')).toBeVisible();
  expect(await axe(page), 'dark, share dialog').toEqual([]);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto('/embed.html?sample=keepalive-race');
    await expect(page.locator('[data-testid="finding"]').first()).toBeVisible();
    expect(await axe(page), `embed, ${scheme}`).toEqual([]);
  }
});

test('the CSP is strict and Monaco and both workers run under it', async ({ page }) => {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await ready(page);
  const policy = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute('content');
  expect(policy).toContain("default-src 'self'");
  expect(policy).toContain("script-src 'self'");
  expect(policy).not.toMatch(/https?:|\*|unsafe-eval/);
  // The engine worker answered (findings) and Monaco's editor worker was started.
  const workers = await page.evaluate(() =>
    performance.getEntriesByType('resource').map((r) => r.name),
  );
  expect(workers.some((n) => /engine\.worker-.*\.js$/.test(n))).toBe(true);
  await expect
    .poll(() => page.evaluate(() => performance.getEntriesByType('resource').map((r) => r.name)))
    .toContainEqual(expect.stringMatching(/editor\.worker-.*\.js$/));
  await expect(page.getByTestId('diff-view').locator('.line-insert').first()).toBeVisible();
  expect(
    await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
  ).toEqual([]);
});

test('keyboard only: every control is reached with Tab, focus is visible, a fix toggles', async ({
  page,
}) => {
  await ready(page);
  const toggle = page
    .locator('[data-testid="finding"][data-cause="keepalive-inert"]')
    .getByTestId('fix-toggle');
  await expect(toggle).toBeChecked();
  let reached = false;
  for (let i = 0; i < 60 && !reached; i++) {
    await page.keyboard.press('Tab');
    const focus = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      return {
        toggle: el.matches('[data-testid="fix-toggle"]'),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1,
        label: el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40) ?? el.tagName,
      };
    });
    expect(focus, `focus lost after ${i + 1} Tab presses`).not.toBeNull();
    expect(focus!.outline, `no visible focus on ${focus!.label}`).toBe(true);
    reached = focus!.toggle;
  }
  expect(reached, 'the first fix toggle is reachable by Tab').toBe(true);
  // From the card, its change: Tab to "Show its change", Enter; then walk the changes by key.
  const show = page
    .locator('[data-testid="finding"][data-cause="keepalive-inert"]')
    .getByTestId('show-change');
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('Tab');
    if (await show.evaluate((el) => el === document.activeElement)) break;
  }
  await expect(show).toBeFocused();
  await page.keyboard.press('Enter');
  const position = page.getByTestId('change-position');
  await expect(position).toContainText(/Change 1 of \d+/);
  await page.keyboard.press('n');
  await expect(position).toContainText(/Change 2 of \d+/);
  await page.keyboard.press('p');
  await expect(position).toContainText(/Change 1 of \d+/);
  // Back to the toggle, switched off by the keyboard too.
  await toggle.focus();
  await page.keyboard.press('Space');
  await expect(toggle).not.toBeChecked();
});

test('readable at 1280×720 and at 390 px: no sideways scrolling, the summary on screen', async ({
  page,
}) => {
  for (const size of [
    { width: 1280, height: 720 },
    { width: 390, height: 844 },
  ]) {
    await page.setViewportSize(size);
    await ready(page, '/?sample=app-timeout');
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, `horizontal overflow at ${size.width}px`).toBeLessThanOrEqual(0);
    const fontSize = await page
      .getByTestId('summary-lead')
      .evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(fontSize).toBeGreaterThanOrEqual(14);
  }
});

test('light and dark themes follow the system', async ({ page }) => {
  await ready(page);
  const background = () =>
    page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  await page.emulateMedia({ colorScheme: 'light' });
  expect(await background()).toBe('rgb(251, 251, 250)');
  await page.emulateMedia({ colorScheme: 'dark' });
  expect(await background()).toBe('rgb(22, 24, 28)');
  await expect(page.locator('.monaco-editor.vs-dark').first()).toBeVisible();
});

test('no layout shift when Monaco arrives: its box is reserved', async ({ page }) => {
  // Hold Monaco back so the text fallback is measured first.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/diff-editor-.*\.js$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.addInitScript(() => {
    const w = window as unknown as { shift: number };
    w.shift = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as unknown as { value: number }[])
        w.shift += entry.value;
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto('/');
  await expect(page.getByTestId('diff-view')).toContainText('+++ b/');
  const before = await page.getByTestId('diff-view').boundingBox();
  const findingBefore = await page.getByTestId('finding').first().boundingBox();
  const shiftBefore = await page.evaluate(() => (window as unknown as { shift: number }).shift);
  release();
  await expect(page.getByTestId('diff-view').locator('.monaco-diff-editor')).toBeVisible();
  await page.waitForTimeout(300);
  const after = await page.getByTestId('diff-view').boundingBox();
  expect(after).toEqual(before);
  expect(await page.getByTestId('finding').first().boundingBox()).toEqual(findingBefore);
  const shiftAfter = await page.evaluate(() => (window as unknown as { shift: number }).shift);
  expect(shiftAfter - shiftBefore).toBeLessThan(0.01);
});
