// The start screen: what can be recorded, and what this tablet holds with the
// state of each entry (not yet sent / sent / rejected with reason).
import { useTranslation } from 'react-i18next';
import { HomeContactList } from '../features/home-contact/HomeContactList';

export function Overview({ onNewHomeContact }: { onNewHomeContact: () => void }) {
  const { t } = useTranslation(['common', 'home-contact']);
  return (
    <>
      <section className="card" aria-labelledby="new-record-title">
        <h1 id="new-record-title" className="visually-hidden">
          {t('app.name')}
        </h1>
        <button type="button" className="button button--primary button--large button--wide" onClick={onNewHomeContact}>
          {t('home-contact:new')}
        </button>
      </section>
      <HomeContactList />
    </>
  );
}
