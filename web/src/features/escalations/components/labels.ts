// The escalation vocabulary, one label per value. Records keyed by the server's unions: a value added
// there without a label here is a compile error.
import type { BadgeTone } from '../../../components/ui/badge';
import type { MessageKey } from '../../../lib/i18n';
import type { EscalationRung, EscalationStatus, EscalationStatusFilter, EscalationTrack } from '../../../types/api';

export const TRACK_LABELS: Record<EscalationTrack, MessageKey> = {
  'missed-report': 'escalation.track.missed-report',
  'behind-pace': 'escalation.track.behind-pace',
};

export const RUNG_LABELS: Record<EscalationRung, MessageKey> = {
  reminder: 'escalation.rung.reminder',
  warning: 'escalation.rung.warning',
  circular: 'escalation.rung.circular',
  supervision: 'escalation.rung.supervision',
  accountability: 'escalation.rung.accountability',
};

export const RUNG_TONES: Record<EscalationRung, BadgeTone> = {
  reminder: 'info',
  warning: 'warn',
  circular: 'danger',
  supervision: 'danger',
  accountability: 'danger',
};

export const STATUS_FILTER_LABELS: Record<EscalationStatusFilter, MessageKey> = {
  active: 'escalation.status.active',
  open: 'escalation.status.open',
  acknowledged: 'escalation.status.acknowledged',
  answered: 'escalation.status.answered',
  waived: 'escalation.status.waived',
  resolved: 'escalation.status.resolved',
};

export const STATUS_TONES: Record<EscalationStatus, BadgeTone> = {
  open: 'danger',
  acknowledged: 'warn',
  answered: 'info',
  waived: 'muted',
  resolved: 'ok',
};

export const keysOf = <K extends string>(record: Record<K, unknown>) => Object.keys(record) as K[];
