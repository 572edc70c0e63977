import { Image, Input, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useRef, useState } from 'react';
import { addPoint, isDrawnSignature, type Point, type Stroke, signatureValue } from '../../lib/signature';

export interface SignatureProps {
  name: string;
  label: string;
  value: unknown;
  readonly: boolean;
  invalid: boolean;
  onChange: (value: string) => void;
}

interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

type TouchLike = {
  clientX?: number;
  clientY?: number;
  pageX?: number;
  pageY?: number;
  x?: number;
  y?: number;
};
type PadEvent = { touches?: TouchLike[]; changedTouches?: TouchLike[]; clientX?: number; clientY?: number };

/** The pad's CSS height (320 design px at 375 CSS px wide) until it is measured. */
const PAD_HEIGHT = 160;

function clientPoint(e: PadEvent): { x: number; y: number } | undefined {
  const t: TouchLike | undefined =
    e.touches?.[0] ??
    e.changedTouches?.[0] ??
    (e.clientX !== undefined ? { clientX: e.clientX, clientY: e.clientY } : undefined);
  if (!t) return undefined;
  return { x: t.clientX ?? t.pageX ?? t.x ?? 0, y: t.clientY ?? t.pageY ?? t.y ?? 0 };
}

function measure(id: string): Promise<Rect | undefined> {
  return new Promise((resolve) => {
    const query = Taro.createSelectorQuery?.();
    if (!query) return resolve(undefined);
    query
      .select(`#${id}`)
      .boundingClientRect((r) => resolve((Array.isArray(r) ? r[0] : r) as Rect | undefined))
      .exec();
  });
}

/**
 * Handwritten signature pad: finger, stylus or mouse. Every finished stroke updates the form value
 * (an SVG data URL, see lib/signature), so nothing is lost if the citizen moves on without a "save".
 * People who cannot draw (screen-reader users, a shaking hand) may type their name instead.
 */
export function SignaturePad(props: SignatureProps) {
  const padId = `sig-${props.name}`;
  const [strokes, setStrokes] = useState<Stroke[]>([]);
  const [typing, setTyping] = useState(
    typeof props.value === 'string' && props.value !== '' && !isDrawnSignature(props.value),
  );
  const rect = useRef<Rect>();
  const drawing = useRef(false);
  // Client coordinates of the stroke in progress, kept until the pad's position is known.
  const raw = useRef<{ x: number; y: number }[]>([]);

  const local = (p: { x: number; y: number }): Point | undefined =>
    rect.current ? { x: p.x - rect.current.left, y: p.y - rect.current.top } : undefined;

  const redraw = (done: Stroke[]) => {
    const inProgress = raw.current.map(local).filter((p): p is Point => p !== undefined);
    let current: Stroke = [];
    for (const p of inProgress) current = addPoint(current, p);
    setStrokes(current.length ? [...done, current] : done);
    return current;
  };
  const committed = useRef<Stroke[]>([]);

  const start = (e: PadEvent) => {
    if (props.readonly) return;
    const p = clientPoint(e);
    if (!p) return;
    drawing.current = true;
    raw.current = [p];
    // Re-measured per stroke: the page may have scrolled between strokes.
    void measure(padId).then((r) => {
      if (r) rect.current = r;
      redraw(committed.current);
    });
    redraw(committed.current);
  };
  const move = (e: PadEvent) => {
    if (!drawing.current) return;
    const p = clientPoint(e);
    if (!p) return;
    raw.current.push(p);
    redraw(committed.current);
  };
  const end = () => {
    if (!drawing.current) return;
    drawing.current = false;
    const stroke = redraw(committed.current);
    raw.current = [];
    if (!stroke.length) return;
    committed.current = [...committed.current, stroke];
    setStrokes(committed.current);
    const width = rect.current?.width ?? 300;
    props.onChange(signatureValue(committed.current, width, rect.current?.height ?? PAD_HEIGHT));
  };
  const clear = () => {
    committed.current = [];
    raw.current = [];
    setStrokes([]);
    props.onChange('');
  };

  if (typing)
    return (
      <View>
        <Input
          id={`f-${props.name}`}
          className={`input${props.invalid ? ' input--error' : ''}`}
          value={typeof props.value === 'string' && !isDrawnSignature(props.value) ? props.value : ''}
          placeholder="请输入本人姓名作为签名"
          disabled={props.readonly}
          ariaLabel={props.label}
          onInput={(e) => props.onChange(e.detail.value)}
        />
        {!props.readonly && (
          <View
            className="link"
            ariaRole="button"
            ariaLabel="改为手写签名"
            onClick={() => {
              setTyping(false);
              props.onChange('');
            }}
          >
            改为手写签名
          </View>
        )}
      </View>
    );

  const shown = strokes.length
    ? signatureValue(strokes, rect.current?.width ?? 300, rect.current?.height ?? PAD_HEIGHT)
    : isDrawnSignature(props.value)
      ? props.value
      : '';

  if (props.readonly)
    return shown ? (
      <Image className="signature__image" src={shown} mode="aspectFit" ariaLabel={`${props.label}（手写）`} />
    ) : (
      <Text className="muted">未签名</Text>
    );

  // Mouse handlers only matter in browsers (counter terminals with a mouse); mini-programs ignore them.
  const mouse = {
    onMouseDown: start,
    onMouseMove: move,
    onMouseUp: end,
    onMouseLeave: end,
  } as Record<string, unknown>;

  return (
    <View>
      <View
        id={padId}
        className={`signature${props.invalid ? ' signature--error' : ''}`}
        catchMove
        ariaRole="img"
        ariaLabel={`${props.label}：请在框内手写签名${shown ? '，已签写' : ''}`}
        onTouchStart={(e) => start(e as unknown as PadEvent)}
        onTouchMove={(e) => move(e as unknown as PadEvent)}
        onTouchEnd={end}
        onTouchCancel={end}
        {...mouse}
      >
        {shown ? (
          <Image className="signature__image" src={shown} mode="aspectFit" />
        ) : (
          <Text className="signature__hint">请在此处签写本人姓名</Text>
        )}
      </View>
      <View className="row">
        <View
          className="btn btn--plain btn--small"
          ariaRole="button"
          ariaLabel="清除签名，重新签写"
          onClick={clear}
        >
          重写
        </View>
        <View
          className="link"
          ariaRole="button"
          ariaLabel="无法手写？改为输入姓名"
          onClick={() => {
            setTyping(true);
            clear();
          }}
        >
          无法手写？改为输入姓名
        </View>
      </View>
    </View>
  );
}
