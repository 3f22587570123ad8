import { test, expect, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accountHost, rootSignIn } from './demo';
import { createAccount, fixture, lanyard, uniqueEmail } from './cli';

const ROOT_PASSWORD = 'Creds-Root-Passw0rd!';
const USER_PASSWORD = 'Creds-User-Passw0rd!';

/** A new key pair from ssh-keygen: the public key and its SHA256 fingerprint as ssh-keygen prints it. */
function sshKey(): { publicKey: string; fingerprint: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lanyard-ssh-'));
  const file = join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'laptop', '-f', file]);
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-f', `${file}.pub`], { encoding: 'utf8' }).split(' ')[1];
  return { publicKey: readFileSync(`${file}.pub`, 'utf8'), fingerprint };
}

function certificate(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lanyard-cert-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-days', '30', '-subj', '/CN=signer', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], { stdio: 'ignore' });
  return readFileSync(join(dir, 'c.pem'), 'utf8');
}

async function userSignIn(page: Page, alias: string, user: string) {
  await page.goto(`${accountHost(alias)}/console`);
  await page.getByLabel('IAM user name').fill(user);
  await page.getByLabel('Password', { exact: true }).fill(USER_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('principal-arn')).toBeVisible();
}

test('a user uploads an SSH key and sees its fingerprint, then makes git credentials shown once that a proxy accepts', async ({ page }) => {
  const alias = createAccount('creds', uniqueEmail('creds'), ROOT_PASSWORD);
  lanyard(['user', 'create', '--account', alias, '--name', 'devon', '--password-stdin',
    '--inline-policy', `OwnSshAndGit=${fixture('self-service-ssh-and-git.json')}`], `${USER_PASSWORD}\n`);
  await userSignIn(page, alias, 'devon');
  await page.getByRole('link', { name: 'My security credentials' }).click();

  const key = sshKey();
  const card = page.locator('#ssh-keys');
  await card.getByLabel('SSH public key').fill(key.publicKey);
  await card.getByRole('button', { name: 'Upload SSH public key' }).click();
  await expect(card.getByRole('status')).toContainText('uploaded');
  await expect(card.getByTestId('credential-label')).toHaveText(key.fingerprint);
  await expect(card.getByRole('row', { name: /APKA/ })).toContainText('Active');

  // Git credentials: the password is shown once, and a reverse proxy's /auth/basic accepts it.
  const git = page.locator('#service-credentials');
  await git.getByRole('button', { name: /Generate HTTPS Git credentials/ }).click();
  const userName = (await git.getByTestId('service-user-name').textContent())!.trim();
  const password = (await git.getByTestId('service-password').textContent())!.trim();
  expect(userName).toMatch(/^devon-at-\d{12}$/);
  expect(password).toHaveLength(44);
  const basic = (p: string) => ({ Authorization: `Basic ${Buffer.from(`${userName}:${p}`).toString('base64')}` });
  expect((await page.request.get('/auth/basic', { headers: basic(password) })).status()).toBe(204);
  expect((await page.request.get('/auth/basic', { headers: basic('wrong') })).status()).toBe(401);
  await page.reload();
  await expect(page.getByTestId('service-password')).toHaveCount(0);
  await expect(page.locator('#service-credentials').getByRole('row', { name: new RegExp(userName) })).toContainText('Active');

  // Deactivated in the console, refused at once.
  await page.locator('#service-credentials').getByRole('row', { name: new RegExp(userName) })
    .getByRole('button', { name: 'Deactivate' }).click();
  await expect(page.locator('#service-credentials').getByRole('row', { name: new RegExp(userName) })).toContainText('Inactive');
  expect((await page.request.get('/auth/basic', { headers: basic(password) })).status()).toBe(401);
});

test('an administrator uploads a signing certificate for a user and downloads the credential report with the user in it', async ({ page }) => {
  const email = uniqueEmail('report');
  const alias = createAccount('report', email, ROOT_PASSWORD);
  lanyard(['user', 'create', '--account', alias, '--name', 'reese', '--password-stdin'], `${USER_PASSWORD}\n`);
  await rootSignIn(page, email, ROOT_PASSWORD);

  await page.goto('/console/users/reese');
  const certs = page.locator('#certificates');
  await certs.getByLabel('Certificate body').fill(certificate());
  await certs.getByRole('button', { name: 'Upload certificate' }).click();
  await expect(certs.getByRole('status')).toContainText('uploaded');
  await expect(certs.getByTestId('credential-label')).toContainText('Expires');

  await page.getByRole('link', { name: 'Credential report' }).click();
  await expect(page.getByRole('heading', { name: 'Credential report', level: 1 })).toBeVisible();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download report' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('credential_report.csv');
  const csv = readFileSync((await download.path())!, 'utf8');
  const lines = csv.trim().split('\n');
  expect(lines[0]).toMatch(/^user,arn,user_creation_time,password_enabled,password_last_used,/);
  expect(lines[1]).toMatch(/^<root_account>,arn:aws:iam::\d{12}:root,/);
  const reese = lines.find((l) => l.startsWith('reese,'))!.split(',');
  expect(reese[3]).toBe('true');
  expect(reese[18]).toBe('true'); // cert_1_active
  await page.reload();
  await expect(page.getByTestId('report-generated')).toContainText('generated at');
});
