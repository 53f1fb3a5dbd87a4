/**
 * Which rows of a long list are in view, from TanStack's framework-free `Virtualizer`.
 * The component re-renders whenever the window changes (scroll, resize, row count) and reads
 * the virtualizer's output during that render, so no stale memoized function can leak out.
 */
import {
  Virtualizer,
  elementScroll,
  observeElementOffset,
  observeElementRect,
} from '@tanstack/react-virtual';
import { useLayoutEffect, useReducer, useState } from 'react';

export function useRowWindow(count: number, rowHeight: number, scrollElement: HTMLElement | null) {
  const [, rerender] = useReducer((x: number) => x + 1, 0);
  const options = {
    count,
    getScrollElement: () => scrollElement,
    estimateSize: () => rowHeight,
    overscan: 8,
    scrollToFn: elementScroll,
    observeElementRect,
    observeElementOffset,
    onChange: () => rerender(),
  };
  const [virtualizer] = useState(() => new Virtualizer<HTMLElement, Element>(options));
  virtualizer.setOptions(options);
  useLayoutEffect(() => virtualizer._didMount(), [virtualizer]);
  useLayoutEffect(() => {
    virtualizer._willUpdate();
  });
  return {
    items: virtualizer.getVirtualItems(),
    totalSize: virtualizer.getTotalSize(),
    /** Bring a row into view (keyboard navigation to a row that is not mounted yet). */
    scrollToIndex: (index: number) => virtualizer.scrollToIndex(index, { align: 'auto' }),
  };
}
