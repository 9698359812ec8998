import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../lib/i18n';
import { claimFrame } from './claim';
import './frame.css';

function Message() {
  const [state, setState] = useState<'pending' | 'ok' | 'refused'>('pending');
  useEffect(() => {
    void claimFrame().then((ok) => setState(ok ? 'ok' : 'refused'));
  }, []);
  if (state === 'refused') return <p class="refused" role="alert">{t('frameRefused')}</p>;
  return null;
}

render(<Message />, document.getElementById('root')!);
