import { test, expect, Page, Browser } from '@playwright/test';
import { GENERIC_FAILURE, accountHost, rootSignIn, submitRootSignIn } from './demo';
import { createAccount, fixture, lanyard, uniqueEmail } from './cli';
import { stepNow, totp } from './totp';

const ROOT_PASSWORD = 'Mfa-Root-Passw0rd!';
const USER_PASSWORD = 'Mfa-User-Passw0rd!';

async function userSignIn(page: Page, alias: string, name: string) {
  await page.goto(`${accountHost(alias)}/console`);
  await page.getByLabel('IAM user name').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(USER_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function newPage(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

/** `Assign MFA device` on the current page: scans nothing, reads the secret, types two codes. */
async function assignDevice(page: Page, deviceName: string): Promise<string> {
  await page.getByRole('button', { name: 'Assign MFA device' }).click();
  await expect(page.getByRole('img', { name: 'QR code' })).toBeVisible();
  // Revealing the key is the one step that runs in the browser (an island; a click before is lost).
  await page.locator('body[data-hydrated]').waitFor();
  await page.getByRole('button', { name: 'Show secret key' }).click();
  const secret = (await page.getByTestId('mfa-secret').textContent())!.trim();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await page.getByLabel('Device name').fill(deviceName);

  // Two equal codes are not two consecutive codes, and nothing is stored.
  const now = stepNow();
  await page.getByLabel('MFA code 1').fill(totp(secret, now));
  await page.getByLabel('MFA code 2').fill(totp(secret, now));
  await page.getByRole('button', { name: 'Add MFA' }).click();
  await expect(page.getByRole('alert')).toContainText('two consecutive codes');
  // The rejected form came back as a new page: with the same secret, which the app already holds.
  await page.locator('body[data-hydrated]').waitFor();
  await page.getByRole('button', { name: 'Show secret key' }).click();
  await expect(page.getByTestId('mfa-secret')).toHaveText(secret);

  await page.getByLabel('MFA code 1').fill(totp(secret, now - 1));
  await page.getByLabel('MFA code 2').fill(totp(secret, now));
  await page.getByRole('button', { name: 'Add MFA' }).click();
  await expect(page.getByRole('status')).toContainText('The MFA device has been assigned.');
  await expect(page.getByTestId('mfa-devices')).toContainText(`:mfa/${deviceName}`);
  return secret;
}

test('a user enrols a device, then signs in with a fresh code; a replayed code is refused', async ({ page, browser }) => {
  const email = uniqueEmail('mfa');
  const alias = createAccount('mfa', email, ROOT_PASSWORD);
  // AWS's published policy: without MFA only enrolling a device; with MFA one's own credentials.
  lanyard(['user', 'create', '--account', alias, '--name', 'bob', '--password-stdin',
    '--inline-policy', `MySecCreds=${fixture('my-sec-creds-self-manage.json')}`], `${USER_PASSWORD}\n`);

  await userSignIn(page, alias, 'bob');
  await expect(page.getByTestId('principal-arn')).toContainText(':user/bob');
  await page.goto(`${accountHost(alias)}/console/security-credentials`);
  await expect(page.getByTestId('mfa-state')).toContainText('No MFA device assigned');
  await expect(page.getByTestId('credentials-not-allowed')).toContainText('access keys');
  const secret = await assignDevice(page, 'bob-phone');
  await page.getByRole('button', { name: 'Sign out' }).click();
  // Signing out returns to the account's sign-in page; let that navigation finish first.
  await expect(page.getByLabel('IAM user name')).toBeVisible();

  // The password alone no longer signs in: the code comes next.
  await userSignIn(page, alias, 'bob');
  await expect(page).toHaveURL(/\/signin\/mfa$/);
  await page.getByLabel('MFA code').fill('000000');
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByRole('alert')).toContainText(GENERIC_FAILURE);
  const code = totp(secret, stepNow() + 1);
  await page.getByLabel('MFA code').fill(code);
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByTestId('principal-arn')).toContainText(':user/bob');
  // Signed in with MFA, the same policy lets bob manage his own access keys.
  await page.goto(`${accountHost(alias)}/console/security-credentials`);
  await expect(page.getByRole('button', { name: 'Create access key' })).toBeVisible();
  await expect(page.getByTestId('credentials-not-allowed')).toHaveCount(0);

  // Someone who saw that code (and knows the password) cannot use it.
  const thief = await newPage(browser);
  await userSignIn(thief, alias, 'bob');
  await expect(thief).toHaveURL(/\/signin\/mfa$/);
  await thief.getByLabel('MFA code').fill(code);
  await thief.getByRole('button', { name: 'Submit' }).click();
  await expect(thief.getByRole('alert')).toContainText(GENERIC_FAILURE);
  await thief.goto(`${accountHost(alias)}/console`);
  await expect(thief.getByTestId('principal-arn')).toHaveCount(0);
});

test('an administrator assigns and removes a user\'s device; the user then signs in with the password alone', async ({ page, browser }) => {
  const email = uniqueEmail('mfa-admin');
  const alias = createAccount('mfa-admin', email, ROOT_PASSWORD);
  lanyard(['user', 'create', '--account', alias, '--name', 'carol', '--password-stdin'], `${USER_PASSWORD}\n`);

  await rootSignIn(page, email, ROOT_PASSWORD);
  await page.goto('/console/users/carol');
  const secret = await assignDevice(page, 'carol-token');

  const carol = await newPage(browser);
  await userSignIn(carol, alias, 'carol');
  await expect(carol).toHaveURL(/\/signin\/mfa$/);
  await carol.getByLabel('MFA code').fill(totp(secret, stepNow() + 1));
  await carol.getByRole('button', { name: 'Submit' }).click();
  await expect(carol.getByTestId('principal-arn')).toContainText(':user/carol');

  // The users list shows who has MFA.
  await page.goto('/console/users');
  await expect(page.getByRole('row', { name: /carol/ })).toContainText('Virtual');

  await page.goto('/console/users/carol');
  await page.getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByRole('heading', { name: 'Remove MFA device carol-token?' })).toBeVisible();
  await page.getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByRole('status')).toContainText('The MFA device has been removed.');
  await expect(page.getByTestId('mfa-state')).toContainText('No MFA device assigned');
  await page.goto('/console/users');
  await expect(page.getByRole('row', { name: /carol/ })).toContainText('None');

  const again = await newPage(browser);
  await userSignIn(again, alias, 'carol');
  await expect(again.getByTestId('principal-arn')).toContainText(':user/carol');
});

