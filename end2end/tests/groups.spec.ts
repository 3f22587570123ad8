import { test, expect } from '@playwright/test';
import { rootSignIn } from './demo';

test('root creates a group, adds and removes a member, and deletes the group', async ({ page }) => {
  await rootSignIn(page);
  await page.getByRole('link', { name: 'User groups', exact: true }).click();
  await expect(page).toHaveURL(/\/console\/groups$/);

  // Every broken rule at its field.
  await page.getByLabel('Group name').fill('bad name');
  await page.getByLabel('Path').fill('ops');
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(page.getByRole('alert')).toContainText('groupName');
  await expect(page.getByLabel('Group name')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Path')).toHaveAttribute('aria-invalid', 'true');

  await page.getByLabel('Group name').fill('Operators');
  await page.getByLabel('Path').fill('/ops/');
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(page).toHaveURL(/\/console\/groups\/Operators$/);
  await expect(page.getByTestId('group-arn')).toContainText(':group/ops/Operators');

  await page.getByLabel('User name').fill('nobody-here');
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByRole('alert')).toContainText('The user with name nobody-here cannot be found.');
  await page.getByLabel('User name').fill('alice');
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByRole('status')).toContainText('alice has been added to the group.');
  await expect(page.getByTestId('group-members')).toContainText('alice');

  // The user's page lists the group.
  await page.getByTestId('group-members').getByRole('link', { name: 'alice' }).click();
  await expect(page.getByTestId('user-groups')).toContainText('Operators');
  await page.getByTestId('user-groups').getByRole('link', { name: 'Operators' }).click();

  await page.getByTestId('group-members').getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByRole('status')).toContainText('alice has been removed from the group.');
  await expect(page.getByTestId('group-members-empty')).toBeVisible();

  await page.getByRole('button', { name: 'Delete group' }).click();
  await page.getByLabel('Confirm group name').fill('operators');
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('must be the group\'s name');
  await page.getByLabel('Confirm group name').fill('Operators');
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page).toHaveURL(/\/console\/groups\?deleted$/);
  await expect(page.getByRole('status')).toContainText('The group has been deleted.');
  await expect(page.getByRole('link', { name: 'Operators' })).toHaveCount(0);
});
