// The roll-up rule (domain/rollup.ts): issue 12's 蓬江区 case, a county that reported 3,200 for itself,
// then 2 of its 6 towns reporting 1,450 between them.
import { describe, expect, it } from 'vitest';
import { rollUpFigures, type Figures, type RollupInput } from '../../domain/rollup';

const fig = (enrolled: number, paid: number): Figures => ({ enrolled, paid, amountFen: paid * 18000, mobilePaid: 0, hardshipCovered: 0 });
const county: RollupInput = {
  own: { periodKey: '2023-11-01', figures: fig(3200, 1180) },
  children: { figures: fig(1450, 550), reported: 2, of: 6, latestPeriodKey: '2023-11-15' },
  verified: null,
};

describe('roll-up rule', () => {
  it('own-first (the default) keeps the county’s complete 3,200 while only 2 of 6 towns have reported 1,450', () => {
    const r = rollUpFigures('own-first', county);
    expect(r).toEqual({ source: 'own', figures: fig(3200, 1180) });
  });

  it('own-first takes the towns’ sum once all 6 have reported for a period at least as recent', () => {
    const all = { ...county, children: { ...county.children, figures: fig(3350, 1240), reported: 6 } };
    expect(rollUpFigures('own-first', all)).toEqual({ source: 'children', figures: fig(3350, 1240) });
    // All 6 reported, but for an older period than the county's own report: the own report stands.
    const older = { ...all, children: { ...all.children, latestPeriodKey: '2023-10-15' } };
    expect(rollUpFigures('own-first', older).source).toBe('own');
  });

  it('children-sum shows the partial 1,450 and says it is partial (2 of 6)', () => {
    expect(rollUpFigures('children-sum', county)).toEqual({ source: 'children-partial', figures: fig(1450, 550) });
  });

  it('without an own report, the children’s sum is shown and marked partial until all report', () => {
    const none = { ...county, own: null };
    expect(rollUpFigures('own-first', none).source).toBe('children-partial');
    expect(rollUpFigures('own-first', { ...none, children: { ...none.children, reported: 6 } }).source).toBe('children');
    expect(rollUpFigures('own-first', { ...none, children: { figures: fig(0, 0), reported: 0, of: 6, latestPeriodKey: null } })).toEqual({ source: 'none', figures: fig(0, 0) });
  });

  it('verified replaces paid, amount and mobile payments by the feed’s figures; enrolment stays reported', () => {
    const r = rollUpFigures('verified', { ...county, verified: { paid: 1100, amountFen: 1100 * 18000, mobilePaid: 900, asOf: '2023-11-20' } });
    expect(r.source).toBe('verified');
    expect(r.figures).toEqual({ ...fig(3200, 1100), mobilePaid: 900 });
    // Before any delivery, verified falls back to own-first.
    expect(rollUpFigures('verified', county)).toEqual(rollUpFigures('own-first', county));
  });

  it('a leaf unit (no children) shows its own report', () => {
    expect(rollUpFigures('own-first', { ...county, children: { figures: fig(0, 0), reported: 0, of: 0, latestPeriodKey: null } }).source).toBe('own');
  });
});
