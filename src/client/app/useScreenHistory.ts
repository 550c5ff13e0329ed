// The browser's (and Android's) back button moves between the work area's
// screens and never out of the app: leaving would lock the tablet. Every
// screen change adds a history entry whose state holds only a random id of
// this unlock and the screen's position; the screens themselves (a case
// number, say) stay in memory — never in the URL or the session history.
// Leaving a screen may have to be confirmed first (a half-filled form): the
// change then waits as `pending` until it is confirmed or called off.
// While the screen is held (the family holds the tablet) nothing changes it:
// the back button is undone at once, so it never leads to a staff screen.
import { useCallback, useEffect, useRef, useState } from 'react';
import { uuidv7 } from '@shared/ids';

interface EntryState {
  lotseScreens: string;
  index: number;
}

/** A screen change: what the person asked for, and how. */
export type ScreenChange<V> =
  | { kind: 'push'; view: V }
  | { kind: 'replace'; view: V }
  | { kind: 'home' }
  /** The back (or forward) button already moved the browser to `index`; `repush`: it left the app's entries. */
  | { kind: 'pop'; index: number; repush: boolean };

export interface ScreenHistory<V> {
  view: V;
  /** Opens a screen as a new history entry. */
  push: (view: V) => void;
  /** Shows a screen in place of the current one (no new entry). */
  replace: (view: V) => void;
  /** Back to the first screen (the overview). */
  home: () => void;
  /** A change that waits for the person's confirmation (see `mayLeave`). */
  pending: ScreenChange<V> | null;
  /** Carries the pending change out. */
  proceed: () => void;
  /** Calls the pending change off; after the back button, the browser returns to this screen. */
  stay: () => void;
}

function isEntryState(state: unknown): state is EntryState {
  return typeof state === 'object' && state !== null && typeof (state as EntryState).lotseScreens === 'string';
}

/**
 * @param root the first screen (the overview); the entry below it catches the back button there.
 * @param mustAsk whether leaving the current screen needs a confirmation now.
 * @param onLeave called as the current screen is left (confirmed or not).
 * @param held whether the current screen must stay as it is now (family mode): every change is refused.
 */
export function useScreenHistory<V>(root: V, mustAsk: () => boolean, onLeave?: () => void, held?: () => boolean): ScreenHistory<V> {
  const [id] = useState(() => uuidv7());
  const entries = useRef<V[]>([root]);
  const index = useRef(0);
  /** popstate events caused by this hook's own history.go, not by the person. */
  const ownMoves = useRef(0);
  const [view, setView] = useState<V>(root);
  const [pending, setPending] = useState<ScreenChange<V> | null>(null);
  const ask = useRef(mustAsk);
  const left = useRef(onLeave);
  const hold = useRef(held);
  useEffect(() => {
    ask.current = mustAsk;
    left.current = onLeave;
    hold.current = held;
  }, [mustAsk, onLeave, held]);

  /** The browser already moved back (or forward) for `change`: return it to the current screen's entry. */
  const undoPop = useCallback(
    (change: Extract<ScreenChange<V>, { kind: 'pop' }>) => {
      if (change.repush) window.history.pushState({ lotseScreens: id, index: index.current } satisfies EntryState, '');
      else {
        ownMoves.current++;
        window.history.go(index.current - change.index);
      }
    },
    [id],
  );

  const apply = useCallback(
    (change: ScreenChange<V>) => {
      left.current?.();
      switch (change.kind) {
        case 'push': {
          entries.current = [...entries.current.slice(0, index.current + 1), change.view];
          index.current = entries.current.length - 1;
          window.history.pushState({ lotseScreens: id, index: index.current } satisfies EntryState, '');
          setView(change.view);
          return;
        }
        case 'replace':
          entries.current[index.current] = change.view;
          setView(change.view);
          return;
        case 'home':
          if (index.current > 0) {
            ownMoves.current++;
            window.history.go(-index.current);
          }
          index.current = 0;
          entries.current = entries.current.slice(0, 1);
          setView(entries.current[0] ?? root);
          return;
        case 'pop':
          if (change.repush) {
            // Below the overview, or an entry of an earlier unlock: stay in the app, on the overview.
            entries.current = entries.current.slice(0, 1);
            window.history.pushState({ lotseScreens: id, index: 0 } satisfies EntryState, '');
          }
          index.current = change.index;
          setView(entries.current[change.index] ?? root);
      }
    },
    [id, root],
  );

  const request = useCallback(
    (change: ScreenChange<V>) => {
      if (hold.current?.() === true) {
        if (change.kind === 'pop') undoPop(change);
        return;
      }
      if (ask.current()) setPending(change);
      else apply(change);
    },
    [apply, undoPop],
  );

  useEffect(() => {
    // The entry the app was unlocked on, and one more, catch "back" on the overview (two: a quick
    // double press lands on the second before the first one's entry is added back).
    window.history.replaceState({ lotseScreens: 'below', index: -1 } satisfies EntryState, '');
    window.history.pushState({ lotseScreens: 'below', index: -1 } satisfies EntryState, '');
    window.history.pushState({ lotseScreens: id, index: 0 } satisfies EntryState, '');
    const onPopState = (event: PopStateEvent): void => {
      if (ownMoves.current > 0) {
        ownMoves.current--;
        return;
      }
      const state: unknown = event.state;
      const known = isEntryState(state) && state.lotseScreens === id && state.index >= 0 && state.index < entries.current.length;
      const target = known ? state.index : 0;
      if (known && target === index.current) return;
      request({ kind: 'pop', index: target, repush: !known });
    };
    window.addEventListener('popstate', onPopState);
    return () => {
      window.removeEventListener('popstate', onPopState);
    };
  }, [id, request]);

  return {
    view,
    push: useCallback(
      (next: V) => {
        request({ kind: 'push', view: next });
      },
      [request],
    ),
    replace: useCallback(
      (next: V) => {
        request({ kind: 'replace', view: next });
      },
      [request],
    ),
    home: useCallback(() => {
      request({ kind: 'home' });
    }, [request]),
    pending,
    proceed: () => {
      if (pending) apply(pending);
      setPending(null);
    },
    stay: () => {
      // The browser already went back: return it to this screen's entry.
      if (pending?.kind === 'pop') undoPop(pending);
      setPending(null);
    },
  };
}
