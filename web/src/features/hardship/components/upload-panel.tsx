// 导入名单: pick the kind of list and a file (CSV or XLSX), upload it, check which column holds which
// field, then start the import. When the header row does not name every field unambiguously the
// official picks the columns; the choice travels as `override` (field -> column index). A workbook with
// several sheets offers them in a select: choosing another sends the file again with `sheet`, and the
// server reads that sheet's header. What the server warns of (rows hidden in Excel, a hidden sheet)
// and why columns may not have been found (the list on another sheet, a misread delimiter) are shown.
import { useId, useRef, useState, type FormEvent } from 'react';
import { ErrorMessage } from '../../../components/ui/error-message';
import { ProgressBar } from '../../../components/ui/progress-bar';
import { formatNumber } from '../../../lib/format';
import type { HardshipCategoryKey, ListKind, StartImportResult, UploadView } from '../../../types/api';
import { useStartImport } from '../api/start-import';
import { useUploadFile } from '../api/upload-file';
import { useHardshipI18n } from '../i18n';
import { CATEGORY_LABELS, keysOf, LIST_LABELS } from '../labels';
import { formatBytes } from '../format';

const LISTS = keysOf(LIST_LABELS);
const CATEGORIES = keysOf(CATEGORY_LABELS);
/** Departments that issue hardship lists, offered as suggestions; any other may be typed. */
const DEPARTMENTS = ['民政局', '残疾人联合会', '农业农村局', '乡村振兴局', '退役军人事务局'];
const ACCEPT = '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type Columns = Record<string, number | undefined>;

/** The server's columns where it found them; a header equal to a field's label fills a gap. */
function initialColumns(upload: UploadView): Columns {
  const columns: Columns = {};
  const unsure = new Set([...(upload.mapping.missing ?? []), ...(upload.mapping.ambiguous ?? [])]);
  for (const f of upload.fields) {
    const found = upload.mapping.columns?.[f.key];
    if (found !== undefined) columns[f.key] = found;
    else if (!unsure.has(f.key)) {
      const i = upload.headers.findIndex((h) => h.trim() === f.label);
      if (i >= 0) columns[f.key] = i;
    }
  }
  return columns;
}

const sameColumns = (a: Columns, b: Columns) => Object.keys({ ...a, ...b }).every((k) => a[k] === b[k]);

