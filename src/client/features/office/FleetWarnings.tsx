// The tablets the office should look at before data is lost: the backend's
// judgement (domain/fleet-warnings.ts) put into words, with what to do.
import { useTranslation } from 'react-i18next';
import type { DeviceList, ListedDevice } from '@shared/staff-api';
import { lastSeenAt } from '@domain/fleet-warnings';

export function FleetWarnings({
  devices,
  policy,
  formatDate,
}: {
  devices: readonly ListedDevice[];
  policy: DeviceList['fleetPolicy'];
  formatDate: (iso: string) => string;
}) {
  const { t } = useTranslation('office');
  const flagged = devices.filter((device) => device.fleet.warnings.length > 0);
  if (flagged.length === 0) return null;
  return (
    <section className="notice notice--warning fleet-warnings" aria-labelledby="fleet-warnings-title" data-testid="fleet-warnings">
      <h3 id="fleet-warnings-title">{t('tablets.warnings.title', { count: flagged.length })}</h3>
      <ul>
        {flagged.map((device) => {
          const report = device.fleet.report;
          const seen = lastSeenAt(device.fleet);
          return device.fleet.warnings.map((warning) => (
            <li key={`${device.deviceId}:${warning}`} data-device-id={device.deviceId} data-warning={warning}>
              {warning === 'unsentWhileSilent' &&
                t('tablets.warnings.unsentWhileSilent', {
                  label: device.label,
                  count: report?.unsentCount ?? 0,
                  date: seen === null ? t('tablets.never') : formatDate(seen),
                })}
              {warning === 'unsentTooOld' &&
                t('tablets.warnings.unsentTooOld', {
                  label: device.label,
                  date: report?.oldestUnsentAt === null || report === null ? '' : formatDate(report.oldestUnsentAt),
                  days: policy.warningDays,
                })}
              {warning === 'outdatedApp' &&
                t('tablets.warnings.outdatedApp', {
                  label: device.label,
                  version: report?.appVersion ?? '',
                  current: policy.currentAppVersion,
                })}
            </li>
          ));
        })}
      </ul>
      <p>{t('tablets.warnings.whatToDo')}</p>
    </section>
  );
}
