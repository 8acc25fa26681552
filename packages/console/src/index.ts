import { join } from 'node:path';

/** The built console (index.html and its hashed assets): the folder the gateway serves at `/console/`. */
export function consoleAssetsDir(): string {
  return join(__dirname, 'app');
}
