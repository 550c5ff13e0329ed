// Focus follows the screen (walkthrough finding 27): when a screen changes,
// the control that was used to change it is gone and focus would fall back to
// <body> — screen-reader and keyboard users would start over at the top. So
// whenever a new main heading appears while nothing has focus, it takes the
// focus (and scrolls into view). Focus that is on a live control is never taken away.
import { useEffect, type RefObject } from 'react';

export function useHeadingFocus(container: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const root = container.current;
    if (!root) return;
    let focused: Element | null = null;
    const focusNewHeading = (): void => {
      const heading = root.querySelector('h1');
      if (!heading || heading === focused) return;
      const active = document.activeElement;
      const nothingFocused = active === null || active === document.body || active === root || !active.isConnected;
      if (!nothingFocused) {
        focused = heading; // a screen that set focus itself (a dialog, a field) keeps it
        return;
      }
      focused = heading;
      if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
      (heading as HTMLElement).focus();
    };
    const observer = new MutationObserver(focusNewHeading);
    observer.observe(root, { childList: true, subtree: true });
    focusNewHeading();
    return () => {
      observer.disconnect();
    };
  }, [container]);
}
