// Resident ID numbers (GB 11643): property tests over generated numbers (every one accepted, every
// single-character change and every swap of neighbouring characters refused), the documented
// normalisations, each refusal with its reason, the 15-digit upgrade, masking and age.
import { describe, expect, it } from 'vitest';
import {
  PROVINCE_CODES,
  ageOn,
  computeCheckDigit,
  maskIdNumber,
  normaliseIdNumber,
  validateIdNumber,
} from '../../domain/idNumber';
import { prng } from '../support/prng';

const TODAY = '2025-06-30';
const opts = { today: TODAY };

// The province list of the brief, written out again so that a change to PROVINCE_CODES is a deliberate one.
const PROVINCES = [
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82', '83',
];

const int = (rand: () => number, n: number) => Math.floor(rand() * n);
const digits = (rand: () => number, n: number) => Array.from({ length: n }, () => String(int(rand, 10))).join('');

// An oracle independent of the module's weight table: ISO 7064 MOD 11-2 says a number is valid when
// sum(a_i * 2^(17-i)) over all 18 characters (X = 10) is 1 mod 11.
function mod112Holds(id18: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id18)) return false;
  let sum = 0;
  for (let i = 0; i < 18; i++) sum += (id18[i] === 'X' ? 10 : Number(id18[i])) * 2 ** (17 - i);
  return sum % 11 === 1;
}
function oracleCheck(first17: string): string {
  for (const c of '0123456789X') if (mod112Holds(first17 + c)) return c;
  throw new Error('unreachable: exactly one check character fits');
}

const DAY_MS = 86_400_000;
const dayNumber = (iso: string) => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY_MS;
const isoOfDay = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);

interface Generated {
  id: string;
  birthDate: string;
  region: string;
}

/** Valid numbers: a province from the list, a real birth date 1930-01-01..the day before TODAY, any sequence. */
function generate(seed: number, count: number): Generated[] {
  const rand = prng(seed);
  const first = dayNumber('1930-01-01');
  const last = dayNumber(TODAY) - 1;
  const out: Generated[] = [];
  for (let k = 0; k < count; k++) {
    const region = PROVINCES[int(rand, PROVINCES.length)] + digits(rand, 4);
    const birthDate = isoOfDay(first + int(rand, last - first + 1));
    const first17 = region + birthDate.replace(/-/g, '') + digits(rand, 3);
    out.push({ id: first17 + oracleCheck(first17), birthDate, region });
  }
  return out;
}

const SEED = 20_250_630;
const COUNT = 3_000;
const generated = generate(SEED, COUNT);

