// Accessibility: axe-core checks every console page at WCAG 2.1 AA, signed in as root and as a
// read-only user, in the light and the dark colour scheme; zero violations. Screenshots of the main
// pages go to end2end/screenshots/ (git-ignored) for a reviewer to look at.
import { test, expect, Page, Browser } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { accountHost, rootSignIn } from './demo';
import { createAccount, lanyard, uniqueEmail } from './cli';

const ROOT_PASSWORD = 'A11y-Root-Passw0rd!';
const USER_PASSWORD = 'A11y-User-Passw0rd!';
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Every violation, one line per rule with the elements it found, so a failure says what to fix. */
async function violations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  return results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

/** Opens `path`, waits for hydration, and checks it in both colour schemes; every page is checked
 *  before the test fails, so one run lists everything to fix. */
async function check(page: Page, path: string, found: string[], screenshot?: string) {
  await page.goto(path);
  await page.locator('body[data-hydrated]').waitFor();
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    found.push(...(await violations(page)).map((v) => `${path} (${colorScheme}) ${v}`));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  if (screenshot) {
    await page.screenshot({ path: `screenshots/${screenshot}.png`, fullPage: true });
  }
}

async function userSignIn(browser: Browser, alias: string, name: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${accountHost(alias)}/console`);
  await page.getByLabel('IAM user name').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(USER_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('principal-arn')).toContainText(`:user/${name}`);
  return page;
}

test('sign-in pages have no WCAG 2.1 AA violations', async ({ page }) => {
  const found: string[] = [];
  await check(page, '/signin', found, 'signin');
  await check(page, '/signin/forgot', found);
  await check(page, `${accountHost('demo')}/console`, found, 'signin-account');
  expect(found).toEqual([]);
});

test('every console page has no WCAG 2.1 AA violations, for root and for a read-only user', async ({ page, browser }) => {
  test.setTimeout(300_000);
  const email = uniqueEmail('a11y');
  const alias = createAccount('a11y', email, ROOT_PASSWORD);
  lanyard(['user', 'create', '--account', alias, '--name', 'reader', '--password-stdin',
    '--attach-policy', 'arn:aws:iam::aws:policy/IAMReadOnlyAccess'], `${USER_PASSWORD}\n`);
  for (const [name, path] of [['dana', '/eng/'], ['eli', '/eng/ops/'], ['fay', '/sales/']]) {
    lanyard(['user', 'create', '--account', alias, '--name', name, '--path', path], '');
  }

  await rootSignIn(page, email, ROOT_PASSWORD);
  await page.goto('/console/groups');
  await page.getByLabel('Group name').fill('Readers');
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(page).toHaveURL(/\/console\/groups\/Readers$/);

  const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
  const pages: [string, string?][] = [
    ['/console', 'home'],
    ['/console/users', 'users'],
    ['/console/users?path=%2Feng%2F', 'users-path-tree'],
    ['/console/users?selected=dana&selected=eli', 'users-delete-selected'],
    ['/console/users/new', 'add-users'],
    ['/console/users/new?step=permissions', 'add-users-permissions'],
    ['/console/users/new?step=tags'],
    ['/console/users/new?step=review', 'add-users-review'],
    ['/console/users/dana', 'user'],
    ['/console/users/dana?delete=1'],
    ['/console/users/dana?console=manage'],
    ['/console/groups', 'groups'],
    ['/console/groups/Readers', 'group'],
    ['/console/policies', 'policies'],
    [`/console/policies/view?arn=${encodeURIComponent(admin)}`, 'policy'],
    [`/console/policies/simulate?user=dana&actions=iam%3AListUsers&resource=*`, 'policy-simulator'],
    ['/console/account', 'account-settings'],
    ['/console/credential-report', 'credential-report'],
    ['/console/events', 'events'],
    ['/console/events?event=DeleteUser&failed=on'],
    ['/console/security-credentials', 'security-credentials'],
    ['/console/security-credentials?mfa=assign'],
  ];
  const found: string[] = [];
  for (const [path, shot] of pages) {
    await check(page, path, found, shot);
  }

  // The last page of Add users, with its secrets (a user created through the steps).
  await page.goto('/console/users/new');
  await page.getByLabel('User name', { exact: true }).fill('gil');
  await page.getByLabel('Create an access key').check();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Create users' }).click();
  await expect(page.getByTestId('added-users')).toBeVisible();
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    found.push(...(await violations(page)).map((v) => `add users, done (${colorScheme}) ${v}`));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.screenshot({ path: 'screenshots/add-users-done.png', fullPage: true });

  // The forced password change, as a user whose administrator asked for a new password sees it.
  lanyard(['user', 'create', '--account', alias, '--name', 'newbie', '--password-stdin', '--password-reset-required'],
    `${USER_PASSWORD}\n`);
  const newbie = await (await browser.newContext()).newPage();
  await newbie.goto(`${accountHost(alias)}/console`);
  await newbie.getByLabel('IAM user name').fill('newbie');
  await newbie.getByLabel('Password', { exact: true }).fill(USER_PASSWORD);
  await newbie.getByRole('button', { name: 'Sign in' }).click();
  await expect(newbie).toHaveURL(/\/console\/change-password$/);
  await check(newbie, `${accountHost(alias)}/console/change-password`, found, 'change-password');

  const reader = await userSignIn(browser, alias, 'reader');
  for (const path of ['/console', '/console/users', '/console/users/dana', '/console/groups', '/console/groups/Readers',
    '/console/policies', '/console/security-credentials']) {
    await check(reader, path, found);
  }
  expect(found).toEqual([]);
});
