import { constants, generateKeyPairSync, type KeyObject, privateDecrypt, publicEncrypt } from 'node:crypto';

/**
 * E9 exchanges RSA public keys as base64 of the DER SubjectPublicKeyInfo (Java `getEncoded()`), and
 * wraps `secrit` and `userid` with RSA PKCS#1 v1.5 (platforms.md §4.1).
 */
export function generateRsaKeyPair(bits = 1024): { publicKeyBase64: string; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return {
    publicKeyBase64: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    privateKey,
  };
}

/** base64(RSA_PKCS1v1_5_encrypt(text, spk)). Throws when `spkBase64` is no RSA public key. */
export function rsaEncryptBase64(text: string, spkBase64: string): string {
  const key = { key: Buffer.from(spkBase64, 'base64'), format: 'der' as const, type: 'spki' as const };
  return publicEncrypt({ ...key, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(text, 'utf8')).toString(
    'base64',
  );
}

/**
 * The inverse, for the simulator. Node 20 refuses PKCS#1 v1.5 private decryption (CVE-2023-46809), so
 * the block is decrypted raw and the `00 02 PS 00 M` padding is checked here. Null when it does not
 * decrypt.
 */
export function rsaDecryptBase64(cipherBase64: string, privateKey: KeyObject): string | null {
  try {
    const cipher = Buffer.from(cipherBase64, 'base64');
    const modulusBytes = ((privateKey.asymmetricKeyDetails?.modulusLength ?? 0) + 7) >> 3;
    if (cipher.length !== modulusBytes) return null;
    const block = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, cipher);
    if (block[0] !== 0x00 || block[1] !== 0x02) return null;
    const end = block.indexOf(0x00, 2);
    if (end < 10) return null;
    return block.subarray(end + 1).toString('utf8');
  } catch {
    return null;
  }
}
