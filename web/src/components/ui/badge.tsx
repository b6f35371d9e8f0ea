import type { ReactNode } from 'react';

export type BadgeTone = 'info' | 'ok' | 'warn' | 'danger' | 'muted';

/** A small coloured label; the text always carries the meaning, the colour only repeats it. */
export function Badge({
  tone,
  children,
  testId,
  title,
  data,
}: {
  tone: BadgeTone;
  children: ReactNode;
  testId?: string;
  title?: string;
  /** Rendered as `data-status`, for tests and styling. */
  data?: string;
}) {
  return (
    <span className={`badge badge-tone-${tone}`} data-testid={testId} data-status={data} title={title}>
      {children}
    </span>
  );
}
