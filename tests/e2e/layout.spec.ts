import { test, expect } from './fixtures.ts';
import type { Page } from '@playwright/test';

const box = async (page: Page, selector: string) =>
  (await page.locator(selector).first().boundingBox())!;

test.describe('a wide screen (1366 × 768)', () => {
  test.use({ viewport: { width: 1366, height: 768 } });

  test('the story on the left, the diff beside it, following the reader down the page', async ({
    page,
  }) => {
    await page.goto('/');
    await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();
    // The inputs fold into a bar of chips; the full panel is one button away.
    await expect(page.getByTestId('input-bar')).toBeVisible();
    await expect(page.getByTestId('input-chip')).toHaveText([
      /pasted text\s+log/,
      /sites-enabled\/shop\.conf\s+nginx/,
    ]);
    await expect(page.getByLabel('Paste anything')).toHaveCount(0);

    const card = await box(page, '[data-testid="finding"]');
    const diff = await box(page, '[data-testid="diff"]');
    expect(diff.x).toBeGreaterThan(card.x + card.width);
    // What happened and the first cause's title are on the first screen.
    expect((await box(page, '#finding-1-title')).y + 20).toBeLessThan(768);
    expect(diff.y).toBeLessThan(768);

    // Reading the risks far below, the diff is still beside them.
    await page.getByTestId('risks-heading').scrollIntoViewIfNeeded();
    await page.mouse.wheel(0, 600);
    await page.waitForTimeout(200);
    const stuck = await box(page, '[data-testid="diff"]');
    expect(stuck.y).toBeGreaterThanOrEqual(0);
    expect(stuck.y).toBeLessThan(40);
    expect(stuck.y + stuck.height).toBeLessThanOrEqual(768);
  });

  test('a card takes the diff to its change; next and previous walk them by button and key', async ({
    page,
  }) => {
    await page.goto('/?sample=app-timeout');
    await expect(page.locator('[data-cause="app-timeout"]').first()).toBeVisible();
    await expect(page.getByTestId('diff-view').locator('.monaco-diff-editor')).toBeVisible();
    const position = page.getByTestId('change-position');
    await expect(position).toContainText(/\d+ changes? in \d+ files?/);

    const first = page.locator('[data-testid="finding"]').first();
    await first.getByTestId('show-change').click();
    await expect(position).toContainText(/Change \d+ of \d+: #1\s/);
    await expect(first).toHaveAttribute('aria-current', 'true');
    // The marked line is the change: the card's timeout, rewritten on the fixed side.
    const marked = page.locator('.editor.modified .view-overlays .change-line').first();
    await expect(marked).toBeVisible();
    const top = (await marked.boundingBox())!.y;
    const { lineAt, inserted } = await page.evaluate((y) => {
      const near = (selector: string) =>
        [...document.querySelectorAll(`.editor.modified ${selector}`)].find(
          (l) => Math.abs(l.getBoundingClientRect().y - y) < 4,
        );
      return {
        lineAt: near('.view-line')?.textContent?.replace(/\u00a0/g, ' ') ?? '',
        // Monaco's own mark of a line the diff added or changed, at the same height.
        inserted: near('.view-overlays .line-insert') !== undefined,
      };
    }, top);
    expect(lineAt).toMatch(/timeout/);
    expect(inserted).toBe(true);

    // Next / previous by button…
    const total = Number((await position.textContent())!.match(/of (\d+)/)![1]);
    const at = async () => Number((await position.textContent())!.match(/Change (\d+)/)![1]);
    const start = await at();
    await page.getByTestId('next-change').click();
    await expect.poll(at).toBe((start % total) + 1);
    await page.getByTestId('prev-change').click();
    await expect.poll(at).toBe(start);
    // …and by key, from anywhere but a text field.
    await page.locator('h1').click();
    await page.keyboard.press('n');
    await expect.poll(at).toBe((start % total) + 1);
    await page.keyboard.press('p');
    await expect.poll(at).toBe(start);
  });

  test('no diff editor when nothing is changed: one line says so', async ({ page }) => {
    await page.goto('/?sample=backend-down');
    await expect(page.locator('[data-cause="backend-down"]')).toBeVisible();
    await expect(page.getByTestId('no-change')).toContainText(
      'No automatic change is proposed for these inputs.',
    );
    await expect(page.getByTestId('diff-view')).toBeHidden();
    // An evidence line asked for still opens its file there.
    await page.locator('[data-testid="finding"] button.loc').first().click();
    await expect(page.getByTestId('diff-view').locator('.monaco-diff-editor')).toBeVisible();
  });

  test('edit inputs reopens the panel; a paste into the empty box folds it again', async ({
    page,
    context,
  }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto('/');
    await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();
    await page.getByTestId('edit-inputs').click();
    await expect(page.getByLabel('Paste anything')).toBeVisible();
    await page.getByTestId('done-editing').click();
    await expect(page.getByTestId('input-bar')).toBeVisible();

    await page.getByRole('button', { name: 'Clear everything' }).click();
    await expect(page.getByLabel('Paste anything')).toBeVisible();
    // A real paste (the browser inserts the text), not typing.
    await page.evaluate(() =>
      navigator.clipboard.writeText(
        '2026/12/01 10:00:00 [error] 7#7: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: _, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8000/", host: "a"\n',
      ),
    );
    await page.getByLabel('Paste anything').focus();
    await page.keyboard.press('Control+V');
    await expect(page.getByTestId('input-bar')).toBeVisible();
    await expect(page.getByTestId('input-chip')).toHaveCount(1);
  });

  test('a paste into the bar replaces the sample; over your own inputs it adds to them', async ({
    page,
  }) => {
    await page.goto('/?sample=app-timeout');
    await expect(page.locator('[data-cause="app-timeout"]').first()).toBeVisible();
    const line =
      '2026/12/01 10:00:00 [error] 7#7: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: _, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8000/", host: "a"';
    const pasteInBar = (text: string) =>
      page.getByTestId('paste-more').evaluate((area, pasted) => {
        const data = new DataTransfer();
        data.setData('text/plain', pasted);
        area.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
      }, text);
    await pasteInBar(line);
    await expect(page.getByLabel('Sample incident')).toHaveValue('');
    await expect(page.locator('[data-cause="app-timeout"]')).toHaveCount(0);
    await expect(page.getByTestId('input-chip')).toHaveCount(1);
    expect(new URL(page.url()).search).toBe('');

    await pasteInBar('[uwsgi]\nhttp-socket = :8000\nharakiri = 30\n');
    await page.getByTestId('edit-inputs').click();
    await expect(page.getByLabel('Paste anything')).toHaveValue(
      /Connection refused[\s\S]*harakiri = 30/,
    );
  });
});

test.describe('a phone (390 × 844)', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('what happened and the first cause on the first screen, its change right under the causes', async ({
    page,
  }) => {
    // A second sample with a longer story (several app-side lines just before the failures).
    await page.goto('/?sample=app-timeout');
    await expect(page.locator('[data-cause="app-timeout"]').first()).toBeVisible();
    expect((await box(page, '#finding-1-title')).y + 20).toBeLessThan(844);
    await page.goto('/');
    await expect(page.locator('[data-cause="keepalive-inert"]')).toBeVisible();
    expect((await box(page, '[data-testid="incident-summary"]')).y).toBeLessThan(844);
    expect((await box(page, '#finding-1-title')).y + 20).toBeLessThan(844);
    const causes = await box(page, '[data-testid="causes"]');
    const diff = await box(page, '[data-testid="diff"]');
    const risks = await box(page, '[data-testid="risks"]');
    expect(diff.y).toBeGreaterThanOrEqual(causes.y + causes.height);
    expect(diff.y + diff.height).toBeLessThanOrEqual(risks.y);
    // Nothing runs off the side of a phone.
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBe(0);
  });
});
