import { useEffect, useState } from 'react';
import { Route, Routes } from 'react-router';
import { whenSignedOut } from './api/client';
import { loadSession } from './api/session';
import { Layout } from './components/Layout';
import { ProjectProvider } from './components/project-context';
import { AuditScreen } from './screens/AuditScreen';
import { DatabaseScreen } from './screens/DatabaseScreen';
import { FleetScreen } from './screens/FleetScreen';
import { NotFoundScreen } from './screens/NotFoundScreen';
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
          <Route path="databases/:id" element={<DatabaseScreen />} />
          <Route path="audit" element={<AuditScreen />} />
          <Route path="*" element={<NotFoundScreen />} />
        </Routes>
      </Layout>
    </ProjectProvider>
  );
}
