// Why an office form's request failed, announced at once; nothing while it has not.
import { useTranslation } from 'react-i18next';
import type { ApiErrorKey } from './office-errors';

export function FormFailure({ failure }: { failure: ApiErrorKey | null }) {
  const { t } = useTranslation('office');
  if (failure === null) return null;
  return (
    <p className="form-error" role="alert">
      {t(failure)}
    </p>
  );
}