describe('property: generated valid numbers', () => {
  it(`accepts all ${COUNT} generated numbers (seed ${SEED}) with their region, birth date and sex`, () => {
    const failures: string[] = [];
    let males = 0;
    let withX = 0;
    for (const g of generated) {
      const r = validateIdNumber(g.id, opts);
      const sex = Number(g.id[16]) % 2 === 1 ? 'male' : 'female';
      if (!r.ok) failures.push(`${g.id}: ${r.reason}`);
      else if (r.id !== g.id || r.region !== g.region || r.birthDate !== g.birthDate || r.sex !== sex || r.upgradedFrom15 !== undefined) {
        failures.push(`${g.id}: ${JSON.stringify(r)}`);
      }
      if (sex === 'male') males++;
      if (g.id.endsWith('X')) withX++;
      if (computeCheckDigit(g.id.slice(0, 17)) !== g.id[17]) failures.push(`${g.id}: computeCheckDigit disagrees with the oracle`);
    }
    expect(failures.slice(0, 10)).toEqual([]);
    // The sample covers both sexes and the X check character.
    expect(males).toBeGreaterThan(COUNT * 0.4);
    expect(males).toBeLessThan(COUNT * 0.6);
    expect(withX).toBeGreaterThan(COUNT / 11 / 2);
  });

  it('refuses every single-character change at every position (each other digit, and X)', () => {
    const failures: string[] = [];
    let tried = 0;
    for (const g of generated) {
      for (let i = 0; i < 18; i++) {
        for (const c of '0123456789X') {
          if (c === g.id[i]) continue;
          const changed = g.id.slice(0, i) + c + g.id.slice(i + 1);
          tried++;
          // MOD 11-2 alone catches it: the weight 2^(17-i) is not 0 mod 11 and no two characters
          // differ by a multiple of 11. Asserted anyway rather than assumed.
          if (mod112Holds(changed)) failures.push(`${g.id} -> ${changed}: still satisfies MOD 11-2`);
          const r = validateIdNumber(changed, opts);
          if (r.ok) failures.push(`${g.id} -> ${changed}: accepted`);
        }
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
    expect(tried).toBe(COUNT * 18 * 10);
  });

  it('refuses every swap of two neighbouring different characters', () => {
    const failures: string[] = [];
    let tried = 0;
    for (const g of generated) {
      for (let i = 0; i < 17; i++) {
        if (g.id[i] === g.id[i + 1]) continue;
        const swapped = g.id.slice(0, i) + g.id[i + 1] + g.id[i] + g.id.slice(i + 2);
        tried++;
        // Neighbouring weights differ by 2^(16-i), never 0 mod 11.
        if (mod112Holds(swapped)) failures.push(`${g.id} -> ${swapped}: still satisfies MOD 11-2`);
        const r = validateIdNumber(swapped, opts);
        if (r.ok) failures.push(`${g.id} -> ${swapped}: accepted`);
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
    expect(tried).toBeGreaterThan(COUNT * 17 * 0.8);
  });

  it('accepts each number however it is decorated (spaces, hyphens, lowercase x, full-width)', () => {
    const rand = prng(SEED + 1);
    const decorations = [' ', '\t', '\u3000', '\u00a0', '-', '－'];
    const failures: string[] = [];
    for (const g of generated) {
      let messy = '';
      for (const ch of g.id) {
        if (rand() < 0.15) messy += decorations[int(rand, decorations.length)];
        if (ch === 'X') messy += ['x', 'X', 'Ｘ', 'ｘ'][int(rand, 4)];
        else messy += rand() < 0.3 ? String.fromCharCode(0xff10 + Number(ch)) : ch;
      }
      messy = (rand() < 0.5 ? '  ' : '') + messy + (rand() < 0.5 ? ' \u3000' : '');
      const r = validateIdNumber(messy, opts);
      if (normaliseIdNumber(messy) !== g.id || !r.ok || r.id !== g.id) failures.push(`${JSON.stringify(messy)}`);
      if (normaliseIdNumber(normaliseIdNumber(messy)) !== normaliseIdNumber(messy)) failures.push(`not idempotent: ${messy}`);
    }
    expect(failures.slice(0, 10)).toEqual([]);
  });

  it('upgrades the 15-digit form of every generated number born in the 1900s back to the same number', () => {
    const failures: string[] = [];
    let tried = 0;
    for (const g of generated) {
      if (!g.birthDate.startsWith('19')) continue;
      const old = g.id.slice(0, 6) + g.id.slice(8, 17);
      tried++;
      const r = validateIdNumber(old, opts);
      if (!r.ok || r.id !== g.id || r.upgradedFrom15 !== old || r.birthDate !== g.birthDate || r.region !== g.region) {
        failures.push(`${old}: ${JSON.stringify(r)}`);
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
    expect(tried).toBeGreaterThan(COUNT / 2);
  });
});

describe('normaliseIdNumber', () => {
  const ID = '11010519491231002X';

  it('turns a lowercase x into X', () => {
    expect(normaliseIdNumber('11010519491231002x')).toBe(ID);
  });

  it('turns full-width digits and a full-width Ｘ or ｘ into ASCII', () => {
    expect(normaliseIdNumber('１１０１０５１９４９１２３１００２Ｘ')).toBe(ID);
    expect(normaliseIdNumber('１１０１０５１９４９１２３１００２ｘ')).toBe(ID);
  });

  it('removes leading, trailing and inner spaces and tabs', () => {
    expect(normaliseIdNumber('  11010519491231002X')).toBe(ID);
    expect(normaliseIdNumber('11010519491231002X \t\r\n')).toBe(ID);
    expect(normaliseIdNumber('110105 19491231 002X')).toBe(ID);
    expect(normaliseIdNumber('110105\t1949\t1231\t002X')).toBe(ID);
  });

  it('removes ideographic spaces (U+3000), no-break spaces and hyphens', () => {
    expect(normaliseIdNumber('\u3000110105\u300019491231\u3000002X\u3000')).toBe(ID);
    expect(normaliseIdNumber('110105\u00a019491231002X')).toBe(ID);
    expect(normaliseIdNumber('110105-19491231-002X')).toBe(ID);
    expect(normaliseIdNumber('110105－19491231－002Ｘ')).toBe(ID);
  });

  it('changes nothing else: other letters and characters stay, to be refused by validation', () => {
    expect(normaliseIdNumber('1101051949123100AB')).toBe('1101051949123100AB');
    expect(normaliseIdNumber('110105.19491231.002X')).toBe('110105.19491231.002X');
    expect(normaliseIdNumber('张三')).toBe('张三');
  });
});

describe('validateIdNumber: refusals and their reasons', () => {
  /** A number with a correct check character, so that the rule under test is the one that fails. */
  const withCheck = (first17: string) => first17 + computeCheckDigit(first17);
  const refusal = (raw: string, today = TODAY) => {
    const r = validateIdNumber(raw, { today });
    if (r.ok) throw new Error(`expected ${raw} to be refused`);
    return r;
  };

  it('empty or blank', () => {
    expect(refusal('')).toMatchObject({ code: 'empty', reason: '身份证号为空' });
    expect(refusal(' \u3000\t')).toMatchObject({ code: 'empty' });
  });

  it('too short and too long, naming the length found', () => {
    expect(refusal('11010519491231')).toEqual({
      ok: false,
      code: 'length',
      reason: '身份证号应为18位（或1999年以前签发的15位旧号码），实际为14位',
    });
    expect(refusal('11010519491231002X1').reason).toContain('实际为19位');
    expect(refusal('1101051949123100').reason).toContain('实际为16位');
  });

  it('letters, naming the position and the letter', () => {
    expect(refusal('1101051949123100AB')).toEqual({
      ok: false,
      code: 'characters',
      reason: '第17位是字母“A”：身份证号只能由数字组成，仅第18位可以是X',
    });
    expect(refusal('abc').code).toBe('characters');
  });

  it('X anywhere but the last place, and in a 15-digit number', () => {
    expect(refusal('1101051949123100X2')).toMatchObject({ code: 'characters', reason: expect.stringContaining('第17位是“X”') });
    expect(refusal('11010549123100X')).toMatchObject({ code: 'characters', reason: expect.stringContaining('15位旧身份证号只能由数字组成') });
  });

  it('a name in the ID column: the reason does not repeat it', () => {
    const r = refusal('张三');
    expect(r.code).toBe('characters');
    expect(r.reason).toContain('第1位是汉字');
    expect(r.reason).not.toContain('张');
  });

  it('a number a spreadsheet turned into scientific notation', () => {
    expect(refusal('1.10105E+17')).toMatchObject({ code: 'characters', reason: expect.stringContaining('科学计数法') });
  });

  it('a first-two-digit code that is not a province', () => {
    expect(refusal(withCheck('99010519491231002'))).toEqual({
      ok: false,
      code: 'region',
      reason: '前两位“99”不是有效的省级行政区划代码（GB/T 2260）',
    });
    expect(refusal(withCheck('00010519491231002')).code).toBe('region');
  });

  it('accepts exactly the province list as first two digits', () => {
    const accepted: string[] = [];
    for (let p = 0; p < 100; p++) {
      const prefix = String(p).padStart(2, '0');
      if (validateIdNumber(withCheck(`${prefix}010519491231002`), opts).ok) accepted.push(prefix);
    }
    expect(accepted).toEqual(PROVINCES);
    expect([...PROVINCE_CODES].sort()).toEqual(PROVINCES);
  });

  it('2023-02-30 is not a real date; the reason does not repeat the birth date', () => {
    const r = refusal(withCheck('44070320230230123'));
    expect(r).toEqual({ ok: false, code: 'birthDate', reason: '第7-14位的出生日期不是真实日期：该月没有这一天' });
    expect(r.reason).not.toContain('20230230');
    expect(refusal(withCheck('44070320231301123')).reason).toBe('第7-14位的出生日期不是真实日期：月份不在01-12之间');
    expect(refusal(withCheck('44070320230000123')).code).toBe('birthDate');
    expect(refusal(withCheck('44070320230229123')).code).toBe('birthDate');
    expect(validateIdNumber(withCheck('44070320240229123'), opts)).toMatchObject({ ok: true, birthDate: '2024-02-29' });
    expect(validateIdNumber(withCheck('44070320000229123'), opts).ok).toBe(true);
    expect(refusal(withCheck('44070319000229123')).code).toBe('birthDate');
  });

  it('a birth date after today; today itself is accepted', () => {
    expect(refusal(withCheck('44070320250701123'))).toEqual({
      ok: false,
      code: 'birthDate',
      reason: '第7-14位的出生日期晚于今天（2025-06-30），不可能是真实出生日期',
    });
    expect(validateIdNumber(withCheck('44070320250630123'), opts)).toMatchObject({ ok: true, birthDate: '2025-06-30' });
    expect(validateIdNumber(withCheck('44070320250701123'), { today: '2025-07-01' }).ok).toBe(true);
  });

  it('a birth date before 1900', () => {
    expect(refusal(withCheck('44070318991231123'))).toMatchObject({ code: 'birthDate', reason: '第7-14位的出生日期早于1900年1月1日' });
    expect(validateIdNumber(withCheck('44070319000101123'), opts).ok).toBe(true);
  });

  it('a wrong check character, naming the expected one', () => {
    expect(refusal('110105194912310021')).toEqual({
      ok: false,
      code: 'checkDigit',
      reason: '校验码错误：按前17位计算，第18位应为“X”，实际为“1”；请核对号码是否录错',
    });
    const good = withCheck('44070319900101123');
    const wrong = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    expect(refusal(wrong).reason).toContain(`第18位应为“${good[17]}”`);
  });

  it('throws on a malformed `today` (a programming error, not a data error)', () => {
    expect(() => validateIdNumber('11010519491231002X', { today: '2025-6-30' })).toThrow(RangeError);
    expect(() => validateIdNumber('11010519491231002X', { today: '2025-02-30' })).toThrow(RangeError);
  });
});

describe('validateIdNumber: accepted numbers', () => {
  it('the GB 11643 example 11010519491231002X: Beijing Chaoyang, 1949-12-31, female', () => {
    expect(validateIdNumber('11010519491231002X', opts)).toEqual({
      ok: true,
      id: '11010519491231002X',
      region: '110105',
      birthDate: '1949-12-31',
      sex: 'female',
    });
  });

  it('sex from the parity of the 17th digit', () => {
    const male = '44070319900101123' + computeCheckDigit('44070319900101123');
    expect(validateIdNumber(male, opts)).toMatchObject({ ok: true, sex: 'male' });
  });
});

describe('15-digit legacy numbers', () => {
  it('worked example: 110105491231002 becomes 11010519491231002X', () => {
    // 110105 49 1231 002 -> insert '19' before the year: 11010519491231002 (17 digits).
    // Weighted sum: 1*7 + 1*9 + 0*10 + 1*5 + 0*8 + 5*4 + 1*2 + 9*1 + 4*6 + 9*3 + 1*7 + 2*9 + 3*10
    //             + 1*5 + 0*8 + 0*4 + 2*2 = 167; 167 mod 11 = 2; '10X98765432'[2] = 'X'.
    expect(computeCheckDigit('11010519491231002')).toBe('X');
    expect(validateIdNumber('110105491231002', opts)).toEqual({
      ok: true,
      id: '11010519491231002X',
      region: '110105',
      birthDate: '1949-12-31',
      sex: 'female',
      upgradedFrom15: '110105491231002',
    });
  });

  it('the 15th digit gives the sex; the normalisations apply', () => {
    expect(validateIdNumber('４４０７０３ 650315 123', opts)).toMatchObject({
      ok: true,
      sex: 'male',
      birthDate: '1965-03-15',
      upgradedFrom15: '440703650315123',
    });
  });

  it('refuses a bad province or birth date, naming the legacy positions', () => {
    expect(validateIdNumber('990105491231002', opts)).toMatchObject({ ok: false, code: 'region' });
    expect(validateIdNumber('110105490230002', opts)).toEqual({
      ok: false,
      code: 'birthDate',
      reason: '第7-12位的出生日期不是真实日期：该月没有这一天',
    });
    // YY=00 is 1900, a common year.
    expect(validateIdNumber('110105000229002', opts)).toMatchObject({ ok: false, code: 'birthDate' });
  });

  it('refuses any non-digit', () => {
    expect(validateIdNumber('11010549123100A', opts)).toMatchObject({ ok: false, code: 'characters' });
  });
});

describe('computeCheckDigit', () => {
  it('throws unless given exactly 17 ASCII digits', () => {
    expect(() => computeCheckDigit('1101051949123100')).toThrow(RangeError);
    expect(() => computeCheckDigit('11010519491231002X')).toThrow(RangeError);
    expect(() => computeCheckDigit('１１０１０５１９４９１２３１００２')).toThrow(RangeError);
  });
});

describe('maskIdNumber', () => {
  it('18 digits: first 6, 8 asterisks, last 4', () => {
    expect(maskIdNumber('44070319900101123X')).toBe('440703********123X');
    expect(maskIdNumber('110105194912310021')).toBe('110105********0021');
  });

  it('masks the normalised value', () => {
    expect(maskIdNumber(' 440703 19900101 123x ')).toBe('440703********123X');
  });

  it('15 digits: first 6, 8 asterisks, last 4 (the length is not revealed)', () => {
    expect(maskIdNumber('110105491231002')).toBe('110105********1002');
  });

  it('any other length keeps only the last 2 characters', () => {
    expect(maskIdNumber('11010519491231002')).toBe('***************02');
    expect(maskIdNumber('12345')).toBe('***45');
  });

  it('4 characters or fewer are masked entirely (a name in the wrong column)', () => {
    expect(maskIdNumber('张三')).toBe('**');
    expect(maskIdNumber('欧阳小明')).toBe('****');
    expect(maskIdNumber('')).toBe('');
  });
});

describe('ageOn', () => {
  it('completed years: the birthday itself counts', () => {
    expect(ageOn('1990-06-15', '2025-06-14')).toBe(34);
    expect(ageOn('1990-06-15', '2025-06-15')).toBe(35);
    expect(ageOn('1990-06-15', '2025-12-31')).toBe(35);
    expect(ageOn('2009-09-30', '2025-09-30')).toBe(16);
    expect(ageOn('2009-10-01', '2025-09-30')).toBe(15);
  });

  it('a Feb 29 birthday turns a year older on Mar 1 in a common year, on Feb 29 in a leap year', () => {
    expect(ageOn('2008-02-29', '2024-02-28')).toBe(15);
    expect(ageOn('2008-02-29', '2024-02-29')).toBe(16);
    expect(ageOn('2008-02-29', '2025-02-28')).toBe(16);
    expect(ageOn('2008-02-29', '2025-03-01')).toBe(17);
  });

  it('0 on the day of birth, negative before it (so "< 16" still holds)', () => {
    expect(ageOn('2025-05-01', '2025-05-01')).toBe(0);
    expect(ageOn('2025-05-01', '2025-01-01')).toBe(-1);
  });

  it('throws on a malformed or impossible date', () => {
    expect(() => ageOn('2023-02-29', '2025-01-01')).toThrow(RangeError);
    expect(() => ageOn('1990-06-15', '2025/06/15')).toThrow(RangeError);
  });

  it('agrees with the birth date of every generated number: ageOn(b, b + n years) = n', () => {
    for (const g of generated.slice(0, 500)) {
      const [y, md] = [Number(g.birthDate.slice(0, 4)), g.birthDate.slice(4)];
      const n = 1 + (y % 50);
      const anniversary = md === '-02-29' && !((y + n) % 4 === 0 && ((y + n) % 100 !== 0 || (y + n) % 400 === 0)) ? `${y + n}-03-01` : `${y + n}${md}`;
      expect(ageOn(g.birthDate, anniversary)).toBe(n);
      expect(ageOn(g.birthDate, isoOfDay(dayNumber(anniversary) - 1))).toBe(n - 1);
    }
  });
});
