import { test, expect } from '@playwright/test';
import { rootSignIn } from './demo';

test('rename and move a user from their page: the UserId stays', async ({ page }) => {
  await rootSignIn(page);
  await page.goto('/console/users/new');
  await page.getByLabel('User name').fill('carla');
  await page.getByLabel('Path').fill('/team/');
  await page.getByRole('button', { name: 'Create user' }).click();
  await page.getByRole('link', { name: 'carla', exact: true }).click();
  await expect(page).toHaveURL(/\/console\/users\/carla$/);
  await expect(page.getByTestId('user-arn')).toHaveText(/:user\/team\/carla$/);
  const userId = (await page.getByTestId('user-id').textContent())!.trim();
  expect(userId).toMatch(/^AIDA[A-Z2-7]{17}$/);

  // A name taken by another user, ignoring case, is refused and nothing changes.
  await page.getByLabel('New user name').fill('ALICE');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('alert')).toContainText('User with name ALICE already exists.');

  await page.getByLabel('New user name').fill('carla.b');
  await page.getByLabel('New path').fill('/team/platform/');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page).toHaveURL(/\/console\/users\/carla\.b$/);
  await expect(page.getByTestId('user-arn')).toHaveText(/:user\/team\/platform\/carla\.b$/);
  await expect(page.getByTestId('user-id')).toHaveText(userId);

  await page.goto('/console/users/carla');
  await expect(page.getByRole('alert')).toContainText('The user with name carla cannot be found.');
});
