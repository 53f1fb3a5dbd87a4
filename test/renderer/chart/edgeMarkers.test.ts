import { describe, expect, it } from 'vitest';
import { layoutEdgeMarkers, MAX_PER_EDGE } from '../../../src/renderer/chart/edgeMarkers';

const line = (key: string, y: number | null) => ({ key, y, label: `L ${key}`, color: '#fff' });

describe('layoutEdgeMarkers', () => {
  it('keeps on-screen lines (edges included) off the edges and puts the rest on the nearer edge', () => {
    const markers = layoutEdgeMarkers(
      [line('in', 100), line('top-edge', 0), line('up', -40), line('down', 450)],
      400,
    );
    expect(markers).toEqual([
      { key: 'up', edge: 'top', slot: 0, label: '▲ L up', color: '#fff' },
      { key: 'down', edge: 'bottom', slot: 0, label: '▼ L down', color: '#fff' },
    ]);
  });

  it('stacks the nearest line on the edge and farther ones inwards', () => {
    const markers = layoutEdgeMarkers([line('far', -900), line('near', -10), line('mid', -200)], 300);
    expect(markers.map((m) => [m.key, m.slot])).toEqual([
      ['near', 0],
      ['mid', 1],
      ['far', 2],
    ]);
  });

  it('summarises what does not fit on an edge, and draws nothing without a scale', () => {
    const many = Array.from({ length: MAX_PER_EDGE + 3 }, (_, i) => line(`o${i}`, 500 + i));
    const markers = layoutEdgeMarkers(many, 300);
    expect(markers).toHaveLength(MAX_PER_EDGE);
    expect(markers[MAX_PER_EDGE - 1]).toMatchObject({
      key: 'bottom:more',
      label: '▼ 4 more',
      slot: MAX_PER_EDGE - 1,
    });
    expect(layoutEdgeMarkers([line('x', null)], 300)).toEqual([]);
    expect(layoutEdgeMarkers([line('x', -5)], 0)).toEqual([]);
  });
});
