import { test, expect, Page } from '@playwright/test';
import { accountHost, rootSignIn } from './demo';
import { aws, createAccount, fixture, lanyard, uniqueEmail } from './cli';

const ROOT_PASSWORD = 'Keys-Root-Passw0rd!';
const USER_PASSWORD = 'Keys-User-Passw0rd!';

async function createKey(page: Page): Promise<{ id: string; secret: string }> {
  await page.getByRole('button', { name: 'Create access key' }).click();
  const id = (await page.getByTestId('access-key-id').textContent())!.trim();
  const secret = (await page.getByTestId('secret-access-key').textContent())!.trim();
  expect(id).toMatch(/^AKIA[A-Z2-7]{16}$/);
  expect(secret).toMatch(/^[A-Za-z0-9+/]{40}$/);
  const csv = decodeURIComponent((await page.getByRole('link', { name: 'Download .csv file' }).getAttribute('href'))!);
  expect(csv).toContain(`Access key ID,Secret access key\n${id},${secret}`);
  return { id, secret };
}

test('a user creates an access key in the browser and the aws CLI proves it; deactivated, it stops working', async ({ page }) => {
  const email = uniqueEmail('keys');
  const alias = createAccount('keys', email, ROOT_PASSWORD);
  lanyard(['user', 'create', '--account', alias, '--name', 'dana', '--path', '/eng/', '--password-stdin',
    '--inline-policy', `OwnKeys=${fixture('self-service-access-keys.json')}`], `${USER_PASSWORD}\n`);

  await page.goto(`${accountHost(alias)}/console`);
  await page.getByLabel('IAM user name').fill('dana');
  await page.getByLabel('Password', { exact: true }).fill(USER_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const arn = (await page.getByTestId('principal-arn').textContent())!.trim();
  await page.getByRole('link', { name: 'My security credentials' }).click();
  const key = await createKey(page);

  // Shown once: a reload shows the key ID in the list but never the secret again.
  await page.reload();
  await expect(page.getByTestId('secret-access-key')).toHaveCount(0);
  const row = page.getByRole('row', { name: new RegExp(key.id) });
  await expect(row).toContainText('Active');
  await expect(row).toContainText('N/A');

  const ok = aws(['sts', 'get-caller-identity'], key);
  expect(ok.code, ok.out).toBe(0);
  const identity = JSON.parse(ok.out);
  expect(identity.Arn).toBe(arn);
  expect(identity.Arn).toMatch(/:user\/eng\/dana$/);
  expect(identity.UserId).toMatch(/^AIDA/);

  await page.reload();
  await expect(page.getByRole('row', { name: new RegExp(key.id) })).toContainText('sts · us-east-1');

  // The wrong secret, an unknown action: AWS's errors, as the CLI reports them.
  const wrong = aws(['sts', 'get-caller-identity'], { id: key.id, secret: 'x'.repeat(40) });
  expect(wrong.code).not.toBe(0);
  expect(wrong.out).toContain('SignatureDoesNotMatch');
  const unknown = aws(['sts', 'assume-role', '--role-arn', 'arn:aws:iam::123456789012:role/x', '--role-session-name', 'session'], key);
  expect(unknown.out).toContain('InvalidAction');
  // Temporary credentials for the key (STS GetSessionToken).
  const session = aws(['sts', 'get-session-token', '--duration-seconds', '900'], key);
  expect(session.code).toBe(0);
  expect(JSON.parse(session.out).Credentials.AccessKeyId).toMatch(/^ASIA/);

  await page.getByRole('row', { name: new RegExp(key.id) }).getByRole('button', { name: 'Deactivate' }).click();
  await expect(page.getByRole('row', { name: new RegExp(key.id) })).toContainText('Inactive');
  const refused = aws(['sts', 'get-caller-identity'], key);
  expect(refused.code).not.toBe(0);
  expect(refused.out).toContain('InvalidClientTokenId');
  await page.getByRole('row', { name: new RegExp(key.id) }).getByRole('button', { name: 'Activate' }).click();
  await expect(page.getByRole('row', { name: new RegExp(key.id) })).toContainText('Active');
  expect(aws(['sts', 'get-caller-identity'], key).code).toBe(0);

  // Two keys at most; the second one replaces the first.
  await createKey(page);
  await expect(page.getByRole('button', { name: 'Create access key' })).toHaveCount(0);
  await page.getByRole('row', { name: new RegExp(key.id) }).getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('heading', { name: `Delete access key ${key.id}?` })).toBeVisible();
  await page.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('status')).toContainText('The access key has been deleted.');
  await expect(page.getByRole('row', { name: new RegExp(key.id) })).toHaveCount(0);
  expect(aws(['sts', 'get-caller-identity'], key).out).toContain('InvalidClientTokenId');
});

test('root sees a warning on its own keys, and creates keys for a user on the user page', async ({ page }) => {
  const email = uniqueEmail('keys-root');
  const alias = createAccount('keys-root', email, ROOT_PASSWORD);
  lanyard(['user', 'create', '--account', alias, '--name', 'erin'], '');
  await rootSignIn(page, email, ROOT_PASSWORD);
  await page.getByRole('link', { name: 'My security credentials' }).click();
  await expect(page.getByTestId('root-key-warning')).toContainText('AWS advises against access keys for the root user');

  await page.goto('/console/users/erin');
  await expect(page.getByTestId('root-key-warning')).toHaveCount(0);
  const key = await createKey(page);
  const ok = aws(['sts', 'get-caller-identity'], key);
  expect(ok.code, ok.out).toBe(0);
  expect(JSON.parse(ok.out).Arn).toMatch(/:user\/erin$/);
});
