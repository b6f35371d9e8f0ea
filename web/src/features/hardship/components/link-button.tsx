import type { ReactNode } from 'react';

/** An action that reads as a link (drill down, show results) but changes nothing in the address. */
export function LinkButton({
  onClick,
  children,
  testId,
  title,
  tone,
}: {
  onClick: () => void;
  children: ReactNode;
  testId?: string;
  title?: string;
  tone?: 'warn';
}) {
  return (
    <button
      type="button"
      className={tone === 'warn' ? 'link-button warn-text' : 'link-button'}
      style={tone ? undefined : { color: 'var(--accent)' }}
      onClick={(e) => {
        e.stopPropagation();
        onClick();
      }}
      title={title}
      data-testid={testId}
    >
      {children}
    </button>
  );
}
