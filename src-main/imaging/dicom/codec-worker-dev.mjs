// Development only (running from sources with tsx): registers tsx in the worker, then loads the
// TypeScript worker. The compiled app uses codec-worker.js directly.
import { register } from 'tsx/esm/api';

register();
await import('./codec-worker.ts');
