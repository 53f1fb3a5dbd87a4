/**
 * Every dialog's frame: the native `<dialog>` opened with `showModal()`, so the browser makes the
 * rest of the page inert (Tab cannot leave it) and turns Escape into a `cancel` we answer by
 * closing. Focus starts on `[data-autofocus]` (a confirmation's safe choice) or else the first
 * enabled field, and goes back to whatever opened the dialog once it is gone.
 */
import { useLayoutEffect, useRef, type ReactNode } from 'react';
import './layout.css';

const FOCUSABLE =
  'input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** Where focus goes when a dialog opens: the marked element, else the first enabled field. */
function firstFocus(root: ParentNode): HTMLElement | null {
  return root.querySelector<HTMLElement>('[data-autofocus]') ?? root.querySelector<HTMLElement>(FOCUSABLE);
}

interface Props {
  className: string;
  /** `alertdialog` for confirmations that interrupt. */
  role?: 'dialog' | 'alertdialog';
  labelledBy: string;
  describedBy?: string;
  /** Escape, or the browser closing the dialog: the owner removes it. */
  onClose(): void;
  children: ReactNode;
}

export function Modal({ className, role, labelledBy, describedBy, onClose, children }: Props) {
  const ref = useRef<HTMLDialogElement>(null);

  useLayoutEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    const opener = document.activeElement;
    if (!dialog.open) dialog.showModal();
    firstFocus(dialog)?.focus();
    return () => {
      // React runs this before it removes the dialog: close it first, or the page is still inert
      // and the opener cannot take focus back. (Its `close` event then finds no handler.)
      if (dialog.open) dialog.close();
      if (!(opener instanceof HTMLElement)) return;
      opener.focus();
      // Chromium leaves typing aimed at the removed dialog's field until focus moves once more
      // after the removal: move it again on the next frame, unless something else took it.
      requestAnimationFrame(() => {
        if (
          !opener.isConnected ||
          (document.activeElement !== opener && document.activeElement !== document.body)
        )
          return;
        opener.blur();
        opener.focus();
      });
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={`modal ${className}`}
      role={role === 'alertdialog' ? 'alertdialog' : undefined}
      aria-labelledby={labelledBy}
      aria-describedby={describedBy}
      onCancel={(e) => {
        // Escape: the owner decides (it unmounts the dialog); the browser must not close it alone.
        e.preventDefault();
        onClose();
      }}
      onClose={() => onClose()}
    >
      {children}
    </dialog>
  );
}
