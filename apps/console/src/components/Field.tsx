import type { ReactNode } from 'react';
import { ApiError } from '../api/client';

/**
 * The API's issues about `field` (its dotted path, or a path under it: `keys.0` covers `keys.0.field`);
 * `exact`, only those about the field itself (`keys`: the key pattern as a whole).
 */
export function issuesOf(error: Error | undefined, field: string, exact = false): string[] {
  if (!(error instanceof ApiError)) return [];
  return error.issues
    .filter((issue) => issue.field === field || (!exact && issue.field.startsWith(`${field}.`)))
    .map((issue) => issue.message);
}

/** What a control inside a `Field` carries so that its label, hint and errors are read with it. */
export interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
}

interface Props {
  id: string;
  label: string;
  /** The API's name of the field (dotted path): its issues show under the control. */
  field?: string;
  error?: Error;
  /** Issues found before asking the API (JSON that does not parse). */
  local?: string[];
  hint?: string;
  inline?: boolean;
  children(control: ControlProps): ReactNode;
}

/** A labelled control with its hint and its errors, both named in aria-describedby. */
export function Field({ id, label, field, error, local = [], hint, inline, children }: Props) {
  const messages = [...local, ...(field ? issuesOf(error, field) : [])];
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : '', messages.length ? errorId : ''].filter(Boolean).join(' ');
  const control: ControlProps = { id };
  if (describedBy) control['aria-describedby'] = describedBy;
  if (messages.length) control['aria-invalid'] = true;
  const labelElement = <label htmlFor={id}>{label}</label>;
  return (
    <div className={inline ? 'field inline' : 'field'}>
      {inline ? (
        <>
          {children(control)}
          {labelElement}
        </>
      ) : (
        <>
          {labelElement}
          {hint && (
            <span id={hintId} className="hint">
              {hint}
            </span>
          )}
          {children(control)}
        </>
      )}
      {inline && hint && (
        <span id={hintId} className="hint">
          {hint}
        </span>
      )}
      {messages.length > 0 && (
        <p id={errorId} className="field-error">
          {messages.join('; ')}
        </p>
      )}
    </div>
  );
}
