/** Engine alerts (evaluated in main, never here) surface as notices when they arrive. */
import { useEffect, useRef } from 'react';
import { useStore } from '../state/context';
import { useUi } from './dialogs';

export function AlertFeed() {
  const alerts = useStore((s) => s.alerts);
  const ui = useUi();
  const seen = useRef(new Set<string>());
  useEffect(() => {
    for (const a of alerts) {
      // Already seen here, or acknowledged elsewhere (another window, the tray): no new toast.
      if (seen.current.has(a.id) || a.acknowledged) continue;
      seen.current.add(a.id);
      ui.notify(a.level === 'info' ? 'info' : 'error', `${a.title}: ${a.message}`);
    }
  }, [alerts, ui]);
  return null;
}
