import Taro from '@tarojs/taro';
import type { KeyValueStore, PickedFile, Platform, UploadOptions, UploadResult } from './types';

export const storage: KeyValueStore = {
  get<T>(key: string): T | undefined {
    try {
      const value = Taro.getStorageSync(key);
      return value === '' || value === null || value === undefined ? undefined : (value as T);
    } catch {
      return undefined;
    }
  },
  set(key, value) {
    Taro.setStorageSync(key, value);
  },
  remove(key) {
    Taro.removeStorageSync(key);
  },
};

export function toast(message: string, kind: 'none' | 'success' | 'error' = 'none'): void {
  // Long zh-CN sentences need icon 'none' (icons truncate the text to 7 characters on WeChat).
  void Taro.showToast({ title: message, icon: kind === 'success' ? 'success' : 'none', duration: 2500 });
}

export async function confirm(options: {
  title: string;
  content: string;
  confirmText?: string;
  cancelText?: string;
}): Promise<boolean> {
  const res = await Taro.showModal({
    title: options.title,
    content: options.content,
    confirmText: options.confirmText ?? '确定',
    cancelText: options.cancelText ?? '取消',
  });
  return res.confirm === true;
}

export function upload(options: UploadOptions): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    const task = Taro.uploadFile({
      url: options.url,
      filePath: options.filePath,
      name: options.name,
      fileName: options.fileName,
      header: options.header,
      formData: options.formData,
      timeout: options.timeoutMs ?? 60_000,
      success: (res) => resolve({ statusCode: res.statusCode, data: String(res.data ?? '') }),
      fail: (err) => reject(new Error(err.errMsg || 'uploadFile:fail')),
    } as Taro.uploadFile.Option);
    task?.onProgressUpdate?.((p) => options.onProgress?.(p.progress));
  });
}

export async function chooseImages(count: number): Promise<PickedFile[]> {
  const res = await Taro.chooseImage({ count, sizeType: ['compressed'], sourceType: ['album', 'camera'] });
  return res.tempFiles.map((f, i) => ({
    path: f.path,
    name: (f as { originalFileObj?: { name?: string } }).originalFileObj?.name ?? `图片${i + 1}.jpg`,
    size: f.size,
  }));
}

export async function isOnline(): Promise<boolean> {
  try {
    const res = await Taro.getNetworkType();
    return res.networkType !== 'none';
  } catch {
    return true;
  }
}

export async function noSubscribe(templateIds: string[]) {
  return Object.fromEntries(templateIds.map((id) => [id, 'reject' as const]));
}

/** The parts every platform shares; each `index.<env>.ts` adds login and its own differences. */
export const shared: Pick<Platform, 'storage' | 'toast' | 'confirm' | 'upload' | 'isOnline'> = {
  storage,
  toast,
  confirm,
  upload,
  isOnline,
};
