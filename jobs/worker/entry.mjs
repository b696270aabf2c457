// Worker-thread entry of a pipeline run: TypeScript through tsx (as bin/ar-intel.mjs does), then the run.
import { register } from 'tsx/esm/api';

register();
await import('./run.ts');
