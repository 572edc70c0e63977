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
 * Archive files (`--archive <file>`, repeatable; no database needed): each file's SM3 digest (against
 * `<file>.sm3` when present), chain and checkpoint signatures are checked offline, and several files
 * must continue one another (see audit-archive-file.ts). Exit codes as above.
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
import { type ArchiveVerifyResult, verifyAuditArchive } from './audit-archive-file';
import { verifyAuditChain } from './audit-verify';

const ARCHIVE_PROBLEMS_ZH: Record<string, string> = {
  digest_mismatch: '文件摘要（SM3）与记录不符',
  malformed: '文件格式错误',
  unsigned_end: '最后一条记录没有签名检查点',
  not_linked: '与前一个归档文件不衔接',
};

/** Verifies archive files offline, then that they continue one another (sorted by their first seq). */
async function verifyArchives(
  files: string[],
  publicKeys: string[],
  options: { json?: boolean; 'skip-signatures'?: boolean },
  io: CliIo,
): Promise<number> {
  const results: ArchiveVerifyResult[] = [];
  for (const file of files) {
    if (!existsSync(file)) {
      io.err(`找不到归档文件 (archive file not found): ${file}`);
      return 2;
    }
    results.push(await verifyAuditArchive(file, publicKeys.length > 0 ? { publicKeys } : {}));
  }
  const sorted = [...results].filter((r) => r.ok).sort((a, b) => a.fromSeq - b.fromSeq);
  for (let i = 1; i < sorted.length; i++) {
    const [before, r] = [sorted[i - 1]!, sorted[i]!];
    if (r.fromSeq !== before.toSeq + 1 || r.prevHash !== before.lastHash) {
      Object.assign(r, {
        ok: false,
        firstBad: { seq: r.fromSeq, reason: 'not_linked', detail: `does not continue ${before.file}` },
      });
    }
  }
  if (options.json) io.out(JSON.stringify(results));
  for (const r of options.json ? [] : results) {
    const cps = `${r.checkpoints} 个检查点${r.signaturesChecked ? '（签名已验证）' : '（签名未验证）'}`;
    const digest = r.digestChecked ? 'SM3 摘要一致' : '未提供 SM3 摘要';
    if (r.ok) {
      io.out(
        `归档文件校验通过：${r.file}，seq ${r.fromSeq}–${r.toSeq}，已校验 ${r.checked} 条记录，${cps}，${digest}。`,
      );
      io.out(
        `Archive OK: ${r.file}, seq ${r.fromSeq}-${r.toSeq}, ${r.checked} row(s), ${r.checkpoints} checkpoint(s), sm3 ${r.sm3.slice(0, 16)}…`,
      );
    } else {
      const bad = r.firstBad!;
      const why = ARCHIVE_PROBLEMS_ZH[bad.reason] ?? REASONS_ZH[bad.reason as AuditBreakReason];
      io.out(`归档文件校验失败：${r.file}，seq ${bad.seq}，${why}（${bad.detail}）。`);
      io.out(`Archive BROKEN: ${r.file}, seq ${bad.seq} (${bad.reason}: ${bad.detail}).`);
    }
  }
  if (results.some((r) => !r.ok)) return 1;
  if (publicKeys.length === 0 && !options['skip-signatures']) {
    io.err('未配置检查点公钥，签名未验证：请设置 AUDIT_SM2_PUBLIC_KEYS，或显式传 --skip-signatures。');
    io.err(
      'No checkpoint public key configured: set AUDIT_SM2_PUBLIC_KEYS(_FILE) or pass --skip-signatures.',
    );
    return 2;
  }
  return 0;
}

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
  let options: { from?: string; 'skip-signatures'?: boolean; json?: boolean; archive?: string[] };
  let publicKeys: string[];
  try {
    options = parseArgs({
      args: argv,
      options: {
        from: { type: 'string' },
        'skip-signatures': { type: 'boolean' },
        json: { type: 'boolean' },
        archive: { type: 'string', multiple: true },
      },
    }).values;
    if (options.from !== undefined && !/^[1-9]\d*$/.test(options.from))
      throw new Error('--from must be a seq ≥ 1');
    publicKeys = readPublicKeys(io.env);
  } catch (error) {
    io.err(`参数或公钥配置错误 (bad option or key): ${(error as Error).message}`);
    return 2;
  }
  if (options.archive?.length) return verifyArchives(options.archive, publicKeys, options, io);
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
    if (!options.json && result.archivedTo !== undefined) {
      io.out(
        `seq ${result.archivedTo} 及之前的记录已归档：请用 --archive <文件> 校验归档文件。Rows up to seq ${result.archivedTo} are archived: verify the files with --archive.`,
      );
    }
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
