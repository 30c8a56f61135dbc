// The credential a socket signs in with: a root-level user defined in the engine for this run
// only (a fresh random password each start; OVERWRITE replaces the last run's, so its tokens die
// with it). The engine checks the password and issues the session's token; the relay first
// compares in constant time, so a wrong guess costs no password hashing and says nothing.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Surreal } from 'surrealdb';

export interface RpcCredential {
  user: string;
  pass: string;
}

export const DEV_USER = 'spooky_dev';

export function newCredential(user = DEV_USER): RpcCredential {
  return { user, pass: randomBytes(24).toString('base64url') };
}

/** Defines (or redefines) the credential's user on the root of the engine behind `db`. */
export async function defineCredentialUser(db: Surreal, credential: RpcCredential): Promise<void> {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(credential.user)) {
    throw new Error(`user name ${JSON.stringify(credential.user)}: expected letters, digits and _ only`);
  }
  if (!/^[A-Za-z0-9_-]+$/.test(credential.pass)) throw new Error('password: expected base64url characters only');
  await db.query(`DEFINE USER OVERWRITE ${credential.user} ON ROOT PASSWORD '${credential.pass}' ROLES OWNER`);
}

/**
 * True when a signin's params are exactly the credential at root level (`{ user, pass }`, no
 * namespace, database or access method). Compares digests, so neither length nor content leaks.
 */
export function isCredential(params: unknown, credential: RpcCredential): boolean {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return false;
  const { user, pass, ...rest } = params as Record<string, unknown>;
  const scoped = Object.values(rest).some((value) => value !== undefined && value !== null);
  const given = digest(`${String(user)}\u0000${String(pass)}`);
  const expected = digest(`${credential.user}\u0000${credential.pass}`);
  return timingSafeEqual(given, expected) && typeof user === 'string' && typeof pass === 'string' && !scoped;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
