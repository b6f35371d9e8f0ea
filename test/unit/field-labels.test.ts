// Error lists name the failing field in Chinese, never by its path (web/src/lib/field-labels.ts).
import { describe, expect, it } from 'vitest';
import { fieldLabel, issueLabel } from '../../web/src/lib/field-labels';

describe('field labels', () => {
  it('turns a plan path into words', () => {
    expect(fieldLabel('phases[1].start', 'zh-CN')).toBe('阶段第2项的开始时间');
    expect(fieldLabel('breakdown[0].children[3].code', 'zh-CN')).toBe('任务分解第1项的下级单位第4项的代码');
    expect(fieldLabel('targets.enrolled', 'zh-CN')).toBe('目标的参保人数');
    expect(fieldLabel('phases', 'zh-CN')).toBe('阶段');
  });

  it('says nothing for a path it does not know, or in English', () => {
    expect(fieldLabel('foo.bar', 'zh-CN')).toBeNull();
    expect(fieldLabel('', 'zh-CN')).toBeNull();
    expect(fieldLabel('phases[1].start', 'en')).toBeNull();
  });

  it('leaves the label out when the message already names the field', () => {
    expect(issueLabel({ path: 'password', message: '密码至少 10 个字符' }, 'zh-CN')).toBeNull();
    expect(issueLabel({ path: 'reason', message: '请填写理由（至少 2 个字）' }, 'zh-CN')).toBeNull();
    expect(issueLabel({ path: 'phases', message: '至少需要一个阶段' }, 'zh-CN')).toBeNull();
    expect(issueLabel({ path: 'phases[1].start', message: '开始时间应晚于上一阶段的截止时间' }, 'zh-CN')).toBe('阶段第2项的开始时间');
    expect(issueLabel({ path: 'year', message: 'Too big' }, 'zh-CN')).toBe('年度');
  });
});
