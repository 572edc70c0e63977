/**
 * The platform seam: everything that differs between WeChat, DingTalk, WeCom and the browser.
 * Pages and services import `../platform` only; Taro picks `index.<TARO_ENV>.ts` at build time
 * (`index.ts` is the browser/test fallback). Nothing here talks to the gateway: the services do.
 */
export type PlatformName = 'weapp' | 'dd' | 'alipay' | 'qywx' | 'h5';
/** The gateway's `channel` enum for cases and drafts. */
export type Channel = 'wechat' | 'dingtalk' | 'wecom' | 'h5';

/** What the platform hands over to prove who the citizen is; the auth service swaps it for a session. */
export type CitizenProof = { kind: 'wechat'; code: string } | { kind: 'sandbox'; openid: string };
/** Staff sign-in: 免登 code inside DingTalk / WeCom, a demo staff id in the browser sandbox. */
export type StaffProof =
  | { kind: 'dingtalk'; authCode: string }
  | { kind: 'wecom'; code: string }
  | { kind: 'sandbox'; staffId: string };

export type SubscribeAnswer = 'accept' | 'reject' | 'ban' | 'filter';

export interface PickedFile {
  path: string;
  name: string;
  size: number;
}

export interface UploadOptions {
  url: string;
  filePath: string;
  name: string;
  /** The multipart file name; H5 needs it (a blob: path has no name), mini-programs ignore it. */
  fileName?: string;
  header: Record<string, string>;
  formData?: Record<string, string>;
  /** 0..100 */
  onProgress?: (percent: number) => void;
  timeoutMs?: number;
}

export interface OpenFileOptions {
  url: string;
  header: Record<string, string>;
  /** e.g. image/png, application/pdf */
  mime: string;
  name: string;
}

export interface UploadResult {
  statusCode: number;
  data: string;
}

export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  remove(key: string): void;
}

export interface Platform {
  readonly name: PlatformName;
  readonly channel: Channel;
  /** True where staff sign in silently (DingTalk, WeCom); the browser shows a sandbox picker instead. */
  readonly staffSilentLogin: boolean;
  /**
   * How a citizen proves a phone number: WeChat's getPhoneNumber button (a one-time code the gateway
   * exchanges), elsewhere an SMS verification code.
   */
  readonly phoneProof: 'wechat-button' | 'sms';
  citizenProof(): Promise<CitizenProof>;
  staffProof(staffId?: string): Promise<StaffProof>;
  storage: KeyValueStore;
  toast(message: string, kind?: 'none' | 'success' | 'error'): void;
  confirm(options: {
    title: string;
    content: string;
    confirmText?: string;
    cancelText?: string;
  }): Promise<boolean>;
  /** Asks for subscribe-message consent; platforms without it answer 'reject' for each template. */
  requestSubscribe(templateIds: string[]): Promise<Record<string, SubscribeAnswer>>;
  chooseFiles(options: { count: number; accept: string[] }): Promise<PickedFile[]>;
  upload(options: UploadOptions): Promise<UploadResult>;
  isOnline(): Promise<boolean>;
  /**
   * Shows a file the gateway serves behind a bearer token (a staff member previewing a material):
   * images in the platform's image viewer, documents in its document viewer, a new tab in browsers.
   */
  openFile(options: OpenFileOptions): Promise<void>;
}
