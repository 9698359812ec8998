import { TestRunner } from 'vitest';
import { teardownAll } from './lifecycle';

/**
 * The standard runner, plus one hook: when the worker stops (after the last file of the run) the
 * shared browsers and server are closed. Per-file hooks cannot do this, since every file shares them.
 */
export default class E2eRunner extends TestRunner {
  constructor(...args: ConstructorParameters<typeof TestRunner>) {
    super(...args);
    this.onCleanupWorkerContext(teardownAll);
  }
}
