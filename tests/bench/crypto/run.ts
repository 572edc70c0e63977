/**
 * Crypto benchmark (`npm run bench:crypto`): operations per second of one ID number through our
 * national-algorithm field crypto — SM4-CTR + HMAC-SM3 encrypt, decrypt, and HMAC-SM3 blind index
 * (`gateway/src/platform/crypto`) — against AES-256-GCM encrypt + decrypt + HMAC-SHA256 index from
 * node:crypto, in the same process and run. The AES side is given the same treatment as ours (same
 * text format, context bound as AAD, same normalisation, IVs from a pool), so the ratio compares
 * the algorithms as OpenSSL runs them here, not two coding styles.
 * Rounds alternate; each side's best round counts.
 * Flags: --seconds N per round (default 2), --rounds N (default 5).
 * Last line: {"bench":"crypto","ratio":…,"floor":0.3,"sm4_ops_per_s":…,"aes_gcm_ops_per_s":…,"pass":…}
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  randomFillSync,
  timingSafeEqual,
} from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  BlindIndex,
  ConfigKeyProvider,
  FieldCipher,
  type FieldContext,
  MemoryKeyStore,
  normaliseIdNumber,
} from '../../../gateway/src/platform/crypto/index';
import { residentIdCheckChar } from '../../../gateway/src/platform/validation/resident-id';

const FLOOR = 0.3;
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '5' },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);

// A fictitious ID number (sequence 9xx) with a correct check character.
const ID = `11010519900307901${residentIdCheckChar('11010519900307901')}`;
const ctx: FieldContext = { table: 'citizen', column: 'id_no', rowId: '01JD5Q7Z3K0000000000000000' };

// Ours.
const fields = await FieldCipher.open({
  provider: new ConfigKeyProvider({
    masterKeys: { m1: randomBytes(32).toString('hex') },
    activeMasterKeyId: 'm1',
  }),
  store: new MemoryKeyStore(),
});
const idIndex = new BlindIndex(randomBytes(32)).column('citizen', 'id_no', normaliseIdNumber);

// Baseline: AES-256-GCM with the same format `v1.<kid>.<base64url(iv ‖ ct ‖ tag)>` and context as AAD.
class AesGcmField {
  readonly #kid = 'a1b2c3d4';
  readonly #key = randomBytes(32);
  readonly #indexKey = randomBytes(32);
  readonly #pool = Buffer.allocUnsafe(12 * 256);
  #at = this.#pool.length;

  encrypt(plain: string, where: FieldContext): string {
    if (this.#at + 12 > this.#pool.length) {
      randomFillSync(this.#pool);
      this.#at = 0;
    }
    const iv = this.#pool.subarray(this.#at, this.#at + 12);
    this.#at += 12;
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(aad(this.#kid, where));
    const ct = Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `v1.${this.#kid}.${ct.toString('base64url')}`;
  }

  decrypt(ciphertext: string, where: FieldContext): string {
    const dot = ciphertext.indexOf('.', 3);
    const kid = ciphertext.slice(3, dot);
    if (!ciphertext.startsWith('v1.') || kid !== this.#kid) throw new Error('unknown key');
    const raw = Buffer.from(ciphertext.slice(dot + 1), 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12));
    decipher.setAAD(aad(kid, where));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return decipher.update(raw.subarray(12, raw.length - 16), undefined, 'utf8') + decipher.final('utf8');
  }

  index(value: string): string {
    return createHmac('sha256', this.#indexKey)
      .update(normaliseIdNumber(value), 'utf8')
      .digest()
      .toString('hex', 0, 16);
  }
}
const aad = (kid: string, where: FieldContext) =>
  Buffer.from(JSON.stringify(['gcrm.field.v1', kid, where.table, where.column, String(where.rowId)]));
const aes = new AesGcmField();

// Both sides must be correct before they are timed.
const ours = fields.encrypt(ID, ctx);
const theirs = aes.encrypt(ID, ctx);
if (fields.decrypt(ours, ctx) !== ID || aes.decrypt(theirs, ctx) !== ID) throw new Error('round trip failed');
if (!timingSafeEqual(Buffer.from(idIndex.of(ID.toLowerCase())), Buffer.from(idIndex.of(ID)))) {
  throw new Error('index not normalised');
}

let sink = 0;
const sm4Op = () => {
  const ct = fields.encrypt(ID, ctx);
  sink += fields.decrypt(ct, ctx).length + idIndex.of(ID).length;
};
const aesOp = () => {
  const ct = aes.encrypt(ID, ctx);
  sink += aes.decrypt(ct, ctx).length + aes.index(ID).length;
};

function measure(work: () => void, secs = seconds): number {
  const start = performance.now();
  const until = start + secs * 1000;
  let n = 0;
  while (performance.now() < until) {
    for (let i = 0; i < 100; i++) work();
    n += 100;
  }
  return n / ((performance.now() - start) / 1000);
}

measure(sm4Op, 0.5);
measure(aesOp, 0.5);
const sm4Rounds: number[] = [];
const aesRounds: number[] = [];
for (let r = 0; r < rounds; r++) {
  sm4Rounds.push(measure(sm4Op));
  aesRounds.push(measure(aesOp));
}
const sm4Best = Math.max(...sm4Rounds);
const aesBest = Math.max(...aesRounds);
const ratio = sm4Best / aesBest;

// Where the time goes (one short run each, for the table only).
const part = (work: () => void) => measure(work, Math.min(seconds, 1));
const parts = {
  sm4: {
    encrypt: part(() => (sink += fields.encrypt(ID, ctx).length)),
    decrypt: part(() => (sink += fields.decrypt(ours, ctx).length)),
    index: part(() => (sink += idIndex.of(ID).length)),
  },
  aes: {
    encrypt: part(() => (sink += aes.encrypt(ID, ctx).length)),
    decrypt: part(() => (sink += aes.decrypt(theirs, ctx).length)),
    index: part(() => (sink += aes.index(ID).length)),
  },
};

const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(11);
const us = (n: number) => (1e6 / n).toFixed(2).padStart(8);
console.log(`crypto bench: 1 op = encrypt + decrypt + blind index of an 18-character ID number`);
console.log(
  `node ${process.version}, OpenSSL ${process.versions.openssl}, ${rounds} rounds × ${seconds} s, best round`,
);
console.log('');
console.log(`${'side'.padEnd(34)}${'ops/s'.padStart(11)}${'µs/op'.padStart(8)}   rounds (ops/s)`);
console.log(
  `${'SM4-CTR+HMAC-SM3, HMAC-SM3 index'.padEnd(34)}${fmt(sm4Best)}${us(sm4Best)}   ${sm4Rounds.map((x) => Math.round(x)).join(' ')}`,
);
console.log(
  `${'AES-256-GCM, HMAC-SHA256 index'.padEnd(34)}${fmt(aesBest)}${us(aesBest)}   ${aesRounds.map((x) => Math.round(x)).join(' ')}`,
);
console.log('');
console.log(`${'part (single run)'.padEnd(34)}${'SM4 ops/s'.padStart(11)}${'AES ops/s'.padStart(11)}`);
for (const k of ['encrypt', 'decrypt', 'index'] as const) {
  console.log(`${k.padEnd(34)}${fmt(parts.sm4[k])}${fmt(parts.aes[k])}`);
}
console.log('');
if (sink === 0) throw new Error('nothing was measured');
console.log(`ratio SM4/AES = ${ratio.toFixed(3)} (floor ${FLOOR})`);
console.log(
  JSON.stringify({
    bench: 'crypto',
    ratio: Number(ratio.toFixed(3)),
    floor: FLOOR,
    sm4_ops_per_s: Math.round(sm4Best),
    aes_gcm_ops_per_s: Math.round(aesBest),
    pass: ratio >= FLOOR,
  }),
);
