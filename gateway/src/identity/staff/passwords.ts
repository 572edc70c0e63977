import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const derive = promisify(pbkdf2);

/** PBKDF2-HMAC-SM3 (GB/T 32905 hash, 国密): `pbkdf2-sm3$<iterations>$<salt b64url>$<hash b64url>`. */
const ITERATIONS = 100_000;
const LENGTH = 32;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password.normalize('NFC'), salt, ITERATIONS, LENGTH, 'sm3');
  return `pbkdf2-sm3$${ITERATIONS}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iterations, salt, hash] = stored.split('$');
  if (scheme !== 'pbkdf2-sm3' || !iterations || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const got = await derive(
    password.normalize('NFC'),
    Buffer.from(salt, 'base64url'),
    Number(iterations),
    expected.length,
    'sm3',
  );
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** 等保 password policy: at least 8 characters from at least 3 of upper, lower, digit, symbol. Returns the zh-CN problem or null. */
export function passwordProblem(password: string): string | null {
  if (password.length < 8) return '密码至少 8 位';
  if (password.length > 128) return '密码不能超过 128 位';
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) return '密码须包含大写字母、小写字母、数字、符号中的至少三类';
  return null;
}
