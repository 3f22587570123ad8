import { test, expect, Page } from '@playwright/test';
import { DEMO_HOST, rootSignIn, USER, USER_PASSWORD } from './demo';


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
