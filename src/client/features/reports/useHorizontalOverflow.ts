// Whether a sideways-scrolling box holds more than it shows, and on which side:
// a wide report table says so (a hint and a fading edge) instead of silently
// cutting columns off. Works in both writing directions (in RTL Chromium counts
// scrollLeft from 0 down to negative values).
import { useCallback, useEffect, useRef, useState } from 'react';

export interface HorizontalOverflow {
  /** The content is wider than the box. */
  overflowing: boolean;
  /** Columns are hidden before the visible part (towards the inline start). */
  moreAtStart: boolean;
  /** Columns are hidden after the visible part (towards the inline end). */
  moreAtEnd: boolean;
}

const NONE: HorizontalOverflow = { overflowing: false, moreAtStart: false, moreAtEnd: false };

export function useHorizontalOverflow(): [(element: HTMLElement | null) => void, HorizontalOverflow] {
  const [element, setElement] = useState<HTMLElement | null>(null);
  const [state, setState] = useState<HorizontalOverflow>(NONE);
  const last = useRef(state);

  const measure = useCallback((box: HTMLElement) => {
    const hidden = box.scrollWidth - box.clientWidth;
    const scrolled = Math.abs(box.scrollLeft);
    const next: HorizontalOverflow =
      hidden <= 1 ? NONE : { overflowing: true, moreAtStart: scrolled > 1, moreAtEnd: scrolled < hidden - 1 };
    const previous = last.current;
    if (previous.overflowing !== next.overflowing || previous.moreAtStart !== next.moreAtStart || previous.moreAtEnd !== next.moreAtEnd) {
      last.current = next;
      setState(next);
    }
  }, []);

  useEffect(() => {
    if (element === null) return undefined;
    const update = (): void => {
      measure(element);
    };
    update();
    const observer = new ResizeObserver(update);
    observer.observe(element);
    const content = element.firstElementChild;
    if (content) observer.observe(content);
    element.addEventListener('scroll', update, { passive: true });
    return () => {
      observer.disconnect();
      element.removeEventListener('scroll', update);
    };
  }, [element, measure]);

  return [setElement, state];
}
