/**
 * Add or edit a connection. The form is generated from the chosen kind's declared fields; kinds
 * whose adapter does not exist are listed but disabled. Secrets typed here go to the main process
 * once (Test or Save) and are never shown again — only whether the vault holds one.
 */
import { useMemo, useState, type FormEvent } from 'react';
import type {
  CommandError,
  ConnectionEntry,
  ConnectionForm,
  ConnectionsListing,
  TestOutcome,
} from '../../shared/contract';
import type { AccountMode } from '../../shared/domain';
import { Modal } from '../layout/Modal';
import { useTerminal } from '../state/context';
import { ConfigFieldInput, FieldError } from './ConfigFieldInput';
import { useConnectionSettings } from './ConnectionSettingsContext';
import { defaultsFor, withModePresets } from './endpoints';
import { newConnectionMode } from './mode';
import { endpointNames, endpointOriginChanged, secretRequiredNote } from './secretReuse';
import { VaultNotice, vaultPhrase } from './VaultNotice';

const modeLabels: Record<AccountMode, string> = {
  paper: 'Paper (simulated)',
  demo: 'Demo (broker simulation)',
  live: 'LIVE (real money)',
};

function slug(label: string): string {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}

type Status =
  | { kind: 'idle' }
  | { kind: 'busy'; what: 'test' | 'save' }
  | { kind: 'tested'; outcome: TestOutcome }
  | { kind: 'error'; message: string };

