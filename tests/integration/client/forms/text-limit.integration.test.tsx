// @vitest-environment jsdom
// Free text stops at a limit (the browser's maxLength, the schema's bound).
// Walkthrough finding 15: at 500 characters the text was cut without a word.
// Now the field says how much is left as the limit nears, and says so once full.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { initI18n } from '@client/i18n';
import { CorrectionComment } from '@client/features/approval/CorrectionComment';
import { REVIEW_COMMENT_MAX_LENGTH } from '@shared/four-eyes';

beforeAll(async () => {
  await initI18n('de');
});
afterEach(() => {
  cleanup();
});

function renderComment(length: number) {
  render(<CorrectionComment id="comment" value={'x'.repeat(length)} onChange={() => undefined} />);
  return screen.getByTestId('text-limit');
}

describe('text limit on a free-text field', () => {
  it('says nothing while the text is short', () => {
    expect(renderComment(10).textContent).toBe('');
  });

  it('counts what is left as the limit nears, and is read with the field', () => {
    const limit = renderComment(REVIEW_COMMENT_MAX_LENGTH - 25);
    expect(limit.textContent).toBe(`Noch 25 Zeichen (höchstens ${REVIEW_COMMENT_MAX_LENGTH}).`);
    expect(screen.getByRole('textbox').getAttribute('aria-describedby')).toContain(limit.id);
  });

  it('says the field is full once the limit is reached', () => {
    const limit = renderComment(REVIEW_COMMENT_MAX_LENGTH);
    expect(limit.getAttribute('role')).toBe('status');
    expect(limit.textContent).toContain(`Höchstens ${REVIEW_COMMENT_MAX_LENGTH} Zeichen: Das Feld ist voll`);
    expect(screen.getByRole('textbox').getAttribute('maxlength')).toBe(String(REVIEW_COMMENT_MAX_LENGTH));
  });
});
