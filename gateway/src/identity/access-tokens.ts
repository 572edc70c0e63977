import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { ALG, type SigningKeys } from './signing-keys';

export interface AccessClaims {
  /** The citizen's or staff member's id. */
  sub: string;
  /** The session (refresh-token family) this token belongs to. */
  sid: string;
  /** Who the subject is: a citizen (WeChat login) or a staff member (staff sign-in). */
  role: 'citizen' | 'staff';
}

export interface AccessTokenOptions {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

// RFC 9068: a typed header keeps an ID token or any other JWT of ours from passing as an access token.
const TYP = 'at+jwt';

// A citizen's app sends the same token with every request for its 15 minutes: verifying its ES256
// signature once and remembering the result saves ~10% CPU per request. Only successful
// verifications are kept, each until its own expiry; revocation is checked outside, every time.
const VERIFIED_CACHE_MAX = 10_000;

export class AccessTokens {
  private readonly keySet;
  private readonly verified = new Map<string, { claims: AccessClaims; exp: number }>();
  constructor(
    private readonly keys: SigningKeys,
    private readonly options: AccessTokenOptions,
  ) {
    this.keySet = createLocalJWKSet(keys.jwks);
  }

  async issue(claims: AccessClaims): Promise<{ token: string; expiresIn: number }> {
    const token = await new SignJWT({ sid: claims.sid, role: claims.role })
      .setProtectedHeader({ alg: ALG, kid: this.keys.kid, typ: TYP })
      .setSubject(claims.sub)
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(`${this.options.ttlSeconds}s`)
      .sign(this.keys.privateKey);
    return { token, expiresIn: this.options.ttlSeconds };
  }

  /**
   * The claims of a token that is valid except that it expired at most `graceSeconds` ago: only for
   * renewing a staff session that the server still holds open (the session is what is checked then).
   */
  async verifyRecentlyExpired(token: string, graceSeconds: number): Promise<AccessClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.keySet, {
        algorithms: [ALG],
        issuer: this.options.issuer,
        audience: this.options.audience,
        typ: TYP,
        requiredClaims: ['sub', 'exp', 'iat', 'sid'],
        clockTolerance: graceSeconds,
      });
      if (payload.role !== 'staff' || typeof payload.sid !== 'string' || typeof payload.sub !== 'string')
        return null;
      return { sub: payload.sub, sid: payload.sid, role: 'staff' };
    } catch (error) {
      if (error instanceof joseErrors.JOSEError || error instanceof TypeError) return null;
      throw error;
    }
  }

  /** The claims of a valid token, or null for anything else (bad signature, alg, kid, typ, iss, aud, time). */
  async verify(token: string): Promise<AccessClaims | null> {
    const hit = this.verified.get(token);
    if (hit) {
      if (hit.exp * 1000 > Date.now()) return hit.claims;
      this.verified.delete(token);
    }
    try {
      const { payload } = await jwtVerify(token, this.keySet, {
        algorithms: [ALG],
        issuer: this.options.issuer,
        audience: this.options.audience,
        typ: TYP,
        requiredClaims: ['sub', 'exp', 'iat', 'sid'],
        clockTolerance: 5,
      });
      const role = payload.role;
      if (
        (role !== 'citizen' && role !== 'staff') ||
        typeof payload.sid !== 'string' ||
        typeof payload.sub !== 'string'
      ) {
        return null;
      }
      const claims: AccessClaims = { sub: payload.sub, sid: payload.sid, role };
      if (this.verified.size >= VERIFIED_CACHE_MAX) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, { claims, exp: payload.exp! });
      return claims;
    } catch (error) {
      if (error instanceof joseErrors.JOSEError || error instanceof TypeError) return null;
      throw error;
    }
  }
}
