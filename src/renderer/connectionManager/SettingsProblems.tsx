/** Settings-file problems from start-up (a corrupt file moved aside, …), each dismissible. */
import { useEffect, useState } from 'react';
import type { SettingsProblem } from '../../shared/contract';
import { useTerminal } from '../state/context';

export function SettingsProblems() {
  const { api } = useTerminal();
  const [problems, setProblems] = useState<SettingsProblem[]>([]);
  const [dismissed, setDismissed] = useState<ReadonlySet<number>>(new Set());
  useEffect(() => {
    let live = true;
    api.settings.problems({}).then(
      (p) => {
        if (live) setProblems(p);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api]);
  const shown = problems.map((p, i) => ({ p, i })).filter(({ i }) => !dismissed.has(i));
  if (shown.length === 0) return null;
  return (
    <div className="cm-problems">
      {shown.map(({ p, i }) => (
        <div key={i} className="cm-problem" role="alert" aria-label="Settings problem">
          <span>{p.message}</span>
          <button
            type="button"
            aria-label="Dismiss settings problem"
            onClick={() => setDismissed(new Set([...dismissed, i]))}
          >
            Dismiss
          </button>
        </div>
      ))}
    </div>
  );
}
