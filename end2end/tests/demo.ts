import { expect, Page } from '@playwright/test';

// The demo account that `lanyard dev demo` creates before the browser tests run.
export const ROOT_EMAIL = 'root@demo.example.com';
export const ROOT_PASSWORD = 'Demo-Root-Passw0rd!';
export const USER = 'alice';
export const USER_PASSWORD = 'Demo-Alice-Passw0rd!';
export const GENERIC_FAILURE = 'Your authentication information is incorrect. Please try again.';

const base = new URL(process.env.LANYARD_BASE_URL ?? 'http://localhost:3100');
/** An account's own sign-in host, e.g. http://demo.signin.localhost:3100 */
export function accountHost(aliasOrId: string): string {
  return `${base.protocol}//${aliasOrId}.signin.localhost:${base.port}`;
}
export const DEMO_HOST = accountHost('demo');

/** Fills and submits the root form of /signin; what follows is for the caller to check. */
export async function submitRootSignIn(page: Page, email: string, password: string) {
  await page.goto('/signin');
  await page.getByRole('radio', { name: 'Root user' }).check();
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs a root user (the demo one by default) in at /signin and waits for the console. */
export async function rootSignIn(page: Page, email = ROOT_EMAIL, password = ROOT_PASSWORD) {
  await submitRootSignIn(page, email, password);
  await expect(page.getByTestId('principal-arn')).toBeVisible();
}
