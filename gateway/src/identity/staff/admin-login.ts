import type { Kysely } from 'kysely';
import { generateSecret, generateURI, verify } from 'otplib';
import type { Db } from '../../platform/db/database';
import { AppError, errors } from '../../platform/errors';
import type { RateLimiter } from '../../platform/ratelimit/rate-limit';
import { hashPassword, passwordProblem, verifyPassword } from './passwords';

interface CredentialTables {
  staff_credentials: {
    staff_id: string;
    password_hash: string;
    totp_secret: string;
    totp_last_step: number;
    updated_at: number;
  };
}

const PERIOD = 30;

/**
 * Admin console sign-in: password (PBKDF2-HMAC-SM3, 等保 policy) plus a TOTP second factor (RFC 6238,
 * any authenticator app). Five failures within 15 minutes lock the account for the rest of that
 * window (the limiter's window); the answer never says which factor was wrong.
 */
export class AdminLogin {
  private readonly db: Kysely<CredentialTables>;

  constructor(
    db: Db,
    private readonly failures: RateLimiter,
    private readonly issuer = 'G-CRM',
    private readonly now: () => number = Date.now,
  ) {
    this.db = db as unknown as Kysely<CredentialTables>;
  }

  /** Sets a staff member's password and a new TOTP secret; returns the otpauth:// URI to enrol it (shown once). */
  async setCredentials(staffId: string, password: string): Promise<{ totpUri: string; totpSecret: string }> {
    const problem = passwordProblem(password);
    if (problem) throw errors.validation([{ pointer: '/password', code: 'weak_password', message: problem }]);
    const secret = generateSecret();
    const row = {
      staff_id: staffId,
      password_hash: await hashPassword(password),
      totp_secret: secret,
      totp_last_step: 0,
      updated_at: this.now(),
    };
    const updated = await this.db
      .updateTable('staff_credentials')
      .set(row)
      .where('staff_id', '=', staffId)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0)
      await this.db.insertInto('staff_credentials').values(row).execute();
    return { totpSecret: secret, totpUri: generateURI({ issuer: this.issuer, label: staffId, secret }) };
  }

  /** The staff id when password and code are right; throws 401 (wrong) or 429 (locked). */
  async verify(staffId: string, password: string, code: string): Promise<string> {
    const key = `admin-login:${staffId}`;
    // Reading the count (consuming 0): five failures in the window leave nothing, and that is the lock.
    const state = await this.failures.consume(key, 0);
    if (!state.allowed || state.remaining <= 0) throw locked(state.retryAfterSeconds);
    const row = await this.db
      .selectFrom('staff_credentials')
      .selectAll()
      .where('staff_id', '=', staffId)
      .executeTakeFirst();
    const passwordOk = row
      ? await verifyPassword(password, row.password_hash)
      : await verifyPassword(password, DUMMY);
    let step: number | undefined;
    if (row && passwordOk && /^\d{6}$/.test(code)) {
      const epoch = Math.floor(this.now() / 1000);
      // One period back is accepted for clock drift and the time it takes to type the code.
      const result = await verify({
        secret: row.totp_secret,
        token: code,
        epoch,
        epochTolerance: [PERIOD, 0],
      });
      if (result.valid) step = Math.floor(epoch / PERIOD) + result.delta;
    }
    if (!row || step === undefined || step <= Number(row.totp_last_step)) {
      const after = await this.failures.consume(key, 1);
      if (!after.allowed || after.remaining === 0) throw locked(after.retryAfterSeconds);
      throw errors.unauthorized('login_failed', '账号、密码或动态验证码不正确');
    }
    // The code is spent: the same one again (a replay within its 30 s) fails.
    const spent = await this.db
      .updateTable('staff_credentials')
      .set({ totp_last_step: step })
      .where('staff_id', '=', staffId)
      .where('totp_last_step', '<', step)
      .executeTakeFirst();
    if (Number(spent.numUpdatedRows) === 0)
      throw errors.unauthorized('login_failed', '账号、密码或动态验证码不正确');
    return staffId;
  }
}

// Checked when the account does not exist, so that timing does not tell which accounts exist.
const DUMMY = 'pbkdf2-sm3$100000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

function locked(retryAfterSeconds: number): AppError {
  return new AppError({
    status: 429,
    code: 'account_locked',
    title: '账号已锁定',
    detail: `连续登录失败次数过多，请 ${Math.ceil(retryAfterSeconds / 60)} 分钟后再试`,
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });
}
