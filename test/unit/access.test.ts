// The authorization policy: every role × every action × a target inside and outside the user's region,
// against a table written out here by hand (not derived from the module), and the region-code rules.
import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  campaignScope,
  campaignVisible,
  decide,
  regionContains,
  regionPrefix,
  ROLE_ACTIONS,
  ROLES,
  unitReachable,
  type Action,
  type Role,
} from '../../domain/access';

// A = allowed. Rows in ACTIONS order, columns in ROLES order: admin, official, supervisor, clerk, auditor.
const EXPECTED: Record<Action, [admin: boolean, official: boolean, supervisor: boolean, clerk: boolean, auditor: boolean]> = {
  'campaign.read': [true, true, true, true, true],
  'campaign.launch': [false, true, false, false, false],
  'campaign.phase': [false, true, false, false, false],
  'report.submit': [false, true, true, false, false],
  'escalation.respond': [false, true, true, false, false],
  'circular.approve': [false, true, false, false, false],
  'calendar.edit': [false, true, false, false, false],
  'taxfeed.import': [false, true, false, false, false],
  'hardship.import': [false, true, true, false, false],
  'hardship.read': [true, true, true, true, true],
  'hardship.refusal': [false, true, true, true, false],
  'hardship.export': [false, true, true, false, true],
  'mobilisation.export': [false, true, true, true, true],
  'visit.record': [false, true, true, true, false],
  'pii.unmask': [false, true, true, false, false],
  'user.manage': [true, false, false, false, false],
  'audit.read': [false, false, false, false, true],
};

// Each role placed at a typical level, with one target inside its subtree and one next door.
const PLACES: Record<Role, { home: string; inside: string; outside: string }> = {
  admin: { home: '440700', inside: '440703001', outside: '440100' },
  official: { home: '440700', inside: '440703', outside: '440800' },
  supervisor: { home: '440703', inside: '440703001001', outside: '440704' },
  clerk: { home: '440703001001', inside: '440703001001', outside: '440703001002' },
  auditor: { home: '440703', inside: '440703002', outside: '440705001' },
};

describe('the role × action matrix', () => {
  it('covers every action', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...ACTIONS].sort());
  });

  for (const action of ACTIONS) {
    ROLES.forEach((role, col) => {
      const { home, inside, outside } = PLACES[role];
      const user = { role, regionCode: home };
      const allowed = EXPECTED[action][col];

      it(`${role} ${allowed ? 'may' : 'may not'} ${action} inside their region`, () => {
        const d = decide(user, action, { regionCode: inside });
        if (allowed) expect(d).toEqual({ allow: true });
        else expect(d).toMatchObject({ allow: false, reason: 'role', asNotFound: false });
      });

      it(`${role} gets "not found" for ${action} outside their region`, () => {
        expect(decide(user, action, { regionCode: outside })).toMatchObject({ allow: false, reason: 'region', asNotFound: true });
      });
    });
  }

  it('matches the exported table exactly (no action granted that the test does not expect)', () => {
    for (const [i, role] of ROLES.entries()) {
      const granted = ACTIONS.filter((a) => EXPECTED[a][i]);
      expect([...ROLE_ACTIONS[role]].sort()).toEqual(granted.sort());
    }
  });

  it('unmasking is for officials and supervisors only', () => {
    expect(ROLES.filter((r) => ROLE_ACTIONS[r].has('pii.unmask'))).toEqual(['official', 'supervisor']);
  });

  it('an auditor does nothing that changes state', () => {
    expect([...ROLE_ACTIONS.auditor].sort()).toEqual(['audit.read', 'campaign.read', 'hardship.export', 'hardship.read', 'mobilisation.export']);
  });

  it('denies malformed users, actions and targets as not found', () => {
    expect(decide({ role: 'official', regionCode: '4407' }, 'campaign.read', { regionCode: '440703' })).toMatchObject({ allow: false, asNotFound: true });
    expect(decide({ role: 'root' as Role, regionCode: '440700' }, 'campaign.read', { regionCode: '440703' })).toMatchObject({ allow: false, asNotFound: true });
    expect(decide({ role: 'official', regionCode: '440700' }, 'campaign.delete' as Action, { regionCode: '440703' })).toMatchObject({ allow: false, asNotFound: true });
    expect(decide({ role: 'official', regionCode: '440700' }, 'campaign.read', { regionCode: '' })).toMatchObject({ allow: false, asNotFound: true });
  });

  it('answers another region as not found even for an action the role lacks', () => {
    expect(decide({ role: 'clerk', regionCode: '440703001001' }, 'campaign.launch', { regionCode: '440800' })).toMatchObject({ reason: 'region', asNotFound: true });
  });
});

