import { queryString } from '../../../lib/api-client';
import { useActionMutation } from '../../../lib/idempotency';
import type { MutationConfig } from '../../../lib/react-query';
import type { ListKind, UploadView } from '../../../types/api';
import { hardshipPath, postFile } from './hardship-api';

/** `sheet`: a workbook's sheet to read (its position from 0); by default the server reads the first visible one. */
export type UploadFileInput = { campaignId: string; list: ListKind; file: File; sheet?: number; onProgress?: (fraction: number) => void };

/**
 * 上传: the bytes as they are; the server keeps the file, reads its header row and answers which
 * column holds which field (or what it could not find). The name travels percent-encoded in a header.
 */
export const uploadFile = ({ campaignId, list, file, sheet, onProgress }: UploadFileInput, idempotencyKey?: string): Promise<UploadView> =>
  postFile<UploadView>(hardshipPath(campaignId, `/uploads${queryString({ list, sheet })}`), file, { 'X-File-Name': encodeURIComponent(file.name) }, onProgress, idempotencyKey);

export const useUploadFile = ({ mutationConfig }: { mutationConfig?: MutationConfig<typeof uploadFile> } = {}) =>
  // The same file sent again is the same action: identified by what it is, not by the File object.
  useActionMutation(uploadFile, mutationConfig, ({ campaignId, list, file, sheet }) => ({ campaignId, list, sheet, file: [file.name, file.size, file.lastModified] }));
