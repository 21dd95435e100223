import { readFileSync } from 'node:fs';
import { test as base, expect, type Page } from '@playwright/test';

/**
 * Every page test fails if the app asks anything of another origin: the app must work with
 * no network and must never send a user's input anywhere.
 */
export const test = base.extend<{ foreignRequests: string[] }>({
  foreignRequests: [
    async ({ context, baseURL }, use) => {
      const origin = new URL(baseURL!).origin;
      const foreign: string[] = [];
      context.on('request', (request) => {
        const url = request.url();
        if (/^(data|blob):/.test(url)) return;
        if (new URL(url).origin !== origin) foreign.push(url);
      });
      await use(foreign);
      expect(foreign, 'requests to other origins').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Clicks a download button and returns the file's suggested name and text. */
export async function downloadText(
  page: Page,
  testId: string,
): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId(testId).click(),
  ]);
  const path = await file.path();
  return { name: file.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

/** What "Remember my inputs" wrote to IndexedDB, as JSON ('' when nothing was written yet). */
export function storedInputs(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open('upstream-doctor');
        // Not there yet: do not create it (an empty database would break the app's saves).
        open.onupgradeneeded = () => open.transaction!.abort();
        open.onerror = () => (open.error?.name === 'AbortError' ? resolve('') : reject(open.error));
        open.onsuccess = () => {
          const get = open.result.transaction('inputs').objectStore('inputs').get('current');
          get.onsuccess = () => {
            open.result.close();
            resolve(JSON.stringify(get.result ?? null));
          };
        };
      }),
  );
}

/** Pastes text into the paste box the way a browser does (a paste event, not typing). */
export async function pasteText(page: Page, text: string): Promise<void> {
  await page.getByLabel('Paste anything').evaluate((area, pasted) => {
    const clipboardData = new DataTransfer();
    clipboardData.setData('text/plain', pasted);
    area.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }),
    );
  }, text);
}

/**
 * Switches on every safe fix left out of the default change (risks beside pasted failures),
 * so a test sees the widest patch the page can produce.
 */
export async function switchOnSafeFixes(page: Page): Promise<void> {
  const off = page
    .locator('[data-testid="finding"]')
    .filter({ hasText: 'off by default: not what failed' })
    .locator('input[data-testid="fix-toggle"]:not(:checked)');
  for (let n = await off.count(); n > 0; n--) {
    await off.first().click();
    await expect(off).toHaveCount(n - 1);
  }
}
