// First run, without the toolchain: the launcher's TEMPORAL_UI_PORT reaches the app's configuration
// (Temporal links and the codec's allowed origin follow it), and the demo's title names the campaign's
// year, not the source plan's 2023.
import { describe, expect, it } from 'vitest';
import { demoPlan } from '../../server/campaigns/examples';
import { loadConfig } from '../../server/config';

describe('TEMPORAL_UI_PORT', () => {
  it('moves the Temporal UI address the app links to and lets call its codec', () => {
    expect(loadConfig({ TEMPORAL_UI_PORT: '18233' }).TEMPORAL_UI_URL).toBe('http://localhost:18233');
    expect(loadConfig({}).TEMPORAL_UI_URL).toBe('http://localhost:8233');
    // An explicit URL wins; an empty one still hides the links.
    expect(loadConfig({ TEMPORAL_UI_PORT: '18233', TEMPORAL_UI_URL: 'https://temporal.example.gov.cn' }).TEMPORAL_UI_URL).toBe('https://temporal.example.gov.cn');
    expect(loadConfig({ TEMPORAL_UI_PORT: '18233', TEMPORAL_UI_URL: '' }).TEMPORAL_UI_URL).toBeUndefined();
  });
});

describe('the demo plan', () => {
  it('is titled with the year it runs in and the day it starts, in Chinese punctuation', () => {
    const plan = demoPlan(Date.parse('2026-12-01T04:00:00Z'));
    expect(plan.year).toBe(2026);
    expect(plan.title).toBe('【演示】江门市2026年城乡居民基本养老保险参保缴费工作方案（自2026年12月1日起）');
    expect(plan.title).not.toContain('2023');
  });
});
