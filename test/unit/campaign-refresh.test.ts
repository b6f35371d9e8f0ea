// A campaign's page refreshes until the campaign and every one of its units have ended: a cancelled
// campaign's units stop a moment after it, and the page must show them stopping
// (web/src/features/campaigns/api/get-campaign.ts).
import { describe, expect, it } from 'vitest';
import { isLive, isSettled } from '../../web/src/features/campaigns/api/get-campaign';

import type { UnitView } from '../../web/src/types/api';

const unit = (status: UnitView['status']) => ({ status }) as UnitView;

describe('campaign page refresh', () => {
  it('keeps refreshing a cancelled campaign while a unit still runs', () => {
    expect(isLive('cancelled')).toBe(false);
    expect(isSettled({ status: 'cancelled', units: [unit('cancelled'), unit('active')] })).toBe(false);
  });

  it('stops once the campaign and all its units have ended', () => {
    expect(isSettled({ status: 'cancelled', units: [unit('cancelled'), unit('failed'), unit('completed')] })).toBe(true);
    expect(isSettled({ status: 'completed', units: [] })).toBe(true);
  });

  it('refreshes a running campaign, and one not loaded yet', () => {
    expect(isSettled({ status: 'running', units: [unit('completed')] })).toBe(false);
    expect(isSettled(undefined)).toBe(false);
  });
});
