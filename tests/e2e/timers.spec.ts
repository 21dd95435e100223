import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from './fixtures.ts';

const dir = join(import.meta.dirname, '../incidents/app-timeout-router/input');
const files = readdirSync(dir).map((name) => ({
  name,
  mimeType: 'text/plain',
  buffer: readFileSync(join(dir, name)),
}));

test('the timer ladder draws every timer on the failing path and marks the one that fired', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();
  await page.getByRole('button', { name: 'Clear everything' }).click();
  await page.getByTestId('file-input').setInputFiles(files);
  const ladder = page.getByTestId('timer-ladder');
  await expect(ladder).toBeVisible();
  await expect(ladder.locator('caption')).toContainText(
    'Timers on the path of reports.example.com location /',
  );
  await expect(ladder.locator('caption')).toContainText(
    'The 2 failed requests ended at 60 s: uWSGI (Procfile) http-timeout fired.',
  );
  // A table: each timer a row header, shortest first, with its value.
  const rows = ladder.locator('tbody tr');
  await expect(rows.locator('th code')).toHaveText([
    'socket-timeout',
    'http-timeout',
    'keepalive_timeout',
    'proxy_read_timeout',
  ]);
  await expect(rows.locator('td.value')).toHaveText(['4 s', '60 s', '75 s', '300 s']);
  await expect(rows.nth(1)).toHaveAttribute('data-fired', 'true');
  await expect(rows.nth(2)).toContainText('idle connections');
  await expect(rows.nth(3)).toHaveAttribute('data-fired', 'false');
  // The dashed line where the failures ended sits at the fired bar's end.
  const bar = await rows.nth(1).locator('.bar').boundingBox();
  const line = await rows.nth(1).locator('.failed').boundingBox();
  expect(Math.abs(bar!.x + bar!.width - line!.x)).toBeLessThan(3);
});
