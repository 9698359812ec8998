import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { LatestResender } from '../../../src/render/resend';

const lost = new Error('no reply');
const refused = new Error('forbidden');
const transient = (e: unknown) => e === lost;

/** A channel whose answers are scripted: each call takes the next outcome (then succeeds). */
function channel(outcomes: ('ok' | 'lost' | 'refused')[]) {
  const calls: string[] = [];
  const send = (v: string) => {
    calls.push(v);
    const o = outcomes.shift() ?? 'ok';
    return o === 'ok' ? Promise.resolve() : Promise.reject(o === 'lost' ? lost : refused);
  };
  return { calls, send };
}

describe('requests that set a state, sent again when lost', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test('a lost request is sent again until it gets through', async () => {
    const c = channel(['lost', 'lost']);
    new LatestResender(c.send, transient).set('size', 'h=26');
    await vi.runAllTimersAsync();
    expect(c.calls).toEqual(['h=26', 'h=26', 'h=26']);
  });

  test('one that got through is sent once', async () => {
    const c = channel([]);
    new LatestResender(c.send, transient).set('size', 'h=26');
    await vi.runAllTimersAsync();
    expect(c.calls).toEqual(['h=26']);
  });

  test('a newer request of the same kind replaces a lost one; other kinds are kept', async () => {
    const c = channel(['lost', 'lost']);
    const r = new LatestResender(c.send, transient);
    r.set('mode', 'cover');
    r.set('size', 'h=40');
    r.set('size', 'h=60');
    await vi.runAllTimersAsync();
    // mode: lost then sent again; the first size: lost and not sent again (h=60 superseded it).
    expect(c.calls).toEqual(['cover', 'h=40', 'h=60', 'cover']);
  });

  test('a refusal is final, and a lost request is tried a bounded number of times', async () => {
    const refusedOnce = channel(['refused']);
    new LatestResender(refusedOnce.send, transient).set('size', 'a');
    const lostForGood = channel(Array(20).fill('lost'));
    new LatestResender(lostForGood.send, transient, 4).set('size', 'b');
    await vi.runAllTimersAsync();
    expect(refusedOnce.calls).toEqual(['a']);
    expect(lostForGood.calls).toEqual(['b', 'b', 'b', 'b']);
  });
});
