import type { ReactNode } from 'react';
import { NavLink } from 'react-router';
import { signOut } from '../api/client';
import { loadSession } from '../api/session';
import { ProjectSwitcher } from './ProjectSwitcher';

export function Layout({ children }: { children: ReactNode }) {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top-bar">
        <span className="brand">Index Registry</span>
        <nav aria-label="Main">
          <NavLink to="/" end>
            Fleet
          </NavLink>
          <NavLink to="/audit">Audit log</NavLink>
          <NavLink to="/members">Members</NavLink>
        </nav>
        <ProjectSwitcher />
        <span className="user">Signed in as {loadSession()?.username}</span>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
