// Locks after a period without any touch, key or pointer activity (the tablet:
// configurable per municipality, default 5 minutes; the office: its own setting,
// default 15). Measured by the wall clock, not by a timer alone: a browser
// throttles or freezes timers of a page in the background and a sleeping device
// stops them, so when the page is shown again (visibilitychange, pageshow) the
// time away counts — a tablet left in the app switcher for longer than the limit
// is locked before anyone sees it again.
import { useEffect } from 'react';

const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'touchstart', 'wheel'] as const;

/** `minutes` null: no lock (nobody signed in). */
export function useAutoLock(minutes: number | null, onIdle: () => void): void {
  useEffect(() => {
    if (minutes === null) return undefined;
    const limitMs = minutes * 60_000;
    let lastActivity = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let locked = false;
    const arm = (delayMs: number): void => {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(check, delayMs);
    };
    function check(): void {
      const idleMs = Date.now() - lastActivity;
      if (idleMs < limitMs) {
        arm(limitMs - idleMs);
        return;
      }
      if (timer !== undefined) clearTimeout(timer);
      if (!locked) {
        locked = true;
        onIdle();
      }
    }
    const onActivity = (): void => {
      locked = false;
      lastActivity = Date.now();
      arm(limitMs);
    };
    // Time in the background is time without activity: judged at the moment the page is back.
    const onShown = (): void => {
      if (document.visibilityState === 'visible') check();
    };
    arm(limitMs);
    for (const event of ACTIVITY_EVENTS) window.addEventListener(event, onActivity, { passive: true });
    document.addEventListener('visibilitychange', onShown);
    window.addEventListener('pageshow', onShown);
    return () => {
      if (timer !== undefined) clearTimeout(timer);
      for (const event of ACTIVITY_EVENTS) window.removeEventListener(event, onActivity);
      document.removeEventListener('visibilitychange', onShown);
      window.removeEventListener('pageshow', onShown);
    };
  }, [minutes, onIdle]);
}
