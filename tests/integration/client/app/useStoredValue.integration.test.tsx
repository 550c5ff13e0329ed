// @vitest-environment jsdom
// A screen reads what it shows from the tablet's storage. A read that fails once
// (the database still opening after an offline reload) must not leave the screen
// waiting forever: offline, no later change comes to trigger another read.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { useStoredValue } from '@client/app/useStoredValue';
import type { Storage } from '@client/storage';

afterEach(() => {
  cleanup();
});

/** A storage whose change notifications never fire, as offline after a reload. */
const quietStorage = { onChange: () => () => undefined } as unknown as Storage;

function SiteLabel({ read }: { read: () => Promise<string> }) {
  const value = useStoredValue(quietStorage, read);
  return <p data-testid="value">{value ?? 'loading'}</p>;
}

describe('useStoredValue', () => {
  it('reads again after a failed read, without waiting for a change', async () => {
    let calls = 0;
    const read = (): Promise<string> => {
      calls++;
      return calls < 3 ? Promise.reject(new Error('DatabaseClosedError')) : Promise.resolve('Kita Sonnenblume');
    };
    render(<SiteLabel read={read} />);
    expect(screen.getByTestId('value').textContent).toBe('loading');
    expect((await screen.findByText('Kita Sonnenblume', {}, { timeout: 3_000 })).textContent).toBe('Kita Sonnenblume');
    expect(calls).toBe(3);
  });
});
