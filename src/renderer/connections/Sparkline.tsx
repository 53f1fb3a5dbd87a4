/** A tiny inline SVG line of recent samples (RTT, lag), scaled to its own max. */
import { memo } from 'react';

interface Props {
  values: readonly number[];
  width?: number;
  height?: number;
  label: string;
}

export const Sparkline = memo(function Sparkline({ values, width = 64, height = 16, label }: Props) {
  if (values.length < 2)
    return (
      <svg className="spark" width={width} height={height} role="img" aria-label={`${label}: no samples`} />
    );
  const max = Math.max(...values, 1);
  const step = width / (values.length - 1);
  const points = values
    .map((v, i) => `${(i * step).toFixed(1)},${(height - 1 - (v / max) * (height - 2)).toFixed(1)}`)
    .join(' ');
  return (
    <svg
      className="spark"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`${label}: max ${Math.round(max)} ms`}
    >
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1" />
    </svg>
  );
});
