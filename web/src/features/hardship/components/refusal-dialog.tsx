// 登记拒绝参保: only after repeated visits (at least two) and with a written statement from the
// person, their guardian or the village committee, scanned or photographed (PDF, JPEG or PNG, at
// most 5 MB). The statement travels as base64 in the JSON body; the person is named by the result's
// opaque id, never by ID number.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ErrorMessage } from '../../../components/ui/error-message';
import type { RecordRefusalRequest, RefusalStatementBy, ResultView } from '../../../types/api';
import { readBase64 } from '../api/hardship-api';
import { useRecordRefusal } from '../api/record-refusal';
import { useHardshipI18n } from '../i18n';
import { keysOf, STATEMENT_LABELS } from '../labels';

const STATEMENT_BY = keysOf(STATEMENT_LABELS);
/** As the server's EVIDENCE_MAX_BYTES and EVIDENCE_TYPES (server/hardshipDto.ts). */
const EVIDENCE_MAX_BYTES = 5 * 1024 * 1024;
const EVIDENCE_TYPES: Record<string, RecordRefusalRequest['evidence']['contentType']> = {
  'application/pdf': 'application/pdf',
  'image/jpeg': 'image/jpeg',
  'image/png': 'image/png',
};
const BY_EXTENSION: Record<string, RecordRefusalRequest['evidence']['contentType']> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
};

function contentTypeOf(file: File): RecordRefusalRequest['evidence']['contentType'] | null {
  return EVIDENCE_TYPES[file.type] ?? BY_EXTENSION[file.name.split('.').pop()?.toLowerCase() ?? ''] ?? null;
}

export function RefusalDialog({
  campaignId,
  runId,
  result,
  onClose,
}: {
  campaignId: string;
  runId: string;
  result: ResultView;
  onClose: (recorded: boolean) => void;
}) {
  const { t } = useHardshipI18n();
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const [statementBy, setStatementBy] = useState<RefusalStatementBy>('person');
  const [visits, setVisits] = useState('2');
  const [note, setNote] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [reading, setReading] = useState(false);
  const record = useRecordRefusal({ mutationConfig: { onSuccess: () => onClose(true) } });

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found: string[] = [];
    const v = Number(visits);
    if (!Number.isInteger(v) || v < 2) found.push(t('refusal.check.visits'));
    if (!file) found.push(t('refusal.check.file'));
    const type = file ? contentTypeOf(file) : null;
    if (file && !type) found.push(t('refusal.check.type'));
    if (file && file.size > EVIDENCE_MAX_BYTES) found.push(t('refusal.check.size'));
    if (file && file.size === 0) found.push(t('refusal.check.empty'));
    setProblems(found);
    if (found.length > 0 || !file || !type) return;
    setReading(true);
    let dataBase64: string;
    try {
      dataBase64 = await readBase64(file);
    } catch {
      setProblems([t('refusal.check.read')]);
      return;
    } finally {
      setReading(false);
    }
    record.mutate({
      campaignId,
      data: {
        runId,
        resultId: result.resultId,
        statementBy,
        visits: v,
        note: note.trim(),
        evidence: { fileName: file.name.slice(-200), contentType: type, dataBase64 },
      },
    });
  };

  return (
    <dialog
      ref={dialog}
      aria-labelledby={`${id}-title`}
      onCancel={(e) => {
        e.preventDefault();
        onClose(false);
      }}
      style={{ maxWidth: 560, width: '90vw', border: '1px solid var(--line)', borderRadius: 8, padding: 20 }}
      data-testid="refusal-dialog"
    >
      <form onSubmit={(e) => void submit(e)} noValidate>
        <h2 id={`${id}-title`}>{t('refusal.title')}</h2>
        <p>
          {t('refusal.person', { name: result.name, id: result.idMasked, village: result.villageName ?? result.villageCode ?? '' })}
        </p>
        <p className="muted small">{t('refusal.help')}</p>
        <fieldset className="field" style={{ border: 'none', padding: 0 }}>
          <legend className="small muted">{t('refusal.by')}</legend>
          {STATEMENT_BY.map((k) => (
            <label key={k} className="field-inline" style={{ display: 'flex', marginBottom: 4 }}>
              <input
                type="radio"
                name={`${id}-by`}
                value={k}
                checked={statementBy === k}
                onChange={() => setStatementBy(k)}
                data-testid={`refusal-by-${k}`}
              />
              <span>{t(STATEMENT_LABELS[k])}</span>
            </label>
          ))}
        </fieldset>
        <label className="field">
          <span>{t('refusal.visits')}</span>
          <input type="number" min={2} step={1} value={visits} onChange={(e) => {
              setVisits(e.target.value);
              setProblems([]);
            }} data-testid="refusal-visits" />
        </label>
        <label className="field">
          <span>{t('refusal.note')}</span>
          <textarea rows={3} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('refusal.note.placeholder')} data-testid="refusal-note" />
        </label>
        <label className="field">
          <span>{t('refusal.file')}</span>
          <input
            type="file"
            accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setProblems([]);
            }}
            data-testid="refusal-file"
          />
        </label>
        {/* On a phone: photograph the signed statement on the spot (the back camera opens directly). */}
        <label className="field field-camera">
          <span>{t('refusal.camera')}</span>
          <input
            type="file"
            accept="image/*"
            capture="environment"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setProblems([]);
            }}
            data-testid="refusal-camera"
          />
        </label>
        {problems.length > 0 && (
          <ul className="field-error" role="alert" data-testid="refusal-problems">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
        {record.isError && <ErrorMessage error={record.error} testId="refusal-error" />}
        <div className="form-actions">
          <button type="button" className="button" onClick={() => onClose(false)} data-testid="refusal-cancel">
            {t('cancel')}
          </button>
          <button type="submit" className="button button-danger" disabled={record.isPending || reading} data-testid="refusal-submit">
            {record.isPending || reading ? t('pending') : t('refusal.submit')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
