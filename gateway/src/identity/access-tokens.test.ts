import { createHmac, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { AccessTokens } from './access-tokens';
import type { SigningKeys } from './signing-keys';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const options = { issuer: 'g-crm', audience: 'g-crm-api', ttlSeconds: 900 };

describe('access tokens (ES256, kid, typ at+jwt)', () => {
  let keys: SigningKeys;
  let tokens: AccessTokens;
  const claims = { sub: randomUUID(), sid: randomUUID(), role: 'citizen' as const };
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    keys = {
      kid: 'k1',
      privateKey: pair.privateKey,
      jwks: { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' }] },
    };
    tokens = new AccessTokens(keys, options);
  });

  const forge = (header: Record<string, unknown>, payload: Record<string, unknown>, signature = '') =>
    `${b64(header)}.${b64(payload)}.${signature}`;
  const goodPayload = () => ({
    sub: claims.sub,
    sid: claims.sid,
    role: 'citizen',
    iss: 'g-crm',
    aud: 'g-crm-api',
    iat: now(),
    exp: now() + 600,
  });

  it('verifies what it issues', async () => {
    const { token } = await tokens.issue(claims);
    expect(await tokens.verify(token)).toEqual(claims);
  });

  it('rejects alg none', async () => {
    expect(await tokens.verify(forge({ alg: 'none', typ: 'at+jwt', kid: 'k1' }, goodPayload()))).toBeNull();
  });

  it('rejects HS256 signed with the public key (algorithm confusion)', async () => {
    const header = { alg: 'HS256', typ: 'at+jwt', kid: 'k1' };
    const input = `${b64(header)}.${b64(goodPayload())}`;
    const sig = createHmac('sha256', JSON.stringify(keys.jwks.keys[0])).update(input).digest('base64url');
    expect(await tokens.verify(`${input}.${sig}`)).toBeNull();
  });

  it('rejects an unknown kid, and a key supplied in the header (jwk / jku)', async () => {
    const attacker = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(attacker.publicKey);
    for (const header of [
      { alg: 'ES256', typ: 'at+jwt', kid: 'k2' },
      { alg: 'ES256', typ: 'at+jwt', jwk },
      { alg: 'ES256', typ: 'at+jwt', kid: 'k1', jku: 'http://127.0.0.1:1/jwks' },
    ]) {
      const forged = await new SignJWT(goodPayload())
        .setProtectedHeader(header as never)
        .sign(attacker.privateKey);
      expect(await tokens.verify(forged)).toBeNull();
    }
  });

  it('rejects expired, not-yet-valid, wrong issuer, wrong audience, wrong typ and wrong role', async () => {
    const sign = (payload: Record<string, unknown>, typ = 'at+jwt') =>
      new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid: 'k1', typ }).sign(keys.privateKey);
    expect(await tokens.verify(await sign({ ...goodPayload(), exp: now() - 60 }))).toBeNull();
    expect(await tokens.verify(await sign({ ...goodPayload(), nbf: now() + 600 }))).toBeNull();
    expect(await tokens.verify(await sign({ ...goodPayload(), iss: 'evil' }))).toBeNull();
    expect(await tokens.verify(await sign({ ...goodPayload(), aud: 'other' }))).toBeNull();
    expect(await tokens.verify(await sign(goodPayload(), 'JWT'))).toBeNull();
    expect(await tokens.verify(await sign({ ...goodPayload(), role: 'admin' }))).toBeNull();
    expect(await tokens.verify(await sign(goodPayload()))).toEqual(claims);
  });

  it('rejects a tampered payload and garbage', async () => {
    const { token } = await tokens.issue(claims);
    const [h, , s] = token.split('.');
    expect(await tokens.verify(`${h}.${b64({ ...goodPayload(), sub: randomUUID() })}.${s}`)).toBeNull();
    for (const junk of ['', 'a.b.c', '....', 'eyJ.eyJ.x', token.slice(0, -2)])
      expect(await tokens.verify(junk)).toBeNull();
  });

  it('accepts tokens of a retired key listed in the key set (rotation)', async () => {
    const old = await generateKeyPair('ES256', { extractable: true });
    const rotated = new AccessTokens(
      {
        ...keys,
        jwks: { keys: [...keys.jwks.keys, { ...(await exportJWK(old.publicKey)), kid: 'k0', alg: 'ES256' }] },
      },
      options,
    );
    const legacy = await new SignJWT(goodPayload())
      .setProtectedHeader({ alg: 'ES256', kid: 'k0', typ: 'at+jwt' })
      .sign(old.privateKey);
    expect(await rotated.verify(legacy)).toEqual(claims);
    expect(await tokens.verify(legacy)).toBeNull();
  });
});

describe('verified-token cache', () => {
  it('keeps a verified token only until its own expiry', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    const keys = {
      kid: 'k',
      privateKey: pair.privateKey,
      jwks: { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k', alg: 'ES256' }] },
    };
    const tokens = new AccessTokens(keys, { ...options, ttlSeconds: 60 });
    const claims = { sub: randomUUID(), sid: randomUUID(), role: 'citizen' as const };
    const { token } = await tokens.issue(claims);
    expect(await tokens.verify(token)).toEqual(claims);
    expect(await tokens.verify(token)).toEqual(claims);
    // A forged variant of a cached token is still checked in full.
    expect(await tokens.verify(`${token}x`)).toBeNull();
    vi.useFakeTimers({ now: Date.now() + 120_000 });
    try {
      expect(await tokens.verify(token)).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('renews a staff token only within its grace after expiry, and never a citizen token', async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    const keys: SigningKeys = {
      kid: 'k1',
      privateKey: pair.privateKey,
      jwks: { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' }] },
    };
    const tokens = new AccessTokens(keys, { issuer: 'g-crm', audience: 'g-crm-api', ttlSeconds: 900 });
    const claims = { sub: randomUUID(), sid: randomUUID() };
    const now = () => Math.floor(Date.now() / 1000);
    const signed = (role: string, exp: number) =>
      new SignJWT({ sid: claims.sid, role })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
        .setSubject(claims.sub)
        .setIssuer('g-crm')
        .setAudience('g-crm-api')
        .setIssuedAt(exp - 900)
        .setExpirationTime(exp)
        .sign(keys.privateKey);
    const tenMinutesAgo = now() - 600;
    expect(await tokens.verify(await signed('staff', tenMinutesAgo))).toBeNull();
    expect(await tokens.verifyRecentlyExpired(await signed('staff', tenMinutesAgo), 1800)).toEqual({
      ...claims,
      role: 'staff',
    });
    expect(await tokens.verifyRecentlyExpired(await signed('staff', now() - 3600), 1800)).toBeNull();
    expect(await tokens.verifyRecentlyExpired(await signed('citizen', tenMinutesAgo), 1800)).toBeNull();
  });
});
