import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { KeysState } from '@src/protocol';
import { t } from '../lib/i18n';
import { ask } from '../lib/messaging';
import '../lib/page.css';
import './options.css';
import { Contacts } from './contacts';
import { keysErrorText } from './errors';
import { Onboarding } from './onboarding';
import { OwnKeys } from './own-keys';
import { Security } from './security';

type Tab = 'own' | 'contacts' | 'security';
const tabs: { id: Tab; key: 'keysTabOwn' | 'keysTabContacts' | 'keysTabSecurity' }[] = [
  { id: 'own', key: 'keysTabOwn' },
  { id: 'contacts', key: 'keysTabContacts' },
  { id: 'security', key: 'keysTabSecurity' },
];

function Options() {
  const [state, setState] = useState<KeysState | null>(null);
  const [error, setError] = useState('');
  const [tab, setTab] = useState<Tab>(() => (location.hash.slice(1) as Tab) || 'own');
  // Onboarding stays up until the user has seen the new fingerprint and chosen to continue.
  const [onboarding, setOnboarding] = useState<boolean | null>(null);

  const load = () =>
    ask('keys.state', {}).then(
      (s) => {
        setState(s);
        setOnboarding((o) => o ?? !s.keys.some((k) => k.own));
      },
      (e) => setError(keysErrorText(e)),
    );
  useEffect(() => void load(), []);
  useEffect(() => {
    if (tabs.some((x) => x.id === tab)) history.replaceState(null, '', `#${tab}`);
  }, [tab]);

  let body;
  if (error) body = <div role="alert" class="error">{error}</div>;
  else if (!state || onboarding === null) body = <p role="status">{t('keysLoading')}</p>;
  else if (onboarding) body = <Onboarding onDone={() => { setOnboarding(false); void load(); }} />;
  else {
    body = (
      <>
        <nav aria-label={t('keysSections')}>
          <ul class="tabs">
            {tabs.map((x) => (
              <li key={x.id}>
                <button type="button" id={`tab-${x.id}`} aria-current={tab === x.id ? 'page' : undefined} onClick={() => setTab(x.id)}>
                  {t(x.key)}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        {tab === 'own' && <OwnKeys state={state} onState={setState} />}
        {tab === 'contacts' && <Contacts state={state} onState={setState} />}
        {tab === 'security' && <Security state={state} onState={setState} />}
      </>
    );
  }
  return (
    <main id="mantle-options" style={{ maxWidth: '52rem', margin: '0 auto', padding: '1.5rem' }} data-ready={state ? 'true' : 'false'}>
      <h1>{t('optionsTitle')}</h1>
      {body}
    </main>
  );
}

render(<Options />, document.getElementById('root')!);
