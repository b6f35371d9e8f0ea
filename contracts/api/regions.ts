// 区划: the regions the app knows (the units of its campaigns, one per code) inside the caller's own
// region, found by name or code for a picker, or named by their codes (an escalation's 已通知 list).
import { z } from 'zod';

export const RegionsQuerySchema = z
  .object({
    /** Part of a name (蓬江) or the first digits of a code (4407). */
    q: z.string().trim().max(50).optional(),
    /** Codes to name, comma-separated (at most 200). */
    codes: z
      .string()
      .max(200 * 13)
      .regex(/^[\d,]*$/, '区划代码应为数字，多个以逗号分隔')
      .optional(),
  })
  .strict();
export type RegionsQuery = z.infer<typeof RegionsQuerySchema>;

export const RegionDto = z.object({
  code: z.string(),
  name: z.string(),
  level: z.string(),
  /** The names above it, highest first (广东省 › 江门市), as far as the app knows them. */
  path: z.array(z.string()),
});
export type RegionView = z.infer<typeof RegionDto>;

export const RegionsDto = z.object({ items: z.array(RegionDto), truncated: z.boolean() });
export type RegionsView = z.infer<typeof RegionsDto>;
