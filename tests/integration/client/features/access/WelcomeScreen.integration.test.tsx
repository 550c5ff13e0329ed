// @vitest-environment jsdom
// The first screen of a browser that is no enrolled tablet: the office sign-in
// and setting up this tablet are two equal, plainly described ways in; over
// plain HTTP from another machine only the office is offered, with the reason.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { WelcomeScreen } from '@client/features/access/WelcomeScreen';
import { initI18n } from '@client/i18n';
import de from '../../../../../locales/de/common.json';

beforeAll(async () => {
  await initI18n('de');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('WelcomeScreen', () => {
  it('offers the office sign-in and the tablet setup, each with what it is for, and nothing about an unset tablet', () => {
    vi.stubGlobal('isSecureContext', true);
    const chosen: string[] = [];
    render(
      <WelcomeScreen
        onOffice={() => {
          chosen.push('office');
        }}
        onEnroll={() => {
          chosen.push('enrol');
        }}
      />,
    );
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(de.access.welcomeTitle);
    const buttons = screen.getAllByRole('button');
    expect(buttons.map((b) => b.textContent)).toEqual([de.access.welcomeOffice, de.access.welcomeEnrol]);
    // Each way in is described by its sentence (read out with the button).
    expect(screen.getByRole('button', { name: de.access.welcomeOffice }).getAttribute('aria-describedby')).toBeTruthy();
    expect(screen.getByRole('button', { description: de.access.welcomeOfficeText })).toBe(buttons[0]);
    expect(screen.getByRole('button', { description: de.access.welcomeEnrolText })).toBe(buttons[1]);
    expect(document.body.textContent).not.toContain('nicht eingerichtet');

    fireEvent.click(screen.getByRole('button', { name: de.access.welcomeOffice }));
    fireEvent.click(screen.getByRole('button', { name: de.access.welcomeEnrol }));
    expect(chosen).toEqual(['office', 'enrol']);
  });

  it('over an insecure connection offers only the office sign-in and says why the tablet cannot be set up', () => {
    vi.stubGlobal('isSecureContext', false);
    render(<WelcomeScreen onOffice={() => undefined} onEnroll={() => undefined} />);
    expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual([de.access.welcomeOffice]);
    expect(screen.getByRole('alert').textContent).toContain(de.access.insecure.title);
  });
});
