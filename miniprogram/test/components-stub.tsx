// DOM stand-ins for @tarojs/components: enough behaviour for testing-library (labels, clicks, input).
import type { CSSProperties, ReactNode } from 'react';
import { taroStub } from './taro-stub';

const phoneSheetAnswer = () =>
  taroStub.phoneCode ? { code: taroStub.phoneCode } : { errMsg: 'getPhoneNumber:fail user deny' };

type Common = {
  className?: string;
  style?: CSSProperties;
  id?: string;
  children?: ReactNode;
  ariaLabel?: string;
  ariaRole?: string;
  ariaDisabled?: boolean;
  onClick?: () => void;
  onTouchStart?: (e: unknown) => void;
  onTouchMove?: (e: unknown) => void;
  onTouchEnd?: (e: unknown) => void;
  onTouchCancel?: (e: unknown) => void;
  onMouseDown?: (e: unknown) => void;
  onMouseMove?: (e: unknown) => void;
  onMouseUp?: (e: unknown) => void;
  onMouseLeave?: (e: unknown) => void;
  [k: string]: unknown;
};

function common(p: Common) {
  return {
    className: p.className,
    style: p.style,
    id: p.id,
    'aria-label': p.ariaLabel,
    role: p.ariaRole,
    'aria-disabled': p.ariaDisabled,
    onClick: p.onClick,
    onTouchStart: p.onTouchStart,
    onTouchMove: p.onTouchMove,
    onTouchEnd: p.onTouchEnd,
    onTouchCancel: p.onTouchCancel,
    onMouseDown: p.onMouseDown,
    onMouseMove: p.onMouseMove,
    onMouseUp: p.onMouseUp,
    onMouseLeave: p.onMouseLeave,
  };
}

export const View = (p: Common) => <div {...common(p)}>{p.children}</div>;
export const Text = (p: Common) => <span {...common(p)}>{p.children}</span>;

type InputProps = Common & {
  value?: string;
  placeholder?: string;
  disabled?: boolean;
  onInput?: (e: { detail: { value: string } }) => void;
  onConfirm?: (e: { detail: { value: string } }) => void;
  [k: string]: unknown;
};

// Taro's input types as the browser sees them (a number input cannot show 130****0000).
const htmlType = (t: unknown) => (t === 'number' || t === 'digit' ? 'number' : 'text');

export const Input = (p: InputProps) => (
  <input
    {...common(p)}
    type={htmlType(p.type)}
    value={p.value ?? ''}
    placeholder={p.placeholder}
    disabled={p.disabled}
    onChange={(e) => p.onInput?.({ detail: { value: e.target.value } })}
    onKeyDown={(e) =>
      e.key === 'Enter' && p.onConfirm?.({ detail: { value: (e.target as HTMLInputElement).value } })
    }
  />
);

export const Textarea = (p: InputProps) => (
  <textarea
    {...common(p)}
    value={p.value ?? ''}
    placeholder={p.placeholder}
    disabled={p.disabled}
    onChange={(e) => p.onInput?.({ detail: { value: e.target.value } })}
  />
);

export const Switch = (
  p: Common & {
    checked?: boolean;
    disabled?: boolean;
    onChange?: (e: { detail: { value: boolean } }) => void;
  },
) => (
  <input
    type="checkbox"
    role="switch"
    aria-checked={p.checked ?? false}
    aria-label={p.ariaLabel}
    checked={p.checked ?? false}
    disabled={p.disabled}
    onChange={(e) => p.onChange?.({ detail: { value: e.target.checked } })}
  />
);

/** Picker: the children are the trigger; a hidden input lets tests set the value (`data-picker`). */
export const Picker = (
  p: Common & {
    mode?: string;
    range?: string[];
    value?: unknown;
    disabled?: boolean;
    onChange?: (e: { detail: { value: unknown } }) => void;
  },
) => (
  <div data-picker={p.mode}>
    {p.children}
    <input
      data-testid="picker-input"
      hidden
      onChange={(e) => p.onChange?.({ detail: { value: e.target.value } })}
    />
  </div>
);

/** `openType="getPhoneNumber"`: a click answers with `taroStub`'s phone code, as WeChat's sheet would. */
export const Button = (p: Common & { openType?: string; onGetPhoneNumber?: (e: unknown) => void }) => (
  <button
    type="button"
    {...common(p)}
    onClick={() =>
      p.openType === 'getPhoneNumber' ? p.onGetPhoneNumber?.({ detail: phoneSheetAnswer() }) : p.onClick?.()
    }
  >
    {p.children}
  </button>
);

export const Image = (p: Common & { src?: string; mode?: string }) => (
  <img {...common(p)} src={p.src} alt={p.ariaLabel ?? ''} />
);
