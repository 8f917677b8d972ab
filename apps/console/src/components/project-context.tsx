import { createContext, useContext, useState, type ReactNode } from 'react';
import { apiJson } from '../api/client';
import type { Page, ProjectView } from '../api/types';
import { useLoaded } from '../hooks';

const KEY = 'index-registry.project';

interface ProjectChoice {
  projects: ProjectView[];
  /** The chosen project's id; '' for every project the user sees. */
  projectId: string;
  choose(projectId: string): void;
}

const ProjectContext = createContext<ProjectChoice>({ projects: [], projectId: '', choose: () => undefined });

/** The user's projects and the one chosen in the switcher (kept for the tab's session). */
export function ProjectProvider({ children }: { children: ReactNode }) {
  const [projectId, setProjectId] = useState(() => sessionStorage.getItem(KEY) ?? '');
  const { data } = useLoaded(() => apiJson<Page<ProjectView>>('/projects?limit=100'), []);
  const choose = (id: string) => {
    sessionStorage.setItem(KEY, id);
    setProjectId(id);
  };
  return <ProjectContext.Provider value={{ projects: data?.items ?? [], projectId, choose }}>{children}</ProjectContext.Provider>;
}

export const useProject = (): ProjectChoice => useContext(ProjectContext);
