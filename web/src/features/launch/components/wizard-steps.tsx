// One form per step of the plan wizard. Each edits its part of the one plan object (model.ts) and
// leaves every other field as it is; the server judges the result (the wizard shows its answer).
import { useState } from 'react';
import { REPORTING_LEVELS } from '../../../../../domain/status';
import { ESCALATION_RUNGS, NOTIFY_TARGETS } from '../../../../../domain/ladder';
import { formatCount } from '../../../lib/format';
import { useI18n } from '../../../lib/i18n';
import { RegionPicker } from '../../regions/components/region-picker';
import { useImportBreakdown } from '../api/import-breakdown';
import { ErrorMessage } from '../../../components/ui/error-message';
import { useLaunchI18n } from '../i18n';
import {
  appendPhase,
  breakdownRows,
  levelBelow,
  levelOfCode,
  newStream,
  parseCount,
  parseDays,
  parsePastedRows,
  parsePercent,
  percentText,
  renamePhase,
  ruleKindOf,
  ruleOfKind,
  rowsToBreakdown,
  streamKeyFor,
  withRule,
  type BreakdownRow,
  type DateOrPhase,
  type Draft,
  type DraftPhase,
  type DraftStream,
  type RuleKind,
} from '../model';

export interface StepProps {
  draft: Draft;
  set: (next: Draft) => void;
  today: string;
}

const LEVELS = ['province', 'city', 'county', 'town', 'village'] as const;
const RULE_KINDS: RuleKind[] = ['days-of-month', 'weekly', 'working-days', 'calendar-days', 'quarterly'];
const DUE_TIMES = ['09:00', '10:00', '12:00', '15:00', '17:00', '17:30', '18:00', '24:00'];

/** A date input for a `YYYY-MM-DD[THH:mm]` field: the picker sets the day, a time of day is kept. */
function DateInput({ value, onChange, testId }: { value: string; onChange: (v: string) => void; testId: string }) {
  return <input type="date" value={value.slice(0, 10)} onChange={(e) => onChange(e.target.value + value.slice(10))} data-testid={testId} />;
}

// ---------------------------------------------------------------------------------------------

