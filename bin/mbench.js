#!/usr/bin/env node
// Launcher: registers the TypeScript loader (tsx) and hands over to the real entry, bin/mbench.ts.
import { register } from 'tsx/esm/api';

register();
await import('./mbench.ts');
