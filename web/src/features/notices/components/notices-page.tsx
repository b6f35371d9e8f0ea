// 缴费情况公示 of a unit: for an official, prepare (this village, or every village below in batch),
// preview the frozen masked lists, approve with a note, release; for everyone, the printable page and
// the XLSX of an approved or released notice. A village clerk sees only released notices. One card per
// notice, stacked, so it reads on a phone held in one hand.
import { useState, type FormEvent } from 'react';
import { Badge, type BadgeTone } from '../../../components/ui/badge';
import { ErrorMessage } from '../../../components/ui/error-message';
import { Loading } from '../../../components/ui/loading';
import { useCanIn } from '../../../lib/auth';
import { formatActor, formatDateTime, proseDate } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import type { Notice } from '../../../../../contracts/api/notices';
import { noticePrintHref, noticeXlsxHref, useApproveNotice, useNotice, useNotices, usePrepareNotices, useReleaseNotice } from '../api/notices';
import { useNoticesI18n, type NoticesKey } from '../i18n';

const TONE: Record<Notice['state'], BadgeTone> = { draft: 'warn', approved: 'info', released: 'ok' };

export function NoticesPage({ campaignId, unitCode, unitName, timeZone }: { campaignId: string; unitCode: string; unitName: string; timeZone: string }) {
  const { t } = useNoticesI18n();
  const { language } = useI18n();
  const official = useCanIn('circular.approve', unitCode);
  const list = useNotices(campaignId, unitCode);
  const prepare = usePrepareNotices(campaignId, unitCode);
  const village = /^\d{12}$/.test(unitCode);

  if (list.isPending) return <Loading />;
  if (list.isError) return <ErrorMessage error={list.error} />;
  const notices = list.data.notices;
  const progress = list.data.progress;
  const milestone = progress.milestone ?? notices.find((n) => n.milestone)?.milestone ?? null;
  const confirmed = progress.milestone?.confirmed ?? null;
  const skipped = prepare.data?.prepared.filter((p) => p.skipped) ?? [];
  const made = prepare.data?.prepared.filter((p) => p.notice).length ?? 0;
  return (
    <div data-testid="notices-page">
      <div className="page-header">
        <h1>{t('page.title', { unit: unitName })}</h1>
      </div>
      <p className="muted">{official ? t('page.intro') : t('page.introClerk')}</p>
      {milestone && (
        <p data-testid="notice-deadline">
          {t('page.deadline', { name: milestone.name, due: proseDate(milestone.due, language) })}{' '}
          {confirmed ? (
            <Badge tone="ok" testId="notice-progress" data="confirmed">
              {t('page.confirmed', { at: confirmed.at ? formatDateTime(confirmed.at, timeZone) : '', actor: confirmed.by ? formatActor(confirmed.by, language) : '' })}
            </Badge>
          ) : (
            progress.villages > 0 && (
              <Badge tone={progress.released === progress.villages ? 'ok' : 'warn'} testId="notice-progress" data={`${progress.released}/${progress.villages}`}>
                {t('page.progress', { released: progress.released, villages: progress.villages })}
              </Badge>
            )
          )}
        </p>
      )}
      {official && (
        <div className="toolbar toolbar-wrap">
          <button type="button" className="button button-primary" disabled={prepare.isPending} onClick={() => prepare.mutate(undefined)} data-testid="notice-prepare">
            {t(village ? 'prepare.village' : 'prepare.batch')}
          </button>
        </div>
      )}
      {prepare.isError && <ErrorMessage error={prepare.error} />}
      {prepare.isSuccess && (
        <div className="alert alert-ok" role="status" data-testid="notice-prepared">
          <p>{t('prepare.done', { count: made })}</p>
          {skipped.map((s) => (
            <p key={s.villageCode}>{t('prepare.skipped', { village: s.villageName, reason: s.skipped! })}</p>
          ))}
        </div>
      )}
      {notices.length === 0 && <p className="muted">{t(official ? 'empty' : 'emptyClerk')}</p>}
      {/* minmax(0, 1fr): a wide list scrolls inside its card instead of widening the page on a phone. */}
      <ul style={{ listStyle: 'none', padding: 0, display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: '0.75rem' }}>
        {notices.map((n) => (
          <NoticeCard key={n.id} campaignId={campaignId} notice={n} official={official} timeZone={timeZone} onDone={() => prepare.reset()} />
        ))}
      </ul>
    </div>
  );
}

