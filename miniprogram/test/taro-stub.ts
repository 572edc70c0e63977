// A small stand-in for @tarojs/taro in jsdom tests: memory storage, recorded toasts/modals/navigation,
// and page hooks that run once on mount. Tests drive it through `taroStub`.
import { useEffect } from 'react';

type Modal = { title?: string; content?: string; confirmText?: string };

export const taroStub = {
  storage: new Map<string, unknown>(),
  toasts: [] as string[],
  modals: [] as Modal[],
  modalAnswers: [] as boolean[],
  navigations: [] as { kind: string; url: string }[],
  params: {} as Record<string, string>,
  pullDown: undefined as undefined | (() => void),
  /** What createSelectorQuery().boundingClientRect answers (jsdom has no layout). */
  rect: { left: 10, top: 100, width: 300, height: 160 },
  /** downloadFile / previewImage / openDocument calls, in order; and the download's status. */
  opened: [] as Record<string, unknown>[],
  downloadStatus: 200,
  /** What WeChat's getPhoneNumber sheet answers (undefined: the citizen declined). */
  phoneCode: undefined as string | undefined,
  reset() {
    this.storage.clear();
    this.toasts = [];
    this.modals = [];
    this.modalAnswers = [];
    this.navigations = [];
    this.params = {};
    this.pullDown = undefined;
    this.phoneCode = undefined;
    this.opened = [];
    this.downloadStatus = 200;
  },
};

const Taro = {
  getStorageSync: (k: string) => (taroStub.storage.has(k) ? taroStub.storage.get(k) : ''),
  setStorageSync: (k: string, v: unknown) => void taroStub.storage.set(k, v),
  removeStorageSync: (k: string) => void taroStub.storage.delete(k),
  showToast: async (o: { title: string }) => void taroStub.toasts.push(o.title),
  showModal: async (o: Modal) => {
    taroStub.modals.push(o);
    return { confirm: taroStub.modalAnswers.shift() ?? true, cancel: false };
  },
  navigateTo: async (o: { url: string }) =>
    void taroStub.navigations.push({ kind: 'navigateTo', url: o.url }),
  redirectTo: async (o: { url: string }) =>
    void taroStub.navigations.push({ kind: 'redirectTo', url: o.url }),
  navigateBack: async () => void taroStub.navigations.push({ kind: 'navigateBack', url: '' }),
  stopPullDownRefresh: () => undefined,
  getNetworkType: async () => ({ networkType: 'wifi' }),
  login: async () => ({ code: 'test-code' }),
  downloadFile: async (o: { url: string; header?: Record<string, string> }) => {
    taroStub.opened.push({ kind: 'download', ...o });
    return { statusCode: taroStub.downloadStatus, tempFilePath: 'wxfile://tmp/file' };
  },
  previewImage: async (o: { urls: string[] }) => void taroStub.opened.push({ kind: 'image', urls: o.urls }),
  openDocument: async (o: { filePath: string; fileType: string }) =>
    void taroStub.opened.push({ kind: 'document', ...o }),
  request: async () => {
    throw new Error('tests use a fake transport');
  },
  uploadFile: () => {
    throw new Error('tests use a fake transport');
  },
  chooseImage: async () => ({ tempFiles: [] }),
  createSelectorQuery: () => {
    let cb: ((r: unknown) => void) | undefined;
    const q = {
      select: () => q,
      boundingClientRect: (fn: (r: unknown) => void) => {
        cb = fn;
        return q;
      },
      exec: () => queueMicrotask(() => cb?.({ ...taroStub.rect })),
    };
    return q;
  },
};

export default Taro;

export const useRouter = () => ({ params: taroStub.params });
// biome-ignore lint/correctness/useExhaustiveDependencies: like Taro's useDidShow, runs once per show (mount here)
export const useDidShow = (fn: () => void) => useEffect(() => fn(), []);
export const usePullDownRefresh = (fn: () => void) => {
  taroStub.pullDown = fn;
};