export function UploadPanel({
  campaignId,
  onStarted,
}: {
  campaignId: string;
  /** With whether a screening was asked for once the list is stored. */
  onStarted: (result: StartImportResult, screenAfter: boolean) => void;
}) {
  const { t, language } = useHardshipI18n();
  const id = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [list, setList] = useState<ListKind>('roster');
  const [category, setCategory] = useState<HardshipCategoryKey | ''>('');
  const [department, setDepartment] = useState('');
  const [listDate, setListDate] = useState('');
  const [screenAfter, setScreenAfter] = useState(true);
  const [file, setFile] = useState<File | null>(null);
  const [sent, setSent] = useState(0);
  const [upload, setUpload] = useState<UploadView | null>(null);
  const [columns, setColumns] = useState<Columns>({});
  const [problems, setProblems] = useState<string[]>([]);
  const [existing, setExisting] = useState(false);

  const uploadFile = useUploadFile({
    mutationConfig: {
      onSuccess: (u) => {
        setUpload(u);
        setColumns(initialColumns(u));
      },
    },
  });
  const startImport = useStartImport({
    mutationConfig: {
      onSuccess: (result, input) => {
        setExisting(!result.created);
        setUpload(null);
        setFile(null);
        setColumns({});
        uploadFile.reset();
        if (fileInput.current) fileInput.current.value = '';
        onStarted(result, input.data.screenAfter ?? false);
      },
    },
  });

  const reset = () => {
    setUpload(null);
    setColumns({});
    setProblems([]);
    setExisting(false);
    uploadFile.reset();
    startImport.reset();
  };

  const send = (sheet?: number) => {
    if (!file) {
      setProblems([t('upload.check.file')]);
      return;
    }
    setProblems([]);
    setSent(0);
    reset();
    uploadFile.mutate({ campaignId, list, file, sheet, onProgress: setSent });
  };

  const fieldLabel = (key: string) => upload?.fields.find((f) => f.key === key)?.label ?? key;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!upload) return;
    const found: string[] = [];
    if (upload.list === 'hardship') {
      if (!category) found.push(t('upload.check.category'));
      if (!department.trim()) found.push(t('upload.check.department'));
      if (!listDate) found.push(t('upload.check.listDate'));
    }
    for (const f of upload.fields) if (f.required && columns[f.key] === undefined) found.push(t('mapping.check.required', { field: f.label }));
    const byColumn = new Map<number, string[]>();
    for (const f of upload.fields) {
      const c = columns[f.key];
      if (c !== undefined) byColumn.set(c, [...(byColumn.get(c) ?? []), f.label]);
    }
    for (const [c, labels] of byColumn)
      if (labels.length > 1) found.push(t('mapping.check.twice', { column: upload.headers[c] ?? String(c + 1), fields: labels.join('、') }));
    setProblems(found);
    if (found.length > 0) return;

    // Sent only when the official chose or changed columns: otherwise the server's own matching stands.
    const changed = !upload.mapping.ok || !sameColumns(columns, upload.mapping.columns ?? {});
    const override = changed
      ? Object.fromEntries(Object.entries(columns).filter((e): e is [string, number] => e[1] !== undefined))
      : undefined;
    startImport.mutate({
      campaignId,
      data: {
        uploadId: upload.uploadId,
        list: upload.list as 'roster' | 'hardship', // this panel uploads rosters and hardship lists only
        ...(upload.list === 'hardship' ? { category: category || undefined, department: department.trim(), listDate } : {}),
        ...(override ? { override } : {}),
        ...(upload.sheet ? { sheet: upload.sheet.index } : {}),
        screenAfter,
      },
    });
  };

  const unsure = (key: string) =>
    upload?.mapping.missing?.includes(key) ? 'missing' : upload?.mapping.ambiguous?.includes(key) ? 'ambiguous' : null;

  return (
    <div className="hardship-upload" data-testid="hardship-upload">
      <div className="field-row">
        <label className="field" htmlFor={`${id}-list`}>
          <span>{t('upload.list')}</span>
          <select
            id={`${id}-list`}
            value={list}
            onChange={(e) => {
              setList(e.target.value as ListKind);
              reset();
            }}
            data-testid="upload-list"
          >
            {LISTS.map((k) => (
              <option key={k} value={k}>
                {t(LIST_LABELS[k])}
              </option>
            ))}
          </select>
        </label>
        {list === 'hardship' && (
          <>
            <label className="field">
              <span>{t('upload.category')}</span>
              <select value={category} onChange={(e) => setCategory(e.target.value as HardshipCategoryKey | '')} data-testid="upload-category">
                <option value="">{t('upload.category.choose')}</option>
                {CATEGORIES.map((k) => (
                  <option key={k} value={k}>
                    {t(CATEGORY_LABELS[k])}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>{t('upload.department')}</span>
              <input
                value={department}
                onChange={(e) => setDepartment(e.target.value)}
                list={`${id}-departments`}
                maxLength={100}
                placeholder={t('upload.department.placeholder')}
                data-testid="upload-department"
              />
              <datalist id={`${id}-departments`}>
                {DEPARTMENTS.map((d) => (
                  <option key={d} value={d} />
                ))}
              </datalist>
            </label>
            <label className="field">
              <span>{t('upload.listDate')}</span>
              <input type="date" value={listDate} onChange={(e) => setListDate(e.target.value)} data-testid="upload-list-date" />
            </label>
          </>
        )}
      </div>
      <p className="muted small">{t(list === 'roster' ? 'upload.help.roster' : 'upload.help.hardship')}</p>
      <div className="field-row">
        <label className="field" htmlFor={`${id}-file`}>
          <span>{t('upload.file')}</span>
          <input
            ref={fileInput}
            id={`${id}-file`}
            type="file"
            accept={ACCEPT}
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              reset();
            }}
            data-testid="upload-file"
          />
        </label>
      </div>
      <div className="form-actions">
        {file && (
          <span className="muted small" data-testid="upload-file-size">
            {t('upload.selected', { name: file.name, size: formatBytes(file.size, language) })}
          </span>
        )}
        <button type="button" className="button button-primary" onClick={() => send()} disabled={uploadFile.isPending || !file} data-testid="upload-send">
          {uploadFile.isPending ? t('upload.sending') : t('upload.send')}
        </button>
      </div>
      {uploadFile.isPending && (
        <div data-testid="upload-progress">
          <ProgressBar value={sent} />
        </div>
      )}
      {uploadFile.isError && <ErrorMessage error={uploadFile.error} testId="upload-error" />}
      {existing && (
        <p className="alert alert-info" role="status" data-testid="import-existing">
          {t('import.existing')}
        </p>
      )}

      {upload && (
        <form onSubmit={submit} noValidate data-testid="upload-mapping" data-ok={upload.mapping.ok}>
          <p data-testid="upload-summary">
            {t('upload.done', {
              name: upload.fileName,
              size: formatBytes(upload.sizeBytes, language),
              kind: upload.fileKind.toUpperCase(),
              columns: formatNumber(upload.headers.length, language),
            })}
          </p>
          {upload.sheets.length > 1 && (
            <div className="field-row">
              <label className="field" htmlFor={`${id}-sheet`}>
                <span>{t('upload.sheet')}</span>
                <select
                  id={`${id}-sheet`}
                  value={upload.sheet?.index ?? ''}
                  onChange={(e) => send(Number(e.target.value))}
                  disabled={uploadFile.isPending}
                  data-testid="upload-sheet"
                >
                  {upload.sheets.map((s) => (
                    <option key={s.index} value={s.index}>
                      {t('upload.sheet.option', { n: s.index + 1, name: s.name })}
                      {s.hidden ? t('upload.sheet.hidden') : ''}
                      {s.rows !== null ? t('upload.sheet.rows', { rows: formatNumber(s.rows, language) }) : ''}
                    </option>
                  ))}
                </select>
              </label>
              <p className="muted small">{t('upload.sheet.help')}</p>
            </div>
          )}
          {upload.warnings.length > 0 && (
            <div className="alert alert-warn" role="status" data-testid="upload-warnings">
              <p>{t('upload.warnings')}</p>
              <ul>
                {upload.warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            </div>
          )}
          {upload.mapping.ok ? (
            <p className="alert alert-ok" data-testid="mapping-ok">
              {t('mapping.ok')}
            </p>
          ) : (
            <div className="alert alert-warn" role="alert" data-testid="mapping-problem">
              <p>{t('mapping.notOk')}</p>
              <ul>
                {(upload.mapping.missing ?? []).length > 0 && (
                  <li>{t('mapping.missing', { fields: (upload.mapping.missing ?? []).map(fieldLabel).join('、') })}</li>
                )}
                {(upload.mapping.ambiguous ?? []).length > 0 && (
                  <li>{t('mapping.ambiguous', { fields: (upload.mapping.ambiguous ?? []).map(fieldLabel).join('、') })}</li>
                )}
              </ul>
              {(upload.mapping.hints ?? []).length > 0 && (
                <>
                  <p>{t('mapping.hints')}</p>
                  <ul data-testid="mapping-hints">
                    {(upload.mapping.hints ?? []).map((h) => (
                      <li key={h}>{h}</li>
                    ))}
                  </ul>
                </>
              )}
            </div>
          )}
          <div className="table-wrap">
            <table className="table" data-testid="mapping-table">
              <thead>
                <tr>
                  <th>{t('mapping.col.field')}</th>
                  <th>{t('mapping.col.column')}</th>
                </tr>
              </thead>
              <tbody>
                {upload.fields.map((f) => {
                  const state = unsure(f.key);
                  return (
                    <tr key={f.key} data-testid={`mapping-row-${f.key}`} data-state={state ?? 'found'}>
                      <td>
                        {f.label}
                        {f.required ? <span className="danger-text"> *</span> : <span className="muted small"> {t('mapping.optional')}</span>}
                        {state && <div className="warn-text small">{t(state === 'missing' ? 'mapping.state.missing' : 'mapping.state.ambiguous')}</div>}
                      </td>
                      <td>
                        <select
                          value={columns[f.key] ?? ''}
                          onChange={(e) => setColumns({ ...columns, [f.key]: e.target.value === '' ? undefined : Number(e.target.value) })}
                          aria-label={t('mapping.pick', { field: f.label })}
                          aria-invalid={(f.required && columns[f.key] === undefined) || undefined}
                          data-testid={`mapping-select-${f.key}`}
                        >
                          <option value="">{f.required ? t('mapping.choose') : t('mapping.none')}</option>
                          {upload.headers.map((h, i) => (
                            <option key={i} value={i}>
                              {t('mapping.header', { n: i + 1, header: h.trim() || t('mapping.blankHeader') })}
                            </option>
                          ))}
                        </select>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {problems.length > 0 && (
            <ul className="field-error" role="alert" data-testid="upload-problems">
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
          {startImport.isError && <ErrorMessage error={startImport.error} testId="import-start-error" />}
          <div className="form-actions">
            <label className="field field-inline">
              <input type="checkbox" checked={screenAfter} onChange={(e) => setScreenAfter(e.target.checked)} data-testid="upload-screen-after" />
              <span>{t('upload.screenAfter')}</span>
            </label>
            <button type="button" className="button" onClick={reset}>
              {t('upload.discard')}
            </button>
            <button type="submit" className="button button-primary" disabled={startImport.isPending} data-testid="import-start">
              {startImport.isPending ? t('pending') : t('import.start')}
            </button>
          </div>
        </form>
      )}
      {!upload && problems.length > 0 && (
        <ul className="field-error" role="alert" data-testid="upload-problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
