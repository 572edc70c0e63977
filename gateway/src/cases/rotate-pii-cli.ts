/**
 * `npm run crypto:rotate` (tsx gateway/src/cases/rotate-pii-cli.ts): re-encrypts the personal data of
 * stored form data (cases, drafts) and of result deliveries under the active data key, in the
 * background of a running system.
 *
 *   --new-key   first create a new data key (it becomes the active one), then wait `--wait` seconds
 *               (default 60) so that running gateways, which reload keys every 30 s, know it before
 *               any value is written under it
 *   --restart   start again from the first row instead of where the last run stopped
 *   --batch N   rows per page (default 500)
 *
 * Resumable (the position of each table is saved after every page; Ctrl-C stops after the current
 * page) and idempotent (values already under the active key are left alone). Uses the gateway's
 * configuration: DATABASE_URL, DATA_DIR, CRYPTO_MASTER_KEY; the gateway must have migrated the database.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '@gcrm/config';
import { rotatePhoneNumbers } from '../identity';
import { openFieldCipher } from '../platform/crypto';
import { createDatabase } from '../platform/db/database';
import { rotatePersonalData } from './pii-rotation';

const { values } = parseArgs({
  options: {
    'new-key': { type: 'boolean', default: false },
    restart: { type: 'boolean', default: false },
    wait: { type: 'string', default: '60' },
    batch: { type: 'string', default: '500' },
  },
});

const config = loadConfig();
const database = createDatabase(config.database);
let stopping = false;
process.on('SIGINT', () => {
  stopping = true;
  process.stdout.write('正在停止：完成当前一页后退出，下次从此处继续 (stopping after this page)\n');
});
try {
  const cipher = await openFieldCipher(database.db, config);
  if (values['new-key']) {
    const kid = await cipher.keys.rotate();
    const wait = Number(values.wait);
    process.stdout.write(
      `新数据密钥 ${kid} 已生效；等待 ${wait} 秒让运行中的网关加载 (new key ${kid}, waiting ${wait}s)\n`,
    );
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
  }
  const reports = [
    ...(await rotatePersonalData(database.db, cipher, {
      batch: Number(values.batch),
      restart: values.restart,
      stop: () => stopping,
    })),
    // Bound phone numbers (identity); a stopped run starts again and skips numbers already done.
    await rotatePhoneNumbers(database.db, cipher, { batch: Number(values.batch), stop: () => stopping }),
  ];
  for (const r of reports) {
    process.stdout.write(
      `${r.table}: 重新加密 ${r.values} 个字段（${r.rows} 行）${r.resumedFrom ? '，从上次位置继续' : ''} ` +
        `(re-encrypted ${r.values} values in ${r.rows} rows)\n`,
    );
  }
} finally {
  await database.close();
}
