/**
 * A secure frame's layout requests to the page. Sizes and modes are states the content script
 * keeps: one lost on its way (the worker stopped before answering) is sent again, or the frame
 * would keep a wrong size for good. "Focus lost" is news of a moment: sent once.
 */
import type { FrameLayout } from '@src/protocol';
import { LatestResender } from '@src/render/resend';
import { ask, mayRetry } from './messaging';

const states = new LatestResender<FrameLayout>((l) => ask('frame.layout', l), mayRetry);

export function layout(l: FrameLayout): void {
  if (l.action === 'focus-lost') void ask('frame.layout', l).catch(() => undefined);
  else states.set(l.action, l);
}