test('root enrols its own device, signs in with it, resyncs it, and removes it with its password', async ({ page }) => {
  const email = uniqueEmail('mfa-root');
  createAccount('mfa-root', email, ROOT_PASSWORD);
  await rootSignIn(page, email, ROOT_PASSWORD);
  await page.getByRole('link', { name: 'My security credentials' }).click();
  const secret = await assignDevice(page, 'root-phone');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/);

  await submitRootSignIn(page, email, ROOT_PASSWORD);
  await expect(page).toHaveURL(/\/signin\/mfa$/);
  await page.getByLabel('MFA code').fill(totp(secret, stepNow() + 1));
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByTestId('principal-arn')).toContainText(':root');

  // A phone whose clock runs three minutes fast is taught its offset with two consecutive codes.
  await page.getByRole('link', { name: 'My security credentials' }).click();
  await page.getByRole('button', { name: 'Resync' }).click();
  const fast = stepNow() + 6;
  await page.getByLabel('MFA code 1').fill(totp(secret, fast));
  await page.getByLabel('MFA code 2').fill(totp(secret, fast + 1));
  await page.getByRole('button', { name: 'Resync' }).click();
  await expect(page.getByRole('status')).toContainText('The MFA device has been resynchronized.');

  // Removing one's own device needs proof that it is really them.
  await page.getByRole('button', { name: 'Remove' }).click();
  await page.getByLabel('Current password or MFA code').fill('not-my-password');
  await page.getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByRole('alert')).toContainText('currentPasswordOrCode');
  await page.getByLabel('Current password or MFA code').fill(ROOT_PASSWORD);
  await page.getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByRole('status')).toContainText('The MFA device has been removed.');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await rootSignIn(page, email, ROOT_PASSWORD);
});
