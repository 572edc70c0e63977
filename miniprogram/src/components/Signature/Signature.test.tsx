import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import { taroStub } from '../../../test/taro-stub';
import { fromBase64, isDrawnSignature, SIGNATURE_PREFIX, signatureValue } from '../../lib/signature';
import { SignaturePad } from './index';

function Host(props: { initial?: string; readonly?: boolean; seen: string[] }) {
  const [value, setValue] = useState<string | undefined>(props.initial);
  return (
    <SignaturePad
      name="applicantSignature"
      label="申请人签名"
      value={value}
      readonly={props.readonly ?? false}
      invalid={false}
      onChange={(v) => {
        props.seen.push(v);
        setValue(v);
      }}
    />
  );
}

const touch = (x: number, y: number) => ({ touches: [{ clientX: x, clientY: y }] });

describe('signature pad', () => {
  beforeEach(() => taroStub.reset());

  it('a finger stroke becomes a drawn signature in pad coordinates', async () => {
    const seen: string[] = [];
    render(<Host seen={seen} />);
    const pad = screen.getByRole('img', { name: '申请人签名：请在框内手写签名' });
    fireEvent.touchStart(pad, touch(30, 140));
    await new Promise((r) => setTimeout(r, 0)); // the pad's position arrives asynchronously
    fireEvent.touchMove(pad, touch(60, 150));
    fireEvent.touchMove(pad, touch(90, 130));
    fireEvent.touchEnd(pad, { changedTouches: [{ clientX: 90, clientY: 130 }] });
    expect(seen).toHaveLength(1);
    expect(isDrawnSignature(seen[0])).toBe(true);
    // rect is left 10, top 100 in the stub: client (30,140) is (20,40) on the pad.
    expect(fromBase64((seen[0] ?? '').slice(SIGNATURE_PREFIX.length))).toContain('d="M20 40L50 50L80 30"');
    expect(await screen.findByRole('img', { name: '申请人签名：请在框内手写签名，已签写' })).toBeTruthy();
  });

  it('draws with a mouse too, and 重写 clears it', async () => {
    const seen: string[] = [];
    render(<Host seen={seen} />);
    const pad = screen.getByRole('img', { name: /请在框内手写签名/ });
    fireEvent.mouseDown(pad, { clientX: 20, clientY: 120 });
    await new Promise((r) => setTimeout(r, 0));
    fireEvent.mouseMove(pad, { clientX: 120, clientY: 160 });
    fireEvent.mouseUp(pad);
    expect(isDrawnSignature(seen.at(-1))).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: '清除签名，重新签写' }));
    expect(seen.at(-1)).toBe('');
    expect(screen.getByText('请在此处签写本人姓名')).toBeTruthy();
  });

  it('people who cannot draw may type their name', () => {
    const seen: string[] = [];
    render(<Host seen={seen} />);
    fireEvent.click(screen.getByRole('button', { name: '无法手写？改为输入姓名' }));
    fireEvent.change(screen.getByRole('textbox', { name: '申请人签名' }), { target: { value: '林测试' } });
    expect(seen.at(-1)).toBe('林测试');
    fireEvent.click(screen.getByRole('button', { name: '改为手写签名' }));
    expect(seen.at(-1)).toBe('');
  });

  it('a restored drawing shows as an image; read-only shows it without controls', async () => {
    const drawn = signatureValue(
      [
        [
          { x: 1, y: 1 },
          { x: 50, y: 40 },
        ],
      ],
      300,
      160,
    );
    render(<Host seen={[]} initial={drawn} readonly />);
    const img = screen.getByRole('img', { name: '申请人签名（手写）' }) as HTMLImageElement;
    expect(img.getAttribute('src')).toBe(drawn);
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('a value that is not our drawing is never used as an image source', async () => {
    const forged = `${SIGNATURE_PREFIX}${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>').toString('base64')}`;
    const { container } = render(<Host seen={[]} initial={forged} readonly />);
    await waitFor(() => expect(container.querySelector('img')).toBeNull());
    // Shown as text, like a typed name.
    expect((screen.getByRole('textbox', { name: '申请人签名' }) as HTMLInputElement).value).toBe(forged);
  });
});
