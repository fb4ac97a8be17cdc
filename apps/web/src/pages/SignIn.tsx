import { useId, useState } from 'react';
import { api, messageOf } from '../api/client';
import { field } from '../form-data';
import { session } from '../api/session';
import { navigate } from '../router';
import { googleSignInOffered } from '../server-features';

/** Sign in, or create an account; Google sign-in appears when the server offers it. */
export function SignIn({ mode }: { mode: 'signin' | 'register' }): React.JSX.Element {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errorId = useId();
  const registering = mode === 'register';

  const submit = async (event: React.FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = field(form, 'email');
    const password = field(form, 'password');
    setBusy(true);
    setError(null);
    const answer = registering
      ? await api.POST('/api/auth/register', { body: { email, password, name: field(form, 'name') } })
      : await api.POST('/api/auth/login', { body: { email, password } });
    setBusy(false);
    if (answer.data) session.begin(answer.data.data, answer.data.data.user);
    else setError(messageOf(answer.error));
  };

  return (
    <section className="narrow" aria-labelledby="auth-title">
      <h1 id="auth-title">{registering ? 'Create your account' : 'Sign in'}</h1>
      <form onSubmit={(event) => void submit(event)} aria-describedby={error ? errorId : undefined} noValidate={false}>
        {registering && (
          <label>
            Name
            <input name="name" autoComplete="name" required maxLength={100} />
          </label>
        )}
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete={registering ? 'new-password' : 'current-password'} required minLength={registering ? 8 : 1} />
        </label>
        {error && (
          <p id={errorId} className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {registering ? 'Create account' : 'Sign in'}
        </button>
      </form>
      {googleSignInOffered() && (
        <p>
          <a className="button secondary" href="/api/auth/google">
            Sign in with Google
          </a>
        </p>
      )}
      <p>
        {registering ? 'Already have an account? ' : 'New here? '}
        <a
          href={registering ? '/signin' : '/register'}
          onClick={(event) => {
            event.preventDefault();
            setError(null);
            navigate(registering ? '/signin' : '/register');
          }}
        >
          {registering ? 'Sign in' : 'Create an account'}
        </a>
      </p>
    </section>
  );
}
