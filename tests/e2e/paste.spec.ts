/**
 * Incidents pasted the way people paste them — one text in the paste box, as a shell transcript
 * or a Markdown thread — give the cause the separate files give; the page lists what the text
 * holds, lets the user correct a part's kind, and shows the fix under the part's own name.
 */
import { join } from 'node:path';
import { test, expect } from './fixtures.ts';
import { incidentInputs, paste, type Style } from '../intake/pastes.ts';

const INCIDENTS = join(import.meta.dirname, '../incidents');
const cases: { incident: string; style: Style; fixed: string }[] = [
  { incident: 'keepalive-race', style: 'markdown', fixed: 'nginx.conf' },
  { incident: 'app-timeout', style: 'shell', fixed: 'gunicorn.conf.py' },
  { incident: 'protocol-mismatch', style: 'bare', fixed: 'pasted #4 (uwsgi)' },
];

for (const { incident, style, fixed } of cases) {
  test(`${incident} pasted as one ${style} text: the cause, its parts, the fix by name`, async ({
    page,
  }) => {
    const files = incidentInputs(join(INCIDENTS, incident));
    const text = paste(files, style, [0, 3]);
    await page.goto('/');
    await expect(page.getByTestId('finding').first()).toBeVisible();
    await page.getByRole('button', { name: 'Clear everything' }).click();
    await page.getByLabel('Paste anything').fill(text);

    await expect(page.getByTestId('finding').first()).toHaveAttribute('data-cause', incident);
    // Every file is one part; the thread's sentences are listed as prose, set aside.
    await expect(
      page.getByTestId('segment').and(page.locator(':not([data-kind="prose"])')),
    ).toHaveCount(files.length);
    await expect(
      page.getByRole('tab', { name: new RegExp(`${fixed.replace(/[()#]/g, '.')} •`) }),
    ).toBeVisible();
  });
}

test("correcting a part's kind re-reads the paste that way", async ({ page }) => {
  const files = incidentInputs(join(INCIDENTS, 'app-timeout'));
  await page.goto('/');
  await expect(page.getByTestId('finding').first()).toBeVisible();
  await page.getByRole('button', { name: 'Clear everything' }).click();
  await page.getByLabel('Paste anything').fill(paste(files, 'shell'));
  await expect(page.getByTestId('finding').first()).toHaveAttribute('data-cause', 'app-timeout');
  const gunicorn = page.locator('[data-testid="segment"][data-kind="gunicorn"]');
  await expect(gunicorn).toHaveCount(1);
  await expect(page.getByRole('tab', { name: 'gunicorn.conf.py •' })).toBeVisible();
  // Set aside as prose, the config is not read: its timeout line is no longer edited (the
  // gunicorn log still shows the kills, so the cause stays).
  await gunicorn.getByRole('combobox').selectOption('prose');
  await expect(page.locator('[data-testid="segment"][data-kind="gunicorn"]')).toHaveCount(0);
  await expect(page.getByRole('tab', { name: 'gunicorn.conf.py •' })).toHaveCount(0);
  await expect(page.locator('[data-cause="app-timeout"]')).toBeVisible();
});
