import { test, expect, Page, Browser } from '@playwright/test';
import { accountHost, rootSignIn } from './demo';
import { createAccount, lanyard, uniqueEmail } from './cli';

const ROOT_PASSWORD = 'Perm-Root-Passw0rd!';
const USER_PASSWORD = 'Perm-User-Passw0rd!';

async function userSignIn(page: Page, alias: string, name: string) {
  await page.goto(`${accountHost(alias)}/console`);
  await page.getByLabel('IAM user name').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(USER_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('principal-arn')).toContainText(`:user/${name}`);
}

async function newPage(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

test('root gives an Admins group AdministratorAccess; its member administers at the alias URL, a user without policies cannot', async ({ page, browser }) => {
  const email = uniqueEmail('perm');
  const alias = createAccount('perm', email, ROOT_PASSWORD);
  for (const name of ['ada', 'nemo']) {
    lanyard(['user', 'create', '--account', alias, '--name', name, '--password-stdin'], `${USER_PASSWORD}\n`);
  }

  await rootSignIn(page, email, ROOT_PASSWORD);
  await page.goto('/console/groups');
  await page.getByLabel('Group name').fill('Admins');
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(page).toHaveURL(/\/console\/groups\/Admins$/);
  await expect(page.getByTestId('no-policies')).toBeVisible();
  await page.getByLabel('Policy', { exact: true }).selectOption({ label: 'AdministratorAccess' });
  await page.getByRole('button', { name: 'Attach policy' }).click();
  await expect(page.getByRole('status')).toContainText('AdministratorAccess has been attached.');
  await expect(page.getByTestId('attached-policies')).toContainText('AdministratorAccess');
  await page.getByLabel('User name').fill('ada');
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByTestId('group-members')).toContainText('ada');
  // The policy's page lists where it is attached.
  await page.getByRole('link', { name: 'AdministratorAccess' }).click();
  await expect(page.getByTestId('policy-arn')).toHaveText('arn:aws:iam::aws:policy/AdministratorAccess');
  await expect(page.getByTestId('policy-attachments')).toContainText('Admins');

  // ada signs in at the account's alias URL and creates a user.
  const ada = await newPage(browser);
  await userSignIn(ada, alias, 'ada');
  await expect(ada.getByRole('link', { name: 'Users', exact: true })).toBeVisible();
  await ada.getByRole('link', { name: 'Users', exact: true }).click();
  await expect(ada.getByRole('link', { name: 'Create user' })).toHaveAttribute('href', '/console/users/new');
  await ada.goto(`${accountHost(alias)}/console/users/new`);
  await ada.getByLabel('User name', { exact: true }).fill('made-by-ada');
  await ada.getByRole('button', { name: 'Create user' }).click();
  await expect(ada).toHaveURL(/\/console\/users\?path=%2F$/);
  await expect(ada.getByRole('cell', { name: 'made-by-ada', exact: true })).toBeVisible();

  // nemo has no policies: no administration links, and hand-made requests are refused.
  const nemo = await newPage(browser);
  await userSignIn(nemo, alias, 'nemo');
  await expect(nemo.getByRole('link', { name: 'Users', exact: true })).toHaveCount(0);
  await expect(nemo.getByRole('link', { name: 'User groups', exact: true })).toHaveCount(0);
  await nemo.goto(`${accountHost(alias)}/console/users`);
  await expect(nemo.getByRole('alert')).toContainText('is not authorized to perform: iam:ListUsers');
  // Add users is refused before any form is shown.
  await nemo.goto(`${accountHost(alias)}/console/users/new`);
  await expect(nemo.getByRole('alert')).toContainText('is not authorized to perform: iam:CreateUser');
  await expect(nemo.getByLabel('User name', { exact: true })).toHaveCount(0);
  const status = await nemo.evaluate(async () => {
    const r = await fetch('/api/attach_policy', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: 'kind=user&name=nemo&policy_arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FAdministratorAccess',
    });
    return r.status;
  });
  expect(status).toBe(403);
  await page.goto('/console/users/made-by-nemo');
  await expect(page.getByRole('alert')).toContainText('cannot be found');
  await page.goto('/console/users/nemo');
  await expect(page.getByTestId('no-policies')).toBeVisible();
});

