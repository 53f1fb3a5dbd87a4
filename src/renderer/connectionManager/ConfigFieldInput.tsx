/**
 * One generated form input from a kind's declared field. Secret inputs are password fields that
 * start empty: the page never holds a stored secret, only whether one exists.
 */
import type { ConfigField } from '../../shared/contract';

export interface FieldProps {
  field: ConfigField;
  value: string;
  onChange(value: string): void;
  /** For secrets: what the vault says and where it keeps them. */
  secretNote?: string;
  secretStored?: boolean;
  /** What the last Test or Save said is wrong with this field, in words. */
  error?: string | undefined;
}

/** A field's problem, under the field and named by its `aria-describedby`. */
export function FieldError({ id, error }: { id: string; error: string | undefined }) {
  if (error === undefined) return null;
  return (
    <div id={id} className="cm-error" data-testid={id}>
      {error}
    </div>
  );
}

export function ConfigFieldInput({ field, value, onChange, secretNote, secretStored, error }: FieldProps) {
  const id = `cm-field-${field.name}`;
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const required = field.required && !(field.type === 'secret' && secretStored === true);
  const common = {
    id,
    name: field.name,
    'aria-describedby': error === undefined ? helpId : `${errorId} ${helpId}`,
    'aria-invalid': error !== undefined,
    required,
  };
  return (
    <div className="cm-field">
      <label htmlFor={id}>
        {field.label}
        {field.required ? <span aria-hidden="true"> *</span> : null}
      </label>
      {field.type === 'select' ? (
        <select {...common} value={value} onChange={(e) => onChange(e.target.value)}>
          {(field.options ?? []).map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      ) : (
        <input
          {...common}
          type={
            field.type === 'secret'
              ? 'password'
              : field.type === 'url'
                ? 'url'
                : field.type === 'number'
                  ? 'number'
                  : 'text'
          }
          autoComplete={field.type === 'secret' ? 'new-password' : 'off'}
          spellCheck={false}
          placeholder={
            field.type === 'secret' && secretStored === true
              ? '•••••• (leave empty to keep)'
              : (field.placeholder ?? '')
          }
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      <FieldError id={errorId} error={error} />
      <div id={helpId} className="cm-help">
        {field.type === 'secret' ? (
          <span
            className={secretStored ? 'cm-secret-stored' : 'cm-secret-missing'}
            data-testid={`secret-status-${field.name}`}
          >
            {secretNote}
          </span>
        ) : null}
        {field.help !== undefined ? <span> {field.help}</span> : null}
      </div>
    </div>
  );
}
