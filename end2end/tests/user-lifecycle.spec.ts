import { test, expect, Page } from '@playwright/test';
import { rootSignIn, DEMO_HOST, GENERIC_FAILURE } from './demo';

async function createTaggedUser(page: Page, name: string) {
  await page.goto('/console/users/new');
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Path').fill('/lifecycle/');
  // Add users: details, permissions (none), then tags, and the review's `Create users`.
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL(/step=permissions/);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Tag key 1').fill('team');
  await page.getByLabel('Tag value 1').fill('platform');
  await page.getByLabel('Tag key 2').fill('cost-center');
  await page.getByLabel('Tag value 2').fill('42');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Create users' }).click();
  await expect(page).toHaveURL(/\/console\/users\?path=%2Flifecycle%2F$/);
  await page.getByRole('link', { name, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/console/users/${name.replace('.', '\\.')}$`));
}

for (const js of [true, false]) {
  test.describe(js ? 'with JavaScript' : 'without JavaScript', () => {
    test.use({ javaScriptEnabled: js });

    test('tags: created with the user, edited on their page, bad ones refused', async ({ page }) => {
      const name = js ? 'tagged-js' : 'tagged-nojs';
      await rootSignIn(page);
      await createTaggedUser(page, name);
      const table = page.getByTestId('user-tags');
      await expect(table.getByRole('row')).toHaveCount(3);
      await expect(table.getByRole('row', { name: 'team platform' })).toBeVisible();

      // Keys are unique ignoring case; the aws: prefix is reserved. Nothing is saved.
      await page.getByLabel('Tag key 3').fill('TEAM');
      await page.getByLabel('Tag key 4').fill('aws:owner');
      await page.getByRole('button', { name: 'Save tags' }).click();
      const alert = page.getByRole('alert');
      await expect(alert).toContainText('the key TEAM is used twice');
      await expect(alert).toContainText('keys starting with aws: are reserved');
      await expect(page.getByLabel('Tag key 4')).toHaveValue('aws:owner');
      await page.goto(`/console/users/${name}`);
      await expect(page.getByTestId('user-tags').getByRole('row')).toHaveCount(3);

      // Clearing a row removes its tag; changing a value keeps the key.
      await page.getByLabel('Tag key 1').fill('');
      await page.getByLabel('Tag value 1').fill('');
      await page.getByLabel('Tag value 2').fill('ops');
      await page.getByRole('button', { name: 'Save tags' }).click();
      await expect(page.getByTestId('user-tags').getByRole('row')).toHaveCount(2);
      await expect(page.getByTestId('user-tags').getByRole('row', { name: 'team ops' })).toBeVisible();
    });

    test('delete user: the name must be typed again, then the user is gone', async ({ page }) => {
      const name = js ? 'leaver-js' : 'leaver-nojs';
      await rootSignIn(page);
      await createTaggedUser(page, name);
      await page.getByRole('button', { name: 'Delete user' }).click();
      await page.getByLabel('Confirm user name').fill('someone-else');
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      await expect(page.getByRole('alert')).toContainText(`type the user name exactly as shown (${name})`);
      await expect(page.getByLabel('Confirm user name')).toHaveAttribute('aria-invalid', 'true');

      await page.getByLabel('Confirm user name').fill(name);
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      await expect(page).toHaveURL(/\/console\/users\?path=%2Flifecycle%2F$/);
      await expect(page.getByRole('link', { name, exact: true })).toHaveCount(0);
      await page.goto(`/console/users/${name}`);
      await expect(page.getByRole('alert')).toContainText(`The user with name ${name} cannot be found.`);
    });
  });
}

test('an administrator sees a user locked by failed sign-ins and clears the lock', async ({ page, browser }) => {
  await rootSignIn(page);
  await createTaggedUser(page, 'locked.out');
  await expect(page.getByTestId('sign-in-lock')).toHaveText('No failed sign-ins.');

  // Someone guesses at the user's password on the account's sign-in page.
  const guesser = await browser.newContext();
  const g = await guesser.newPage();
  for (let i = 0; i < 5; i++) {
    await g.goto(`${DEMO_HOST}/console`);
    await g.getByLabel('IAM user name').fill(i % 2 ? 'LOCKED.OUT' : 'locked.out');
    await g.getByLabel('Password', { exact: true }).fill(`guess-${i}`);
    await g.getByRole('button', { name: 'Sign in' }).click();
    await expect(g.getByRole('alert')).toHaveText(GENERIC_FAILURE);
  }
  await guesser.close();

  await page.reload();
  await expect(page.getByTestId('sign-in-lock')).toContainText(/^Locked until .* after 5 failed sign-ins$/);
  await page.getByRole('button', { name: 'Clear sign-in lock' }).click();
  await expect(page.getByTestId('sign-in-lock')).toHaveText('No failed sign-ins.');
});

test('a user literally named "new" has a page of their own, apart from the create form', async ({ page }) => {
  await rootSignIn(page);
  await page.goto('/console/users/new');
  await page.getByLabel('User name').fill('new');
  await page.getByLabel('Path').fill('/named-new/');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page).toHaveURL(/\/console\/users\?path=%2Fnamed-new%2F$/);
  await expect(page.getByRole('link', { name: 'new', exact: true })).toHaveAttribute('href', '/console/users/new/user');
  await page.getByRole('link', { name: 'new', exact: true }).click();
  await expect(page).toHaveURL(/\/console\/users\/new\/user$/);
  await expect(page.getByTestId('user-arn')).toHaveText(/:user\/named-new\/new$/);
  await page.goto('/console/users/new');
  await expect(page.getByRole('button', { name: 'Create user' })).toBeVisible();
});
