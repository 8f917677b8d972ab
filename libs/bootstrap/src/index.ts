export * from './backend-app.module';
export * from './process-setup';
export * from './readiness.service';
export * from './run-backend-service';
