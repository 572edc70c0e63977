/**
 * The hash chain and checkpoint signatures, as pure functions shared by the writer and the verifier.
 *
 * `hash = SM3(prev_hash ‖ canonical_json(row))` in lower-case hex, where `prev_hash` is the previous
 * row's hash as hex text (64 zeros before the first row) and the canonical JSON holds every stored
 * column except `prev_hash` and `hash`, keys sorted, `details` as its stored text. The seq is hashed,
 * so moving a row to another seq breaks it.
 *
 * A checkpoint signs `gcrm-audit-checkpoint:v1:<seq>:<hash>:<signed_at>:<key_id>` with SM2 (SM3 digest
 * with Z, default user id `1234567812345678`, DER-encoded signature, as OpenSSL and sm-crypto expect).
 */
import { createHash } from 'node:crypto';
import { sm2 } from 'sm-crypto-v2';
import { stableStringify } from '../platform/stable-json';

export const GENESIS_HASH = '0'.repeat(64);

/** The columns of `audit_log` as stored. `details` is JSON text (keys sorted) or null. */
export interface AuditLogRow {
  seq: number;
  id: string;
  at: number;
  actor_type: string;
  actor_id: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  result: string;
  ip: string | null;
  request_id: string | null;
  details: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditCheckpointRow {
  seq: number;
  hash: string;
  signed_at: number;
  signature: string;
  key_id: string;
}

export const sm3Hex = (text: string) => createHash('sm3').update(text, 'utf8').digest('hex');

export function canonicalRow(row: Omit<AuditLogRow, 'prev_hash' | 'hash'>): string {
  return stableStringify({
    seq: row.seq,
    id: row.id,
    at: row.at,
    actor_type: row.actor_type,
    actor_id: row.actor_id,
    action: row.action,
    object_type: row.object_type,
    object_id: row.object_id,
    result: row.result,
    ip: row.ip,
    request_id: row.request_id,
    details: row.details,
  });
}

/** The hash a row must carry when it follows `prevHash`. */
export function chainHash(prevHash: string, row: Omit<AuditLogRow, 'prev_hash' | 'hash'>): string {
  return sm3Hex(prevHash + canonicalRow(row));
}

/**
 * Signs checkpoints. `sm2Signer` holds the private key in this process; a certified cipher machine
 * (服务器密码机) or KMS implements the same two members.
 */
export interface AuditSigner {
  /** Names the public key that verifies this signer's signatures (see {@link sm2KeyId}). */
  readonly keyId: string;
  /** SM2 signature (DER hex) over `message` (UTF-8). */
  sign(message: string): string | Promise<string>;
}

const SM2_USER_ID = '1234567812345678';

/** A key's id: `sm2:` and the first 16 hex of SM3 over its uncompressed public key hex. */
export const sm2KeyId = (publicKeyHex: string) => `sm2:${sm3Hex(publicKeyHex.toLowerCase()).slice(0, 16)}`;

/** Signs in-process with an SM2 private key (hex); the public key (hex, `04…`) is derived when omitted. */
export function sm2Signer(privateKeyHex: string, publicKeyHex?: string): AuditSigner {
  const publicKey = (publicKeyHex ?? sm2.getPublicKeyFromPrivateKey(privateKeyHex)).toLowerCase();
  return {
    keyId: sm2KeyId(publicKey),
    sign: (message) =>
      sm2.doSignature(message, privateKeyHex, { hash: true, der: true, publicKey, userId: SM2_USER_ID }),
  };
}

export function checkpointMessage(cp: Omit<AuditCheckpointRow, 'signature'>): string {
  return `gcrm-audit-checkpoint:v1:${cp.seq}:${cp.hash}:${cp.signed_at}:${cp.key_id}`;
}

/** Public keys by key id, for verification. */
export function publicKeyRing(publicKeysHex: readonly string[]): Map<string, string> {
  return new Map(publicKeysHex.map((k) => [sm2KeyId(k), k.toLowerCase()]));
}

/** True when the checkpoint's signature verifies under the key its `key_id` names. Never throws. */
export function verifyCheckpointSignature(
  cp: AuditCheckpointRow,
  ring: ReadonlyMap<string, string>,
): boolean {
  const publicKey = ring.get(cp.key_id);
  if (!publicKey) return false;
  try {
    return sm2.doVerifySignature(checkpointMessage(cp), cp.signature, publicKey, {
      hash: true,
      der: true,
      userId: SM2_USER_ID,
    });
  } catch {
    // Malformed DER or a scalar out of range: sm-crypto throws rather than answering false.
    return false;
  }
}
