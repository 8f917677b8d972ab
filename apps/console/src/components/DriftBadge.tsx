export type DriftLabel = 'drifted' | 'failed' | 'in_sync' | 'never_compared';

const TEXT: Record<DriftLabel, string> = {
  drifted: 'Drifted',
  failed: 'Compare failed',
  in_sync: 'In sync',
  never_compared: 'Never compared',
};

export function DriftBadge({ state }: { state: DriftLabel }) {
  return <span className={`badge badge-${state}`}>{TEXT[state]}</span>;
}
