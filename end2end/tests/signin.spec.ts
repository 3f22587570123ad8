import { test, expect, Page } from '@playwright/test';
import { DEMO_HOST, GENERIC_FAILURE, ROOT_EMAIL, ROOT_PASSWORD, USER, USER_PASSWORD, submitRootSignIn } from './demo';

const rootSignIn = submitRootSignIn;

async function accountSignIn(page: Page, url: string, user: string, password: string) {
  await page.goto(url);
  await page.getByLabel('IAM user name').fill(user);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('root signs in with email and password at /signin', async ({ page }) => {
  await rootSignIn(page, ROOT_EMAIL, ROOT_PASSWORD);
  await expect(page).toHaveURL(/\/console$/);
  await expect(page.getByTestId('principal-arn')).toHaveText(/^arn:aws:iam::\d{12}:root$/);
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await expect(page.getByTestId('account-signin-url')).toHaveText(`${DEMO_HOST}/console`);
});

test('an IAM user signs in at the account alias host', async ({ page }) => {
  await page.goto(`${DEMO_HOST}/console`);
  await expect(page.getByRole('heading', { name: 'Sign in as IAM user' })).toBeVisible();
  await expect(page.getByTestId('signin-account')).toHaveText('demo');
  await expect(page.getByRole('link', { name: 'Sign in using root user email' })).toBeVisible();
  await accountSignIn(page, `${DEMO_HOST}/console`, USER, USER_PASSWORD);
  await expect(page.getByTestId('principal-arn')).toHaveText(/^arn:aws:iam::\d{12}:user\/demo\/alice$/);
  expect(new URL(page.url()).host).toBe(new URL(DEMO_HOST).host);
});

test('an IAM user signs in at /signin/<alias> and by account ID on the general page', async ({ page }) => {
  await accountSignIn(page, '/signin/demo', USER, USER_PASSWORD);
  await expect(page.getByTestId('principal-arn')).toHaveText(/user\/demo\/alice$/);
  const accountId = (await page.getByTestId('account-id').textContent())!.trim();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin\/demo$/);

  await page.goto('/signin');
  await page.getByRole('radio', { name: 'IAM user' }).check();
  await page.getByLabel('Account ID or alias').fill(accountId);
  await page.getByLabel('IAM user name').fill(USER);
  await page.getByLabel('Password', { exact: true }).fill(USER_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('principal-arn')).toHaveText(`arn:aws:iam::${accountId}:user/demo/alice`);
});

test('every failed sign-in shows one and the same message', async ({ page }) => {
  const messages: string[] = [];
  await accountSignIn(page, `${DEMO_HOST}/console`, USER, 'Wrong-Passw0rd!');
  messages.push((await page.getByRole('alert').textContent())!.trim());
  await accountSignIn(page, `${DEMO_HOST}/console`, 'nobody-here', USER_PASSWORD);
  messages.push((await page.getByRole('alert').textContent())!.trim());
  // Root can never sign in on the account page, not even with its email as the user name.
  await accountSignIn(page, `${DEMO_HOST}/console`, ROOT_EMAIL, ROOT_PASSWORD);
  messages.push((await page.getByRole('alert').textContent())!.trim());
  await rootSignIn(page, 'nobody@example.com', ROOT_PASSWORD);
  messages.push((await page.getByRole('alert').textContent())!.trim());
  await accountSignIn(page, 'http://no-such-account.signin.localhost:' + new URL(DEMO_HOST).port + '/console', USER, USER_PASSWORD);
  messages.push((await page.getByRole('alert').textContent())!.trim());
  expect(messages).toEqual(Array(messages.length).fill(GENERIC_FAILURE));
  await expect(page).not.toHaveURL(/principal/);
});

test('sign out ends the session on the server', async ({ page, context }) => {
  await rootSignIn(page, ROOT_EMAIL, ROOT_PASSWORD);
  await expect(page.getByTestId('principal-arn')).toBeVisible();
  const before = (await context.cookies()).find((c) => c.name === 'lanyard_session');
  expect(before?.httpOnly).toBe(true);
  expect(before?.sameSite).toBe('Lax');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/);
  // Replaying the old cookie does not bring the session back: it was deleted server-side.
  if (before) await context.addCookies([before]);
  await page.goto('/console');
  await expect(page).toHaveURL(/\/signin$/);
});

test('a session belongs to the host it was created on', async ({ page }) => {
  await accountSignIn(page, `${DEMO_HOST}/console`, USER, USER_PASSWORD);
  await expect(page.getByTestId('principal-arn')).toBeVisible();
  await page.goto('/console');
  await expect(page).toHaveURL(/\/signin$/);
});

test('the password visibility toggle works once the page is hydrated', async ({ page }) => {
  await page.goto('/signin');
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
  const password = page.getByLabel('Password', { exact: true });
  await password.fill('secret-Value1');
  await expect(password).toHaveAttribute('type', 'password');
  await page.getByRole('button', { name: 'Show password' }).click();
  await expect(password).toHaveAttribute('type', 'text');
  await page.getByRole('button', { name: 'Hide password' }).click();
  await expect(password).toHaveAttribute('type', 'password');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a failed IAM-user sign-in on /signin keeps the choice and what was typed, never the password', async ({ page }) => {
    await page.goto('/signin');
    await page.getByRole('radio', { name: 'IAM user' }).check();
    await page.getByLabel('Account ID or alias').fill('demo');
    await page.getByLabel('IAM user name').fill(USER);
    await page.getByLabel('Password', { exact: true }).fill('Wrong-Passw0rd!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toHaveText(GENERIC_FAILURE);
    await expect(page).toHaveURL(/\/signin$/);
    await expect(page.getByRole('radio', { name: 'IAM user' })).toBeChecked();
    await expect(page.getByLabel('Account ID or alias')).toHaveValue('demo');
    await expect(page.getByLabel('IAM user name')).toHaveValue(USER);
    await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
    await page.getByLabel('Password', { exact: true }).fill(USER_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('principal-arn')).toHaveText(/user\/demo\/alice$/);
  });

  test('forms still sign in and show the failure message', async ({ page }) => {
    await accountSignIn(page, '/signin/demo', USER, 'Wrong-Passw0rd!');
    await expect(page.getByRole('alert')).toHaveText(GENERIC_FAILURE);
    await expect(page).toHaveURL(/\/signin\/demo$/);
    await accountSignIn(page, '/signin/demo', USER, USER_PASSWORD);
    await expect(page).toHaveURL(/\/console$/);
    await expect(page.getByTestId('principal-arn')).toHaveText(/user\/demo\/alice$/);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/signin\/demo$/);
  });
});
