import Taro from '@tarojs/taro';
import type { OpenFileOptions } from './types';

// Not in common.ts: Taro's H5 build of previewImage/openDocument is large, and the browser has its own way.
const DOCUMENT_TYPES: Record<string, string> = {
  'application/pdf': 'pdf',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
};

/** Mini-programs: download with the token, then the image or document viewer of the host app. */
export async function openFileNative(options: OpenFileOptions): Promise<void> {
  const res = await Taro.downloadFile({ url: options.url, header: options.header });
  if (res.statusCode !== 200)
    throw new Error(res.statusCode === 404 ? '材料不存在或无权查看' : '材料下载失败，请稍后重试');
  if (options.mime.startsWith('image/')) {
    await Taro.previewImage({ urls: [res.tempFilePath], current: res.tempFilePath });
    return;
  }
  await Taro.openDocument({
    filePath: res.tempFilePath,
    fileType: (DOCUMENT_TYPES[options.mime] ?? 'pdf') as 'pdf',
    showMenu: false,
  });
}
