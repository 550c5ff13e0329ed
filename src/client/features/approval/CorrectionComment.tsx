// What the reviewer asks the author to correct. Shown only once the reviewer
// chose to send the record back — approving needs no comment, and an empty box
// beside "approve" only invites personal data.
import { useTranslation } from 'react-i18next';
import { REVIEW_COMMENT_MAX_LENGTH } from '@shared/four-eyes';
import { PersonalDataHint } from '../../forms/PersonalDataHint';
import { TextLimit } from '../../forms/TextLimit';

export function CorrectionComment({ id, value, onChange }: { id: string; value: string; onChange: (value: string) => void }) {
  const { t } = useTranslation('approval');
  return (
    <div className="field">
      <label htmlFor={id}>{t('flow.comment')}</label>
      <textarea
        id={id}
        rows={3}
        maxLength={REVIEW_COMMENT_MAX_LENGTH}
        value={value}
        // The box appears on the reviewer's own tap: moving there is what they expect.
        autoFocus
        aria-describedby={`${id}-hint ${id}-limit ${id}-check`}
        onChange={(e) => {
          onChange(e.target.value);
        }}
      />
      <p className="hint" id={`${id}-hint`}>
        {t('flow.commentHint')}
      </p>
      <TextLimit text={value} max={REVIEW_COMMENT_MAX_LENGTH} id={`${id}-limit`} />
      <PersonalDataHint text={value} id={`${id}-check`} />
    </div>
  );
}
