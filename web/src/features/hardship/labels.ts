// The screening vocabulary, one label per value. Records keyed by the server's unions: a value added
// there without a label here is a compile error.
import type { BadgeTone } from '../../components/ui/badge';
import type {
  HardshipCategoryKey,
  HardshipChange,
  HardshipOutcome,
  ImportStatus,
  IneligibleReason,
  ListKind,
  RefusalStatementBy,
  RunStatus,
} from '../../types/api';
import type { HardshipKey } from './i18n';

export const LIST_LABELS: Record<ListKind, HardshipKey> = {
  roster: 'list.roster',
  hardship: 'list.hardship',
  payments: 'list.payments',
};

export const CATEGORY_LABELS: Record<HardshipCategoryKey, HardshipKey> = {
  dibao: 'category.dibao',
  tekun: 'category.tekun',
  fanpin: 'category.fanpin',
  'severe-disability': 'category.severe-disability',
  'mental-intellectual': 'category.mental-intellectual',
  'special-care': 'category.special-care',
};

export const OUTCOME_LABELS: Record<HardshipOutcome, HardshipKey> = {
  covered: 'outcome.covered',
  'to-mobilise': 'outcome.to-mobilise',
  ineligible: 'outcome.ineligible',
  refused: 'outcome.refused',
};

export const OUTCOME_TONES: Record<HardshipOutcome, BadgeTone> = {
  covered: 'ok',
  'to-mobilise': 'warn',
  ineligible: 'muted',
  refused: 'danger',
};

export const REASON_LABELS: Record<IneligibleReason, HardshipKey> = {
  'not-local': 'reason.not-local',
  deceased: 'reason.deceased',
  'drawing-pension': 'reason.drawing-pension',
  'under-16': 'reason.under-16',
};

export const CHANGE_LABELS: Record<HardshipChange, HardshipKey> = {
  added: 'change.added',
  'categories-changed': 'change.categories-changed',
  'outcome-changed': 'change.outcome-changed',
};

export const STATEMENT_LABELS: Record<RefusalStatementBy, HardshipKey> = {
  person: 'refusal.by.person',
  guardian: 'refusal.by.guardian',
  'village-committee': 'refusal.by.village-committee',
};

export const IMPORT_STATUS_LABELS: Record<ImportStatus, HardshipKey> = {
  pending: 'import.status.pending',
  running: 'import.status.running',
  stored: 'import.status.stored',
  refused: 'import.status.refused',
  failed: 'import.status.failed',
  superseded: 'import.status.superseded',
};

export const IMPORT_STATUS_TONES: Record<ImportStatus, BadgeTone> = {
  pending: 'info',
  running: 'info',
  stored: 'ok',
  refused: 'danger',
  failed: 'danger',
  superseded: 'muted',
};

export const RUN_STATUS_LABELS: Record<RunStatus, HardshipKey> = {
  running: 'run.status.running',
  completed: 'run.status.completed',
  failed: 'run.status.failed',
};

export const RUN_STATUS_TONES: Record<RunStatus, BadgeTone> = {
  running: 'info',
  completed: 'ok',
  failed: 'danger',
};

export const keysOf = <K extends string>(record: Record<K, unknown>) => Object.keys(record) as K[];

/** A category key as the server sent it: its label when known, else the key itself. */
export function categoryLabelKey(key: string | null | undefined): HardshipKey | null {
  return key && key in CATEGORY_LABELS ? CATEGORY_LABELS[key as HardshipCategoryKey] : null;
}

