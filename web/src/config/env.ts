// Build-time environment, validated once. The console is normally served by the API on the same
// origin, so the API base is empty; a separate deployment can point it elsewhere.
// zod/mini keeps the validator out of the way of the bundle size.
import * as z from 'zod/mini';

const EnvSchema = z.object({
  API_BASE: z._default(
    z.string().check(
      z.refine((v) => v === '' || /^https?:\/\/|^\//.test(v), 'VITE_API_BASE must be an absolute URL or a path'),
    ),
    '',
  ),
});

function parseEnv() {
  const raw = Object.fromEntries(
    Object.entries(import.meta.env)
      .filter(([k]) => k.startsWith('VITE_'))
      .map(([k, v]) => [k.slice('VITE_'.length), v]),
  );
  const parsed = EnvSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `Invalid console environment:\n${parsed.error.issues.map((i) => `- VITE_${String(i.path[0])}: ${i.message}`).join('\n')}`,
    );
  }
  return { API_BASE: parsed.data.API_BASE.replace(/\/$/, '') };
}

export const env = parseEnv();
