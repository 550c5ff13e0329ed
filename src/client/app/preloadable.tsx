// Screens in chunks of their own without React.lazy's suspense: a fast first
// screen, and — once preloaded while the app is idle — the next screen
// renders in the same frame as the tap (no fallback, no reveal throttling).
import { useEffect, useState, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';

export interface Preloadable<P extends object> {
  Screen: ComponentType<P>;
  preload: () => Promise<unknown>;
}

export function preloadable<P extends object>(load: () => Promise<ComponentType<P>>): Preloadable<P> {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<ComponentType<P>> | undefined;
  const preload = (): Promise<ComponentType<P>> => {
    loading ??= load().then(
      (component) => {
        loaded = component;
        return component;
      },
      (error: unknown) => {
        loading = undefined; // try again next time
        throw error;
      },
    );
    return loading;
  };

  function Screen(props: P) {
    const { t } = useTranslation();
    const [component, setComponent] = useState<ComponentType<P> | undefined>(() => loaded);
    useEffect(() => {
      if (component) return;
      let alive = true;
      preload().then(
        (c) => {
          if (alive) setComponent(() => c);
        },
        () => undefined, // not cached and offline: stays on "loading"; the service worker precaches every chunk
      );
      return () => {
        alive = false;
      };
    }, [component]);
    const Loaded = component;
    return Loaded ? <Loaded {...props} /> : <p className="loading">{t('app.loading')}</p>;
  }

  return { Screen, preload };
}
