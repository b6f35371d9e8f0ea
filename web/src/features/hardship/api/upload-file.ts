import { useMutation } from '@tanstack/react-query';
import { queryString } from '../../../lib/api-client';
import type { MutationConfig } from '../../../lib/react-query';
import type { ListKind, UploadView } from '../../../types/api';
import { hardshipPath, postFile } from './hardship-api';

/** `sheet`: a workbook's sheet to read (its position from 0); by default the server reads the first visible one. */
export type UploadFileInput = { campaignId: string; list: ListKind; file: File; sheet?: number; onProgress?: (fraction: number) => void };

/**
 * 上传: the bytes as they are; the server keeps the file, reads its header row and answers which
 * column holds which field (or what it could not find). The name travels percent-encoded in a header.
 */
export const uploadFile = ({ campaignId, list, file, sheet, onProgress }: UploadFileInput): Promise<UploadView> =>
  postFile<UploadView>(
    hardshipPath(campaignId, `/uploads${queryString({ list, sheet })}`),
    file,
    { 'X-File-Name': encodeURIComponent(file.name) },
    onProgress,
  );

export const useUploadFile = ({ mutationConfig }: { mutationConfig?: MutationConfig<typeof uploadFile> } = {}) =>
  useMutation({ ...mutationConfig, mutationFn: uploadFile });
