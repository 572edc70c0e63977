import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useMemo, useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { demoForm, GOOD_ID } from '../../../test/fixtures';
import { applyCompute, type FormData, fieldStates } from '../../lib/form-model';
import type { FormDefinition } from '../../services/types';
import { FormRenderer, type WidgetContext } from '.';

function Harness(props: {
  form: FormDefinition;
  errors?: Record<string, string>;
  ctx?: Partial<WidgetContext>;
  onData?: (d: FormData) => void;
  initial?: FormData;
}) {
  const [data, setData] = useState<FormData>(props.initial ?? {});
  const states = useMemo(() => fieldStates(props.form, data), [props.form, data]);
  const ctx: WidgetContext = {
    loadRegions: async () => [],
    pickFiles: async () => [],
    uploadFile: async () => ({ id: 'm', name: 'm' }),
    departments: [],
    ...props.ctx,
  };
  return (
    <FormRenderer
      form={props.form}
      value={data}
      states={states}
      errors={props.errors ?? {}}
      ctx={ctx}
      onChange={(name, v) =>
        setData((d) => {
          const next = applyCompute(props.form, { ...d, [name]: v });
          props.onData?.(next);
          return next;
        })
      }
    />
  );
}

describe('FormRenderer', () => {
  it('renders sections, labels with 必填 for screen readers, and help text', () => {
    render(<Harness form={demoForm} />);
    expect(screen.getByText('申请人')).toBeTruthy();
    expect(screen.getByLabelText('申请人姓名（必填）')).toBeTruthy();
    expect(screen.getByRole('radiogroup', { name: '与新生儿关系（必填）' })).toBeTruthy();
  });

  it('applies linkage: choosing 其他监护人 reveals the required proof upload', () => {
    render(<Harness form={demoForm} />);
    expect(screen.queryByText('监护关系证明')).toBeNull();
    fireEvent.click(screen.getByRole('radio', { name: '与新生儿关系（必填）：其他监护人' }));
    expect(screen.getByText('监护关系证明')).toBeTruthy();
    expect(screen.getByRole('button', { name: '上传监护关系证明（必填）' })).toBeTruthy();
  });

  it('copies computed fields as the citizen types and keeps them read-only', () => {
    let last: FormData = {};
    render(<Harness form={demoForm} onData={(d) => (last = d)} />);
    fireEvent.change(screen.getByLabelText('申请人姓名（必填）'), { target: { value: '王示例' } });
    expect(last.insuredName).toBe('王示例');
    expect((screen.getByLabelText('参保人姓名') as HTMLInputElement).disabled).toBe(true);
  });

  it('parses numbers and upper-cases ID numbers', () => {
    let last: FormData = {};
    render(<Harness form={demoForm} onData={(d) => (last = d)} />);
    fireEvent.change(screen.getByLabelText('婴儿数'), { target: { value: '2' } });
    fireEvent.change(screen.getByLabelText('身份证号码（必填）'), {
      target: { value: `${GOOD_ID.slice(0, 17)}x` },
    });
    expect(last.babyCount).toBe(2);
    expect(last.idNumber).toBe(`${GOOD_ID.slice(0, 17)}X`);
    expect(screen.getByLabelText('第几胎（必填）')).toBeTruthy();
  });

  it('shows the gateway messages next to their fields as alerts', () => {
    render(<Harness form={demoForm} errors={{ idNumber: '身份证号码应为有效的18位居民身份证号码' }} />);
    expect(screen.getByRole('alert').textContent).toBe('身份证号码应为有效的18位居民身份证号码');
    expect(screen.getByLabelText('身份证号码（必填）').className).toContain('input--error');
  });

  it('uploads an attachment with progress, and retries a failed one', async () => {
    let attempts = 0;
    const uploadFile = vi.fn(
      async (_f: unknown, material: string | undefined, onProgress: (p: number) => void) => {
        onProgress(40);
        if (++attempts === 1) throw new Error('网络连接不可用，请检查网络后重试');
        return { id: 'm-1', name: `证明.pdf(${material})` };
      },
    );
    let last: FormData = {};
    render(
      <Harness
        form={demoForm}
        onData={(d) => (last = d)}
        ctx={{ pickFiles: async () => [{ path: 'blob:1', name: '证明.pdf', size: 1000 }], uploadFile }}
      />,
    );
    fireEvent.click(screen.getByRole('radio', { name: '与新生儿关系（必填）：其他监护人' }));
    fireEvent.click(screen.getByRole('button', { name: '上传监护关系证明（必填）' }));
    await screen.findByText('网络连接不可用，请检查网络后重试');
    fireEvent.click(screen.getByRole('button', { name: '重新上传证明.pdf' }));
    await waitFor(() => expect(last.proof).toEqual([{ id: 'm-1', name: '证明.pdf(guardianship-proof)' }]));
    expect(screen.getByText('证明.pdf(guardianship-proof)')).toBeTruthy();
    expect(uploadFile).toHaveBeenCalledTimes(2);
  });

  it('shows the names of a region restored from a draft, not its code', async () => {
    const form: FormDefinition = {
      id: 'region-test',
      version: 1,
      title: '地址',
      schema: { type: 'object', properties: { home: { type: 'string', title: '户籍地' } } },
      ui: { sections: [{ title: '地址', fields: ['home'] }], fields: { home: { widget: 'region' } } },
    };
    const regions: Record<string, { code: string; name: string }[]> = {
      root: [{ code: '110000', name: '北京市' }],
      '110000': [{ code: '110100', name: '市辖区' }],
      '110100': [{ code: '110105', name: '朝阳区' }],
    };
    render(
      <Harness
        form={form}
        initial={{ home: '110105' }}
        ctx={{ loadRegions: async (parent) => regions[parent ?? 'root'] ?? [] }}
      />,
    );
    expect(await screen.findByText('北京市 / 市辖区 / 朝阳区')).toBeTruthy();
    // Choosing again starts from the provinces, and is not overwritten by the restored names.
    fireEvent.click(screen.getByRole('button', { name: '户籍地，北京市 / 市辖区 / 朝阳区' }));
    fireEvent.click(await screen.findByRole('option', { name: '北京市' }));
    fireEvent.click(await screen.findByRole('option', { name: '市辖区' }));
    fireEvent.click(await screen.findByRole('option', { name: '朝阳区' }));
    expect(await screen.findByText('北京市 / 市辖区 / 朝阳区')).toBeTruthy();
  });

  it('renders every widget type the catalog uses', async () => {
    const fs = await import('node:fs');
    const { join, resolve } = await import('node:path');
    const dir = resolve(process.cwd(), 'config/catalog/forms');
    const widgets = new Set<string>();
    for (const file of fs.readdirSync(dir)) {
      const form = JSON.parse(fs.readFileSync(join(dir, file), 'utf8')) as FormDefinition;
      for (const ui of Object.values(form.ui.fields)) widgets.add(ui.widget);
      const { unmount } = render(<Harness form={form} />);
      expect(screen.getAllByText(form.ui.sections[0]!.title).length).toBeGreaterThan(0);
      unmount();
    }
    expect([...widgets].sort()).toEqual(
      [
        'attachment',
        'checkbox',
        'date',
        'date-range',
        'department-picker',
        'id-number',
        'money',
        'number',
        'person-picker',
        'phone',
        'radio',
        'region',
        'select',
        'signature',
        'switch',
        'table',
        'text',
        'textarea',
        'uscc',
      ].sort(),
    );
  });
});