describe('campaign-wide targets', () => {
  const county = { role: 'supervisor' as const, regionCode: '440703' };
  const city = { role: 'official' as const, regionCode: '440700' };

  it('a county user reads the city campaign, restricted to the county', () => {
    expect(decide(county, 'campaign.read', { regionCode: '440700', campaign: true })).toEqual({ allow: true });
    expect(decide(county, 'hardship.read', { regionCode: '440700', campaign: true })).toEqual({ allow: true });
    expect(campaignScope(county, '440700')).toBe('440703');
    expect(campaignScope(city, '440700')).toBe('440700');
  });

  it('a city user sees a county campaign; a neighbouring county does not', () => {
    expect(campaignVisible(city, '440703')).toBe(true);
    expect(campaignScope(city, '440703')).toBe('440703');
    expect(campaignVisible({ role: 'supervisor', regionCode: '440704' }, '440703')).toBe(false);
    expect(campaignScope({ role: 'supervisor', regionCode: '440704' }, '440703')).toBeNull();
    expect(decide({ role: 'supervisor', regionCode: '440704' }, 'campaign.read', { regionCode: '440703', campaign: true })).toMatchObject({ asNotFound: true });
  });

  it('a write on a campaign needs the campaign inside the user region', () => {
    expect(decide({ role: 'official', regionCode: '440703' }, 'campaign.phase', { regionCode: '440700', campaign: true })).toMatchObject({
      allow: false,
      asNotFound: true,
    });
    expect(decide(city, 'campaign.phase', { regionCode: '440700', campaign: true })).toEqual({ allow: true });
  });

  it('a unit is reachable only inside the user region', () => {
    expect(unitReachable(county, '440703001')).toBe(true);
    expect(unitReachable(county, '440700')).toBe(false);
    expect(unitReachable(county, '440704001')).toBe(false);
  });
});

describe('regionContains', () => {
  const yes: [string, string][] = [
    ['440700', '440703'],
    ['440700', '440703001'],
    ['440700', '440703001001'],
    ['440000', '440700'],
    ['440000', '440703'],
    ['440000', '440703001001'],
    ['440703', '440703001'],
    ['440703', '440703001001'],
    ['440703001', '440703001001'],
    // Itself.
    ['440700', '440700'],
    ['440703001001', '440703001001'],
    // A city without counties (Dongguan): towns directly under it.
    ['441900', '441900003'],
    ['440000', '441900003'],
    // A municipality: 110000 → 110100 (市辖区) → 110101.
    ['110000', '110100'],
    ['110000', '110101'],
    ['110100', '110101'],
    // The synthetic province of the benchmarks.
    ['990000', '990102003'],
  ];
  const no: [string, string][] = [
    ['440703', '440704'],
    ['440703', '440700'],
    ['440703', '440000'],
    ['440700', '440000'],
    ['440700', '440800'],
    ['440700', '440803'],
    ['440700', '440803001'],
    ['440703', '440704001001'],
    ['440703001', '440703002'],
    ['440703001', '440703002001'],
    ['440703001', '440703'],
    ['440703001001', '440703001'],
    ['440703001001', '440703001002'],
    ['440000', '450000'],
    ['440000', '450700'],
    ['110100', '110200'],
    ['110101', '110100'],
    // Malformed codes contain and are contained by nothing.
    ['4407', '440703'],
    ['440700', '4407030'],
    ['440700', '44070300'],
    ['440700', ''],
    ['', '440700'],
    ['44070a', '44070a'],
    ['440700 ', '440703'],
  ];
  it.each(yes)('%s contains %s', (a, c) => expect(regionContains(a, c)).toBe(true));
  it.each(no)('%s does not contain %s', (a, c) => expect(regionContains(a, c)).toBe(false));

  it('gives the SQL prefix of a subtree and refuses a malformed code', () => {
    expect(regionPrefix('440000')).toBe('44');
    expect(regionPrefix('440700')).toBe('4407');
    expect(regionPrefix('440703')).toBe('440703');
    expect(regionPrefix('440703001')).toBe('440703001');
    expect(regionPrefix('440703001001')).toBe('440703001001');
    expect(() => regionPrefix('4407')).toThrow(RangeError);
    expect(() => regionPrefix('')).toThrow(RangeError);
  });
});
