import { useEffect, useState } from 'react';
import { Route, Routes } from 'react-router';
import { whenSignedOut } from './api/client';
import { loadSession } from './api/session';
import { Layout } from './components/Layout';
import { ProjectProvider } from './components/project-context';
import { AuditScreen } from './screens/AuditScreen';
import { DatabaseLayout } from './screens/DatabaseLayout';
import { DefinitionsScreen } from './screens/database/DefinitionsScreen';
import { ImportScreen } from './screens/database/ImportScreen';
import { ManifestScreen } from './screens/database/ManifestScreen';
import { OverviewScreen } from './screens/database/OverviewScreen';
import { SettingsScreen } from './screens/database/SettingsScreen';
import { FleetScreen } from './screens/FleetScreen';
import { MembersScreen } from './screens/MembersScreen';
import { NotFoundScreen } from './screens/NotFoundScreen';
import { RegisterDatabaseScreen } from './screens/RegisterDatabaseScreen';
import { CreateAccountScreen } from './screens/CreateAccountScreen';
import { SignInScreen } from './screens/SignInScreen';

export function App() {
  const [signedIn, setSignedIn] = useState(() => loadSession() !== null);
  // An invitation link (`?invitation=iri_...`) opens the account form with its token.
  const [invitation] = useState(() => new URLSearchParams(window.location.search).get('invitation') ?? '');
  const [creatingAccount, setCreatingAccount] = useState(invitation !== '');
  useEffect(() => whenSignedOut(() => setSignedIn(false)), []);

  if (!signedIn && creatingAccount)
    return <CreateAccountScreen invitation={invitation} onSignedIn={() => setSignedIn(true)} onSignIn={() => setCreatingAccount(false)} />;
  if (!signedIn) return <SignInScreen onSignedIn={() => setSignedIn(true)} onCreateAccount={() => setCreatingAccount(true)} />;
  return (
    <ProjectProvider>
      <Layout>
        <Routes>
          <Route index element={<FleetScreen />} />
          <Route path="databases/new" element={<RegisterDatabaseScreen />} />
          <Route path="databases/:id" element={<DatabaseLayout />}>
            <Route index element={<OverviewScreen />} />
            <Route path="definitions" element={<DefinitionsScreen />} />
            <Route path="manifest" element={<ManifestScreen />} />
            <Route path="import" element={<ImportScreen />} />
            <Route path="settings" element={<SettingsScreen />} />
          </Route>
          <Route path="audit" element={<AuditScreen />} />
          <Route path="members" element={<MembersScreen />} />
          <Route path="*" element={<NotFoundScreen />} />
        </Routes>
      </Layout>
    </ProjectProvider>
  );
}
