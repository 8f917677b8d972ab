import { useState } from 'react';

interface Props {
  /** The first button's words: "Delete database…". */
  label: string;
  /** What the confirmation asks, naming the thing: "Delete orders.status_1?". */
  question: string;
  /** The confirming button's words, naming it too: "Delete status_1". */
  confirm: string;
  busy?: boolean;
  onConfirm(): void;
}

/**
 * A destructive action in two steps: the first button asks, naming what goes; the confirming
 * button names it again. The safe choice (Cancel) takes the focus, so Enter pressed twice deletes nothing.
 */
export function ConfirmButton({ label, question, confirm, busy, onConfirm }: Props) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button type="button" className="danger" onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  return (
    <span role="group" aria-label={question} className="confirm">
      <span>{question}</span>{' '}
      <button type="button" className="danger" disabled={busy} onClick={onConfirm}>
        {confirm}
      </button>{' '}
      <button type="button" className="secondary" autoFocus onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
