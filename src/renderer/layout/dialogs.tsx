/**
 * In-page confirmation dialog and transient notices. An in-page dialog (not window.confirm) so it
 * is styled, keyboard-driven, and visible to role-based test selectors; its frame is `Modal`.
 */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { Modal } from './Modal';

interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel: string;
  resolve(ok: boolean): void;
}

interface Notice {
  id: number;
  level: 'info' | 'error';
  text: string;
}

interface Ui {
  confirm(title: string, message: string, confirmLabel: string): Promise<boolean>;
  notify(level: Notice['level'], text: string): void;
}

const UiContext = createContext<Ui | null>(null);

export function useUi(): Ui {
  const ui = useContext(UiContext);
  if (!ui) throw new Error('useUi outside UiProvider');
  return ui;
}

let noticeId = 0;

export function UiProvider({ children }: { children: ReactNode }) {
  const [request, setRequest] = useState<ConfirmRequest | null>(null);
  const [notices, setNotices] = useState<Notice[]>([]);

  const confirm = useCallback(
    (title: string, message: string, confirmLabel: string) =>
      new Promise<boolean>((resolve) => setRequest({ title, message, confirmLabel, resolve })),
    [],
  );
  const notify = useCallback((level: Notice['level'], text: string) => {
    const id = ++noticeId;
    setNotices((n) => [...n.slice(-3), { id, level, text }]);
    setTimeout(() => setNotices((n) => n.filter((x) => x.id !== id)), level === 'error' ? 8_000 : 4_000);
  }, []);
  const ui = useMemo(() => ({ confirm, notify }), [confirm, notify]);

  const answer = (ok: boolean) => {
    request?.resolve(ok);
    setRequest(null);
  };

  return (
    <UiContext.Provider value={ui}>
      {children}
      {request ? <ConfirmDialog request={request} answer={answer} /> : null}
      <div className="notices" aria-live="polite">
        {notices.map((n) => (
          <div key={n.id} className={`notice ${n.level}`} role={n.level === 'error' ? 'alert' : 'status'}>
            {n.text}
          </div>
        ))}
      </div>
    </UiContext.Provider>
  );
}

function ConfirmDialog({ request, answer }: { request: ConfirmRequest; answer(ok: boolean): void }) {
  return (
    <Modal
      className="confirm"
      role="alertdialog"
      labelledBy="confirm-title"
      describedBy="confirm-message"
      onClose={() => answer(false)}
    >
      <h2 id="confirm-title">{request.title}</h2>
      <p id="confirm-message">{request.message}</p>
      <div className="modal-actions">
        {/* Focus starts on the safe choice: Enter right after opening must not close a position. */}
        <button type="button" data-autofocus onClick={() => answer(false)}>
          Keep
        </button>
        <button type="button" className="danger" onClick={() => answer(true)}>
          {request.confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
