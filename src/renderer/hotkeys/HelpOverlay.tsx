/** The `?` overlay: every trading hotkey, what it does, and whether it may trade live accounts. */
import { useEffect, useRef } from 'react';
import type { HotkeySettings } from '../../shared/hotkeys';
import { ACTIONS, ACTION_TEXT } from './keys';
import { KeyCaps } from './KeyCaps';

export function HelpOverlay({
  settings,
  saveState,
  onClose,
  onEdit,
}: {
  settings: HotkeySettings;
  /** Where the last edit is: tests and the trader can tell it reached the settings file. */
  saveState: 'idle' | 'saving' | 'saved' | 'error';
  onClose(): void;
  onEdit(): void;
}) {
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => closeRef.current?.focus(), []);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="modal hk-modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="hk-help-title"
        data-save={saveState}
        onKeyDown={(e) => {
          if (e.key === 'Escape' || e.key === '?') {
            e.preventDefault();
            onClose();
          }
        }}
      >
        <h2 id="hk-help-title">Trading hotkeys</h2>
        <p className="hk-note">
          They act on the chart’s symbol with the ticket’s account and quantity, and never while you type in a
          field. Orders go through the same checks as the ticket.
        </p>
        <table className="hk-table">
          <tbody>
            {ACTIONS.map((a) => (
              <tr key={a}>
                <td>{ACTION_TEXT[a]}</td>
                <td className="hk-keys">
                  <KeyCaps combo={settings.bindings[a]} />
                </td>
              </tr>
            ))}
            <tr>
              <td>This help</td>
              <td className="hk-keys">
                <kbd>?</kbd>
              </td>
            </tr>
          </tbody>
        </table>
        <p className={`hk-live ${settings.liveEnabled ? 'on' : 'off'}`} role="note">
          {settings.liveEnabled
            ? 'Live accounts: hotkeys and one-click DOM orders ON — they send real orders on live accounts.'
            : 'Live accounts: hotkeys and one-click DOM orders OFF. They trade paper and demo accounts only until you turn them on in Edit hotkeys.'}
        </p>
        <div className="modal-actions">
          <button type="button" onClick={onEdit}>
            Edit hotkeys…
          </button>
          <button type="button" className="primary" ref={closeRef} onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
