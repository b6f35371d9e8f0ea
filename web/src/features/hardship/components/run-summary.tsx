// One screening run: a bar while it runs (people screened of people listed), then its counts, the
// ineligible by reason, and what changed since the previous run (动态清零: who is new, who left,
// whose categories or outcome changed, and the new payments owed).
import { ProgressBar } from '../../../components/ui/progress-bar';
import { formatCount, formatDateTime, formatMoney } from '../../../lib/format';
import type { IneligibleReason, OutcomeCounts, RunView } from '../../../types/api';
import { useHardshipI18n, type HardshipKey } from '../i18n';
import { categoryLabelKey, keysOf, LIST_LABELS, REASON_LABELS } from '../labels';

const REASONS = keysOf(REASON_LABELS);

export function RunSummary({ run, timeZone }: { run: RunView; timeZone: string }) {
  const { t, language } = useHardshipI18n();
  const n = (v: number) => formatCount(v, language);
  return (
    <div data-testid="run-summary" data-status={run.status} data-run={run.id}>
      <p className="muted small">
        {t('run.meta', { at: formatDateTime(run.startedAt, timeZone), actor: run.actor })}
        {run.finishedAt && ` · ${t('run.finished', { at: formatDateTime(run.finishedAt, timeZone) })}`}
        {run.lists.length > 0 && ` · ${t('run.lists', { lists: run.lists.map((l) => listName(l, t)).join('、') })}`}
      </p>
      {run.status === 'running' && (
        <div data-testid="run-progress" data-fraction={run.progress?.fraction ?? 0}>
          <ProgressBar value={run.progress?.fraction ?? 0} />
          <p className="small">
            {run.progress
              ? run.progress.done !== null && run.progress.total !== null
                ? t('run.progress', { done: n(run.progress.done), total: n(run.progress.total) })
                : t('run.progressShare', { percent: n(Math.floor(run.progress.fraction * 100)) })
              : t('run.waiting')}
          </p>
        </div>
      )}
      {run.status === 'failed' && (
        <p className="alert alert-error" role="alert" data-testid="run-failed">
          {t('run.failed')}
        </p>
      )}
      {run.counts && <OutcomeFigures counts={run.counts} testId="run-counts" />}
      {run.status === 'completed' && (
        <div className="field-row" style={{ marginTop: 16 }}>
          {run.ineligibleByReason && run.counts && run.counts.ineligible > 0 && (
            <div className="field">
              <h3>{t('run.ineligibleByReason')}</h3>
              <dl className="facts" data-testid="run-ineligible">
                {REASONS.filter((r) => (run.ineligibleByReason?.[r] ?? 0) > 0).map((r) => (
                  <div key={r} data-testid={`ineligible-${r}`}>
                    <dt>{t(REASON_LABELS[r])}</dt>
                    <dd>{n(run.ineligibleByReason?.[r] ?? 0)}</dd>
                  </div>
                ))}
                {Object.entries(run.ineligibleByReason)
                  .filter(([r, v]) => !(REASONS as string[]).includes(r) && v > 0)
                  .map(([r, v]) => (
                    <div key={r}>
                      <dt>{reasonName(r, t)}</dt>
                      <dd>{n(v)}</dd>
                    </div>
                  ))}
              </dl>
            </div>
          )}
          {run.changes && (
            <div className="field">
              <h3>{t('run.changes')}</h3>
              {run.changes.previousRunId === null ? (
                <p className="muted" data-testid="run-changes">
                  {t('run.changes.first')}
                </p>
              ) : (
                <dl className="facts" data-testid="run-changes">
                  <div data-testid="change-added">
                    <dt>{t('change.added')}</dt>
                    <dd>{n(run.changes.added)}</dd>
                  </div>
                  <div data-testid="change-removed">
                    <dt>{t('change.removed')}</dt>
                    <dd>{n(run.changes.removed)}</dd>
                  </div>
                  <div data-testid="change-categories">
                    <dt>{t('change.categories-changed')}</dt>
                    <dd>{n(run.changes.categoriesChanged)}</dd>
                  </div>
                  <div data-testid="change-outcome">
                    <dt>{t('change.outcome-changed')}</dt>
                    <dd>{n(run.changes.outcomeChanged)}</dd>
                  </div>
                  <div data-testid="change-obligations">
                    <dt>{t('change.newObligations')}</dt>
                    <dd>{formatMoney(run.changes.newObligationsFen / 100, language)}</dd>
                  </div>
                </dl>
              )}
            </div>
          )}
        </div>
      )}
    </div>
  );
}

function listName(l: RunView['lists'][number], t: (key: HardshipKey, vars?: Record<string, string | number>) => string): string {
  const key = categoryLabelKey(l.category);
  const name = l.list === 'roster' ? t(LIST_LABELS.roster) : key ? t(key) : (l.category ?? t(LIST_LABELS.hardship));
  return l.version === null ? name : `${name}${t('lists.version', { version: l.version })}`;
}

function reasonName(r: string, t: (key: HardshipKey) => string): string {
  return r in REASON_LABELS ? t(REASON_LABELS[r as IneligibleReason]) : r;
}

/** 名单人数 · 已参保代缴 · 待动员 · 不符合条件 · 拒绝参保 · 代缴金额. */
export function OutcomeFigures({ counts, testId }: { counts: OutcomeCounts; testId: string }) {
  const { t, language } = useHardshipI18n();
  const n = (v: number) => formatCount(v, language);
  const items: { key: keyof OutcomeCounts; label: HardshipKey; value: string; tone?: string }[] = [
    { key: 'listed', label: 'count.listed', value: n(counts.listed) },
    { key: 'covered', label: 'count.covered', value: n(counts.covered), tone: 'ok-text' },
    { key: 'toMobilise', label: 'count.toMobilise', value: n(counts.toMobilise), tone: counts.toMobilise > 0 ? 'warn-text' : undefined },
    { key: 'ineligible', label: 'count.ineligible', value: n(counts.ineligible) },
    { key: 'refused', label: 'count.refused', value: n(counts.refused), tone: counts.refused > 0 ? 'danger-text' : undefined },
    { key: 'govPaidFen', label: 'count.govPaid', value: formatMoney(counts.govPaidFen / 100, language) },
  ];
  return (
    <div className="figures" data-testid={testId}>
      {items.map((i) => (
        <div className="figure" key={i.key} data-testid={`count-${i.key}`} data-value={counts[i.key]}>
          <div className="figure-label">{t(i.label)}</div>
          <div className={i.tone ? `figure-value ${i.tone}` : 'figure-value'}>{i.value}</div>
        </div>
      ))}
    </div>
  );
}
