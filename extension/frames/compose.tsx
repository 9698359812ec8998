import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../lib/i18n';
import { claimFrame } from './claim';
import './frame.css';

function Compose() {
  const [state, setState] = useState<'pending' | 'ok' | 'refused'>('pending');
  useEffect(() => {
    void claimFrame().then((ok) => setState(ok ? 'ok' : 'refused'));
  }, []);
  if (state === 'pending') return null;
  if (state === 'refused') return <p class="refused" role="alert">{t('frameRefused')}</p>;
  return (
    <span class="badge" title={t('composeBadgeTitle')}>
      <span aria-hidden="true">🔒</span>
      {t('composeBadge')}
    </span>
  );
}

render(<Compose />, document.getElementById('root')!);
