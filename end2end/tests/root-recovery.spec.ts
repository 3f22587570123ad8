import { test, expect, Page } from '@playwright/test';
import { GENERIC_FAILURE, accountHost, submitRootSignIn } from './demo';
import { createAccount, lanyard, uniqueEmail } from './cli';

const FIRST = 'Forgot-Root-Passw0rd!';
const RESET = 'Reset-Root-Passw0rd!';
const CHANGED = 'Changed-Root-Passw0rd!';

const rootSignIn = submitRootSignIn;

async function askForLink(page: Page, email: string) {
  await page.goto('/signin');
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await expect(page).toHaveURL(/\/signin\/forgot$/);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(page.getByRole('status')).toContainText('If that email address belongs to a root user');
}

/** The reset link in the newest mail to `email`, as `lanyard outbox` prints it. */
function linkFromOutbox(email: string): string {
  // The server writes the mail in the background (the answer does not wait for it): look a few times.
  for (let attempt = 0; attempt < 20; attempt++) {
    const mails = lanyard(['outbox', '--limit', '50']).split(/^--- /m).filter((m) => m.includes(`to ${email} `));
    const match = mails.at(-1)?.match(/https?:\/\/\S+\/signin\/reset\?token=[0-9a-f]+/);
    if (match) return match[0];
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
  throw new Error(`no reset link for ${email} in the outbox`);
}

test('root forgets the password: the mailed link works once and sets a new password', async ({ page }) => {
  const email = uniqueEmail('forgot');
  createAccount('forgot', email, FIRST);

  // An unknown address gets the very same answer, and no mail.
  const unknown = uniqueEmail('nobody');
  await askForLink(page, unknown);
  expect(lanyard(['outbox', '--limit', '50'])).not.toContain(unknown);

  await askForLink(page, email);
  const link = linkFromOutbox(email);

  await page.goto(link);
  await page.getByLabel('New password', { exact: true }).fill('short');
  await page.getByLabel('Confirm new password').fill('short');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByRole('alert')).toContainText('must be 8 to 128 characters long');

  await page.getByLabel('New password', { exact: true }).fill(RESET);
  await page.getByLabel('Confirm new password').fill(RESET);
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page).toHaveURL(/\/signin\?reset$/);
  await expect(page.getByRole('status')).toContainText('Your root password has been reset.');

  // The link is used up.
  await page.goto(link);
  await expect(page.getByRole('alert')).toContainText('invalid, was already used, or has expired');

  await rootSignIn(page, email, FIRST);
  await expect(page.getByRole('alert')).toContainText(GENERIC_FAILURE);
  await rootSignIn(page, email, RESET);
  await expect(page.getByTestId('principal-arn')).toContainText(':root');
});

test('root changes its own password on My security credentials; the account policy does not apply', async ({ page, browser }) => {
  const email = uniqueEmail('rootchange');
  createAccount('rootchange', email, FIRST);
  await rootSignIn(page, email, FIRST);
  await expect(page.getByTestId('principal-arn')).toBeVisible();

  // A strict account policy for IAM users does not bind root.
  await page.goto('/console/account');
  await page.getByLabel('Minimum password length').fill('40');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('status')).toContainText('The password policy has been saved.');

  // A second session of root's, which the change ends.
  const other = await (await browser.newContext()).newPage();
  await rootSignIn(other, email, FIRST);
  await expect(other.getByTestId('principal-arn')).toBeVisible();

  await page.getByRole('link', { name: 'My security credentials' }).click();
  await page.getByLabel('Current password').fill('not-the-password');
  await page.getByLabel('New password', { exact: true }).fill(CHANGED);
  await page.getByLabel('Confirm new password').fill(CHANGED);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('alert')).toContainText('currentPassword: is incorrect');

  await page.getByLabel('Current password').fill(FIRST);
  await page.getByLabel('New password', { exact: true }).fill(CHANGED);
  await page.getByLabel('Confirm new password').fill(CHANGED);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status')).toContainText('Your password has been changed.');

  await other.goto('/console');
  await expect(other).toHaveURL(/\/signin/);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await rootSignIn(page, email, FIRST);
  await expect(page.getByRole('alert')).toContainText(GENERIC_FAILURE);
  await rootSignIn(page, email, CHANGED);
  await expect(page.getByTestId('principal-arn')).toContainText(':root');
});

test('a password close to expiry shows a banner with the days left', async ({ page, browser }) => {
  const email = uniqueEmail('expiry');
  const alias = createAccount('expiry', email, FIRST);
  lanyard(['user', 'create', '--account', alias, '--name', 'bob', '--password-stdin'], 'Bob-Expiring-Passw0rd\n');

  await rootSignIn(page, email, FIRST);
  await expect(page.getByTestId('principal-arn')).toBeVisible();
  await page.goto('/console/account');
  await page.getByLabel('Enable password expiration').check();
  await page.getByLabel('Password expiration period (days)').fill('10');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('status')).toContainText('The password policy has been saved.');

  const bob = await (await browser.newContext()).newPage();
  await bob.goto(`${accountHost(alias)}/console`);
  await bob.getByLabel('IAM user name').fill('bob');
  await bob.getByLabel('Password', { exact: true }).fill('Bob-Expiring-Passw0rd');
  await bob.getByRole('button', { name: 'Sign in' }).click();
  const banner = bob.getByTestId('password-expiry');
  await expect(banner).toContainText(/Your password expires in (9|10) days/);
  await banner.getByRole('link', { name: 'Change it now' }).click();
  await expect(bob).toHaveURL(/\/console\/security-credentials$/);
});