/** `onDone`: an approval or release happened, so the page's "prepared" message is out of date. */
function NoticeCard({ campaignId, notice: n, official, timeZone, onDone }: { campaignId: string; notice: Notice; official: boolean; timeZone: string; onDone: () => void }) {
  const { t } = useNoticesI18n();
  const { language } = useI18n();
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [missing, setMissing] = useState(false);
  const approve = useApproveNotice(campaignId);
  const release = useReleaseNotice(campaignId);
  const publicVersion = n.state === 'released' || (n.state === 'approved' && official);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (note.trim().length < 2) return setMissing(true);
    setMissing(false);
    approve.mutate({ village: n.villageCode, id: n.id, note: note.trim() }, { onSuccess: onDone });
  };
  return (
    <li className="card" data-testid="notice-card" data-notice={n.id} data-state={n.state}>
      <div className="card-title-row">
        <strong>{n.title}</strong>
        <Badge tone={TONE[n.state]} testId="notice-state" data={n.state}>
          {t(`state.${n.state}` as NoticesKey)}
        </Badge>
      </div>
      <div className="small muted">
        {n.villageName} · {t('version', { version: n.version })}
      </div>
      <div className="small">{t('counts', { paid: n.paidCount, unpaid: n.unpaidCount, asOf: proseDate(n.asOf, language) })}</div>
      <div className="small">{t('rule', { name: n.nameMask, id: n.idMask, days: n.days })}</div>
      {n.periodStart && n.periodEnd && (
        <div className="small" data-testid="notice-period">
          {t('period', { start: proseDate(n.periodStart, language), end: proseDate(n.periodEnd, language) })}
        </div>
      )}
      <div className="small muted">{t('preparedBy', { actor: formatActor(n.preparedBy, language), at: formatDateTime(n.preparedAt, timeZone) })}</div>
      {n.approvedBy && n.approvedAt && (
        <div className="small muted">{t('approvedBy', { actor: formatActor(n.approvedBy, language), at: formatDateTime(n.approvedAt, timeZone), note: n.approvalNote ?? '' })}</div>
      )}
      {n.releasedBy && n.releasedAt && <div className="small muted">{t('releasedBy', { actor: formatActor(n.releasedBy, language), at: formatDateTime(n.releasedAt, timeZone) })}</div>}
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: '0.5rem', marginTop: '0.5rem' }}>
        {official && (
          <button type="button" className="button" onClick={() => setOpen(!open)} data-testid="notice-preview">
            {t(open ? 'hidePreview' : 'preview')}
          </button>
        )}
        {publicVersion && (
          <>
            <a className="button" href={noticePrintHref(campaignId, n.villageCode, n.id)} target="_blank" rel="noopener" data-testid="notice-print">
              {t('print')}
            </a>
            <a className="button" href={noticeXlsxHref(campaignId, n.villageCode, n.id)} download data-testid="notice-download">
              {t('download')}
            </a>
          </>
        )}
        {official && n.state === 'approved' && (
          <button
            type="button"
            className="button button-primary"
            disabled={release.isPending}
            onClick={() => window.confirm(t('release.confirm')) && release.mutate({ village: n.villageCode, id: n.id }, { onSuccess: onDone })}
            data-testid="notice-release"
          >
            {t('release')}
          </button>
        )}
      </div>
      {official && n.state === 'draft' && (
        <form className="approve-form" onSubmit={submit} noValidate data-testid="notice-approve-form">
          <label className="field">
            <span>{t('approve.note')}</span>
            <textarea rows={2} maxLength={200} value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('approve.placeholder')} data-testid="notice-approve-note" />
          </label>
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={approve.isPending} data-testid="notice-approve">
              {t('approve.submit')}
            </button>
          </div>
          {missing && (
            <p className="field-error" role="alert">
              {t('approve.required')}
            </p>
          )}
        </form>
      )}
      {approve.isError && <ErrorMessage error={approve.error} />}
      {release.isError && <ErrorMessage error={release.error} />}
      {open && <NoticePreview campaignId={campaignId} notice={n} />}
    </li>
  );
}

function NoticePreview({ campaignId, notice: n }: { campaignId: string; notice: Notice }) {
  const { t } = useNoticesI18n();
  const detail = useNotice(campaignId, n.villageCode, n.id);
  if (detail.isPending) return <Loading />;
  if (detail.isError) return <ErrorMessage error={detail.error} />;
  const registers = (['paid', 'unpaid'] as const).filter((r) => n.registers === 'both' || n.registers === r);
  return (
    <div data-testid="notice-rows" style={{ marginTop: '0.75rem' }}>
      <p className="small">{detail.data.body}</p>
      {registers.map((r) => {
        const rows = detail.data.rows.filter((x) => x.register === r);
        // As the printable notice heads it: an amount for who paid, a state for who has not.
        const cellColumn = t(r === 'paid' ? 'col.cell' : 'col.state');
        return (
          <div key={r}>
            <h3>{t(`register.${r}` as NoticesKey, { count: rows.length })}</h3>
            {/* On a phone each person is a small card (name, then 序号, 身份证号 and the cell, each named): the
                18-character ID and the 缴费档次 column cannot both fit 375 px. The printable page keeps the table. */}
            <div className="table-wrap">
              <table className="table table-stack" data-testid={`notice-table-${r}`}>
                <thead>
                  <tr>
                    <th className="num">{t('col.seq')}</th>
                    <th>{t('col.name')}</th>
                    <th>{t('col.id')}</th>
                    <th>{cellColumn}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((x) => (
                    <tr key={x.seq}>
                      <td className="num" data-label={t('col.seq')}>
                        {x.seq}
                      </td>
                      <td className="stack-title" style={{ whiteSpace: 'nowrap' }}>
                        {x.name}
                      </td>
                      <td data-label={t('col.id')} style={{ whiteSpace: 'nowrap' }}>
                        {x.idNumber}
                      </td>
                      <td data-label={cellColumn}>{x.cell}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        );
      })}
    </div>
  );
}
