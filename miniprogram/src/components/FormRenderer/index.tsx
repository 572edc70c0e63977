import { Text, View } from '@tarojs/components';
import type { FieldState, FormData } from '../../lib/form-model';
import type { FormDefinition } from '../../services/types';
import { Widget, type WidgetContext } from './widgets';

export type { WidgetContext } from './widgets';

export interface FormRendererProps {
  form: FormDefinition;
  value: FormData;
  states: Record<string, FieldState>;
  /** zh-CN message per field (the gateway's, mapped from JSON pointers, or the quick local checks). */
  errors: Record<string, string>;
  /** Non-blocking notes per field (the pre-review's warnings), shown where there is no error. */
  warnings?: Record<string, string>;
  onChange: (name: string, value: unknown) => void;
  ctx: WidgetContext;
}

/** Renders a catalog form (schema + ui + linkage states) section by section. */
export function FormRenderer({ form, value, states, errors, warnings, onChange, ctx }: FormRendererProps) {
  return (
    <View>
      {form.ui.sections.map((section) => {
        const visible = section.fields.filter(
          (f) => states[f]?.visible !== false && form.schema.properties?.[f],
        );
        if (visible.length === 0) return null;
        return (
          <View key={section.title} className="card">
            <Text className="title">{section.title}</Text>
            {section.description && <Text className="muted">{section.description}</Text>}
            {visible.map((name) => {
              const schema = form.schema.properties![name]!;
              const ui = form.ui.fields[name] ?? { widget: 'text' };
              const label = schema.title ?? name;
              const state = states[name] ?? { visible: true, required: false, readonly: false };
              const error = errors[name];
              const warning = error ? undefined : warnings?.[name];
              return (
                <View key={name} className="field" id={`field-${name}`}>
                  <Text className="field__label">
                    {label}
                    {state.required && <Text className="field__required">*</Text>}
                  </Text>
                  <Widget
                    name={name}
                    label={state.required ? `${label}（必填）` : label}
                    schema={schema}
                    ui={ui}
                    value={value[name]}
                    readonly={state.readonly}
                    invalid={Boolean(error)}
                    onChange={(v) => onChange(name, v)}
                    ctx={ctx}
                  />
                  {ui.help && <Text className="field__help">{ui.help}</Text>}
                  {error && (
                    <View className="field__error" ariaRole="alert">
                      {error}
                    </View>
                  )}
                  {warning && (
                    <View className="field__warn" ariaRole="status">
                      {warning}
                    </View>
                  )}
                </View>
              );
            })}
          </View>
        );
      })}
    </View>
  );
}
