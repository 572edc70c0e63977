/** Why a callback could not be verified, decrypted, encrypted or parsed (WXBizMsgCrypt error names). */
export type CallbackCipherErrorCode =
  | 'ValidateSignature'
  | 'ParseXml'
  | 'ComputeSignature'
  | 'IllegalAesKey'
  | 'ValidateReceiveId'
  | 'EncryptAES'
  | 'DecryptAES'
  | 'IllegalBuffer'
  | 'EncodeBase64'
  | 'DecodeBase64';

/** Tencent WXBizMsgCrypt return codes (WeChat/WeCom samples, platforms.md §1.6 and §3.5). */
const WECOM_CODES: Record<CallbackCipherErrorCode, number> = {
  ValidateSignature: -40001,
  ParseXml: -40002,
  ComputeSignature: -40003,
  IllegalAesKey: -40004,
  ValidateReceiveId: -40005,
  EncryptAES: -40006,
  DecryptAES: -40007,
  IllegalBuffer: -40008,
  EncodeBase64: -40009,
  DecodeBase64: -40010,
};

/** DingCallbackCrypto codes (platforms.md §2.8); the DingTalk lib has no XML or base64 codes. */
const DINGTALK_CODES: Partial<Record<CallbackCipherErrorCode, number>> = {
  ValidateSignature: 900005,
  ComputeSignature: 900006,
  IllegalAesKey: 900004,
  ValidateReceiveId: 900010,
  EncryptAES: 900007,
  DecryptAES: 900008,
  IllegalBuffer: 900009,
};

/**
 * The only error the callback cipher throws for bad input or bad keys. The message never contains
 * key material, plaintext or ciphertext, so it is safe to log.
 */
export class CallbackCipherError extends Error {
  readonly code: CallbackCipherErrorCode;

  constructor(code: CallbackCipherErrorCode, detail?: string) {
    super(detail ? `callback cipher: ${code} (${detail})` : `callback cipher: ${code}`);
    this.name = 'CallbackCipherError';
    this.code = code;
  }

  /** The WeCom / WeChat library return code, -40001 … -40010. */
  wecomCode(): number {
    return WECOM_CODES[this.code];
  }

  /** The DingTalk library code 900001 … 900010, or undefined where DingTalk has none. */
  dingtalkCode(): number | undefined {
    return DINGTALK_CODES[this.code];
  }
}
