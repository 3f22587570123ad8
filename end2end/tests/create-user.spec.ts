import { test, expect, Page } from '@playwright/test';
import { rootSignIn } from './demo';


async function createUser(page: Page, name: string, path: string) {
  await page.goto('/console/users/new');
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Path').fill(path);
  await page.getByRole('button', { name: 'Create user' }).click();
}

for (const js of [true, false]) {
  test.describe(js ? 'with JavaScript' : 'without JavaScript', () => {
    test.use({ javaScriptEnabled: js });

    test('create user: every broken rule is shown at its field, then the user is created', async ({ page }) => {
      const name = js ? 'new.user-js' : 'new.user-nojs';
      const path = js ? '/eng/platform-js/' : '/eng/platform-nojs/';
      await rootSignIn(page);
      await createUser(page, 'bad name!', 'eng');
      const alert = page.getByRole('alert');
      await expect(alert).toContainText("userName: may contain only letters");
      await expect(alert).toContainText('path: must begin and end with a forward slash');
      await expect(page.getByLabel('User name')).toHaveAttribute('aria-invalid', 'true');
      await expect(page.getByLabel('Path')).toHaveAttribute('aria-invalid', 'true');
      const describedBy = await page.getByLabel('User name').getAttribute('aria-describedby');
      await expect(page.locator(`#${describedBy!.split(' ')[0]}`)).toContainText('may contain only letters');

      // A name that differs only in case from an existing user is refused.
      await createUser(page, 'ALICE', '/');
      await expect(page.getByRole('alert')).toContainText('User with name ALICE already exists.');

      await createUser(page, name, path);
      await expect(page).toHaveURL(`/console/users?path=${encodeURIComponent(path)}`);
      await expect(page.getByRole('cell', { name, exact: true })).toBeVisible();
      await expect(page.getByTestId('users-total')).toHaveText(`1 user with paths starting ${path}`);
    });
  });
}
