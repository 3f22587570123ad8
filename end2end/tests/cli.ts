import { execFileSync, spawnSync } from 'node:child_process';

// The `lanyard` binary scripts/test built, with the server's DATABASE_URL: tests create their own
// accounts (so they never disturb the demo one) and read mail with `lanyard outbox`.
export function lanyard(args: string[], input?: string): string {
  const bin = process.env.LANYARD_BIN;
  if (!bin) throw new Error('LANYARD_BIN is not set; run the browser tests through scripts/test');
  return execFileSync(bin, args, { input, encoding: 'utf8', env: process.env });
}

/** What the stock aws CLI (scripts/test installs it) prints and exits with, against this server. */
export function aws(args: string[], key: { id: string; secret: string }): { code: number; out: string } {
  const bin = process.env.LANYARD_AWS_CLI;
  if (!bin) throw new Error('LANYARD_AWS_CLI is not set; run the browser tests through scripts/test');
  const endpoint = process.env.LANYARD_BASE_URL ?? 'http://localhost:3100';
  const env = {
    PATH: process.env.PATH ?? '',
    AWS_ACCESS_KEY_ID: key.id,
    AWS_SECRET_ACCESS_KEY: key.secret,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
  };
  const r = spawnSync(bin, ['--endpoint-url', endpoint, '--output', 'json', ...args], { env, encoding: 'utf8' });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
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

/** The path of a file in `end2end/fixtures` (policy documents, shared with the Rust tests). */
export function fixture(name: string): string {
  return require('node:path').join(__dirname, '..', 'fixtures', name);
}
