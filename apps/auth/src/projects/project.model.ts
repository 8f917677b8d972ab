import type { Provider } from '@nestjs/common';
import { Connection, Schema, Types, type Model } from 'mongoose';

/** A project: members with roles, and (in the registry) the databases it owns. */
export interface ProjectDocument {
  /** An ObjectId in hex, as the registry's ids: the id tokens and other services carry. */
  _id: string;
  name: string;
  /** Lower-cased name: names are unique regardless of case. */
  name_key: string;
  description: string;
  created_at: Date;
  /** The user who created it. */
  created_by: string;
  updated_at: Date;
}

const ProjectSchema = new Schema<ProjectDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    name_key: { type: String, required: true },
    description: { type: String, default: '' },
    created_at: { type: Date, required: true },
    created_by: { type: String, required: true },
    updated_at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'projects' },
);
ProjectSchema.index({ name_key: 1 }, { unique: true, name: 'name_unique' });

export type ProjectModel = Model<ProjectDocument>;
export const PROJECT_MODEL = 'Project';

export function projectModel(connection: Connection): ProjectModel {
  return connection.model<ProjectDocument>(PROJECT_MODEL, ProjectSchema);
}

/** A new project id: an ObjectId's hex. */
export function newProjectId(): string {
  return new Types.ObjectId().toHexString();
}

/** The model on the service's connection, for its repository. */
export const projectModelProvider: Provider = { provide: PROJECT_MODEL, inject: [Connection], useFactory: projectModel };
