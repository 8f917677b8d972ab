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
import { SignInScreen } from './screens/SignInScreen';

export function App() {
  const [signedIn, setSignedIn] = useState(() => loadSession() !== null);
  useEffect(() => whenSignedOut(() => setSignedIn(false)), []);

  if (!signedIn) return <SignInScreen onSignedIn={() => setSignedIn(true)} />;
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
