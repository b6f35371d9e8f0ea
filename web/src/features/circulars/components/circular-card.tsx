// One 通报: its state, the ranking by completion with the change since the last circular, who
// reported late or not at all (named), who is praised, links to print and to the spreadsheet, and for
// a draft the approval form.
import { REGION_LEVELS, type RegionLevel } from '../../../../../domain/status';
import { Badge } from '../../../components/ui/badge';
import { rankLabel } from '../../../components/ui/rank';
import { formatActor, formatCount, formatDateTime, formatDue, formatPoints, formatRate, rankWithTies, rateKey } from '../../../lib/format';
import { useCan } from '../../../lib/auth';
import { useI18n } from '../../../lib/i18n';
import type { CircularRankingRow, CircularView } from '../../../types/api';
import { circularPrintHref, circularXlsxHref } from '../api/get-circulars';
import { ApproveCircularForm } from './approve-circular-form';

const isLevel = (v: string): v is RegionLevel => (REGION_LEVELS as readonly string[]).includes(v);

const REPORTED_TONE = { 'on-time': 'ok', late: 'warn', missing: 'danger' } as const;

export function CircularCard({
  campaignId,
  circular,
  timeZone,
  live,
  regionName,
}: {
  campaignId: string;
  circular: CircularView;
  timeZone: string;
  live: boolean;
  regionName: string;
}) {
  const { t, language } = useI18n();
  const c = circular;
  const n = (v: number) => formatCount(v, language);
  // Ranked again on the rate as shown: units with the same rate share a rank (并列), as a circular writes it.
  const ranked = rankWithTies(c.content.ranking, (r) => rateKey(r.rate));
  const byCode = new Map(c.content.ranking.map((r) => [r.code, r]));
  const published = c.status === 'published';
  const canApprove = useCan('circular.approve');
  return (
    <article className="card circular" data-testid={`circular-${c.seq}`} data-status={c.status}>
      <header className="card-title-row">
        <h2>
          {c.title} <span className="muted small">{t('circular.seq', { seq: c.seq })}</span>
        </h2>
        <Badge tone={published ? 'ok' : 'warn'} testId="circular-status" data={c.status}>
          {published ? t('circular.status.published') : t('circular.status.draft')}
        </Badge>
      </header>
      <p className="muted small">
        {t('circular.meta', {
          period: c.periodKey,
          level: isLevel(c.content.level) ? t(`level.${c.content.level}`) : c.content.level,
          due: formatDue(c.content.dueAt, timeZone),
          drafted: formatDateTime(c.draftedAt, timeZone),
        })}
        {published && c.publishedAt && (
          <>
            {' · '}
            <span data-testid="circular-published">
              {t('circular.publishedBy', { at: formatDateTime(c.publishedAt, timeZone), actor: c.approvedBy ? formatActor(c.approvedBy, language) : t('common.none') })}
            </span>
          </>
        )}
      </p>
      {published && (c.issuer || c.docNo) && (
        <p className="small" data-testid="circular-issuer">
          {c.issuer && t('circular.issuer', { issuer: c.issuer })}
          {c.issuer && c.docNo && ' · '}
          {c.docNo && t('circular.docNo', { docNo: c.docNo })}
        </p>
      )}
      {published && c.approvalNote && <p className="small">{t('circular.approvalNote', { note: c.approvalNote })}</p>}
      <p className="circular-links">
        <a href={circularPrintHref(campaignId, c.seq)} target="_blank" rel="noreferrer" data-testid="circular-print">
          {t('circular.print')}
        </a>
        <a href={circularXlsxHref(campaignId, c.seq)} download data-testid="circular-xlsx">
          {t('circular.xlsx')}
        </a>
      </p>

      <div className="table-wrap">
        <table className="table" data-testid="circular-ranking">
          <thead>
            <tr>
              <th className="num">{t('circular.col.rank')}</th>
              <th>{t('circular.col.name')}</th>
              <th className="num">{t('circular.col.paid')}</th>
              <th className="num">{t('circular.col.rate')}</th>
              <th className="num">{t('circular.col.change')}</th>
              <th>{t('circular.col.reported')}</th>
            </tr>
          </thead>
          <tbody>
            {ranked.map(({ item: r, rank, tied }) => (
              <tr key={r.code} data-testid="ranking-row" data-reported={r.reported} data-rank={rank ?? ''} data-tied={tied}>
                <td className="num nowrap">{rankLabel(t, rank, tied)}</td>
                <td>
                  {r.name} <code className="muted">{r.code}</code>
                </td>
                <td className="num">{r.targetPaying === null ? n(r.paid) : t('common.of', { actual: n(r.paid), target: n(r.targetPaying) })}</td>
                <td className="num">{r.rate === null ? t('common.none') : formatRate(r.rate, language)}</td>
                <td className="num">
                  <Change row={r} />
                </td>
                <td>
                  <Badge tone={REPORTED_TONE[r.reported]} data={r.reported}>
                    {t(`circular.reported.${r.reported}`)}
                  </Badge>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <dl className="facts circular-names">
        <div>
          <dt>{t('circular.late')}</dt>
          <dd data-testid="circular-late">
            {c.content.late.length === 0
              ? t('circular.none')
              : c.content.late
                  .map((u) => {
                    const how = byCode.get(u.code)?.reported;
                    return how === 'missing' || how === 'late' ? t('common.paren', { text: u.name, note: t(`circular.reported.${how}`) }) : u.name;
                  })
                  .join('、')}
          </dd>
        </div>
        <div>
          <dt>{t('circular.praised')}</dt>
          <dd data-testid="circular-praised">
            {c.content.praised.length === 0
              ? t('circular.none')
              : c.content.praised.map((u) => t('common.paren', { text: u.name, note: formatRate(u.rate, language) })).join('、')}
          </dd>
        </div>
      </dl>

      {!published && canApprove && (live ? <ApproveCircularForm campaignId={campaignId} circular={c} regionName={regionName} /> : <p className="muted">{t('circular.closed')}</p>)}
    </article>
  );
}

/** ▲ / ▼ and the change in percentage points since the previous circular; — when there is nothing to compare. */
function Change({ row }: { row: CircularRankingRow }) {
  const { t } = useI18n();
  if (row.change === null) return <span className="muted">{t('common.none')}</span>;
  const points = formatPoints(row.change);
  if (Math.abs(row.change) < 0.0005) return <span className="muted">{t('circular.change.same')}</span>;
  return row.change > 0 ? (
    <span className="change-up" title={t('circular.change.upTitle')}>
      ▲ {t('circular.change.points', { points })}
    </span>
  ) : (
    <span className="change-down" title={t('circular.change.downTitle')}>
      ▼ {t('circular.change.points', { points })}
    </span>
  );
}
