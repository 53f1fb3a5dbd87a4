/**
 * The connection manager's data in the renderer: the listing from `connections.list` (saved and
 * session connections, kinds, where secrets are kept) and which editor is open. The listing is
 * re-read after every change and whenever the engine's set of connections or their states change.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ConnectionsListing } from '../../shared/contract';
import { useStore, useTerminal } from '../state/context';

/** null: closed; 'new': adding; otherwise the id being edited. */
export type EditorTarget = null | 'new' | { id: string };

interface ConnectionSettingsState {
  listing: ConnectionsListing | null;
  error: string | null;
  refresh(): Promise<void>;
  editor: EditorTarget;
  openEditor(target: EditorTarget): void;
}

const Ctx = createContext<ConnectionSettingsState | null>(null);

export function useConnectionSettings(): ConnectionSettingsState {
  const value = useContext(Ctx);
  if (!value) throw new Error('useConnectionSettings outside ConnectionSettingsProvider');
  return value;
}

export function ConnectionSettingsProvider({ children }: { children: ReactNode }) {
  const { api } = useTerminal();
  const [listing, setListing] = useState<ConnectionsListing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editor, openEditor] = useState<EditorTarget>(null);
  const connections = useStore((s) => s.connections);
  // Ids and states only: health changes every second and needs no re-read.
  const shape = useMemo(
    () => [...connections.values()].map((c) => `${c.id}:${c.state}`).join('|'),
    [connections],
  );

  const refresh = useCallback(
    () =>
      api.connections.list({}).then(
        (res) => {
          if (res.ok) {
            setListing(res.value);
            setError(null);
          } else setError(res.error.message);
        },
        (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
      ),
    [api],
  );

  useEffect(() => {
    let live = true;
    // Applied in the promise callback, and only while this effect is current.
    api.connections.list({}).then(
      (res) => {
        if (!live) return;
        if (res.ok) {
          setListing(res.value);
          setError(null);
        } else setError(res.error.message);
      },
      (e: unknown) => {
        if (live) setError(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      live = false;
    };
  }, [api, shape]);

  const value = useMemo(
    () => ({ listing, error, refresh, editor, openEditor }),
    [listing, error, refresh, editor],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}
