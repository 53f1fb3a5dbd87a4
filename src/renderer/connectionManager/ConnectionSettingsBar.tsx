/**
 * The top of the Connections tab: "Add connection", where secrets are kept, and one row per
 * configured connection with Edit, Remove and an Enabled switch. Built-in and session
 * connections (profile, environment) are listed read-only with where they come from.
 */
import type { ConnectionEntry } from '../../shared/contract';
import { useUi } from '../layout/dialogs';
import { useTerminal } from '../state/context';
import { useConnectionSettings } from './ConnectionSettingsContext';
import { VaultNotice } from './VaultNotice';

function sourceText(c: ConnectionEntry): string {
  switch (c.source) {
    case 'builtin':
      return 'built in';
    case 'settings':
      return 'saved';
    case 'profile':
      return `profile ${c.sourceDetail ?? ''}`.trim();
    case 'environment':
      return c.sourceDetail ?? 'environment';
  }
}

function Row({ c }: { c: ConnectionEntry }) {
  const { api } = useTerminal();
  const ui = useUi();
  const { refresh, openEditor } = useConnectionSettings();
  const run = async (action: () => Promise<{ ok: boolean; error?: { message: string } }>) => {
    try {
      const res = await action();
      if (!res.ok) ui.notify('error', `${c.label}: ${res.error?.message ?? 'failed'}`);
    } catch (e) {
      ui.notify('error', `${c.label}: ${e instanceof Error ? e.message : String(e)}`);
    }
    await refresh();
  };
  const remove = async () => {
    const sure = await ui.confirm(
      `Remove ${c.label}?`,
      `The connection is stopped, removed from settings, and its stored secrets are deleted.`,
      'Remove',
    );
    if (sure) await run(() => api.connections.remove({ id: c.id }));
  };
  const missing = c.secrets.filter((s) => !s.stored).map((s) => s.name);
  return (
    <tr data-connection-setting={c.id} aria-label={c.label}>
      <th scope="row">
        <strong>{c.label}</strong> <span className="dim">{c.id}</span>
      </th>
      <td>{c.kind}</td>
      <td>
        <span className={`mode mode-${c.mode}`}>{c.mode}</span>
      </td>
      <td className="dim">{sourceText(c)}</td>
      <td>
        {c.problem !== null ? (
          <span className="down">{c.problem}</span>
        ) : missing.length > 0 ? (
          <span className="down">secret not stored: {missing.join(', ')}</span>
        ) : c.secrets.length > 0 ? (
          <span className="dim">secrets stored</span>
        ) : (
          <span className="dim">—</span>
        )}
      </td>
      <td className="cm-row-actions">
        <label
          className="cm-switch"
          title={c.editable ? undefined : `${sourceText(c)}: cannot be switched off here`}
        >
          <input
            type="checkbox"
            role="switch"
            aria-label={`Enabled: ${c.label}`}
            checked={c.enabled}
            disabled={!c.editable}
            onChange={(e) =>
              void run(() => api.connections.setEnabled({ id: c.id, enabled: e.target.checked }))
            }
          />
          {c.enabled ? 'On' : 'Off'}
        </label>
        <button
          type="button"
          className="row-btn"
          disabled={!c.editable}
          onClick={() => openEditor({ id: c.id })}
        >
          Edit
        </button>
        <button type="button" className="row-btn" disabled={!c.editable} onClick={() => void remove()}>
          Remove
        </button>
      </td>
    </tr>
  );
}

export function ConnectionSettingsBar() {
  const { listing, error, openEditor } = useConnectionSettings();
  return (
    <div className="cm-bar">
      <div className="cm-toolbar">
        <button type="button" className="cm-primary" onClick={() => openEditor('new')}>
          Add connection
        </button>
        {listing !== null ? <VaultNotice vault={listing.vault} /> : null}
        {listing !== null && !listing.settingsPersistent ? (
          <span className="cm-vault warn">Settings cannot be saved this session.</span>
        ) : null}
        {error !== null ? <span className="down">{error}</span> : null}
      </div>
      {listing !== null ? (
        <table className="cm-list" aria-label="Connection settings">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Mode</th>
              <th scope="col">Source</th>
              <th scope="col">Secrets</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {listing.connections.map((c) => (
              <Row key={c.id} c={c} />
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