export function ConnectionDialog({
  listing,
  editing,
}: {
  listing: ConnectionsListing;
  editing: ConnectionEntry | null;
}) {
  const { api } = useTerminal();
  const { openEditor, refresh } = useConnectionSettings();
  const addable = useMemo(() => listing.kinds.filter((k) => !k.builtIn), [listing.kinds]);
  const firstKind = addable.find((k) => k.available) ?? addable[0];
  const [kindName, setKindName] = useState(editing?.kind ?? firstKind?.kind ?? '');
  const kind = listing.kinds.find((k) => k.kind === kindName);
  const [mode, setMode] = useState<AccountMode>(editing?.mode ?? newConnectionMode(kind?.modes ?? []));
  const [label, setLabel] = useState(editing?.label ?? '');
  const [id, setId] = useState(editing?.id ?? '');
  const [idTouched, setIdTouched] = useState(editing !== null);
  const [fields, setFields] = useState<Record<string, string>>(editing?.fields ?? defaultsFor(kind, mode));
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [enabled, setEnabled] = useState(editing?.enabled ?? true);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  // What the last Test or Save said about each field, by its name in the form (`label`, `fields.url`).
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const fixed = (key: string) =>
    setFieldErrors((errors) => {
      if (errors[key] === undefined) return errors;
      const { [key]: _, ...rest } = errors;
      return rest;
    });
  const refused = (what: 'test' | 'save', error: CommandError) => {
    const fields = error.fields ?? {};
    const n = Object.keys(fields).length;
    setFieldErrors(fields);
    // Field problems are said beside their fields; the summary says where to look, not the request's wording.
    setStatus({
      kind: 'error',
      message:
        n === 0
          ? error.message
          : `${what === 'save' ? 'Not saved' : 'Not tested'}: ${n === 1 ? 'one field needs' : `${n} fields need`} correcting, marked below.`,
    });
    if (n > 0)
      requestAnimationFrame(() =>
        document.querySelector<HTMLElement>('.cm-dialog [aria-invalid="true"]')?.focus(),
      );
  };

  // A stored secret only follows an edit that keeps every endpoint's origin (main enforces it too).
  const urlChanged =
    editing !== null && endpointOriginChanged(endpointNames(kind?.fields ?? []), editing.fields, fields);
  const stored = new Map((editing?.secrets ?? []).map((s) => [s.name, s.stored && !urlChanged]));
  const storedBeforeEdit = new Map((editing?.secrets ?? []).map((s) => [s.name, s.stored]));
  const close = () => openEditor(null);

  const chooseKind = (next: string) => {
    const info = listing.kinds.find((k) => k.kind === next);
    setKindName(next);
    const nextMode = info?.modes.includes(mode) ? mode : newConnectionMode(info?.modes ?? []);
    setMode(nextMode);
    setFields(defaultsFor(info, nextMode));
    setSecrets({});
    setFieldErrors({});
    setStatus({ kind: 'idle' });
  };
  const chooseMode = (next: AccountMode) => {
    // Each preset endpoint follows the environment unless the trader typed a custom one.
    setFields(withModePresets(kind, fields, mode, next));
    setMode(next);
    setStatus({ kind: 'idle' });
  };

  const form = (): ConnectionForm => ({
    ...(editing === null ? {} : { originalId: editing.id }),
    id: id.trim(),
    kind: kindName,
    label: label.trim(),
    mode,
    enabled,
    fields,
    secrets: Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== '')),
  });

  const test = async () => {
    setStatus({ kind: 'busy', what: 'test' });
    try {
      const res = await api.connections.test(form());
      if (!res.ok) return refused('test', res.error);
      setFieldErrors({});
      setStatus({ kind: 'tested', outcome: res.value });
    } catch (e) {
      setStatus({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setStatus({ kind: 'busy', what: 'save' });
    try {
      const res = await api.connections.save(form());
      if (!res.ok) return refused('save', res.error);
      await refresh();
      close();
    } catch (err) {
      setStatus({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  };

  const unavailable = kind !== undefined && !kind.available;
  const busy = status.kind === 'busy';
  const title = editing === null ? 'Add connection' : `Edit ${editing.label}`;

  return (
    <Modal className={`cm-dialog mode-edge-${mode}`} labelledBy="cm-title" onClose={close}>
      <h2 id="cm-title">{title}</h2>
      <form onSubmit={(e) => void save(e)} noValidate>
        <div className="cm-field">
          <label htmlFor="cm-kind">Kind</label>
          <select
            id="cm-kind"
            value={kindName}
            disabled={editing !== null}
            onChange={(e) => chooseKind(e.target.value)}
          >
            {addable.map((k) => (
              <option key={k.kind} value={k.kind} disabled={!k.available}>
                {k.available ? k.title : `${k.title} — not yet available`}
              </option>
            ))}
          </select>
        </div>
        {unavailable ? (
          <p className="cm-unavailable" role="note">
            {kind.unavailableReason}
          </p>
        ) : null}
        <div className="cm-field">
          <label htmlFor="cm-label">Name</label>
          <input
            id="cm-label"
            value={label}
            required
            aria-invalid={fieldErrors.label !== undefined}
            aria-describedby={fieldErrors.label === undefined ? undefined : 'cm-label-error'}
            onChange={(e) => {
              setLabel(e.target.value);
              fixed('label');
              if (!idTouched) setId(slug(e.target.value));
            }}
          />
          <FieldError id="cm-label-error" error={fieldErrors.label} />
        </div>
        <div className="cm-field">
          <label htmlFor="cm-id">Connection id</label>
          <input
            id="cm-id"
            value={id}
            required
            spellCheck={false}
            aria-invalid={fieldErrors.id !== undefined}
            aria-describedby={fieldErrors.id === undefined ? 'cm-id-help' : 'cm-id-error cm-id-help'}
            onChange={(e) => {
              setIdTouched(true);
              setId(e.target.value);
              fixed('id');
            }}
          />
          <FieldError id="cm-id-error" error={fieldErrors.id} />
          <div id="cm-id-help" className="cm-help">
            Letters, digits, “.”, “_” or “-”.
          </div>
        </div>
        <div className="cm-field">
          <label htmlFor="cm-mode">Environment</label>
          <select
            id="cm-mode"
            value={mode}
            aria-invalid={fieldErrors.mode !== undefined}
            aria-describedby={fieldErrors.mode === undefined ? undefined : 'cm-mode-error'}
            onChange={(e) => {
              chooseMode(e.target.value as AccountMode);
              fixed('mode');
            }}
          >
            {(kind?.modes ?? []).map((m) => (
              <option key={m} value={m}>
                {modeLabels[m]}
              </option>
            ))}
          </select>
          <FieldError id="cm-mode-error" error={fieldErrors.mode} />
          {mode === 'live' ? (
            <div className="cm-live-warning" role="note">
              LIVE: positions, orders and P&amp;L on this connection are real money.
            </div>
          ) : null}
        </div>
        {(kind?.fields ?? []).map((f) =>
          f.type === 'secret' ? (
            <ConfigFieldInput
              key={f.name}
              field={f}
              value={secrets[f.name] ?? ''}
              error={fieldErrors[`secrets.${f.name}`]}
              onChange={(v) => {
                setSecrets({ ...secrets, [f.name]: v });
                fixed(`secrets.${f.name}`);
              }}
              secretStored={stored.get(f.name) === true}
              secretNote={
                stored.get(f.name) === true
                  ? `A secret is ${vaultPhrase(listing.vault)}. Leave empty to keep it.`
                  : urlChanged && storedBeforeEdit.get(f.name) === true
                    ? `${secretRequiredNote(f.label)} Will be ${vaultPhrase(listing.vault)}.`
                    : `Will be ${vaultPhrase(listing.vault)}.`
              }
            />
          ) : (
            <ConfigFieldInput
              key={f.name}
              field={f}
              value={fields[f.name] ?? ''}
              error={fieldErrors[`fields.${f.name}`]}
              onChange={(v) => {
                setFields({ ...fields, [f.name]: v });
                fixed(`fields.${f.name}`);
              }}
            />
          ),
        )}
        <label className="cm-check">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Connect
          when saved and at start-up
        </label>
        <VaultNotice vault={listing.vault} />
        <div className="cm-result" aria-live="polite">
          {status.kind === 'busy' ? (
            <div role="status">{status.what === 'test' ? 'Testing…' : 'Saving…'}</div>
          ) : status.kind === 'tested' ? (
            status.outcome.success ? (
              <div role="status" className="ticket-result ok" data-testid="test-result" data-success="true">
                Test succeeded: {status.outcome.message} ({status.outcome.elapsedMs} ms)
              </div>
            ) : (
              <div
                role="alert"
                className="ticket-result error"
                data-testid="test-result"
                data-success="false"
              >
                Test failed ({status.outcome.state}): {status.outcome.message}
              </div>
            )
          ) : status.kind === 'error' ? (
            <div role="alert" className="ticket-result error">
              {status.message}
            </div>
          ) : null}
        </div>
        <div className="modal-actions">
          <button type="button" disabled={busy || unavailable} onClick={() => void test()}>
            Test connection
          </button>
          <span className="spacer" />
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="cm-primary" disabled={busy || unavailable}>
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** The dialog when one is open, fed from the listing. */
export function ConnectionDialogHost() {
  const { listing, editor } = useConnectionSettings();
  if (editor === null || listing === null) return null;
  const editing = editor === 'new' ? null : (listing.connections.find((c) => c.id === editor.id) ?? null);
  if (editor !== 'new' && editing === null) return null;
  return <ConnectionDialog key={editor === 'new' ? 'new' : editor.id} listing={listing} editing={editing} />;
}
