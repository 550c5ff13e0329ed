// The role checkboxes of a staff account, as the create and the edit form show them.
import type { UseFormRegisterReturn } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { ROLES } from '@shared/protocol';

export function RolesFieldset({
  registration,
  error,
  errorId,
}: {
  registration: UseFormRegisterReturn<'roles'>;
  /** The translated field error; given only while no valid choice is made. */
  error: string | undefined;
  /** Ties the error to the group; left out where two forms with roles can be on the page at once. */
  errorId?: string;
}) {
  const { t } = useTranslation('office');
  return (
    <fieldset
      className="choice-group"
      aria-invalid={error === undefined ? undefined : true}
      aria-describedby={error === undefined ? undefined : errorId}
    >
      <legend>{t('staff.create.roles')}</legend>
      <div className="choices">
        {ROLES.map((role) => (
          <label key={role} className="choice">
            <input type="checkbox" value={role} {...registration} />
            <span>{t(`roles.${role}`)}</span>
          </label>
        ))}
      </div>
      {error !== undefined && (
        <p id={errorId} className="field__error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
