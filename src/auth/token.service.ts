import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
// jose's own entry points for what is used (36 modules instead of 83 through 'jose').
import { JWTExpired } from 'jose/errors';
import { SignJWT } from 'jose/jwt/sign';
import { jwtVerify } from 'jose/jwt/verify';
import { isUuid } from '../common/ids';

const ISSUER = 'sitrep';

/** Why a token was refused, for the log and for the 4401 close reason. */
export class TokenError extends Error {}

/**
 * Signs and verifies login tokens: HS256 JWTs (jose) carrying the user id.
 * The role is not trusted from the token; it is read from the database on
 * every request so that a demoted user loses rights at once.
 */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  /** A login token for `userId`, valid while the user's session generation stays `generation`. */
  async sign(userId: string, generation: number): Promise<string> {
    return new SignJWT({ gen: generation })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setJti(crypto.randomUUID())
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  /**
   * Returns the user id, session generation and expiry (epoch milliseconds) of a valid token;
   * throws TokenError otherwise.
   */
  async verify(token: string): Promise<{ userId: string; generation: number; expiresAt: number | undefined }> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ['HS256'] });
      if (!payload.sub) throw new TokenError('token has no subject');
      // Checked before the subject reaches SQL as a uuid: a signed token with another subject is a bad token, not a 500.
      if (!isUuid(payload.sub)) throw new TokenError('token subject is not a user id');
      // Tokens signed before session generations existed count as generation 0.
      const generation = payload.gen ?? 0;
      if (typeof generation !== 'number') throw new TokenError('invalid token');
      return { userId: payload.sub, generation, expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : undefined };
    } catch (error) {
      if (error instanceof TokenError) throw error;
      if (error instanceof JWTExpired) throw new TokenError('token expired');
      throw new TokenError('invalid token');
    }
  }
}

/**
 * The JWT secret: JWT_SECRET when set, else one generated on first start and
 * kept in `dataDir/jwt-secret` so that tokens survive restarts.
 */
export function resolveJwtSecret(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const file = path.join(dataDir, 'jwt-secret');
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, crypto.randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return fs.readFileSync(file, 'utf8').trim();
}
