/** A key combination drawn as key caps ("Alt" "Shift" "F"), or a dash when unbound. */
export function KeyCaps({ combo }: { combo: string | undefined }) {
  if (combo === undefined) return <span className="hk-none">—</span>;
  return (
    <span className="hk-combo" aria-label={combo}>
      {combo.split('+').map((k, i) => (
        <kbd key={i}>{k === 'Slash' ? '/' : k}</kbd>
      ))}
    </span>
  );
}
