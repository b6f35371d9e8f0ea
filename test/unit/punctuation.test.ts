// Chinese text uses full-width punctuation (,;:()): the console's zh-CN dictionaries (lib/i18n and
// every feature's i18n.ts) and every Chinese string literal or JSX text in web/src. ASCII , ; : ( )
// next to a Chinese character, or ASCII brackets around Chinese text, fail this test with the string.
// Pure: it reads the modules and the source files, nothing runs in a browser.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CAMPAIGN_STATUSES } from '../../domain/status';

const webSrc = fileURLToPath(new URL('../../web/src/', import.meta.url));

/** Han characters and the full-width punctuation around them. */
const CHINESE = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/;
const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
/** , ; : ( ) and the sentence ends ? ! that sit beside them. */
const ASCII_MARKS = new Set([',', ';', ':', '(', ')', '?', '!']);
/** Values that are code, not prose: a YAML sample keeps YAML's colons. */
const CODE_SAMPLES = new Set(['launch.text.placeholder']);

/** The nearest character that is not a space, left (-1) or right (+1) of `i`. */
function neighbour(text: string, i: number, step: -1 | 1): string {
  for (let j = i + step; j >= 0 && j < text.length; j += step) if (text[j] !== ' ') return text[j];
  return '';
}

/** The index of the bracket that closes the one at `open`, or -1. */
function closing(text: string, open: number): number {
  let depth = 0;
  for (let j = open; j < text.length; j++) {
    if (text[j] === '(') depth++;
    else if (text[j] === ')' && --depth === 0) return j;
  }
  return -1;
}

/**
 * Each ASCII mark next to a Chinese character or beside a placeholder of a Chinese sentence, and ASCII
 * brackets around Chinese text, with its context.
 */
export function halfWidthInChinese(text: string): string[] {
  const found: string[] = [];
  const flagged = new Set<number>();
  for (let i = 0; i < text.length; i++) {
    if (!ASCII_MARKS.has(text[i])) continue;
    if (CHINESE.test(neighbour(text, i, -1)) || CHINESE.test(neighbour(text, i, 1))) flagged.add(i);
    // Between placeholders of a Chinese sentence ({due},{status}): the values are Chinese text too.
    if (HAN.test(text) && (neighbour(text, i, -1) === '}' || neighbour(text, i, 1) === '{')) flagged.add(i);
    if (text[i] === '(') {
      const end = closing(text, i);
      if (end > 0 && HAN.test(text.slice(i + 1, end))) {
        flagged.add(i);
        flagged.add(end);
      }
    }
  }
  for (const i of [...flagged].sort((a, b) => a - b)) found.push(`「${text[i]}」 in …${text.slice(Math.max(0, i - 12), i + 13)}…`);
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(name) ? [full] : [];
  });
}

/** Dictionaries: lib/i18n/zh-CN.ts and each feature's i18n.ts (checked through their zh exports, below). */
const isDictionary = (file: string) => /[/\\]lib[/\\]i18n[/\\]/.test(file) || /[/\\]features[/\\][^/\\]+[/\\]i18n\.ts$/.test(file);

