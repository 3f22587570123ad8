import { execFileSync } from 'node:child_process';

// The `lanyard` binary scripts/test built, with the server's DATABASE_URL: tests create their own
// accounts (so they never disturb the demo one) and read mail with `lanyard outbox`.
export function lanyard(args: string[], input?: string): string {
  const bin = process.env.LANYARD_BIN;
  if (!bin) throw new Error('LANYARD_BIN is not set; run the browser tests through scripts/test');
  return execFileSync(bin, args, { input, encoding: 'utf8', env: process.env });
}

/** A fresh account with its root user; returns its alias (unique per run). */
export function createAccount(prefix: string, email: string, password: string): string {
  const alias = `${prefix}-${Date.now().toString(36)}`;
  lanyard(['account', 'create', '--email', email, '--alias', alias, '--password-stdin'], `${password}\n`);
  return alias;
}

/** A unique email address for a test's root user. */
export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}@example.com`;
}
