// Keyboard only: Add users from the first field to the shown-once secrets with Tab, Space and
// Enter; a rejected step puts focus on the alert; every control reached shows a focus ring.
import { test, expect, Page } from '@playwright/test';
import { rootSignIn } from './demo';
import { createAccount, uniqueEmail } from './cli';

/** What assistive technology would call the focused element, roughly: its label or its text. */
async function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return '';
    const labelled = (el as HTMLInputElement).labels?.[0]?.textContent;
    return (labelled ?? el.getAttribute('aria-label') ?? el.textContent ?? '').trim();
  });
}

/** Presses Tab until the control named `name` has focus, checking each stop shows a focus ring. */
async function tabTo(page: Page, name: string) {
  for (let i = 0; i < 120; i++) {
    await page.keyboard.press('Tab');
    const ring = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return 'body';
      const style = getComputedStyle(el);
      return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 ? 'ring' : `none on ${el.outerHTML.slice(0, 80)}`;
    });
    expect(ring === 'ring' || ring === 'body', `focus ring: ${ring}`).toBe(true);
    if ((await focusedName(page)) === name) return;
  }
  throw new Error(`Tab never reached "${name}"`);
}

for (const js of [true, false]) {
  test.describe(js ? 'with JavaScript' : 'without JavaScript', () => {
    test.use({ javaScriptEnabled: js });

    test('keyboard only: Add users, with focus on the first problem and then on the secrets', async ({ page }) => {
      const suffix = js ? 'js' : 'nojs';
      const email = uniqueEmail(`kbd-${suffix}`);
      createAccount(`kbd-${suffix}`, email, 'Kbd-Root-Passw0rd!');
      await rootSignIn(page, email, 'Kbd-Root-Passw0rd!');
      await page.goto('/console/users/new');
      if (js) await page.locator('body[data-hydrated]').waitFor();

      await tabTo(page, 'User name');
      await page.keyboard.type('bad name!');
      await tabTo(page, 'Create user');
      await page.keyboard.press('Enter');
      await expect(page.getByRole('alert')).toBeFocused();

      await page.getByLabel('User name', { exact: true }).focus();
      await page.keyboard.press('Control+A');
      await page.keyboard.type(`kbd-${suffix}`);
      await tabTo(page, 'Provide user access to the console');
      await page.keyboard.press('Space');
      await tabTo(page, 'Create an access key');
      await page.keyboard.press('Space');
      await tabTo(page, 'Next');
      await page.keyboard.press('Enter');
      await expect(page).toHaveURL(/step=permissions/);
      await tabTo(page, 'Next');
      await page.keyboard.press('Enter');
      await expect(page).toHaveURL(/step=tags/);
      await tabTo(page, 'Next');
      await page.keyboard.press('Enter');
      await expect(page).toHaveURL(/step=review/);
      await tabTo(page, 'Create users');
      await page.keyboard.press('Enter');
      await expect(page).toHaveURL(/step=done/);
      await expect(page.locator('#shown-once')).toBeFocused();
      await expect(page.getByTestId('secret-access-key')).toHaveText(/^\S{40}$/);
    });
  });
}
