/**
 * Edit the trading hotkeys: "Record" then press the combination; a combination already used, one
 * the terminal reserves, or a bare key that would fire while working elsewhere is refused with the
 * reason. Live accounts stay off unless the trader ticks the box. Nothing changes until Save.
 */
import { useEffect, useRef, useState } from 'react';
import type { HotkeyAction, HotkeySettings } from '../../shared/hotkeys';
import { ACTIONS, ACTION_TEXT, bindingProblem, comboOf, DEFAULT_HOTKEYS } from './keys';
import { KeyCaps } from './KeyCaps';

export function HotkeySettingsDialog({
  settings,
  onCancel,
  onSave,
}: {
  settings: HotkeySettings;
  onCancel(): void;
  onSave(next: HotkeySettings): void;
}) {
  const [draft, setDraft] = useState<HotkeySettings>(settings);
  const [recording, setRecording] = useState<HotkeyAction | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const firstRef = useRef<HTMLButtonElement>(null);
  useEffect(() => firstRef.current?.focus(), []);

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (recording === null) {
      if (e.key === 'Escape') {
        e.preventDefault();
        onCancel();
      }
      return;
    }
    // While recording every key belongs to the recorder, Escape included (it stops recording).
    e.preventDefault();
    e.stopPropagation();
    if (e.key === 'Escape') {
      setRecording(null);
      setProblem(null);
      return;
    }
    const combo = comboOf(e);
    if (combo === null) return; // a modifier on its own: wait for the key
    const why = bindingProblem(draft, recording, combo);
    if (why !== null) {
      setProblem(why);
      return;
    }
    setDraft((d) => ({ ...d, bindings: { ...d.bindings, [recording]: combo } }));
    setRecording(null);
    setProblem(null);
  };

  const clear = (a: HotkeyAction) =>
    setDraft((d) => ({
      ...d,
      bindings: Object.fromEntries(Object.entries(d.bindings).filter(([k]) => k !== a)),
    }));

  return (
    <div className="modal-backdrop">
      <div
        className="modal hk-modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="hk-edit-title"
        onKeyDown={onKeyDown}
      >
        <h2 id="hk-edit-title">Edit hotkeys</h2>
        <table className="hk-table">
          <tbody>
            {ACTIONS.map((a, i) => (
              <tr key={a} className={recording === a ? 'recording' : ''}>
                <td>{ACTION_TEXT[a]}</td>
                <td className="hk-keys">
                  {recording === a ? (
                    <span className="hk-press">Press keys…</span>
                  ) : (
                    <KeyCaps combo={draft.bindings[a]} />
                  )}
                </td>
                <td className="hk-row-actions">
                  <button
                    type="button"
                    ref={i === 0 ? firstRef : undefined}
                    aria-label={`Record a key for ${ACTION_TEXT[a]}`}
                    onClick={() => {
                      setRecording(a);
                      setProblem(null);
                    }}
                  >
                    Record
                  </button>
                  <button
                    type="button"
                    aria-label={`Clear the key for ${ACTION_TEXT[a]}`}
                    disabled={draft.bindings[a] === undefined}
                    onClick={() => clear(a)}
                  >
                    Clear
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {problem !== null ? (
          <div className="field-error" role="alert">
            {problem}
          </div>
        ) : null}
        <label className="hk-live-toggle">
          <input
            type="checkbox"
            checked={draft.liveEnabled}
            onChange={(e) => setDraft((d) => ({ ...d, liveEnabled: e.target.checked }))}
          />
          Allow trading hotkeys and one-click DOM orders on live accounts (real money, no confirmation)
        </label>
        <div className="modal-actions">
          <button
            type="button"
            onClick={() => setDraft({ ...DEFAULT_HOTKEYS, liveEnabled: draft.liveEnabled })}
          >
            Defaults
          </button>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="primary" onClick={() => onSave(draft)}>
            Save
          </button>
        </div>
      </div>
    </div>
  );
}
