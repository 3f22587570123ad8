import { test, expect, Page } from '@playwright/test';
import { accountHost, DEMO_HOST, rootSignIn, USER, USER_PASSWORD } from './demo';
import { createAccount, lanyard, uniqueEmail } from './cli';


test('root browses users by path tree and searches by name', async ({ page }) => {
  await rootSignIn(page);
  await page.getByRole('main').getByRole('link', { name: 'Users' }).click();
  await expect(page).toHaveURL(/\/console\/users$/);
  // Other tests add users too: the whole account has at least the demo user.
  await expect(page.getByTestId('users-total')).toHaveText(/^\d+ users?$/);
  await expect(page.getByRole('cell', { name: USER, exact: true })).toBeVisible();

  const tree = page.getByRole('navigation', { name: 'Paths' });
  await tree.getByRole('link', { name: 'demo/' }).click();
  await expect(page).toHaveURL(/path=%2Fdemo%2F/);
  await expect(page.getByTestId('users-total')).toHaveText('1 user with paths starting /demo/');

  await page.getByLabel('Search by user name').fill('LIC');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/q=LIC/);
  await expect(page.getByRole('cell', { name: USER, exact: true })).toBeVisible();

  await page.getByLabel('Search by user name').fill('nobody-like-this');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('users-total')).toHaveText(/^0 users/);
  await expect(page.getByText('No users match.')).toBeVisible();
});

test('an IAM user without permissions is refused the users list', async ({ page }) => {
  await page.goto(`${DEMO_HOST}/console`);
  await page.getByLabel('IAM user name').fill(USER);
  await page.getByLabel('Password', { exact: true }).fill(USER_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('principal-arn')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Users' })).toHaveCount(0);
  await page.goto(`${DEMO_HOST}/console/users`);
  await expect(page.getByRole('alert')).toContainText('is not authorized to perform: iam:ListUsers');
});

for (const js of [true, false]) {
  test.describe(js ? 'with JavaScript' : 'without JavaScript', () => {
    test.use({ javaScriptEnabled: js });

    test('delete three selected users at once, confirmed by typing 3', async ({ page }) => {
      const email = uniqueEmail(`multi-${js ? 'js' : 'nojs'}`);
      const alias = createAccount(`multi-${js ? 'js' : 'nojs'}`, email, 'Multi-Root-Passw0rd!');
      for (const name of ['del1', 'del2', 'del3', 'keep']) {
        lanyard(['user', 'create', '--account', alias, '--name', name, '--access-key']);
      }
      await rootSignIn(page, email, 'Multi-Root-Passw0rd!');
      await page.goto('/console/users');
      for (const name of ['del1', 'del2', 'del3']) {
        await page.getByRole('checkbox', { name: `Select ${name}` }).check();
      }
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      const confirm = page.getByLabel('Type 3 to confirm');
      await expect(confirm).toBeVisible();
      await confirm.fill('2');
      await page.getByRole('button', { name: 'Delete', exact: true }).first().click();
      await expect(page.getByRole('alert')).toContainText('type the number of users to delete (3) to confirm');
      await expect(page.getByTestId('users-total')).toHaveText('4 users');
      await page.getByLabel('Type 3 to confirm').fill('3');
      await page.getByRole('button', { name: 'Delete', exact: true }).first().click();
      await expect(page.getByRole('status')).toContainText('Deleted 3 users.');
      await expect(page.getByTestId('users-total')).toHaveText('1 user');
      await expect(page.getByRole('cell', { name: 'keep', exact: true })).toBeVisible();
    });
  });
}

test('the columns a principal chooses are remembered for them, not for others', async ({ page, browser }) => {
  const email = uniqueEmail('columns');
  const alias = createAccount('columns', email, 'Cols-Root-Passw0rd!');
  lanyard(['user', 'create', '--account', alias, '--name', 'viewer', '--password-stdin',
    '--attach-policy', 'arn:aws:iam::aws:policy/IAMReadOnlyAccess'], 'Cols-User-Passw0rd!\n');
  await rootSignIn(page, email, 'Cols-Root-Passw0rd!');
  await page.goto('/console/users');
  await expect(page.getByRole('columnheader', { name: 'Created' })).toBeVisible();
  await page.getByText('Columns', { exact: true }).click();
  await page.getByRole('checkbox', { name: 'Created' }).uncheck();
  await page.getByRole('checkbox', { name: 'MFA' }).uncheck();
  await page.getByRole('button', { name: 'Save columns' }).click();
  await expect(page.getByRole('columnheader', { name: 'Created' })).toHaveCount(0);
  await expect(page.getByRole('columnheader', { name: 'MFA' })).toHaveCount(0);
  await expect(page.getByRole('columnheader', { name: 'Path' })).toBeVisible();

  // Remembered in a new session (another browser context) of the same principal…
  const again = await (await browser.newContext()).newPage();
  await rootSignIn(again, email, 'Cols-Root-Passw0rd!');
  await again.goto('/console/users');
  await expect(again.getByRole('columnheader', { name: 'Created' })).toHaveCount(0);
  // …and not for another principal.
  const viewer = await (await browser.newContext()).newPage();
  await viewer.goto(`${accountHost(alias)}/console`);
  await viewer.getByLabel('IAM user name').fill('viewer');
  await viewer.getByLabel('Password', { exact: true }).fill('Cols-User-Passw0rd!');
  await viewer.getByRole('button', { name: 'Sign in' }).click();
  await expect(viewer.getByTestId('principal-arn')).toContainText(':user/viewer');
  await viewer.goto(`${accountHost(alias)}/console/users`);
  await expect(viewer.getByRole('columnheader', { name: 'Created' })).toBeVisible();
});

test('the rotation columns and filters find users without MFA and show key ages and groups', async ({ page }) => {
  const email = uniqueEmail('hygiene');
  const alias = createAccount('hygiene', email, 'Hyg-Root-Passw0rd!');
  lanyard(['user', 'create', '--account', alias, '--name', 'console-only', '--password-stdin'], 'Hyg-User-Passw0rd!\n');
  lanyard(['user', 'create', '--account', alias, '--name', 'robot', '--access-key']);
  await rootSignIn(page, email, 'Hyg-Root-Passw0rd!');
  await page.goto('/console/users');
  await page.getByText('Columns', { exact: true }).click();
  for (const column of ['Groups', 'Last activity', 'Password age', 'Active key age', 'Access key last used']) {
    await page.getByRole('checkbox', { name: column }).check();
  }
  await page.getByRole('button', { name: 'Save columns' }).click();
  const row = (name: string) => page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
  await expect(page.getByRole('columnheader', { name: 'Active key age' })).toBeVisible();
  await expect(row('robot')).toContainText('Today');
  await expect(row('robot')).toContainText('Never');
  await expect(row('console-only')).toContainText('Today');

  await page.getByLabel('Show').selectOption({ label: 'Console access without MFA' });
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/hygiene=console-no-mfa/);
  await expect(page.getByTestId('users-total')).toHaveText('1 user');
  await expect(row('console-only')).toBeVisible();
  await expect(row('robot')).toHaveCount(0);

  await page.getByLabel('Show').selectOption({ label: 'Active access keys unused for N days' });
  await page.getByLabel('N (days)').fill('1');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/hygiene=keys-unused&days=1/);
  await expect(page.getByTestId('users-total')).toHaveText('0 users');
  // The form refuses 0 days itself; the address is checked on the server too.
  await page.goto('/console/users?hygiene=keys-unused&days=0');
  await expect(page.getByRole('alert')).toContainText('must be a number of days from 1 to 3650');
});
