/**
 * Lines whose price is outside the visible price range become markers on the top or bottom
 * edge, so a working order far from the market is never invisible. Pure layout: the controller
 * measures, this decides, the controller draws.
 */

export interface MeasuredLine {
  key: string;
  /** Pixel row of the line's price on the pane; null while the scale has no range. */
  y: number | null;
  label: string;
  color: string;
}

export interface EdgeMarker {
  key: string;
  edge: 'top' | 'bottom';
  /** Stack position from the edge inwards: 0 touches the edge. */
  slot: number;
  label: string;
  color: string;
}

/** Markers shown per edge; beyond this one summary marker says how many more. */
export const MAX_PER_EDGE = 4;

/**
 * Which lines are off-screen and where their markers go. Nearest to the visible range first (it
 * sits on the edge), farther ones stacked inwards; a line exactly on the edge row is on-screen.
 */
export function layoutEdgeMarkers(lines: readonly MeasuredLine[], paneHeight: number): EdgeMarker[] {
  if (!(paneHeight > 0)) return [];
  const above: { line: MeasuredLine; away: number }[] = [];
  const below: { line: MeasuredLine; away: number }[] = [];
  for (const line of lines) {
    if (line.y === null || !Number.isFinite(line.y)) continue;
    if (line.y < 0) above.push({ line, away: -line.y });
    else if (line.y > paneHeight) below.push({ line, away: line.y - paneHeight });
  }
  const out: EdgeMarker[] = [];
  const place = (list: { line: MeasuredLine; away: number }[], edge: EdgeMarker['edge']) => {
    list.sort((a, b) => a.away - b.away || a.line.key.localeCompare(b.line.key));
    const arrow = edge === 'top' ? '▲' : '▼';
    const shown = list.length > MAX_PER_EDGE ? MAX_PER_EDGE - 1 : list.length;
    for (let i = 0; i < shown; i++) {
      const { line } = list[i] as { line: MeasuredLine };
      out.push({ key: line.key, edge, slot: i, label: `${arrow} ${line.label}`, color: line.color });
    }
    if (list.length > shown)
      out.push({
        key: `${edge}:more`,
        edge,
        slot: shown,
        label: `${arrow} ${list.length - shown} more`,
        color: '#8b93a1',
      });
  };
  place(above, 'top');
  place(below, 'bottom');
  return out;
}