test('a read-only user browses without controls; a customer policy is created, edited and simulated', async ({ page, browser }) => {
  const email = uniqueEmail('perm-ro');
  const alias = createAccount('perm-ro', email, ROOT_PASSWORD);
  lanyard(['user', 'create', '--account', alias, '--name', 'rory', '--password-stdin',
    '--attach-policy', 'arn:aws:iam::aws:policy/IAMReadOnlyAccess'], `${USER_PASSWORD}\n`);
  lanyard(['user', 'create', '--account', alias, '--name', 'tess'], '');

  const rory = await newPage(browser);
  await userSignIn(rory, alias, 'rory');
  await rory.getByRole('link', { name: 'Users', exact: true }).click();
  await expect(rory.getByRole('link', { name: 'tess' })).toBeVisible();
  await expect(rory.getByRole('link', { name: 'Create user' })).toHaveCount(0);
  await rory.getByRole('link', { name: 'tess' }).click();
  await expect(rory.getByTestId('user-arn')).toContainText(':user/tess');
  for (const control of ['Delete user', 'Manage console access', 'Create access key', 'Assign MFA device', 'Attach policy']) {
    await expect(rory.getByRole('button', { name: control })).toHaveCount(0);
  }

  await rootSignIn(page, email, ROOT_PASSWORD);
  await page.goto('/console/policies');
  await expect(page.getByTestId('policies')).toContainText('IAMUserChangePassword');
  await page.getByLabel('Policy name').fill('TagOnly');
  await page.getByLabel('Policy document').fill('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"TagUser","Resource":"*"}]}');
  await page.getByRole('button', { name: 'Create policy' }).click();
  await expect(page.getByRole('alert')).toContainText('Statement[0].Action');
  await page.getByLabel('Policy document').fill('{"Version":"2012-10-17","Statement":[{"Sid":"Tags","Effect":"Allow","Action":"iam:TagUser","Resource":"*"}]}');
  await page.getByRole('button', { name: 'Create policy' }).click();
  await expect(page.getByTestId('policy-arn')).toContainText(':policy/TagOnly');
  await page.getByLabel('Policy document').fill('{"Version":"2012-10-17","Statement":[{"Sid":"Tags","Effect":"Allow","Action":["iam:TagUser","iam:UntagUser"],"Resource":"*"},{"Sid":"NoDelete","Effect":"Deny","Action":"iam:Delete*","Resource":"*"}]}');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('status')).toContainText('Saved as version v2, now the default.');
  await expect(page.getByTestId('policy-document')).toContainText('iam:UntagUser');

  await page.goto('/console/users/tess');
  await page.getByLabel('Policy', { exact: true }).selectOption({ label: 'TagOnly' });
  await page.getByRole('button', { name: 'Attach policy' }).click();
  await expect(page.getByTestId('attached-policies')).toContainText('TagOnly');

  await page.goto('/console/policies/simulate');
  await page.getByLabel('User name').fill('tess');
  await page.getByLabel('Actions').fill('iam:UntagUser iam:DeleteUser iam:CreateUser');
  await page.getByRole('button', { name: 'Run simulation' }).click();
  const rows = page.getByTestId('simulation').locator('tbody tr');
  await expect(rows.nth(0)).toContainText('allowed');
  await expect(rows.nth(0)).toContainText('TagOnly · Sid Tags');
  await expect(rows.nth(1)).toContainText('explicitly denied');
  await expect(rows.nth(1)).toContainText('TagOnly · Sid NoDelete');
  await expect(rows.nth(2)).toContainText('implicitly denied');
});

test('a permissions boundary caps a user with AdministratorAccess; set in Add users, removed on the user page', async ({ page, browser }) => {
  const email = uniqueEmail('bound');
  const alias = createAccount('bound', email, ROOT_PASSWORD);
  await rootSignIn(page, email, ROOT_PASSWORD);
  // Add users: console access with a custom password, AdministratorAccess, boundary IAMReadOnlyAccess.
  await page.goto('/console/users/new');
  await page.getByLabel('User name', { exact: true }).fill('capped');
  await page.getByLabel('Provide user access to the console').check();
  await page.getByRole('radio', { name: 'Custom password' }).check();
  await page.getByRole('textbox', { name: 'Custom password' }).fill(USER_PASSWORD);
  await page.getByLabel('User must create a new password at next sign-in').uncheck();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('radio', { name: 'Attach policies directly' }).check();
  // The policy list is searchable; what was chosen before searching stays chosen.
  await page.getByLabel('Search policies').fill('admin');
  await page.getByRole('button', { name: 'Search' }).last().click();
  await expect(page).toHaveURL(/policy_q=admin/);
  await expect(page.getByRole('checkbox', { name: 'IAMReadOnlyAccess' })).toHaveCount(0);
  await expect(page.getByRole('radio', { name: 'Attach policies directly' })).toBeChecked();
  await page.getByRole('checkbox', { name: 'AdministratorAccess' }).check();
  await page.getByLabel('Permissions boundary').selectOption({ label: 'IAMReadOnlyAccess' });
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByText('IAMReadOnlyAccess')).toBeVisible();
  await page.getByRole('button', { name: 'Create users' }).click();
  await expect(page).toHaveURL(/\/console\/users\?path=%2F$/);
  await page.goto('/console/users/capped');
  await expect(page.getByTestId('permissions-boundary')).toContainText('IAMReadOnlyAccess');

  // The simulator: AdministratorAccess allows CreateUser, the boundary does not, so it is denied.
  await page.goto('/console/policies/simulate?user=capped&actions=iam%3ACreateUser%2Ciam%3AListUsers&resource=*');
  const simulation = page.getByTestId('simulation');
  await expect(simulation.getByRole('row', { name: /iam:CreateUser/ })).toContainText('implicitly denied');
  await expect(simulation.getByRole('row', { name: /iam:CreateUser/ }).getByTestId('boundary-verdict')).toHaveText('denies');
  await expect(simulation.getByRole('row', { name: /iam:ListUsers/ })).toContainText('allowed');
  await expect(simulation.getByRole('row', { name: /iam:ListUsers/ }).getByTestId('boundary-verdict')).toHaveText('allows');
  await page.goto('/console/users/capped');

  const capped = await newPage(browser);
  await userSignIn(capped, alias, 'capped');
  await capped.goto(`${accountHost(alias)}/console/users`);
  await expect(capped.getByRole('cell', { name: 'capped', exact: true })).toBeVisible();
  await capped.goto(`${accountHost(alias)}/console/users/new`);
  await expect(capped.getByRole('alert')).toContainText('iam:CreateUser');

  await page.getByRole('button', { name: 'Remove boundary' }).click();
  await expect(page.getByTestId('permissions-boundary')).toContainText('Not set');
  await capped.goto(`${accountHost(alias)}/console/users/new`);
  await expect(capped.getByLabel('User name', { exact: true })).toBeVisible();
});
