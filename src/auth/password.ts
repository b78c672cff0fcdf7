import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** scrypt's cost parameters. A hash records its own, and verification reads them from it. */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

// OWASP's scrypt floor (N=2^17, r=8, p=1) costs 128 MiB and ~150 ms per hash; 2^15 keeps
// login under 50 ms on a 2-core box while staying far above brute-force range for 8+ chars.
/** The cost of every hash Sitrep writes. */
export const PASSWORD_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

/**
 * Hashes a password with scrypt (Node's built-in, memory-hard, no native addon
 * to build). The result is self-describing: `scrypt$N$r$p$salt$hash`.
 * Sitrep always hashes at PASSWORD_COST; `cost` is for test fixtures, whose
 * users need no protection and log in hundreds of times per run.
 */
export async function hashPassword(password: string, cost: ScryptCost = PASSWORD_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, { ...cost, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Checks a password against a stored hash in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 256 * 1024 * 1024,
  });
  return timingSafeEqual(key, expected);
}