export function BasicsStep({ draft, set }: StepProps) {
  const { t } = useLaunchI18n();
  const { t: tt } = useI18n();
  const region = draft.region ?? { code: '', name: '', level: 'city' as const };
  const setRegion = (next: Partial<typeof region>) => set({ ...draft, region: { ...region, ...next } });
  return (
    <div data-testid="step-form-basics">
      <label className="field">
        <span>{t('basics.title')}</span>
        <input value={draft.title ?? ''} onChange={(e) => set({ ...draft, title: e.target.value })} placeholder={t('basics.title.placeholder')} data-testid="basics-title" />
      </label>
      <div className="field-row">
        <label className="field">
          <span>{t('basics.id')}</span>
          <input value={draft.id ?? ''} onChange={(e) => set({ ...draft, id: e.target.value.trim() })} autoCapitalize="none" spellCheck={false} data-testid="basics-id" />
          <span className="muted small">{t('basics.id.help')}</span>
        </label>
        <label className="field wizard-narrow">
          <span>{t('basics.year')}</span>
          <input type="number" inputMode="numeric" value={draft.year ?? ''} onChange={(e) => set({ ...draft, year: parseCount(e.target.value) })} data-testid="basics-year" />
        </label>
      </div>
      <div className="field-row">
        <label className="field">
          <span>{t('basics.region')}</span>
          <RegionPicker
            value={region.code}
            onChange={(code) => setRegion(code ? { code, level: levelOfCode(code) ?? region.level } : { code: '' })}
            onChoose={(r) => setRegion({ code: r.code, name: r.name, level: (LEVELS as readonly string[]).includes(r.level) ? (r.level as typeof region.level) : region.level })}
            testId="basics-region"
          />
        </label>
        <label className="field">
          <span>{t('basics.regionName')}</span>
          <input value={region.name} onChange={(e) => setRegion({ name: e.target.value })} data-testid="basics-region-name" />
        </label>
        <label className="field wizard-narrow">
          <span>{t('basics.regionLevel')}</span>
          <select value={region.level} onChange={(e) => setRegion({ level: e.target.value as typeof region.level })} data-testid="basics-region-level">
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {tt(`level.${l}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------

export function PhasesStep({ draft, set, today }: StepProps) {
  const { t } = useLaunchI18n();
  const phases = draft.phases ?? [];
  const setPhases = (next: DraftPhase[]) => set({ ...draft, phases: next });
  const edit = (i: number, patch: Partial<DraftPhase>) => setPhases(phases.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  return (
    <div data-testid="step-form-phases">
      <p className="muted">{t('phases.help')}</p>
      {phases.map((p, i) => (
        <fieldset key={i} className="wizard-item" data-testid="phase-item">
          <legend>{t('phases.n', { n: i + 1 })}</legend>
          <div className="field-row">
            <label className="field">
              <span>{t('phases.name')}</span>
              <input value={p.name.zh} onChange={(e) => setPhases(renamePhase(phases, i, e.target.value))} placeholder={t('phases.name.placeholder')} data-testid="phase-name" />
            </label>
            <label className="field wizard-date">
              <span>{t('phases.start')}</span>
              <DateInput value={p.start} onChange={(v) => edit(i, { start: v })} testId="phase-start" />
            </label>
            <label className="field wizard-date">
              <span>{t('phases.deadline')}</span>
              <DateInput value={p.deadline} onChange={(v) => edit(i, { deadline: v })} testId="phase-deadline" />
            </label>
            {phases.length > 1 && (
              <div className="field field-inline">
                <button type="button" className="link-button" onClick={() => setPhases(phases.filter((_, j) => j !== i))} data-testid="phase-remove">
                  {t('phases.remove')}
                </button>
              </div>
            )}
          </div>
        </fieldset>
      ))}
      <button type="button" className="button" onClick={() => setPhases(appendPhase(phases, today))} data-testid="phase-add">
        {t('phases.add')}
      </button>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------

const COUNT_FIELDS = ['enrolled', 'paying', 'headcount'] as const;
const RATE_FIELDS = ['enrolmentRate', 'paymentRate', 'mobileShare'] as const;

export function TargetsStep({ draft, set }: StepProps) {
  const { t } = useLaunchI18n();
  const targets = draft.targets ?? {};
  const setTarget = (field: string, value: number | undefined) => set({ ...draft, targets: { ...targets, [field]: value } });
  return (
    <div data-testid="step-form-targets">
      <p className="muted">{t('targets.help')}</p>
      <div className="field-row">
        {COUNT_FIELDS.map((f) => (
          <label key={f} className="field">
            <span>{t(`targets.${f}`)}</span>
            <input inputMode="numeric" value={targets[f] ?? ''} onChange={(e) => setTarget(f, parseCount(e.target.value))} data-testid={`target-${f}`} />
          </label>
        ))}
      </div>
      <div className="field-row">
        {RATE_FIELDS.map((f) => (
          <label key={f} className="field">
            <span>{t(`targets.${f}`)}</span>
            <input inputMode="decimal" defaultValue={percentText(targets[f])} onBlur={(e) => setTarget(f, parsePercent(e.target.value))} data-testid={`target-${f}`} />
          </label>
        ))}
      </div>
      <label className="field">
        <span>{t('targets.rule')}</span>
        <select value={draft.breakdownRule ?? 'none'} onChange={(e) => set({ ...draft, breakdownRule: e.target.value as Draft['breakdownRule'] })} data-testid="target-rule">
          {(['sum-equals', 'sum-at-least', 'none'] as const).map((r) => (
            <option key={r} value={r}>
              {t(`targets.rule.${r}`)}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------

/** The count targets a breakdown row carries: those the plan sets, else 参保人数. */
function rowTargets(draft: Draft): Array<(typeof COUNT_FIELDS)[number]> {
  const set = COUNT_FIELDS.filter((f) => typeof draft.targets?.[f] === 'number');
  return set.length > 0 ? set : ['enrolled'];
}

export function BreakdownStep({ draft, set }: StepProps) {
  const { t } = useLaunchI18n();
  const { t: tt, language } = useI18n();
  const rows = breakdownRows(draft);
  const fields = rowTargets(draft);
  const regionCode = draft.region?.code ?? '';
  const setRows = (next: BreakdownRow[]) => set({ ...draft, breakdown: rowsToBreakdown(next) });
  const edit = (i: number, patch: Partial<BreakdownRow>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const parents = [{ code: regionCode, name: draft.region?.name ?? '' }, ...rows.map((r) => ({ code: r.code, name: r.name }))];
  const [paste, setPaste] = useState('');
  const [pasted, setPasted] = useState<ReturnType<typeof parsePastedRows> | null>(null);
  const below = levelBelow(draft.region?.level ?? 'city');
  const upload = useImportBreakdown({ mutationConfig: { onSuccess: (result) => setRows([...rows, ...result.rows]) } });
  return (
    <div data-testid="step-form-breakdown">
      <p className="muted">{t('breakdown.help')}</p>
      {rows.length === 0 && <p className="muted">{t('breakdown.empty')}</p>}
      {rows.map((r, i) => (
        <fieldset key={i} className="wizard-item" data-testid="unit-item">
          <div className="field-row">
            <label className="field wizard-code">
              <span>{t('breakdown.code')}</span>
              <input inputMode="numeric" value={r.code} onChange={(e) => edit(i, { code: e.target.value.trim(), level: levelOfCode(e.target.value.trim()) === 'town' ? 'town' : levelOfCode(e.target.value.trim()) === 'village' ? 'village' : r.level })} data-testid="unit-code" />
            </label>
            <label className="field">
              <span>{t('breakdown.name')}</span>
              <input value={r.name} onChange={(e) => edit(i, { name: e.target.value })} data-testid="unit-name" />
            </label>
            <label className="field wizard-narrow">
              <span>{t('breakdown.level')}</span>
              <select value={r.level} onChange={(e) => edit(i, { level: e.target.value as BreakdownRow['level'] })} data-testid="unit-level">
                {LEVELS.map((l) => (
                  <option key={l} value={l}>
                    {tt(`level.${l}`)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>{t('breakdown.parent')}</span>
              <select value={r.parentCode} onChange={(e) => edit(i, { parentCode: e.target.value })} data-testid="unit-parent">
                {parents
                  .filter((p) => p.code !== r.code)
                  .map((p, k) => (
                    <option key={`${p.code}-${k}`} value={p.code}>
                      {p.name || p.code}
                    </option>
                  ))}
              </select>
            </label>
            {fields.map((f) => (
              <label key={f} className="field wizard-narrow">
                <span>{t(`targets.${f}`)}</span>
                <input inputMode="numeric" value={r.targets[f] ?? ''} onChange={(e) => edit(i, { targets: { ...r.targets, [f]: parseCount(e.target.value) } })} data-testid={`unit-${f}`} />
              </label>
            ))}
            <div className="field field-inline">
              <button type="button" className="link-button" onClick={() => setRows(rows.filter((_, j) => j !== i))} data-testid="unit-remove">
                {t('breakdown.remove')}
              </button>
            </div>
          </div>
        </fieldset>
      ))}
      {rows.length > 0 && (
        <p className="muted small" data-testid="breakdown-sums">
          {fields
            .map((f) => `${t(`targets.${f}`)}${t('breakdown.sum', { sum: formatCount(rows.filter((r) => r.parentCode === regionCode).reduce((s, r) => s + (r.targets[f] ?? 0), 0), language) })}`)
            .join('；')}
        </p>
      )}
      <button type="button" className="button" onClick={() => setRows([...rows, { code: '', name: '', level: below, parentCode: regionCode, targets: {} }])} data-testid="unit-add">
        {t('breakdown.add')}
      </button>

      <div className="field wizard-gap">
        <span>{t('breakdown.xlsx')}</span>
        <input
          type="file"
          accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
          disabled={upload.isPending || !/^\d{6}(\d{3}){0,2}$/.test(regionCode)}
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) upload.mutate({ file, regionCode });
          }}
          data-testid="breakdown-xlsx"
        />
        <span className="muted small">{t('breakdown.xlsx.help', { target: t(`targets.${fields[0]}`) })}</span>
      </div>
      {upload.isPending && <p className="muted small">{t('breakdown.xlsx.reading')}</p>}
      {upload.isSuccess && (
        <p className="muted small" data-testid="breakdown-xlsx-done">
          {t('breakdown.paste.done', { count: upload.data.rows.length })}
        </p>
      )}
      {upload.isError && <ErrorMessage error={upload.error} testId="breakdown-xlsx-errors" />}

      <details className="wizard-paste">
        <summary>{t('breakdown.paste')}</summary>
        <p className="muted small">{t('breakdown.paste.help', { target: t(`targets.${fields[0]}`) })}</p>
        <textarea className="plan-text" rows={5} value={paste} onChange={(e) => setPaste(e.target.value)} data-testid="breakdown-paste" />
        <div className="form-actions">
          <button
            type="button"
            className="button"
            disabled={paste.trim() === ''}
            onClick={() => {
              const result = parsePastedRows(paste, fields[0], regionCode);
              setPasted(result);
              if (result.rows.length > 0) setRows([...rows, ...result.rows]);
              if (result.errors.length === 0) setPaste('');
            }}
            data-testid="breakdown-paste-read"
          >
            {t('breakdown.paste.read')}
          </button>
        </div>
        {pasted && <p className="muted small">{t('breakdown.paste.done', { count: pasted.rows.length })}</p>}
        {pasted && pasted.errors.length > 0 && (
          <ul className="issues alert alert-error" data-testid="breakdown-paste-errors">
            {pasted.errors.map((e) => (
              <li key={`${e.row}-${e.column}`}>{t('breakdown.paste.error', { row: e.row, reason: `${e.column}${e.reason}` })}</li>
            ))}
          </ul>
        )}
      </details>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------

function phaseName(draft: Draft, key: string): string {
  return draft.phases?.find((p) => p.key === key)?.name.zh || key;
}

/** 开始/结束: a phase (its start, or its last day) or a date. */
function SpanSelect({ draft, value, onChange, end, testId }: { draft: Draft; value: DateOrPhase | undefined; onChange: (v: DateOrPhase | undefined) => void; end: boolean; testId: string }) {
  const { t } = useLaunchI18n();
  const phases = draft.phases ?? [];
  const choice = value === undefined ? '' : typeof value === 'string' ? 'date' : `phase:${value.phase}`;
  return (
    <div className="wizard-span">
      <select
        value={choice}
        onChange={(e) => {
          const v = e.target.value;
          if (v === '') onChange(undefined);
          else if (v === 'date') onChange(phases[0]?.start.slice(0, 10) ?? '');
          else onChange({ phase: v.slice('phase:'.length) });
        }}
        data-testid={testId}
      >
        {end && <option value="">{t('reporting.lastPhase')}</option>}
        {phases.map((p) => (
          <option key={p.key} value={`phase:${p.key}`}>
            {t(end ? 'reporting.to.phase' : 'reporting.from.phase', { phase: phaseName(draft, p.key) })}
          </option>
        ))}
        <option value="date">{t('reporting.byDate')}</option>
      </select>
      {typeof value === 'string' && <DateInput value={value} onChange={onChange} testId={`${testId}-date`} />}
    </div>
  );
}

export function ReportingStep({ draft, set }: StepProps) {
  const { t } = useLaunchI18n();
  const { t: tt } = useI18n();
  if (draft.reporting !== undefined && !Array.isArray(draft.reporting)) {
    return (
      <p className="alert alert-warn" data-testid="reporting-legacy">
        {t('reporting.legacy')}
      </p>
    );
  }
  const streams = draft.reporting ?? [];
  const setStreams = (next: DraftStream[]) => set({ ...draft, reporting: next.length > 0 ? next : undefined });
  const edit = (i: number, next: DraftStream) => setStreams(streams.map((s, j) => (j === i ? next : s)));
  return (
    <div data-testid="step-form-reporting">
      <p className="muted">{t('reporting.help')}</p>
      {streams.length === 0 && <p className="muted">{t('reporting.none')}</p>}
      {streams.map((s, i) => {
        const kind = ruleKindOf(s.rule);
        return (
          <fieldset key={i} className="wizard-item" data-testid="stream-item">
            <div className="field-row">
              <label className="field">
                <span>{t('reporting.name')}</span>
                <input
                  value={s.name}
                  onChange={(e) => {
                    const name = e.target.value;
                    // The key follows the name until the plan is launched; an example's key is kept.
                    const others = streams.filter((_, j) => j !== i).map((o) => o.key);
                    const made = s.key === streamKeyFor(s.name, others);
                    edit(i, { ...s, name, key: made ? streamKeyFor(name, others) : s.key });
                  }}
                  data-testid="stream-name"
                />
              </label>
              <label className="field">
                <span>{t('reporting.kind')}</span>
                <select value={kind} onChange={(e) => edit(i, withRule(s, ruleOfKind(e.target.value as RuleKind, s.rule)))} data-testid="stream-kind">
                  {RULE_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {t(`reporting.kind.${k}`)}
                    </option>
                  ))}
                </select>
              </label>
              {s.rule.kind === 'days-of-month' && (
                <label className="field">
                  <span>{t('reporting.days')}</span>
                  <input
                    defaultValue={s.rule.days.join('、')}
                    onBlur={(e) => {
                      const days = parseDays(e.target.value);
                      if (days && s.rule.kind === 'days-of-month') edit(i, { ...s, rule: { ...s.rule, days } });
                    }}
                    data-testid="stream-days"
                  />
                  <span className="muted small">{t('reporting.days.help')}</span>
                </label>
              )}
              {s.rule.kind === 'weekly' && (
                <label className="field">
                  <span>{t('reporting.weekday')}</span>
                  <select value={s.rule.weekday} onChange={(e) => s.rule.kind === 'weekly' && edit(i, { ...s, rule: { ...s.rule, weekday: Number(e.target.value) } })} data-testid="stream-weekday">
                    {[1, 2, 3, 4, 5, 6, 7].map((d) => (
                      <option key={d} value={d}>
                        {tt(`calendar.weekday.${(d % 7) as 0 | 1 | 2 | 3 | 4 | 5 | 6}`)}
                      </option>
                    ))}
                  </select>
                </label>
              )}
              {s.rule.kind === 'quarterly' && (
                <>
                  <label className="field wizard-narrow">
                    <span>{t('reporting.quarterMonth')}</span>
                    <select value={s.rule.month} onChange={(e) => s.rule.kind === 'quarterly' && edit(i, { ...s, rule: { ...s.rule, month: Number(e.target.value) } })} data-testid="stream-quarter-month">
                      {[1, 2, 3].map((m) => (
                        <option key={m} value={m}>
                          {m}
                        </option>
                      ))}
                    </select>
                  </label>
                  <label className="field wizard-narrow">
                    <span>{t('reporting.quarterDay')}</span>
                    <input inputMode="numeric" value={s.rule.day} onChange={(e) => s.rule.kind === 'quarterly' && edit(i, { ...s, rule: { ...s.rule, day: parseCount(e.target.value) ?? 1 } })} data-testid="stream-quarter-day" />
                  </label>
                </>
              )}
              <label className="field wizard-narrow">
                <span>{t('reporting.dueTime')}</span>
                <select value={s.dueTime ?? '24:00'} onChange={(e) => edit(i, { ...s, dueTime: e.target.value })} data-testid="stream-due">
                  {[...new Set([...DUE_TIMES, s.dueTime ?? '24:00'])].map((d) => (
                    <option key={d} value={d}>
                      {d === '24:00' ? t('reporting.dueTime.end') : d}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <div className="field-row">
              <div className="field">
                <span>{t('reporting.levels')}</span>
                <div className="wizard-checks">
                  {REPORTING_LEVELS.map((l) => (
                    <label key={l} className="field-inline">
                      <input
                        type="checkbox"
                        checked={s.levels.includes(l)}
                        onChange={(e) => edit(i, { ...s, levels: e.target.checked ? REPORTING_LEVELS.filter((x) => x === l || s.levels.includes(x)) : s.levels.filter((x) => x !== l) })}
                        data-testid={`stream-level-${l}`}
                      />
                      {tt(`level.${l}`)}
                    </label>
                  ))}
                </div>
              </div>
              <label className="field">
                <span>{t('reporting.start')}</span>
                <SpanSelect draft={draft} value={s.start} onChange={(v) => edit(i, { ...s, start: v ?? '' })} end={false} testId="stream-start" />
              </label>
              <label className="field">
                <span>{t('reporting.end')}</span>
                <SpanSelect
                  draft={draft}
                  value={s.end}
                  onChange={(v) => {
                    const next = { ...s, end: v };
                    if (v === undefined) delete next.end;
                    edit(i, next);
                  }}
                  end
                  testId="stream-end"
                />
              </label>
            </div>
            <div className="wizard-checks">
              {!(s.rule.kind === 'daily' && s.rule.on === 'calendar-days') && (
                <label className="field-inline">
                  <input type="checkbox" checked={s.shift !== 'none'} onChange={(e) => edit(i, { ...s, shift: e.target.checked ? 'next-working-day' : 'none' })} data-testid="stream-shift" />
                  {t('reporting.shift')}
                </label>
              )}
              <label className="field-inline">
                <input type="checkbox" checked={s.circulars === true} onChange={(e) => edit(i, { ...s, circulars: e.target.checked })} data-testid="stream-circulars" />
                {t('reporting.circulars')}
              </label>
              <button type="button" className="link-button" onClick={() => setStreams(streams.filter((_, j) => j !== i))} data-testid="stream-remove">
                {t('reporting.remove')}
              </button>
            </div>
          </fieldset>
        );
      })}
      <button type="button" className="button" onClick={() => setStreams([...streams, newStream(streams.map((s) => s.key), draft.phases ?? [])])} data-testid="stream-add">
        {t('reporting.add')}
      </button>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------

const DEFAULT_LADDER = [
  { rung: 'reminder', name: '提醒', delayWorkingDays: 0, notify: ['unit'] },
  { rung: 'warning', name: '预警', delayWorkingDays: 2, notify: ['unit', 'parent'] },
  { rung: 'supervision', name: '督办', delayWorkingDays: 5, notify: ['unit', 'parent', 'city'] },
];

export function EscalationStep({ draft, set }: StepProps) {
  const { t } = useLaunchI18n();
  const { t: tt } = useI18n();
  const escalation = draft.escalation;
  if (!escalation) {
    return (
      <div data-testid="step-form-escalation">
        <p className="muted">{t('escalation.none')}</p>
        <button type="button" className="button" onClick={() => set({ ...draft, escalation: { ladder: DEFAULT_LADDER.map((r) => ({ ...r })) } })} data-testid="escalation-enable">
          {t('escalation.enable')}
        </button>
      </div>
    );
  }
  const ladder = escalation.ladder ?? [];
  const setLadder = (next: typeof ladder) => set({ ...draft, escalation: { ...escalation, ladder: next } });
  const edit = (i: number, patch: Partial<(typeof ladder)[number]>) => setLadder(ladder.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const pace = escalation.pace;
  return (
    <div data-testid="step-form-escalation">
      <p className="muted">{t('escalation.help')}</p>
      {ladder.map((r, i) => (
        <fieldset key={i} className="wizard-item" data-testid="rung-item">
          <div className="field-row">
            <label className="field wizard-narrow">
              <span>{t('escalation.rung')}</span>
              <select
                value={r.rung}
                onChange={(e) => {
                  const rung = e.target.value;
                  const named = r.name === tt(`escalation.rung.${r.rung as (typeof ESCALATION_RUNGS)[number]}`);
                  edit(i, { rung, ...(named ? { name: tt(`escalation.rung.${rung as (typeof ESCALATION_RUNGS)[number]}`) } : {}) });
                }}
                data-testid="rung-kind"
              >
                {ESCALATION_RUNGS.map((k) => (
                  <option key={k} value={k}>
                    {tt(`escalation.rung.${k}`)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>{t('escalation.name')}</span>
              <input value={r.name} onChange={(e) => edit(i, { name: e.target.value })} data-testid="rung-name" />
            </label>
            <label className="field wizard-narrow">
              <span>{t('escalation.delay')}</span>
              <input type="number" min={0} inputMode="numeric" value={r.delayWorkingDays} onChange={(e) => edit(i, { delayWorkingDays: parseCount(e.target.value) ?? 0 })} data-testid="rung-delay" />
            </label>
            <div className="field">
              <span>{t('escalation.notify')}</span>
              <div className="wizard-checks">
                {NOTIFY_TARGETS.map((n) => (
                  <label key={n} className="field-inline">
                    <input
                      type="checkbox"
                      checked={r.notify.includes(n)}
                      onChange={(e) => edit(i, { notify: e.target.checked ? NOTIFY_TARGETS.filter((x) => x === n || r.notify.includes(x)) : r.notify.filter((x) => x !== n) })}
                      data-testid={`rung-notify-${n}`}
                    />
                    {t(`escalation.notify.${n}`)}
                  </label>
                ))}
              </div>
            </div>
            <div className="field field-inline">
              <button type="button" className="link-button" onClick={() => (ladder.length > 1 ? setLadder(ladder.filter((_, j) => j !== i)) : set({ ...draft, escalation: undefined }))} data-testid="rung-remove">
                {t('escalation.remove')}
              </button>
            </div>
          </div>
        </fieldset>
      ))}
      <button
        type="button"
        className="button"
        onClick={() => {
          const last = ladder[ladder.length - 1];
          setLadder([...ladder, { rung: 'accountability', name: tt('escalation.rung.accountability'), delayWorkingDays: (last?.delayWorkingDays ?? 0) + 5, notify: ['unit', 'parent', 'city'] }]);
        }}
        data-testid="rung-add"
      >
        {t('escalation.add')}
      </button>
      <div className="field-row wizard-gap">
        <label className="field">
          <span>{t('escalation.pacePhase')}</span>
          <select
            value={pace?.phase ?? ''}
            onChange={(e) => {
              const nextPace = { ...(pace ?? {}), phase: e.target.value || undefined };
              if (!nextPace.phase) delete nextPace.phase;
              set({ ...draft, escalation: { ...escalation, pace: Object.keys(nextPace).length > 0 ? nextPace : undefined } });
            }}
            data-testid="pace-phase"
          >
            <option value="">{t('escalation.pacePhase.default')}</option>
            {(draft.phases ?? []).map((p) => (
              <option key={p.key} value={p.key}>
                {p.name.zh || p.key}
              </option>
            ))}
          </select>
        </label>
        <label className="field wizard-narrow">
          <span>{t('escalation.paceMargin')}</span>
          <input inputMode="decimal" defaultValue={percentText(escalation.paceMargin)} onBlur={(e) => set({ ...draft, escalation: { ...escalation, paceMargin: parsePercent(e.target.value) } })} placeholder="5" data-testid="pace-margin" />
        </label>
      </div>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------

const POLICY_FIELD_NAMES: Record<string, string> = {
  extraSubsidies: '多缴多补',
  subsidyUplifts: '区县提高补贴',
  categories: '自定困难类别',
  hardship: '困难群体代缴',
  costSplit: '各级分担比例',
  collectiveSubsidyCap: '集体补助上限',
  defaultTier: '默认档次',
  allowUpgrade: '提档补差',
};

export function PolicyStep({ draft, set }: StepProps) {
  const { t } = useLaunchI18n();
  const policy = draft.contributionPolicy;
  const [tiersText, setTiersText] = useState((policy?.tiers ?? []).join('、'));
  if (!policy) {
    return (
      <div data-testid="step-form-policy">
        <p className="muted">{t('policy.help')}</p>
        <p className="muted">{t('policy.none')}</p>
        <button
          type="button"
          className="button"
          onClick={() => {
            setTiersText('200、300、500、1000');
            set({ ...draft, contributionPolicy: { tiers: [200, 300, 500, 1000], subsidies: [{ fromTier: 200, amount: 30 }] } });
          }}
          data-testid="policy-enable"
        >
          {t('policy.enable')}
        </button>
      </div>
    );
  }
  const subsidies = policy.subsidies ?? [];
  const setPolicy = (patch: Partial<typeof policy>) => set({ ...draft, contributionPolicy: { ...policy, ...patch } });
  const edit = (i: number, patch: Partial<(typeof subsidies)[number]>) => setPolicy({ subsidies: subsidies.map((s, j) => (j === i ? { ...s, ...patch } : s)) });
  const kept = Object.keys(policy).filter((k) => k in POLICY_FIELD_NAMES).map((k) => POLICY_FIELD_NAMES[k]);
  return (
    <div data-testid="step-form-policy">
      <p className="alert alert-info" data-testid="policy-yaml-note">
        {t('policy.help')}
      </p>
      <label className="field">
        <span>{t('policy.tiers')}</span>
        <input
          value={tiersText}
          onChange={(e) => setTiersText(e.target.value)}
          onBlur={() => {
            const tiers = tiersText.split(/[,，、\s]+/).filter(Boolean).map(Number);
            if (tiers.length > 0 && tiers.every((n) => Number.isFinite(n) && n > 0)) setPolicy({ tiers });
          }}
          data-testid="policy-tiers"
        />
        <span className="muted small">{t('policy.tiers.help')}</span>
      </label>
      <h3>{t('policy.subsidies')}</h3>
      <div className="table-wrap">
        <table className="table" data-testid="policy-subsidies">
          <thead>
            <tr>
              <th>{t('policy.from')}</th>
              <th>{t('policy.to')}</th>
              <th>{t('policy.amount')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {subsidies.map((s, i) => (
              <tr key={i} data-testid="subsidy-row">
                <td>
                  <select value={s.fromTier} onChange={(e) => edit(i, { fromTier: Number(e.target.value) })} data-testid="subsidy-from">
                    {[...new Set([...policy.tiers, s.fromTier])].map((v) => (
                      <option key={v} value={v}>
                        {v}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <select
                    value={s.toTier ?? ''}
                    onChange={(e) => {
                      const next = { ...s, toTier: e.target.value === '' ? undefined : Number(e.target.value) };
                      if (next.toTier === undefined) delete next.toTier;
                      setPolicy({ subsidies: subsidies.map((o, j) => (j === i ? next : o)) });
                    }}
                    data-testid="subsidy-to"
                  >
                    <option value="">{t('policy.to.any')}</option>
                    {[...new Set([...policy.tiers, ...(s.toTier !== undefined ? [s.toTier] : [])])].map((v) => (
                      <option key={v} value={v}>
                        {v}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input inputMode="decimal" value={s.amount} onChange={(e) => edit(i, { amount: parseCount(e.target.value) ?? 0 })} className="wizard-amount" data-testid="subsidy-amount" />
                </td>
                <td>
                  <button type="button" className="link-button" onClick={() => setPolicy({ subsidies: subsidies.filter((_, j) => j !== i) })} data-testid="subsidy-remove">
                    {t('policy.remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <button type="button" className="button" onClick={() => setPolicy({ subsidies: [...subsidies, { fromTier: policy.tiers[0] ?? 100, amount: 0 }] })} data-testid="subsidy-add">
        {t('policy.add')}
      </button>
      {kept.length > 0 && (
        <p className="muted small" data-testid="policy-kept">
          {t('policy.kept', { fields: kept.join('、') })}
        </p>
      )}
    </div>
  );
}
