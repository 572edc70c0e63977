import { Input, Picker, Switch, Text, Textarea, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import type { JsonSchema, Option, WidgetUi } from '../../services/types';
import { SignaturePad } from '../Signature';
import { type UploadedRef, Uploader } from '../Uploader';

/** What widgets need from outside: regions, files, departments. Keeps the renderer free of network calls. */
export interface WidgetContext {
  loadRegions(parent?: string): Promise<{ code: string; name: string }[]>;
  pickFiles(count: number, accept: string[]): Promise<{ path: string; name: string; size: number }[]>;
  uploadFile(
    file: { path: string; name: string },
    materialCode: string | undefined,
    onProgress: (p: number) => void,
  ): Promise<UploadedRef>;
  departments: { code: string; name: string }[];
}

export interface WidgetProps {
  name: string;
  label: string;
  schema: JsonSchema;
  ui: WidgetUi;
  value: unknown;
  readonly: boolean;
  invalid: boolean;
  onChange: (value: unknown) => void;
  ctx: WidgetContext;
}

function optionsOf(schema: JsonSchema, ui: WidgetUi): Option[] {
  if (ui.options) return ui.options;
  const list = schema.enum ?? schema.items?.enum ?? [];
  return list.map((v) => ({ value: String(v), label: String(v) }));
}

const inputClass = (invalid: boolean) => `input${invalid ? ' input--error' : ''}`;

function TextLike({ name, label, ui, value, readonly, invalid, onChange, schema }: WidgetProps) {
  const kind = ui.widget;
  const numeric = kind === 'number' || kind === 'money';
  const masked = typeof value === 'string' && value.includes('*');
  // Masked answers (110***…1239, 130****0000) and read-only views need a text input to show the asterisks.
  const type =
    readonly || masked
      ? 'text'
      : kind === 'phone' || kind === 'number'
        ? 'number'
        : kind === 'money'
          ? 'digit'
          : kind === 'id-number'
            ? 'idcard'
            : 'text';
  return (
    <View className="row">
      <Input
        id={`f-${name}`}
        className={inputClass(invalid)}
        style={{ flex: 1 }}
        type={type as 'text'}
        value={value === undefined || value === null ? '' : String(value)}
        placeholder={readonly ? '未填写' : (ui.placeholder ?? `请输入${label}`)}
        disabled={readonly}
        maxlength={schema.maxLength ?? 140}
        ariaLabel={label}
        onInput={(e) => {
          const raw = e.detail.value;
          if (!numeric) return onChange(kind === 'id-number' || kind === 'uscc' ? raw.toUpperCase() : raw);
          if (raw === '') return onChange(undefined);
          const n = Number(raw);
          onChange(Number.isNaN(n) ? raw : n);
        }}
      />
      {ui.unit && <Text className="muted">{ui.unit}</Text>}
    </View>
  );
}

function Choice({ label, schema, ui, value, readonly, onChange }: WidgetProps, multiple: boolean) {
  const options = optionsOf(schema, ui);
  const selected = multiple ? ((value as string[] | undefined) ?? []) : [value];
  const toggle = (v: string) => {
    if (readonly) return;
    if (!multiple) return onChange(v);
    const list = selected as string[];
    onChange(list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  };
  return (
    <View className="chips" ariaRole={multiple ? 'group' : 'radiogroup'} ariaLabel={label}>
      {options.map((o) => {
        const on = selected.includes(o.value);
        return (
          <View
            key={o.value}
            className={`chip${on ? ' chip--on' : ''}`}
            ariaRole={multiple ? 'checkbox' : 'radio'}
            ariaLabel={`${label}：${o.label}${on ? '，已选' : ''}`}
            onClick={() => toggle(o.value)}
          >
            {o.label}
          </View>
        );
      })}
    </View>
  );
}

function Select(props: WidgetProps) {
  const options = optionsOf(props.schema, props.ui);
  if (options.length <= 6) return Choice(props, false);
  const index = options.findIndex((o) => o.value === props.value);
  return (
    <Picker
      mode="selector"
      range={options.map((o) => o.label)}
      value={Math.max(index, 0)}
      disabled={props.readonly}
      onChange={(e) => props.onChange(options[Number(e.detail.value)]?.value)}
    >
      <View className={inputClass(props.invalid)} ariaRole="combobox" ariaLabel={props.label}>
        {index >= 0 ? options[index]!.label : (props.ui.placeholder ?? `请选择${props.label}`)}
      </View>
    </Picker>
  );
}

function DatePick({
  label,
  value,
  readonly,
  invalid,
  onChange,
}: {
  label: string;
  value: unknown;
  readonly: boolean;
  invalid: boolean;
  onChange: (v: string) => void;
}) {
  return (
    <Picker
      mode="date"
      value={typeof value === 'string' ? value : ''}
      disabled={readonly}
      onChange={(e) => onChange(String(e.detail.value))}
    >
      <View
        className={inputClass(invalid)}
        ariaRole="button"
        ariaLabel={`${label}，${value ? String(value) : '未选择'}`}
      >
        {typeof value === 'string' && value ? value : `请选择${label}`}
      </View>
    </Picker>
  );
}

function DateRange(props: WidgetProps) {
  const v = (props.value as { start?: string; end?: string } | undefined) ?? {};
  const set = (k: 'start' | 'end') => (d: string) => props.onChange({ ...v, [k]: d });
  return (
    <View className="row">
      <DatePick
        label={`${props.label}开始日期`}
        value={v.start}
        readonly={props.readonly}
        invalid={props.invalid}
        onChange={set('start')}
      />
      <Text>至</Text>
      <DatePick
        label={`${props.label}结束日期`}
        value={v.end}
        readonly={props.readonly}
        invalid={props.invalid}
        onChange={set('end')}
      />
    </View>
  );
}

const LEVELS = { province: 1, city: 2, district: 3 } as const;

/** Province → city → district, loaded level by level; the value is the last level's code. */
function Region(props: WidgetProps) {
  const depth = LEVELS[props.ui.regionLevel ?? 'district'];
  const [path, setPath] = useState<{ code: string; name: string }[]>([]);
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<{ code: string; name: string }[]>([]);
  useEffect(() => {
    if (!open) return;
    props.ctx.loadRegions(path[path.length - 1]?.code).then(setItems, () => setItems([]));
  }, [open, path, props.ctx]);
  // A value that came from a draft or the profile is a bare code: show its names (省 / 市 / 区).
  const code = typeof props.value === 'string' ? props.value : '';
  useEffect(() => {
    // Not while the citizen is choosing (the path is theirs then).
    if (open || !/^\d{6}$/.test(code) || path[path.length - 1]?.code === code) return;
    let cancelled = false;
    const levels = [`${code.slice(0, 2)}0000`, `${code.slice(0, 4)}00`, code].slice(0, depth);
    (async () => {
      const named: { code: string; name: string }[] = [];
      for (const levelCode of levels) {
        const found = (await props.ctx.loadRegions(named[named.length - 1]?.code)).find(
          (r) => r.code === levelCode,
        );
        if (!found) return; // not a code of this list: keep showing the code itself
        named.push(found);
      }
      if (!cancelled) setPath(named);
    })().catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [code, depth, props.ctx, path, open]);
  const choose = (item: { code: string; name: string }) => {
    const next = [...path, item];
    if (next.length >= depth) {
      setPath(next);
      setOpen(false);
      props.onChange(item.code);
    } else setPath(next);
  };
  const shown =
    path.length > 0 ? path.map((p) => p.name).join(' / ') : props.value ? String(props.value) : '';
  return (
    <View>
      <View
        className={inputClass(props.invalid)}
        ariaRole="button"
        ariaLabel={`${props.label}，${shown || '未选择'}`}
        onClick={() => {
          if (props.readonly) return;
          setPath([]);
          setOpen(true);
        }}
      >
        {shown || props.ui.placeholder || `请选择${props.label}`}
      </View>
      {open && (
        <View className="suggest" ariaRole="listbox" ariaLabel={`选择${props.label}`}>
          {items.map((i) => (
            <View
              key={i.code}
              className="suggest__item"
              ariaRole="option"
              ariaLabel={i.name}
              onClick={() => choose(i)}
            >
              {i.name}
            </View>
          ))}
        </View>
      )}
    </View>
  );
}

function Table(props: WidgetProps) {
  const rows = (props.value as Record<string, unknown>[] | undefined) ?? [];
  const columns = props.ui.columns ?? {};
  const colSchema = props.schema.items?.properties ?? {};
  const setCell = (i: number, k: string, v: unknown) =>
    props.onChange(rows.map((r, j) => (j === i ? { ...r, [k]: v } : r)));
  return (
    <View>
      {rows.map((row, i) => (
        <View key={String(i)} className="card">
          <View className="row">
            <Text>第{i + 1}行</Text>
            <View
              className="chip"
              ariaRole="button"
              ariaLabel={`删除${props.label}第${i + 1}行`}
              onClick={() => props.onChange(rows.filter((_, j) => j !== i))}
            >
              删除
            </View>
          </View>
          {Object.entries(columns).map(([k, ui]) => {
            const s = colSchema[k] ?? {};
            return (
              <View key={k} className="field">
                <Text className="field__label">{s.title ?? k}</Text>
                <Widget
                  {...props}
                  name={`${props.name}.${i}.${k}`}
                  label={s.title ?? k}
                  schema={s}
                  ui={ui}
                  value={row[k]}
                  onChange={(v) => setCell(i, k, v)}
                />
              </View>
            );
          })}
        </View>
      ))}
      {!props.readonly && (
        <View
          className="btn btn--plain"
          ariaRole="button"
          ariaLabel={`添加一行${props.label}`}
          onClick={() => props.onChange([...rows, {}])}
        >
          添加一行
        </View>
      )}
    </View>
  );
}

function Signature(props: WidgetProps) {
  return (
    <SignaturePad
      name={props.name}
      label={props.label}
      value={props.value}
      readonly={props.readonly}
      invalid={props.invalid}
      onChange={props.onChange}
    />
  );
}

function DepartmentPicker(props: WidgetProps) {
  return Select({
    ...props,
    ui: { ...props.ui, options: props.ctx.departments.map((d) => ({ value: d.code, label: d.name })) },
  });
}

export function Widget(props: WidgetProps) {
  switch (props.ui.widget) {
    case 'textarea':
      return (
        <Textarea
          className={inputClass(props.invalid)}
          value={typeof props.value === 'string' ? props.value : ''}
          placeholder={props.ui.placeholder ?? `请输入${props.label}`}
          disabled={props.readonly}
          maxlength={props.schema.maxLength ?? 500}
          ariaLabel={props.label}
          onInput={(e) => props.onChange(e.detail.value)}
        />
      );
    case 'radio':
      return Choice(props, false);
    case 'checkbox':
      return Choice(props, true);
    case 'select':
      return Select(props);
    case 'switch':
      return (
        <Switch
          checked={props.value === true}
          disabled={props.readonly}
          ariaLabel={props.label}
          onChange={(e) => props.onChange(Boolean(e.detail.value))}
        />
      );
    case 'date':
      return (
        <DatePick
          label={props.label}
          value={props.value}
          readonly={props.readonly}
          invalid={props.invalid}
          onChange={props.onChange}
        />
      );
    case 'date-range':
      return <DateRange {...props} />;
    case 'region':
      return <Region {...props} />;
    case 'table':
      return <Table {...props} />;
    case 'signature':
      return <Signature {...props} />;
    case 'department-picker':
      return DepartmentPicker(props);
    case 'attachment':
      return (
        <Uploader
          label={props.label}
          value={(props.value as UploadedRef[] | undefined) ?? []}
          maxFiles={props.ui.maxFiles ?? props.schema.maxItems ?? 1}
          accept={props.ui.accept ?? ['pdf', 'jpg', 'png']}
          maxSizeKb={props.ui.maxSizeKb}
          readonly={props.readonly}
          onChange={(v) => props.onChange(v.length ? v : undefined)}
          pick={(n) => props.ctx.pickFiles(n, props.ui.accept ?? [])}
          upload={(f, p) => props.ctx.uploadFile(f, props.ui.material, p)}
        />
      );
    default:
      // text, number, money, id-number, phone, uscc, person-picker (a staff id or name, typed)
      return <TextLike {...props} />;
  }
}
