// A 缴费情况公示 as the notice board shows it: the title, the paragraph (data date, 公示期, masking), one
// table per register (序号, 姓名, 身份证号, 缴费档次 or 未缴), the contact line, and the 落款 with its date,
// right-aligned. A4 portrait, serif, as the circular's page (server/reporting/circularDocument.ts).
import { dateZh, NOTICE_REGISTER_ZH, noticeRegisterList } from '../../domain/notices';
import type { NoticeRowView, NoticeSummary } from '../../services/notices';

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export const DEFAULT_CONTACT = '如有异议，请在公示期内向本村（居）委员会反映。';

export function noticeHtml(n: NoticeSummary, body: string, rows: readonly NoticeRowView[]): string {
  const tables = noticeRegisterList(n.registers)
    .map((register) => {
      const mine = rows.filter((r) => r.register === register);
      const lines = mine.length
        ? mine.map((r) => `<tr><td class="n">${r.seq}</td><td>${esc(r.name)}</td><td class="id">${esc(r.idNumber)}</td><td>${esc(r.cell)}</td></tr>`).join('')
        : `<tr><td colspan="4">本村（居）暂无${NOTICE_REGISTER_ZH[register]}</td></tr>`;
      return `<h2>${NOTICE_REGISTER_ZH[register]}名单（${mine.length}人）</h2>
<table data-part="${register}"><thead><tr><th>序号</th><th>姓名</th><th>身份证号</th><th>${register === 'paid' ? '缴费档次（金额）' : '缴费情况'}</th></tr></thead><tbody>${lines}</tbody></table>`;
    })
    .join('\n');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(n.title)}</title>
<style>
@page{size:A4;margin:30mm 24mm 28mm 26mm}
body{font-family:"FangSong","STFangsong","Noto Serif CJK SC","SimSun",serif;font-size:16pt;line-height:1.75;max-width:760px;margin:2em auto;padding:0 16px;color:#111}
h1{font-family:"SimHei","Noto Sans CJK SC",sans-serif;text-align:center;font-size:20pt;line-height:1.5;margin:.6em 0}
h2{font-family:"SimHei","Noto Sans CJK SC",sans-serif;font-size:14pt;margin:1em 0 .2em}
p{margin:.3em 0;text-indent:2em}
table{border-collapse:collapse;width:100%;margin:.4em 0;font-size:12pt;line-height:1.4}
th,td{border:1px solid #333;padding:4px 6px}th{background:#f3f3f3}.n{text-align:right}.id{font-family:monospace;white-space:nowrap}
.sign,.date{text-align:right;text-indent:0}.sign{margin-top:2em}
@media (max-width:600px){body{font-size:13pt;margin:1em auto;padding:0 8px}h1{font-size:16pt}table{font-size:10pt}th,td{padding:3px 4px}}
</style></head><body>
<h1 data-part="title">${esc(n.title)}</h1>
<p data-part="body">${esc(body)}</p>
${tables}
<p data-part="contact">${esc(n.contact ?? DEFAULT_CONTACT)}</p>
<p class="sign" data-part="issuer">${esc(n.issuer)}</p>
<p class="date" data-part="date">${n.issuedOn ? esc(dateZh(n.issuedOn)) : ''}</p>
</body></html>`;
}
