import { test, expect, Page } from '@playwright/test';
import { accountHost, rootSignIn } from './demo';
import { createAccount, lanyard, uniqueEmail } from './cli';

const ROOT_PASSWORD = 'Events-Root-Passw0rd!';
const USER_PASSWORD = 'Events-User-Passw0rd!';

async function wrongSignIn(page: Page, alias: string, user: string) {
  await page.goto(`${accountHost(alias)}/console`);
  await page.getByLabel('IAM user name').fill(user);
  await page.getByLabel('Password', { exact: true }).fill('not-the-password-1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
}

test('an administrator deletes a user, finds that event by the user name and sees who did it from where', async ({ page }) => {
  const email = uniqueEmail('events');
  const alias = createAccount('events', email, ROOT_PASSWORD);
  lanyard(['user', 'create', '--account', alias, '--name', 'leaver']);
  await rootSignIn(page, email, ROOT_PASSWORD);

  await page.goto('/console/users/leaver');
  await page.getByRole('button', { name: 'Delete user' }).click();
  await page.getByLabel('Confirm user name').fill('leaver');
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page).toHaveURL(/\/console\/users/);

  await page.getByRole('navigation').getByRole('link', { name: 'Event history' }).click();
  await expect(page.getByRole('heading', { name: 'Event history', level: 1 })).toBeVisible();
  await page.getByLabel('About user').fill('leaver');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/resource=leaver/);
  const rows = page.getByTestId('events').locator('tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText('DeleteUser');
  await expect(rows.first()).toContainText('root');
  await expect(rows.first()).toContainText('127.0.0.1');
  await expect(rows.nth(1)).toContainText('CreateUser');

  await rows.first().getByRole('link', { name: 'DeleteUser' }).click();
  const record = page.getByTestId('event-record');
  await expect(record).toContainText('"eventName": "DeleteUser"');
  await expect(record).toContainText('"type": "Root"');
  await expect(record).toContainText('"sourceIPAddress": "127.0.0.1"');
  await expect(record).toContainText('"userName": "leaver"');
  await expect(record).toContainText('"sessionCredentialFromConsole": "true"');
  await expect(record).toContainText('HeadlessChrome');

  // A filter that breaks a rule says which, and keeps the form.
  await page.goto('/console/events?event=NoSuchEvent');
  await expect(page.getByRole('alert')).toContainText('eventName');
  await expect(page.getByLabel('Event name')).toHaveValue('NoSuchEvent');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the console home charts the failed sign-ins a test produced, with the user who failed most', async ({ page, browser }) => {
    const email = uniqueEmail('chart');
    const alias = createAccount('chart', email, ROOT_PASSWORD);
    lanyard(['user', 'create', '--account', alias, '--name', 'guessed', '--password-stdin'], `${USER_PASSWORD}\n`);
    const other = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    for (let i = 0; i < 3; i++) await wrongSignIn(other, alias, 'guessed');

    await rootSignIn(page, email, ROOT_PASSWORD);
    await expect(page.getByTestId('sign-in-summary')).toContainText('1 successful and 3 failed sign-ins in the last 24h');
    await expect(page.getByTestId('top-failures')).toContainText('guessed — 3 failed sign-ins');
    const chart = page.getByTestId('sign-in-chart');
    await expect(chart).toHaveAttribute('role', 'img');
    const heights = await chart.locator('rect.failed').evaluateAll((rects) =>
      rects.map((r) => Number(r.getAttribute('height'))));
    expect(heights).toHaveLength(24);
    expect(heights.filter((h) => h > 0)).toHaveLength(1);

    // The week's view, and from the top failures straight to those events.
    await page.getByRole('link', { name: '7d' }).click();
    await expect(page.getByTestId('sign-in-summary')).toContainText('in the last 7d');
    await page.getByTestId('top-failures').getByRole('link', { name: 'guessed' }).click();
    await expect(page.getByTestId('events').locator('tbody tr')).toHaveCount(3);
    await expect(page.getByTestId('events').locator('tbody tr').first()).toContainText('ConsoleLogin');
  });
});
