import { Forbidden } from '../../components/ui/forbidden';
import { useCan } from '../../lib/auth';
import { AuditPage } from '../../features/audit/components/audit-page';

export function AuditRoute() {
  return useCan('audit.read') ? <AuditPage /> : <Forbidden />;
}
