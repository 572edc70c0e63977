import Taro from '@tarojs/taro';
import { platform } from '../platform';
import type { Transport } from './http';

/** The app's transport: Taro.request for JSON, the platform's upload for multipart. */
export const taroTransport: Transport = {
  async request(req) {
    const res = await Taro.request({
      url: req.url,
      method: req.method as 'GET',
      header: req.header,
      data: req.data as Record<string, unknown>,
      timeout: req.timeout,
      dataType: 'json',
    });
    return { statusCode: res.statusCode, data: res.data, header: res.header as Record<string, string> };
  },
  upload: (req) =>
    platform.upload({
      url: req.url,
      filePath: req.filePath,
      name: req.name,
      fileName: req.fileName,
      header: req.header,
      formData: req.formData,
      onProgress: req.onProgress,
      timeoutMs: req.timeout,
    }),
};
