/**
 * Trading hotkeys for the whole window: one keydown listener that maps a key combination to an
 * action (never while the trader types in a field or a dialog is open), the `?` help overlay and
 * the settings dialog. Bindings live in the workspace layout (`layout.hotkeys`), read once from
 * `workspace.get` and written with `workspace.update`, so they survive a restart.
 */
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { HotkeySettings } from '../../shared/hotkeys';
import { useUi } from '../layout/dialogs';
import { useLink, useTerminal } from '../state/context';
import { runHotkey } from './actions';
import { HelpOverlay } from './HelpOverlay';
import { HotkeySettingsDialog } from './HotkeySettingsDialog';
import { actionFor, comboOf, DEFAULT_HOTKEYS, isTypingTarget } from './keys';
import { TradeTargetProvider, useTradeTarget } from './tradeTarget';
import './hotkeys.css';

interface Hotkeys {
  settings: HotkeySettings;
  showHelp(): void;
}

const Ctx = createContext<Hotkeys | null>(null);

export function useHotkeys(): Hotkeys {
  const h = useContext(Ctx);
  if (!h) throw new Error('useHotkeys outside HotkeysProvider');
  return h;
}

/** Any open modal: native dialogs carry no aria-modal attribute. */
const MODAL_OPEN = 'dialog[open], [aria-modal="true"]';

export function HotkeysProvider({ children }: { children: ReactNode }) {
  return (
    <TradeTargetProvider>
      <HotkeyKeys>{children}</HotkeyKeys>
    </TradeTargetProvider>
  );
}

function HotkeyKeys({ children }: { children: ReactNode }) {
  const { api, store } = useTerminal();
  const ui = useUi();
  const linkOpen = useLink().kind === 'open';
  const target = useTradeTarget();
  const [settings, setSettings] = useState<HotkeySettings>(DEFAULT_HOTKEYS);
  const [loaded, setLoaded] = useState(false);
  const [open, setOpen] = useState<'help' | 'settings' | null>(null);
  const [saveState, setSaveState] = useState<'idle' | 'saving' | 'saved' | 'error'>('idle');

  useEffect(() => {
    if (!linkOpen || loaded) return;
    let live = true;
    void api.workspace.get({}).then((r) => {
      if (!live || !r.ok) return;
      const saved = HotkeySettings.safeParse(r.value.layout.hotkeys);
      if (saved.success) setSettings(saved.data);
      setLoaded(true);
    });
    return () => {
      live = false;
    };
  }, [api, linkOpen, loaded]);

  const save = useCallback(
    async (next: HotkeySettings) => {
      setSettings(next);
      setSaveState('saving');
      const r = await api.workspace.update({ layout: { hotkeys: next } }).catch((e: unknown) => ({
        ok: false as const,
        error: { message: e instanceof Error ? e.message : String(e) },
      }));
      setSaveState(r.ok ? 'saved' : 'error');
      if (!r.ok) ui.notify('error', `Hotkeys were not saved: ${r.error.message}`);
    },
    [api, ui],
  );

  // The listener reads the latest values through a ref, so it is added once.
  const latest = useRef({ settings, target, open });
  useEffect(() => {
    latest.current = { settings, target, open };
  });

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const now = latest.current;
      if (e.defaultPrevented || now.open !== null || e.repeat) return;
      // A modal (native <dialog> opened with showModal, or an aria-modal one) owns the keyboard: a
      // hotkey must never trade behind a confirmation the trader is reading.
      if (isTypingTarget(e.target) || document.querySelector(MODAL_OPEN) !== null) return;
      if (e.key === '?' && !e.ctrlKey && !e.altKey && !e.metaKey) {
        e.preventDefault();
        setOpen('help');
        return;
      }
      const combo = comboOf(e);
      const action = combo === null ? undefined : actionFor(now.settings, combo);
      if (action === undefined) return;
      e.preventDefault();
      void runHotkey(action, {
        api,
        state: store.getState(),
        target: now.target,
        settings: now.settings,
        confirm: ui.confirm,
      }).then(
        (r) => ui.notify(r.ok ? 'info' : 'error', r.text),
        (err: unknown) =>
          ui.notify('error', `Hotkey failed: ${err instanceof Error ? err.message : String(err)}`),
      );
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [api, store, ui]);

  const value = useMemo<Hotkeys>(() => ({ settings, showHelp: () => setOpen('help') }), [settings]);
  return (
    <Ctx.Provider value={value}>
      {children}
      {open === 'help' ? (
        <HelpOverlay
          settings={settings}
          saveState={saveState}
          onClose={() => setOpen(null)}
          onEdit={() => setOpen('settings')}
        />
      ) : null}
      {open === 'settings' ? (
        <HotkeySettingsDialog
          settings={settings}
          onCancel={() => setOpen('help')}
          onSave={(next) => {
            void save(next);
            setOpen('help');
          }}
        />
      ) : null}
    </Ctx.Provider>
  );
}
