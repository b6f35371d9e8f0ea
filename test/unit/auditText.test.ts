// The audit log in words (domain/auditText.ts): a cancel reads as a cancel, a refusal says what was
// tried on which campaign and that it was refused, sign-ins and account changes in plain Chinese; no
// action key, route or JSON in any sentence.
import { describe, expect, it } from 'vitest';
import { auditSentence, type AuditLike } from '../../domain/auditText';

const names = new Map([['demo-jiangmen-20261202', '【演示】江门市2026年城乡居民基本养老保险参保缴费工作方案']]);
const row = (over: Partial<AuditLike>): AuditLike => ({ action: 'login', result: 'success', target: null, detail: null, actorUsername: 'chenke', role: 'official', regionCode: '440700', ...over });

describe('audit sentences', () => {
  it('a cancel recorded under the launch permission still reads as a cancel', () => {
    const s = auditSentence(row({ action: 'campaign.launch', target: 'POST /api/campaigns/:id/cancel', detail: { params: { id: 'demo-jiangmen-20261202' }, status: 200 } }), names);
    expect(s).toBe('chenke（业务主管（市级））撤销活动：活动《【演示】江门市2026年城乡居民基本养老保险参保缴费工作方案》，成功。');
  });

  it('a refusal names what was tried, where, and why it failed', () => {
    const s = auditSentence(row({ action: 'authz.denied', result: 'denied', target: '/api/campaigns/demo-jiangmen-20261202/advance', detail: { needs: 'campaign.phase', reason: 'above' }, role: 'official', regionCode: '440703' }), names);
    expect(s).toBe('chenke（业务主管（市级））试图调整活动阶段（提前进入下一阶段、调整截止时间）（活动《【演示】江门市2026年城乡居民基本养老保险参保缴费工作方案》），因无权限被拒绝。');
  });

  it('sign-in, accounts, exports and failures in words, never keys, routes or JSON', () => {
    const sentences = [
      auditSentence(row({})),
      auditSentence(row({ action: 'login', result: 'failure', actorUsername: 'zhang', role: null })),
      auditSentence(row({ action: 'user.create', role: 'admin', target: 'user:lixieguan' })),
      auditSentence(row({ action: 'hardship.export', target: 'GET /api/campaigns/:id/hardship/runs/:runId/ledger.xlsx', detail: { params: { id: 'x', runId: 'r1' }, status: 200, aborted: true } })),
      auditSentence(row({ action: 'report.submit', result: 'failure', target: 'POST /api/campaigns/:id/units/:code/reports', detail: { params: { id: 'x', code: '440703' }, status: 422 } })),
      auditSentence(row({ action: 'hardship.read', target: 'POST /api/campaigns/:id/hardship/runs/:runId/results/search', detail: { params: { id: 'x', runId: 'r' } } })),
    ];
    expect(sentences).toEqual([
      'chenke（业务主管（市级））登录系统，成功。',
      'zhang登录系统，失败。',
      'chenke（系统管理员）创建账户：账户 lixieguan，成功。',
      'chenke（业务主管（市级））导出实名登记台账：活动《x》，未完成（下载中断）。',
      'chenke（业务主管（市级））报送进度：活动《x》单位 440703，未执行（不符合办理条件）。',
      'chenke（业务主管（市级））查询筛查结果：活动《x》，成功。',
    ]);
    for (const s of sentences) expect(s).not.toMatch(/\/api\/|[{}]|\b[a-z]+\.[a-z]+\b|POST|GET/);
  });
});
