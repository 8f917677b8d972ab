import { useState, type FormEvent } from 'react';
import { signIn } from '../api/client';
import { ErrorMessage } from '../components/ErrorMessage';

export function SignInScreen({ onSignedIn, onCreateAccount }: { onSignedIn(): void; onCreateAccount(): void }) {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(login, password);
      onSignedIn();
    } catch (caught) {
      setError(caught as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="sign-in">
      <h1>Index Registry</h1>
      <form onSubmit={(event) => void submit(event)} aria-labelledby="sign-in-title">
        <h2 id="sign-in-title">Sign in</h2>
        <div className="field">
          <label htmlFor="login">Username or email</label>
          <input id="login" name="login" autoComplete="username" required value={login} onChange={(e) => setLogin(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p>
          <button type="button" className="link" onClick={onCreateAccount}>
            Create an account
          </button>
        </p>
      </form>
    </main>
  );
}
