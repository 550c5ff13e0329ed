// The four layers of DESIGN.md §2 as import aliases (@shared, @domain, @client, @server), for Vite and
// Vitest; TypeScript and tsx read the same map from tsconfig.base.json. Imports inside a layer stay relative.
import { fileURLToPath } from 'node:url';

const layer = (name: string): string => fileURLToPath(new URL(`./src/${name}`, import.meta.url));

export const LAYER_ALIASES = {
  '@shared': layer('shared'),
  '@domain': layer('domain'),
  '@client': layer('client'),
  '@server': layer('server'),
};
