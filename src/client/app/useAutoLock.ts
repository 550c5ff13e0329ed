// Locks the tablet after a period without any touch, key or pointer activity
// (configurable per municipality, default 5 minutes).
import { useEffect } from 'react';

const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'touchstart', 'wheel'] as const;

export function useAutoLock(minutes: number, onIdle: () => void): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(onIdle, minutes * 60_000);
    };
    arm();
    for (const event of ACTIVITY_EVENTS) window.addEventListener(event, arm, { passive: true });
    return () => {
      if (timer !== undefined) clearTimeout(timer);
      for (const event of ACTIVITY_EVENTS) window.removeEventListener(event, arm);
    };
  }, [minutes, onIdle]);
}
