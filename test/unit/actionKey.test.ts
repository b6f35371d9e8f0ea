// The console's Idempotency-Key per user action (web/src/lib/idempotency.ts): made when the action's
// form is shown, the same for every resend of the same request, new after success or when the request
// itself changed.
import { describe, expect, it } from 'vitest';
import { ActionKey } from '../../web/src/lib/idempotency';

/** What the server accepts as a key (server/app.ts). */
const ACCEPTED = /^[\w.:-]{8,128}$/;

describe('ActionKey', () => {
  it('sends the key it was made with, and the same one for every resend of the same request', () => {
    let made = 0;
    const key = new ActionKey(() => `k-${++made}-0000`);
    expect(made).toBe(1);
    const request = { campaignId: 'jm', data: { reason: '提前部署' } };
    const first = key.for(request);
    expect(first).toBe('k-1-0000');
    // A retry after a lost answer, a second click, React Query retrying: the same request, the same key.
    expect(key.for({ campaignId: 'jm', data: { reason: '提前部署' } })).toBe(first);
    expect(key.for(request)).toBe(first);
    expect(made).toBe(1);
  });

  it('renews the key once the action succeeded', () => {
    const key = new ActionKey();
    const request = { campaignId: 'jm', unitCode: '440703', data: { periodKey: '2031-10-15', enrolled: 10 } };
    const first = key.for(request);
    key.done();
    const next = key.for(request);
    expect(next).not.toBe(first);
    expect(key.for(request)).toBe(next);
  });

  it('gives a corrected request a new key: the old one would bring back the answer to what was sent before', () => {
    const key = new ActionKey();
    const refused = key.for({ data: { enrolled: -1 } });
    const corrected = key.for({ data: { enrolled: 1 } });
    expect(corrected).not.toBe(refused);
    expect(key.for({ data: { enrolled: 1 } })).toBe(corrected);
  });

  it('keeps two actions apart, with keys the server accepts', () => {
    const a = new ActionKey();
    const b = new ActionKey();
    const request = { campaignId: 'jm', data: { reason: '撤销' } };
    expect(a.for(request)).not.toBe(b.for(request));
    expect(a.for(request)).toMatch(ACCEPTED);
  });
});
