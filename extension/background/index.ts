/**
 * Mantle's background: owns keys and cryptography; every other context asks it. It may be
 * stopped at any moment (MV3), so all state that must survive lives in browser storage.
 */
import { listen } from './router';
import './frames';
import './keys';
import './compose';
import './messages';
import './threads';
import './anysite';

listen();
