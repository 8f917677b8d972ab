import { useState, type FormEvent } from 'react';
import { register, signIn } from '../api/client';
import { ErrorMessage } from '../components/ErrorMessage';
import { Field } from '../components/Field';
import { useAction } from '../hooks';

/**
 * `POST /auth/register`, then signing in with the same credentials. The first account of an empty system
 * needs no invitation and administers it; after that the system's registration policy decides (an
 * invitation is bound to its email address). An invitation link (`/console/?invitation=iri_...`) opens
 * this screen with its token filled in.
 */
export function CreateAccountScreen({ invitation, onSignedIn, onSignIn }: { invitation: string; onSignedIn(): void; onSignIn(): void }) {
  const [form, setForm] = useState({ email: '', username: '', name: '', password: '', invitation });
  const create = useAction();
  const set = (changes: Partial<typeof form>) => setForm((previous) => ({ ...previous, ...changes }));
  const { busy, error } = create;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const created = await create.run(async () => {
      await register({
        email: form.email,
        username: form.username,
        password: form.password,
        ...(form.name ? { name: form.name } : {}),
        ...(form.invitation ? { invitation: form.invitation } : {}),
      });
      await signIn(form.username, form.password);
    });
    if (created) onSignedIn();
  };

  return (
    <main id="main" className="sign-in">
      <h1>Index Registry</h1>
      <form onSubmit={(event) => void submit(event)} aria-labelledby="create-account-title" noValidate>
        <h2 id="create-account-title">Create an account</h2>
        <Field id="account-email" label="Email" field="email" error={error}>
          {(control) => (
            <input
              {...control}
              type="email"
              autoComplete="email"
              required
              value={form.email}
              onChange={(e) => set({ email: e.target.value })}
            />
          )}
        </Field>
        <Field id="account-username" label="Username" field="username" error={error}>
          {(control) => (
            <input
              {...control}
              autoComplete="username"
              required
              value={form.username}
              onChange={(e) => set({ username: e.target.value })}
            />
          )}
        </Field>
        <Field id="account-name" label="Name (optional)" field="name" error={error}>
          {(control) => <input {...control} autoComplete="name" value={form.name} onChange={(e) => set({ name: e.target.value })} />}
        </Field>
        <Field
          id="account-password"
          label="Password"
          field="password"
          error={error}
          hint="At least 12 characters, hard to guess, without your username or email."
        >
          {(control) => (
            <input
              {...control}
              type="password"
              autoComplete="new-password"
              required
              value={form.password}
              onChange={(e) => set({ password: e.target.value })}
            />
          )}
        </Field>
        <Field
          id="account-invitation"
          label="Invitation (optional)"
          field="invitation"
          error={error}
          hint="The iri_… token an administrator gave you; the first account of a new system needs none."
        >
          {(control) => (
            <input {...control} autoComplete="off" value={form.invitation} onChange={(e) => set({ invitation: e.target.value.trim() })} />
          )}
        </Field>
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create account'}
        </button>
        <p>
          <button type="button" className="link" onClick={onSignIn}>
            I have an account: sign in
          </button>
        </p>
      </form>
    </main>
  );
}
