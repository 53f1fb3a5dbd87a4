/**
 * A splitter between two panes: drag it with the pointer, or focus it (it is a tab stop) and use
 * the arrow keys, Page Up/Down for bigger steps, Home/End for the smallest/largest size; a double
 * click puts it back where it started. Its value is the size of the pane it resizes, in pixels.
 * A small pointer-events component rather than a library: none is installed, and three fixed
 * splitters need nothing more.
 */
import { useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';

interface Props {
  /** `vertical`: a vertical line between columns (resizes a width); `horizontal`: between rows. */
  orientation: 'vertical' | 'horizontal';
  label: string;
  value: number;
  /** Where a double click puts it back. */
  defaultValue: number;
  min: number;
  max: number;
  /**
   * +1 when moving the splitter right (or down) grows the pane, -1 when it shrinks it (the pane is
   * on the far side).
   */
  grows: 1 | -1;
  onChange(size: number): void;
}

const STEP = 10;
const PAGE = 50;

export function Splitter({ orientation, label, value, defaultValue, min, max, grows, onChange }: Props) {
  const drag = useRef<{ pointer: number; from: number; value: number } | null>(null);
  const [dragging, setDragging] = useState(false);
  const clamp = (v: number) => Math.round(Math.min(max, Math.max(min, v)));
  const at = (e: PointerEvent) => (orientation === 'vertical' ? e.clientX : e.clientY);

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    e.currentTarget.focus();
    drag.current = { pointer: e.pointerId, from: at(e), value };
    setDragging(true);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (d === null || d.pointer !== e.pointerId) return;
    const next = clamp(d.value + grows * (at(e) - d.from));
    if (next !== value) onChange(next);
  };
  const end = (e: PointerEvent<HTMLDivElement>) => {
    if (drag.current?.pointer !== e.pointerId) return;
    drag.current = null;
    setDragging(false);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    // Keys move the line the way the arrow points, as the pointer would.
    const forward = orientation === 'vertical' ? 'ArrowRight' : 'ArrowDown';
    const back = orientation === 'vertical' ? 'ArrowLeft' : 'ArrowUp';
    let next: number;
    if (e.key === forward) next = value + grows * STEP;
    else if (e.key === back) next = value - grows * STEP;
    else if (e.key === 'PageUp') next = value + PAGE;
    else if (e.key === 'PageDown') next = value - PAGE;
    else if (e.key === 'Home') next = min;
    else if (e.key === 'End') next = max;
    else return;
    e.preventDefault();
    const size = clamp(next);
    if (size !== value) onChange(size);
  };

  return (
    <div
      role="separator"
      tabIndex={0}
      aria-label={label}
      aria-orientation={orientation}
      aria-valuenow={value}
      aria-valuemin={min}
      aria-valuemax={max}
      aria-valuetext={`${value} pixels`}
      className={`splitter splitter-${orientation} ${dragging ? 'dragging' : ''}`}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={end}
      onPointerCancel={end}
      onKeyDown={onKeyDown}
      onDoubleClick={() => {
        const size = clamp(defaultValue);
        if (size !== value) onChange(size);
      }}
    />
  );
}
