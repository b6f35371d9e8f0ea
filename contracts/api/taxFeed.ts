// Response shapes of the tax-feed routes (server/taxFeed/routes.ts), for /api/openapi.json. The types
// are contracts/taxFeed.ts's; the assertions at the bottom keep these schemas from drifting away from them.
import { z } from 'zod';
import type { ImportTaxFeedResult, TaxFeedImportSummary, TaxFeedInboxStatus } from '../taxFeed';
import { TAX_FEED_ENCODINGS, type TaxFeedError } from '../../domain/taxFeed';

export const ImportTaxFeedResultDto = z.object({
  importId: z.string(),
  status: z.enum(['imported', 'duplicate']),
  rows: z.number(),
  asOf: z.string(),
  encoding: z.enum(TAX_FEED_ENCODINGS),
  unitsUpdated: z.number(),
});

export const TaxFeedImportDto = z.object({
  id: z.string(),
  fileName: z.string(),
  encoding: z.string(),
  rows: z.number(),
  asOf: z.string(),
  source: z.string(),
  actor: z.string(),
  /** ISO instant (a Date in the service's answer, serialised by res.json). */
  importedAt: z.string(),
});

export const TaxFeedInboxStatusDto = z.object({ scheduleId: z.string(), paused: z.boolean(), nextRunAt: z.string().nullable(), lastRunAt: z.string().nullable() });
export const TaxFeedOverviewDto = z.object({ imports: z.array(TaxFeedImportDto), inbox: TaxFeedInboxStatusDto.nullable() });

/** A refused file's problem: `errors` are the file's lines and columns, not plan paths. */
export const TaxFeedErrorDto = z.object({ file: z.string(), line: z.number().nullable(), column: z.string().nullable(), value: z.string().nullable(), reason: z.string() });
export const TaxFeedProblemDto = z.object({ type: z.string(), title: z.string(), status: z.number(), detail: z.string().optional(), errors: z.array(TaxFeedErrorDto).optional() });

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const assertSame = <T extends true>(): T | undefined => undefined;
assertSame<Same<z.infer<typeof ImportTaxFeedResultDto>, ImportTaxFeedResult>>();
assertSame<Same<z.infer<typeof TaxFeedImportDto>, Omit<TaxFeedImportSummary, 'importedAt'> & { importedAt: string }>>();
assertSame<Same<z.infer<typeof TaxFeedInboxStatusDto>, TaxFeedInboxStatus>>();
assertSame<Same<z.infer<typeof TaxFeedErrorDto>, TaxFeedError>>();