/** Chinese string literals, template text and JSX text of a component file, with their line. */
function chineseLiterals(file: string): Array<{ where: string; text: string }> {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const out: Array<{ where: string; text: string }> = [];
  const visit = (node: ts.Node) => {
    let text: string | undefined;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) {
      text = node.text;
      // An English text beside its Chinese one ({ zh, en }) keeps English punctuation.
      const parent = node.parent;
      if (ts.isPropertyAssignment(parent) && parent.initializer === node && parent.name.getText(source) === 'en') text = undefined;
    } else if (ts.isJsxText(node)) {
      text = node.text;
    }
    if (text && HAN.test(text)) {
      out.push({ where: `${path.relative(webSrc, file)}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`, text });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

describe('full-width punctuation in the console', () => {
  it('finds what it is meant to find', () => {
    expect(halfWidthInChinese('已保存,请刷新')).toHaveLength(1);
    expect(halfWidthInChinese('已保存\uff0c请刷新')).toEqual([]);
    expect(halfWidthInChinese('原因:{reason}')).toHaveLength(1);
    expect(halfWidthInChinese('{title}({year} 年)')).toHaveLength(2);
    expect(halfWidthInChinese('截止 (北京时间)')).toHaveLength(2);
    expect(halfWidthInChinese('第 {n} 次; 共 {m} 次')).toHaveLength(1);
    expect(halfWidthInChinese('截止 {due},{status}')).toHaveLength(1);
    expect(halfWidthInChinese('确认撤销?')).toHaveLength(1);
    expect(halfWidthInChinese('已保存\uff0c请刷新。时刻 18:00\uff0c如 https://gov.cn (x)')).toEqual([]);
    expect(halfWidthInChinese('Statement (PDF, JPEG)')).toEqual([]);
  });

  it('has no ASCII , ; : ( ) in the zh-CN dictionaries', async () => {
    const files = [path.join(webSrc, 'lib/i18n/zh-CN.ts'), ...sourceFiles(path.join(webSrc, 'features')).filter((f) => /[/\\]i18n\.ts$/.test(f))];
    const problems: string[] = [];
    let checked = 0;
    for (const file of files) {
      const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(module)) {
        if (!/zh/i.test(name) || typeof value !== 'object' || value === null) continue;
        for (const [key, text] of Object.entries(value)) {
          if (typeof text !== 'string' || CODE_SAMPLES.has(key)) continue;
          checked++;
          for (const p of halfWidthInChinese(text)) problems.push(`${path.relative(webSrc, file)} ${name}['${key}']: ${p}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
    expect(problems).toEqual([]);
  });

  it('has no ASCII , ; : ( ) in the Chinese literals of the components', () => {
    const files = sourceFiles(webSrc).filter((f) => !isDictionary(f));
    expect(files.length).toBeGreaterThan(50);
    const problems = files.flatMap((file) => chineseLiterals(file).flatMap((l) => halfWidthInChinese(l.text).map((p) => `${l.where}: ${p}`)));
    expect(problems).toEqual([]);
  });

  it('has no doubled 已, written or composed (活动已已撤销)', async () => {
    const doubled = sourceFiles(webSrc).filter((f) => readFileSync(f, 'utf8').includes('已已'));
    expect(doubled).toEqual([]);
    const { translate } = await import('../../web/src/lib/i18n');
    for (const status of CAMPAIGN_STATUSES) {
      const text = translate('actions.closed', { status: translate(`campaignStatus.${status}`, undefined, 'zh-CN') }, 'zh-CN');
      expect(text).not.toContain('已已');
    }
  });
});

describe('full-width punctuation in the server\'s Chinese', () => {
  // Sentences the console shows as the server wrote them: role labels, refusals (无权限), sign-in and
  // account errors, phase-change confirmations, audit sentences, the circular document, the 待办 items.
  // Every layer that writes Chinese an official reads: escalation and milestone reasons, plan and
  // calendar errors, preview warnings, import row errors, the CLI, the workflows' refusals.
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const files = ['domain', 'contracts', 'services', 'workflows', 'activities', 'server', 'formats', 'client', 'scripts'].flatMap((d) => sourceFiles(path.join(root, d)));

  it('has no ASCII , ; : ( ) in their Chinese literals', () => {
    expect(files.length).toBeGreaterThan(100);
    // An English sentence that names Chinese terms (a plan's description: "daily (每日一通报) and …") keeps English punctuation.
    const english = (text: string) => /[A-Za-z]+ [a-z]+ [a-z]+\b/.test(text);
    const problems = files.flatMap((file) =>
      chineseLiterals(file)
        .filter((l) => !english(l.text))
        .flatMap((l) => halfWidthInChinese(l.text).map((p) => `${l.where}: ${p}`)),
    );
    expect(problems).toEqual([]);
  });

  it('role labels and refusals read in full-width punctuation', async () => {
    const { ROLE_LABELS, ROLES, ACTIONS, denialMessage } = await import('../../domain/access');
    const texts = [
      ...ROLES.map((r) => ROLE_LABELS[r]),
      ...ROLES.flatMap((role) => ACTIONS.map((a) => denialMessage({ role, regionCode: '440703' }, a, 'role'))),
      denialMessage({ role: 'official', regionCode: '440703' }, 'campaign.phase', 'region', { regionCode: '440700', name: '江门市' }),
    ];
    expect(texts.flatMap((t) => halfWidthInChinese(t))).toEqual([]);
  });
});
