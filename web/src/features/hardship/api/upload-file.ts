import { queryString } from '../../../lib/api-client';
import { useActionMutation } from '../../../lib/idempotency';
import type { MutationConfig } from '../../../lib/react-query';
import type { ListKind, UploadView } from '../../../types/api';
import { hardshipPath, postFile } from './hardship-api';

export type UploadFileInput = { campaignId: string; list: ListKind; file: File; onProgress?: (fraction: number) => void };

/**
 * 上传: the bytes as they are; the server keeps the file, reads its header row and answers which
 * column holds which field (or what it could not find). The name travels percent-encoded in a header.
 */
export const uploadFile = ({ campaignId, list, file, onProgress }: UploadFileInput, idempotencyKey?: string): Promise<UploadView> =>
  postFile<UploadView>(hardshipPath(campaignId, `/uploads${queryString({ list })}`), file, { 'X-File-Name': encodeURIComponent(file.name) }, onProgress, idempotencyKey);

export const useUploadFile = ({ mutationConfig }: { mutationConfig?: MutationConfig<typeof uploadFile> } = {}) =>
  // The same file sent again is the same action: identified by what it is, not by the File object.
  useActionMutation(uploadFile, mutationConfig, ({ campaignId, list, file }) => ({ campaignId, list, file: [file.name, file.size, file.lastModified] }));
