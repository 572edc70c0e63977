/**
 * `npm run audit:verify` (tsx gateway/src/audit/audit-verify-cli.ts): checks the audit log's hash
 * chain and checkpoint signatures, prints a zh-CN + English summary and exits
 *   0  the chain verifies;
 *   1  it does not: the first bad seq and why are printed;
 *   2  it could not be checked (no database, no audit tables, bad options), or checkpoints exist
 *      but no public key was given (pass --skip-signatures to accept that explicitly).
 *
 * Options: --from <seq> (start at a seq whose link you trust, e.g. a verified checkpoint),
 * --skip-signatures, --json (the result as JSON on stdout).
 *
 * Environment:
 *   DATABASE_URL          as for the gateway (`mysql://…` or `sqlite:<file>`); unset: the embedded
 *                         SQLite file `<DATA_DIR>/gcrm.sqlite` (DATA_DIR default ./data). Read-only use.
 *   AUDIT_SM2_PUBLIC_KEYS SM2 public keys (uncompressed hex `04…`, 130 chars) that sign checkpoints,
 *                         separated by commas or whitespace; keep retired keys listed.
 *   AUDIT_SM2_PUBLIC_KEYS_FILE  or a file with one such key per line (`#` starts a comment).
 */
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '@gcrm/config';
import { createDatabase } from '../platform/db/database';
import type { AuditBreakReason, AuditVerifyResult } from './audit.types';
import { verifyAuditChain } from './audit-verify';

const REASONS_ZH: Record<AuditBreakReason, string> = {
  edited: '内容被篡改',
  deleted: '记录缺失（被删除）',
  inserted: '被插入伪造记录',
  reordered: '记录顺序被调换',
  head_mismatch: '与链头记录不符',
  checkpoint_mismatch: '与已签名检查点不符（历史被重写）',
  bad_signature: '检查点签名无效',
};

export interface CliIo {
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
}

export function readPublicKeys(env: NodeJS.ProcessEnv): string[] {
  const text = [
    env.AUDIT_SM2_PUBLIC_KEYS ?? '',
    env.AUDIT_SM2_PUBLIC_KEYS_FILE ? readFileSync(env.AUDIT_SM2_PUBLIC_KEYS_FILE, 'utf8') : '',
  ]
    .join('\n')
    .replace(/#.*$/gm, '');
  const keys = text.split(/[\s,]+/).filter(Boolean);
  for (const key of keys) {
    if (!/^04[0-9a-fA-F]{128}$/.test(key))
      throw new Error(`not an uncompressed SM2 public key: ${key.slice(0, 12)}…`);
  }
  return keys;
}

export function summary(result: AuditVerifyResult): string[] {
  const cps = `${result.checkpoints} 个检查点${result.signaturesChecked ? '（签名已验证）' : '（签名未验证）'}`;
  const cpsEn = `${result.checkpoints} checkpoint(s)${result.signaturesChecked ? ', signatures verified' : ', signatures NOT verified'}`;
  if (result.ok) {
    return [
      `审计日志校验通过：已校验 ${result.checked} 条记录，${cps}，链头 seq ${result.head.seq}。`,
      `Audit log OK: ${result.checked} row(s) checked, ${cpsEn}, head seq ${result.head.seq} (${result.head.hash.slice(0, 16)}…).`,
    ];
  }
  const bad = result.firstBad!;
  return [
    `审计日志校验失败：第一条异常记录 seq ${bad.seq}，${REASONS_ZH[bad.reason]}（${bad.detail}）。此前已校验 ${result.checked} 条。`,
    `Audit log BROKEN: first bad row seq ${bad.seq} (${bad.reason}: ${bad.detail}); ${result.checked} row(s) verified before it.`,
  ];
}

export async function runAuditVerify(argv: string[], io: CliIo): Promise<number> {
  let options: { from?: string; 'skip-signatures'?: boolean; json?: boolean };
  let publicKeys: string[];
  try {
    options = parseArgs({
      args: argv,
      options: {
        from: { type: 'string' },
        'skip-signatures': { type: 'boolean' },
        json: { type: 'boolean' },
      },
    }).values;
    if (options.from !== undefined && !/^[1-9]\d*$/.test(options.from))
      throw new Error('--from must be a seq ≥ 1');
    publicKeys = readPublicKeys(io.env);
  } catch (error) {
    io.err(`参数或公钥配置错误 (bad option or key): ${(error as Error).message}`);
    return 2;
  }
  // Only the database keys: the gateway's production requirements (JWT, WeChat) do not apply here.
  const pick = (k: string) => (io.env[k] ? { [k]: io.env[k] } : {});
  const { database: config } = loadConfig({
    ...pick('DATABASE_URL'),
    ...pick('DATA_DIR'),
    ...pick('DB_POOL_SIZE'),
  });
  if (config.kind === 'sqlite' && config.file !== ':memory:' && !existsSync(config.file)) {
    io.err(`找不到数据库文件 (database file not found): ${config.file}`);
    return 2;
  }
  const database = createDatabase(config);
  try {
    const result = await verifyAuditChain(database.db, {
      ...(options.from && { fromSeq: Number(options.from) }),
      ...(publicKeys.length > 0 && { publicKeys }),
    });
    if (options.json) io.out(JSON.stringify(result));
    else for (const line of summary(result)) io.out(line);
    if (!result.ok) return 1;
    if (!result.signaturesChecked && result.checkpoints > 0 && !options['skip-signatures']) {
      io.err(
        '未配置检查点公钥，签名未验证：请设置 AUDIT_SM2_PUBLIC_KEYS 或 AUDIT_SM2_PUBLIC_KEYS_FILE，或显式传 --skip-signatures。',
      );
      io.err(
        'No checkpoint public key configured: set AUDIT_SM2_PUBLIC_KEYS(_FILE) or pass --skip-signatures.',
      );
      return 2;
    }
    if (result.checkpoints === 0 && result.head.seq > 0) {
      io.err(
        '提示：尚无签名检查点，日志尾部被截断无法发现。Note: no signed checkpoint yet; a cut tail cannot be detected.',
      );
    }
    return 0;
  } catch (error) {
    io.err(`无法校验审计日志 (cannot verify the audit log): ${(error as Error).message}`);
    return 2;
  } finally {
    await database.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runAuditVerify(process.argv.slice(2), {
    env: process.env,
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  });
}
