import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import type { ApiError } from '../../services/errors';

export interface UploadedRef {
  id: string;
  name: string;
}

interface Pending {
  key: string;
  name: string;
  path: string;
  percent: number;
  error?: string;
}

export interface UploaderProps {
  label: string;
  value: UploadedRef[];
  maxFiles: number;
  accept: string[];
  maxSizeKb?: number;
  /** Staff view of a submitted case: list only, no upload or removal. */
  readonly?: boolean;
  onChange: (next: UploadedRef[]) => void;
  pick: (count: number) => Promise<{ path: string; name: string; size: number }[]>;
  upload: (file: { path: string; name: string }, onProgress: (p: number) => void) => Promise<UploadedRef>;
}

/** Attachment list with per-file progress, retry of a failed upload, and removal. */
export function Uploader(props: UploaderProps) {
  const [pending, setPending] = useState<Pending[]>([]);
  const room = props.readonly
    ? 0
    : props.maxFiles - props.value.length - pending.filter((p) => !p.error).length;

  const patch = (key: string, change: Partial<Pending>) =>
    setPending((list) => list.map((p) => (p.key === key ? { ...p, ...change } : p)));

  const run = async (item: Pending, done: UploadedRef[]) => {
    patch(item.key, { percent: 0, error: undefined });
    try {
      const ref = await props.upload({ path: item.path, name: item.name }, (percent) =>
        patch(item.key, { percent }),
      );
      setPending((list) => list.filter((p) => p.key !== item.key));
      done.push(ref);
      props.onChange([...props.value, ...done]);
    } catch (err) {
      patch(item.key, { error: (err as ApiError).message || '上传失败' });
    }
  };

  const add = async () => {
    if (room <= 0) return;
    const files = await props.pick(room).catch(() => []);
    const tooBig = props.maxSizeKb ? files.filter((f) => f.size > props.maxSizeKb! * 1024) : [];
    const items = files
      .filter((f) => !tooBig.includes(f))
      .map((f, i) => ({ key: `${Date.now()}-${i}`, name: f.name, path: f.path, percent: 0 }));
    const rejected = tooBig.map((f, i) => ({
      key: `big-${Date.now()}-${i}`,
      name: f.name,
      path: f.path,
      percent: 0,
      error: `文件超过 ${Math.round(props.maxSizeKb! / 1024)} MB，请压缩后再上传`,
    }));
    setPending((list) => [...list, ...items, ...rejected]);
    const done: UploadedRef[] = [];
    for (const item of items) await run(item, done);
  };

  return (
    <View>
      {props.value.map((f) => (
        <View key={f.id} className="row suggest__item">
          <Text>{f.name}</Text>
          {!props.readonly && (
            <View
              className="chip"
              ariaRole="button"
              ariaLabel={`删除${f.name}`}
              onClick={() => props.onChange(props.value.filter((x) => x.id !== f.id))}
            >
              删除
            </View>
          )}
        </View>
      ))}
      {pending.map((p) => (
        <View key={p.key} className="suggest__item">
          <Text>{p.name}</Text>
          {p.error ? (
            <View className="row">
              <Text className="field__error">{p.error}</Text>
              <View
                className="chip"
                ariaRole="button"
                ariaLabel={`重新上传${p.name}`}
                onClick={() => run(p, [])}
              >
                重试
              </View>
            </View>
          ) : (
            <View className="progress" ariaRole="progressbar" ariaLabel={`${p.name}上传进度${p.percent}%`}>
              <View className="progress__bar" style={{ width: `${p.percent}%` }} />
            </View>
          )}
        </View>
      ))}
      {room > 0 && (
        <View className="btn btn--plain" ariaRole="button" ariaLabel={`上传${props.label}`} onClick={add}>
          上传{props.label}（{props.accept.join('/').toUpperCase()}）
        </View>
      )}
    </View>
  );
}
