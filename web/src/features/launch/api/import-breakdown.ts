import { useMutation } from '@tanstack/react-query';
import { rawBody } from '../../../../../client';
import { api } from '../../../lib/api-client';
import type { MutationConfig } from '../../../lib/react-query';
import type { BreakdownRow } from '../model';

export interface BreakdownImport {
  rows: BreakdownRow[];
  sheet: string | null;
}

/**
 * 任务分解表 (XLSX or CSV) read by the server: its rows, or a 400 whose issues name each bad row's row,
 * column and reason. Nothing is stored; the rows join the plan being built.
 */
export const importBreakdown = ({ file, regionCode }: { file: File; regionCode: string }): Promise<BreakdownImport> =>
  api.post<BreakdownImport>(`/api/plans/breakdown?region=${encodeURIComponent(regionCode)}`, rawBody(file, 'application/octet-stream'));

export const useImportBreakdown = ({ mutationConfig }: { mutationConfig?: MutationConfig<typeof importBreakdown> } = {}) =>
  useMutation({ ...mutationConfig, mutationFn: importBreakdown });
