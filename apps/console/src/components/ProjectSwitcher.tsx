import { useProject } from './project-context';

export function ProjectSwitcher() {
  const { projects, projectId, choose } = useProject();
  return (
    <div className="field inline">
      <label htmlFor="project-switcher">Project</label>
      <select id="project-switcher" value={projectId} onChange={(event) => choose(event.target.value)}>
        <option value="">All my projects</option>
        {projects.map((project) => (
          <option key={project.id} value={project.id}>
            {project.name}
            {project.role ? ` (${project.role})` : ''}
          </option>
        ))}
      </select>
    </div>
  );
}
