import { expect, Page } from '@playwright/test';

// The demo account that `lanyard dev demo` creates before the browser tests run.
export const ROOT_EMAIL = 'root@demo.example.com';
export const ROOT_PASSWORD = 'Demo-Root-Passw0rd!';
export const USER = 'alice';
export const USER_PASSWORD = 'Demo-Alice-Passw0rd!';
export const GENERIC_FAILURE = 'Your authentication information is incorrect. Please try again.';

const base = new URL(process.env.LANYARD_BASE_URL ?? 'http://localhost:3100');
/** The demo account's own sign-in host, e.g. http://demo.signin.localhost:3100 */
export const DEMO_HOST = `${base.protocol}//demo.signin.localhost:${base.port}`;

/** Signs the demo root user in at /signin and waits for the console. */
export async function rootSignIn(page: Page) {
  await page.goto('/signin');
  await page.getByRole('radio', { name: 'Root user' }).check();
  await page.getByLabel('Email address').fill(ROOT_EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(ROOT_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('principal-arn')).toBeVisible();
}
